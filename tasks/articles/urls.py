"""An article's identity: its canonical URL (scheme and host lower-cased, default port,
fragment and tracking parameters dropped), so that one page linked twice is stored once."""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit, urlunsplit

# Own code rather than courlan: courlan 1.4's tracker regex is unanchored, so it also drops
# legitimate parameters such as `gallery`, `after`, `refresh` or `page_source`, while keeping
# `ocid` and `cmpid`; and its strict mode drops every parameter it does not know (e.g. `id`).
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "referrer", "cmpid", "cmp", "ocid",
    "icid", "xtor", "_ga", "_gl", "smid", "smtyp", "mkt_tok", "s_cid", "s_kwcid", "spm",
    "ns_campaign", "ns_mchannel", "ns_source", "ns_linkname", "ns_fee", "__twitter_impression",
})
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "matomo_", "itm_", "hsa_", "oly_", "vero_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(part: str) -> bool:
    name = unquote_plus(part.split("=", 1)[0]).strip().lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """One spelling per article URL, used as the article's identity.

    Lower-cases scheme and host, drops userinfo, default ports, the fragment and tracking
    parameters, and sorts the remaining query parameters (kept exactly as written
    otherwise). Anything that does not parse as an absolute URL is returned stripped.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not scheme or not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query_parts = [p for p in parts.query.split("&") if p and not _is_tracking(p)]
    query = "&".join(sorted(query_parts, key=lambda p: (unquote_plus(p.split("=", 1)[0]), p)))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))
