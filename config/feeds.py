"""Reading a feeds file (``[[feeds]]`` tables with ``outlet`` and ``url``)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from factcheck.tasks.models import FeedSource


class FeedsFileError(ValueError):
    """A feeds file that cannot be used; the message names the file and the problem."""


def parse_feeds(text: str, *, origin: str = "feeds file") -> list[FeedSource]:
    """Validate the TOML text of a feeds file; duplicates by URL are dropped, order kept."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FeedsFileError(f"{origin}: not valid TOML ({exc})") from None
    tables = data.get("feeds")
    if not isinstance(tables, list) or not tables:
        raise FeedsFileError(f"{origin}: no [[feeds]] tables found")
    sources: list[FeedSource] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise FeedsFileError(f"{origin}: feed #{number} is not a table")
        outlet, url = table.get("outlet"), table.get("url")
        if not isinstance(outlet, str) or not outlet.strip():
            raise FeedsFileError(f"{origin}: feed #{number} has no 'outlet'")
        if not isinstance(url, str) or not url.strip():
            raise FeedsFileError(f"{origin}: feed #{number} ({outlet}) has no 'url'")
        if not _valid_feed_url(url.strip()):
            raise FeedsFileError(f"{origin}: feed #{number} ({outlet}) has an invalid url {url!r}")
        if url in seen:
            continue
        seen.add(url)
        sources.append(FeedSource(outlet=outlet.strip(), url=url.strip()))
    return sources


def _valid_feed_url(url: str) -> bool:
    """An http(s) URL with a host and a usable port; urlsplit raises, rather than answers, for
    some broken ones ('http://[::1', 'http://host:port')."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0 and "\x00" not in url


def load_feeds(path: Path) -> list[FeedSource]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FeedsFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise FeedsFileError(f"{path}: is not UTF-8 text") from None
    return parse_feeds(text, origin=str(path))
