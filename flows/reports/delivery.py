"""Sending a digest (flows/reports/digest.py): a JSON POST to a chat webhook and an e-mail over SMTP.

Each channel is tried `FACTCHECK_DIGEST_RETRIES` more times after a failure that may pass (a
refused or dropped connection, a timeout, HTTP 408/429/5xx, an SMTP 4xx reply), waiting
`FACTCHECK_DIGEST_RETRY_BACKOFF_S`, then twice that, and so on; a failure that will not pass (HTTP
400/403/404, a refused password, a certificate that does not verify) is not retried. Nothing
here raises for a failed delivery: each channel gives a `DeliveryResult`, and `send_run_digest`
records the failures as run issues (stage `digest`) so that a run never fails for its digest.

The webhook URL (Slack and Teams put a token in its path) and the SMTP password are secrets:
messages, logs and run issues name a channel by `scheme://host:port` only, and error texts go
through `mask_secrets`.
"""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from factcheck.flows.reports.digest import Digest, render_html, render_text, render_webhook, subject
from factcheck.tasks.text_safety import one_line

if TYPE_CHECKING:
    from factcheck.config.settings import Settings

logger = logging.getLogger("factcheck.digest")

Sleep = Callable[[float], None]
MAX_ERROR_CHARS = 500


class DeliveryConfigError(ValueError):
    """A channel setting that cannot be used; the message names the setting, never its value."""


class _Permanent(Exception):
    """A failure that a retry would only repeat."""


@dataclass(frozen=True)
class DeliveryResult:
    channel: Literal["webhook", "email"]
    target: str  # scheme://host[:port], never a path, user or password
    ok: bool
    attempts: int
    error: str | None = None

    def describe(self) -> str:
        if self.ok:
            return f"{self.channel} {self.target}: sent" + (f" (attempt {self.attempts})" if self.attempts > 1 else "")
        tries = f" after {self.attempts} attempt{'s' if self.attempts != 1 else ''}" if self.attempts else ""
        return f"{self.channel} {self.target}: failed{tries}: {self.error}"


# --- shared --------------------------------------------------------------------------------------


def _public(scheme: str, host: str | None, port: int | None) -> str:
    host = host or "?"
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def webhook_target(url: str) -> str:
    """The webhook as it may be shown: scheme, host and port (the path holds the token)."""
    try:
        parts = urlsplit(url)
        return _public(parts.scheme or "?", parts.hostname, parts.port)
    except ValueError:
        return "(unparseable URL)"


def _error_text(exc: BaseException, *secrets: str | None) -> str:
    from factcheck.db.engine import mask_secrets

    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        text = f"SMTP {exc.smtp_code} {reply}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "recipients refused: " + ", ".join(f"{addr} ({code})" for addr, (code, _) in exc.recipients.items())
    elif isinstance(exc, (_Permanent, _HttpStatus)):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = mask_secrets(one_line(text))
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _with_retries(
    channel: Literal["webhook", "email"],
    target: str,
    attempt: Callable[[], None],
    retryable: Callable[[BaseException], bool],
    *,
    retries: int,
    backoff_s: float,
    sleep: Sleep,
    secrets: tuple[str | None, ...] = (),
) -> DeliveryResult:
    def log_retry(state: RetryCallState) -> None:
        logger.info("digest %s %s: attempt %d failed (%s); retrying", channel, target, state.attempt_number,
                    _error_text(state.outcome.exception(), *secrets))

    retrying = Retrying(
        retry=retry_if_exception(lambda exc: isinstance(exc, Exception) and retryable(exc)),
        stop=stop_after_attempt(retries + 1),
        wait=wait_exponential(multiplier=backoff_s),
        before_sleep=log_retry,
        sleep=sleep,
        reraise=True,
    )
    try:
        retrying(attempt)
    except Exception as exc:
        return DeliveryResult(channel, target, False, retrying.statistics["attempt_number"], _error_text(exc, *secrets))
    return DeliveryResult(channel, target, True, retrying.statistics["attempt_number"])


# --- webhook -------------------------------------------------------------------------------------


class _HttpStatus(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}" + (f": {body}" if body else ""))
        self.status = status


def _webhook_retryable(exc: BaseException) -> bool:
    if isinstance(exc, _HttpStatus):
        return exc.status in (408, 425, 429) or exc.status >= 500
    return isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.UnsupportedProtocol)


def send_webhook(
    url: str,
    payload: dict[str, Any],
    *,
    timeout_s: float = 10.0,
    retries: int = 3,
    backoff_s: float = 2.0,
    sleep: Sleep = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> DeliveryResult:
    """POST `payload` as JSON; any 2xx is success (Slack answers `ok`, Teams `1`). Redirects are
    not followed: a webhook that moved is a configuration to fix."""
    target = webhook_target(url)
    with httpx.Client(timeout=timeout_s, transport=transport, follow_redirects=False) as client:

        def attempt() -> None:
            response = client.post(url, json=payload, headers={"User-Agent": "factcheck-digest"})
            if not 200 <= response.status_code < 300:
                raise _HttpStatus(response.status_code, one_line(response.text[:200]))

        return _with_retries(
            "webhook", target, attempt, _webhook_retryable, retries=retries, backoff_s=backoff_s, sleep=sleep, secrets=(url,)
        )


# --- e-mail --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpTarget:
    """A parsed FACTCHECK_SMTP_URL. `starttls`: `auto` upgrades when the server offers it,
    `require` (?starttls=1) fails without it, `never` (?starttls=0) stays in plain text."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: Literal["auto", "require", "never"] = "auto"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None

    def describe(self) -> str:
        return _public("smtps" if self.implicit_tls else "smtp", self.host, self.port)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
SMTP_URL_FORM = "smtp://[user:password@]host[:port][?starttls=1] or smtps://[user:password@]host[:port]"


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://user:pass@host:587?starttls=1`, `smtps://host` (port 465), `smtp://host` (port 25).
    User and password are percent-decoded; `?cafile=PATH` trusts a private CA. Errors never quote
    the URL (it holds the password)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise DeliveryConfigError(f"FACTCHECK_SMTP_URL does not parse; expected {SMTP_URL_FORM}") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise DeliveryConfigError(f"FACTCHECK_SMTP_URL: expected {SMTP_URL_FORM}")
    if parts.path not in ("", "/") or parts.fragment:
        raise DeliveryConfigError("FACTCHECK_SMTP_URL: a path or fragment has no meaning there")
    implicit = parts.scheme == "smtps"
    starttls: Literal["auto", "require", "never"] = "auto"
    cafile = None
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "starttls" and value.lower() in _TRUE | _FALSE:
            starttls = "require" if value.lower() in _TRUE else "never"
        elif key == "cafile" and value:
            cafile = value
        else:
            raise DeliveryConfigError(
                f"FACTCHECK_SMTP_URL: unknown or bad query parameter {key!r} (known: starttls=1|0, cafile=PATH)"
            )
    if implicit and starttls == "require":
        raise DeliveryConfigError("FACTCHECK_SMTP_URL: smtps:// is TLS from the start; starttls=1 is for smtp://")
    return SmtpTarget(
        host=parts.hostname, port=port or (465 if implicit else 25), implicit_tls=implicit, starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None, cafile=cafile,
    )  # fmt: skip


def _addresses(values: list[str], setting: str) -> list[str]:
    found = []
    for name, addr in getaddresses(values):
        if "@" not in addr or any(c.isspace() or ord(c) < 0x20 for c in addr):
            raise DeliveryConfigError(f"{setting}: {addr or name!r} is not an e-mail address")
        found.append(addr if not name else f"{name} <{addr}>")
    return found


def build_email(digest: Digest, sender: str, recipients: list[str]) -> EmailMessage:
    """multipart/alternative: the plain text first, then the HTML (mail clients show the last part
    they can). Only the subject, counts and addresses go into headers, nothing from a feed."""
    message = EmailMessage()
    message["Subject"] = subject(digest)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "factcheck.invalid"
    message["Message-ID"] = make_msgid("factcheck-digest", domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(render_text(digest), charset="utf-8")
    message.add_alternative(render_html(digest), subtype="html", charset="utf-8")
    return message


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _smtp_retryable(exc: BaseException) -> bool:
    if isinstance(exc, (_Permanent, smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, ssl.SSLError)):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, OSError)  # refused, reset or dropped connections, timeouts, DNS


def _send_once(target: SmtpTarget, message: EmailMessage, timeout_s: float) -> None:
    context = ssl.create_default_context(cafile=target.cafile)
    client: smtplib.SMTP
    if target.implicit_tls:
        client = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout_s, context=context)
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=timeout_s)
    with client:
        client.ehlo()
        encrypted = target.implicit_tls
        if not encrypted and target.starttls != "never":
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
                encrypted = True
            elif target.starttls == "require":
                raise _Permanent("the server does not offer STARTTLS, which ?starttls=1 requires")
        if target.username is not None:
            if not encrypted and not _loopback(target.host):
                raise _Permanent(
                    "refusing to send the SMTP password unencrypted: the server offers no STARTTLS "
                    "(use smtps://, or a server that offers STARTTLS)"
                )
            client.login(target.username, target.password or "")
        refused = client.send_message(message)
    if refused:  # some recipients took it: sending again would give them a second copy
        raise _Permanent("recipients refused: " + ", ".join(f"{a} ({c})" for a, (c, _) in refused.items()))


def send_email(
    target: SmtpTarget,
    message: EmailMessage,
    *,
    timeout_s: float = 10.0,
    retries: int = 3,
    backoff_s: float = 2.0,
    sleep: Sleep = time.sleep,
) -> DeliveryResult:
    return _with_retries(
        "email", target.describe(), lambda: _send_once(target, message, timeout_s), _smtp_retryable,
        retries=retries, backoff_s=backoff_s, sleep=sleep, secrets=(target.password,),
    )  # fmt: skip


# --- the configured channels ---------------------------------------------------------------------


def _secret(value: Any) -> str | None:
    text = value.get_secret_value().strip() if value is not None else ""
    return text or None


def channels(settings: Settings) -> list[str]:
    """The configured channels: `webhook` (FACTCHECK_DIGEST_WEBHOOK_URL), `email` (FACTCHECK_SMTP_URL)."""
    return [name for name, value in (("webhook", settings.digest_webhook_url), ("email", settings.smtp_url)) if _secret(value)]


def deliver(digest: Digest, settings: Settings, *, sleep: Sleep = time.sleep) -> list[DeliveryResult]:
    """Send `digest` through every configured channel; an empty digest is not sent ([])."""
    if digest.empty:
        return []
    results = []
    retry = {"retries": settings.digest_retries, "backoff_s": settings.digest_retry_backoff_s, "sleep": sleep}
    webhook_url = _secret(settings.digest_webhook_url)
    if webhook_url:
        payload = render_webhook(digest, blocks=settings.digest_webhook_blocks)
        results.append(send_webhook(webhook_url, payload, timeout_s=settings.digest_timeout_s, **retry))
    smtp_url = _secret(settings.smtp_url)
    if smtp_url:
        results.append(_email(digest, smtp_url, settings, retry))
    return results


def _email(digest: Digest, smtp_url: str, settings: Settings, retry: dict[str, Any]) -> DeliveryResult:
    try:
        target = parse_smtp_url(smtp_url)
    except DeliveryConfigError as exc:
        return DeliveryResult("email", "smtp://?", False, 0, str(exc))
    try:
        if not settings.digest_from:
            raise DeliveryConfigError("FACTCHECK_DIGEST_FROM is not set: the digest e-mail needs a sender")
        if not settings.digest_to:
            raise DeliveryConfigError("FACTCHECK_DIGEST_TO is not set: the digest e-mail needs recipients")
        (sender,) = _addresses([settings.digest_from], "FACTCHECK_DIGEST_FROM")
        message = build_email(digest, sender, _addresses(settings.digest_to, "FACTCHECK_DIGEST_TO"))
    except (DeliveryConfigError, ValueError) as exc:
        return DeliveryResult("email", target.describe(), False, 0, _error_text(exc, target.password))
    return send_email(target, message, timeout_s=settings.digest_timeout_s, **retry)


# --- after a run ---------------------------------------------------------------------------------


def send_run_digest(
    url: str, run_id: int, *, settings: Settings | None = None, log: Any = None, sleep: Sleep = time.sleep
) -> list[DeliveryResult]:
    """Send the digest of run `run_id`'s new pairs through the configured channels, and record
    every failure as a run issue (stage `digest`). Never raises (but for KeyboardInterrupt and the
    like): the run's outcome must not depend on a chat server or a mail relay."""
    from factcheck.config.settings import current
    from factcheck.db import store
    from factcheck.db.engine import session_scope
    from factcheck.flows.reports.digest import digest_for_run

    log = log or logger
    results: list[DeliveryResult] = []
    try:
        settings = settings or current()
        if not channels(settings):
            return []
        with session_scope(url) as session:
            digest = digest_for_run(session, run_id, settings)
        if digest is None or digest.empty:
            log.info("digest: no new pairs at or above %.2f in run %d; nothing sent", settings.alert_threshold, run_id)
            return []
        results = deliver(digest, settings, sleep=sleep)
        failures = [
            {"subject": f"{r.channel} {r.target}", "status": f"{r.channel} not delivered", "message": r.describe()}
            for r in results if not r.ok
        ]  # fmt: skip
        for result in results:
            (log.info if result.ok else log.warning)("digest of run %d (%d pairs): %s", run_id, digest.total, result.describe())
    except Exception as exc:  # a bug or a database gone: recorded like a failed delivery
        failures = [{"subject": "digest", "status": f"failed: {type(exc).__name__}", "message": _error_text(exc)}]
        log.warning("digest of run %d failed: %s", run_id, failures[0]["message"])
    if failures:
        try:
            with session_scope(url) as session:
                for failure in failures:
                    store.record_issue(session, run_id, stage="digest", **failure)
        except Exception as exc:
            log.warning("digest of run %d: the failure could not be recorded: %s", run_id, _error_text(exc))
    return results
