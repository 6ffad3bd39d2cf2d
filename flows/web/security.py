"""The review app's defences: the secret key, CSRF tokens, safe links, security headers.

* Secret key: `FACTCHECK_WEB_SECRET`; when unset, a random one is generated on first start and kept
  in the database (table `app_secrets`), so restarts and several app processes share it.
* Sessions (db/reviews.py): a random token in an HttpOnly, SameSite=Lax cookie (Secure over HTTPS);
  the database stores only HMAC(secret, token).
* CSRF: every form carries a token derived from the session token, HMAC(secret, "csrf:" + token);
  before sign-in, from a random pre-session cookie. Every POST without the right token gets 403,
  and so does a POST whose Origin header names another site.
* Links: only absolute http(s) URLs become hrefs; anything else (javascript:, data:, relative,
  URLs with whitespace or control characters) is shown as text.
* Host header: only the names in `FACTCHECK_ALLOWED_HOSTS` are served (400 otherwise), so a
  DNS-rebinding page cannot talk to a review app on loopback as if it were its own site.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

SESSION_COOKIE = "factcheck_session"
PRE_SESSION_COOKIE = "factcheck_pre"
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def host_pattern(host: str) -> str:
    """A configured name as TrustedHostMiddleware compares it: lower case, without a port, an IPv6
    literal in brackets (that is how it appears in a Host header)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    if host.count(":") == 1:  # name:port
        return host.partition(":")[0]
    return f"[{host}]" if ":" in host else host


def csrf_token(secret: bytes, session_token: str) -> str:
    return hmac.new(secret, b"csrf:" + session_token.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, session_token: str | None, submitted: str | None) -> bool:
    if not session_token or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret, session_token), submitted)


def safe_href(url: str | None) -> str | None:
    """The URL if it may be a live link (absolute http or https), else None."""
    if not url or len(url) > 4096:
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url
