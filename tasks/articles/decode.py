"""Page bytes to text, decoded here rather than by trafilatura.

trafilatura 2.3 ignores the declared charset (HTTP header, `<meta charset>`) and guesses with
charset_normalizer whenever the bytes are not valid UTF-8, so a UTF-8 page with one stray byte
comes out as mojibake throughout. Here the BOM, the header and the meta tag decide, in that
order."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# WHATWG: these labels mean windows-1252 in browsers, and pages rely on it.
_LATIN1_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    if name in _LATIN1_LABELS:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"  # a declared UTF-16 without BOM is a lie (WHATWG does the same)
    return name


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = re.search(r"charset\s*=\s*[\"']?([^;\"'\s]+)", content_type, re.I)
    return message.group(1) if message else None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes the way a browser would, roughly.

    Order: byte-order mark, HTTP charset, `<meta charset>` in the first 4 KiB, then a guess
    (UTF-8 if valid, else charset_normalizer, else windows-1252). A single-byte Latin label
    on a body that is valid non-ASCII UTF-8 is treated as UTF-8: that mislabel is common,
    the reverse virtually never decodes as valid UTF-8. Invalid bytes become U+FFFD.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    meta = _META_CHARSET.search(body[:4096])
    declared = _codec(_charset_param(content_type)) or _codec(meta.group(1) if meta else None)
    if declared == "cp1252" and not body.isascii() and _is_utf8(body):
        declared = "utf-8"
    if declared is None:
        if _is_utf8(body):
            declared = "utf-8"
        else:
            from charset_normalizer import from_bytes  # only for undeclared non-UTF-8 pages

            best = from_bytes(body[:65536]).best()
            declared = _codec(best.encoding) if best is not None else None
            declared = declared or "cp1252"
    return body.decode(declared, errors="replace")
