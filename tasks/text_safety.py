"""Making text from feeds and pages safe to store and to show.

Feed titles, links and server messages are written by strangers. Before they reach an operator
they must lose what a terminal or a markdown renderer would act on: control characters and
escape sequences (which retitle, clear or rewrite a terminal, and which PostgreSQL refuses when
they are NUL), markdown syntax (which loads tracking images or links to `javascript:` in the run
summary artifact) and Rich markup. Pure functions, so every caller gets the same rules.
"""

from __future__ import annotations

import functools
import re

from rich.markup import escape as _rich_escape

__all__ = ["console_markup", "console_text", "defang_links", "markdown_text", "mrkdwn_text", "one_line", "strip_controls"]

# Terminal escape sequences, whole, so that their parameters do not leak out as text. An OSC or
# DCS string left open runs to the end: it was never text.
_ESCAPE_SEQUENCES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?                      # CSI: colours, cursor moves, clear screen
    | \x9b[0-?]*[ -/]*[@-~]?                        # CSI, 8-bit form
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC: window title, hyperlinks, clipboard
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?        # DCS, SOS, PM, APC strings
    | \x1b[ -/]*[0-~]?                              # any other escape (charset switches, resets)
    """,
    re.VERBOSE,
)
# C0 controls, DEL and C1 controls.
_CONTROLS = "".join(chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)))
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")  # what str.splitlines() breaks on, mostly
# Bidirectional overrides make a terminal or a browser show text in another order than it is
# stored ("Trojan Source"); they are dropped from what is shown, not from what is stored.
_BIDI = {ord(c): None for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}
# ASCII punctuation that CommonMark/GFM gives a meaning somewhere; a backslash before ASCII
# punctuation always renders the character itself. ':' and '.' too: escaped, a URL in the text is
# not turned into a link by renderers that autolink.
_MARKDOWN_SPECIAL = re.compile(r"""([\\`*_{}\[\]()#+\-.!|<>~&$=^"':])""")


def strip_controls(text: str, *, keep: str = "\n\t") -> str:
    """`text` without escape sequences and control characters, except those in `keep`.

    Line breaks (CR LF, CR, VT, FF, NEL, U+2028/9) become "\\n" first, so that keeping "\\n"
    keeps the lines and words on either side of one do not run together."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _ESCAPE_SEQUENCES.sub("", text)
    return text.translate(_dropped(keep))


@functools.cache
def _dropped(keep: str) -> dict[int, None]:
    return {ord(c): None for c in _CONTROLS if c not in keep}


def one_line(text: str) -> str:
    """`text` to show on one line: controls and bidi overrides gone, each run of whitespace
    (line breaks too) one space."""
    return " ".join(strip_controls(text).translate(_BIDI).split()) if text else ""


def markdown_text(text: object) -> str:
    """`text` as markdown that renders literally, on one line (fit for a table cell): no image,
    link, HTML, heading or table of the text's own can come out of it."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(str(text)))


def console_text(text: object) -> str:
    """`text` for a Rich `Text` (which applies no markup): controls and escapes gone."""
    return strip_controls(str(text), keep="\n").translate(_BIDI)


def console_markup(text: object) -> str:
    """`text` for a string Rich reads as markup: controls gone and `[...]` escaped."""
    return _rich_escape(console_text(text))


# Slack mrkdwn has no backslash escapes. Its own rule is &, < and > as entities (which also keeps
# `<url|text>` links, `<!channel>` and `<@user>` mentions out); the characters that would start
# bold, italics, strikethrough or code, and the brackets of a markdown link or image (Teams and
# Mattermost read the same `text` as markdown), become look-alikes that nothing formats.
_MRKDWN = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;",
    "*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u02cb", "[": "\uff3b", "]": "\uff3d",
})  # fmt: skip
# A URL with a scheme, or starting with www.: chat and mail clients turn these into links.
_LINK_LIKE = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*:/{2,}|www\.)[^\s]*")


def defang_links(text: str) -> str:
    """`text` with every URL-like run (scheme://..., www....) defanged the way security reports do
    it, `http[:]//evil[.]example`, so that no client turns text from a feed into a live link."""
    return _LINK_LIKE.sub(lambda m: m.group(0).replace(":", "[:]").replace(".", "[.]"), text)


def mrkdwn_text(text: object) -> str:
    """`text` for Slack mrkdwn (and the markdown of other chat webhooks), on one line: it renders
    literally, with no formatting, link, mention or HTML of its own."""
    return one_line(str(text)).translate(_MRKDWN)
