"""Database URLs in messages: passwords and secret query values masked.

Its own module because both the engine and the outage handling quote URLs in their messages, and
neither should import the other for it.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url

# A query key holding one of these words is a secret (?password=, ?sslpassword=, ?api_key=, ?token=
# ...): masking a harmless key such as ?sslkey= (a file name) costs nothing, showing a secret does.
SECRET_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "credential")
MASK = "***"
_USERINFO = re.compile(r"(?P<head>\b[a-zA-Z][\w+.-]*://[^:/@\s]*):(?P<secret>[^@\s]*)@")
_KEY_VALUE = re.compile(
    r"(?<![\w.%-])(?P<key>[\w.-]*(?:" + "|".join(SECRET_WORDS) + r")[\w.-]*)(?P<eq>\s*=\s*)"
    r"(?P<secret>'[^']*'|\"[^\"]*\"|[^\s&;#,'\"]*)",
    re.IGNORECASE,
)


def mask_secrets(text: str) -> str:
    """`text` with URL passwords (scheme://user:***@) and secret `key=value` pairs (URL queries,
    libpq DSNs) masked: for messages, logs and notices that may quote a database URL."""
    text = _USERINFO.sub(lambda m: f"{m['head']}:{MASK}@", text)
    return _KEY_VALUE.sub(lambda m: f"{m['key']}{m['eq']}{MASK}", text)


def safe_url(url: str) -> str:
    """The URL with its password and every secret query value masked; never raises (an URL that
    does not parse is masked as text)."""
    try:
        rendered = make_url(url).render_as_string(hide_password=True)
    except Exception:  # an invalid URL is shown masked, never echoed
        rendered = url
    return mask_secrets(rendered)


def url_has_password(url: str) -> bool:
    """Whether a URL carries a secret (a userinfo password or a secret query value)."""
    return mask_secrets(url) != url
