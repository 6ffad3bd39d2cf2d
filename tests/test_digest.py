"""The digest of new pairs after a run: building it, escaping feed text in every format, sending it
to a loopback webhook and a loopback SMTP server (aiosmtpd), retries, failures recorded as run
issues, the `factcheck digest` command, and a real nightly/manual run that sends one."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from factcheck.config.settings import Settings
from factcheck.db import store
from factcheck.db.engine import session_scope
from factcheck.db.models import Article, Claim, ClaimPair, Event, Run
from factcheck.flows.cli import app
from factcheck.flows.reports.delivery import (
    DeliveryConfigError,
    deliver,
    parse_smtp_url,
    send_run_digest,
)
from factcheck.flows.reports.digest import (
    Digest,
    DigestEvent,
    DigestPair,
    DigestSide,
    digest_for_run,
    digest_since,
    render_html,
    render_text,
    render_webhook,
)

REVIEW = "https://review.example.org"
SECRET_PATH = "/services/T000/B000/s3cr3t-t0ken"
SMTP_PASSWORD = "p@ss w0rd/secret"

# Feed text that would be live somewhere if it were not escaped: HTML, Slack mrkdwn and link
# syntax, markdown images and links, a Slack mention, terminal escape sequences (an OSC 8
# hyperlink, a screen clear, a window title) and a bidi override.
HOSTILE = (
    "The storm killed 14 <script>alert(1)</script> *bold* _it_ ~strike~ `code` <http://evil|click> "
    "![x](http://t/x.png) [link](https://evil.example/a) www.evil.example <!channel> & "
    "\x1b]8;;http://evil.example/osc\x1b\\here\x1b]8;;\x1b\\ \x1b[2J\x1b]0;pwned\x07 \u202eevil"
)


# --- loopback receivers ----------------------------------------------------------------------------


class WebhookReceiver:
    """A loopback HTTP server recording the JSON POSTed to it; answers `statuses` in turn, then 200."""

    def __init__(self, statuses: tuple[int, ...] = ()) -> None:
        self.bodies: list[dict] = []
        self.paths: list[str] = []
        self.statuses = list(statuses)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length") or 0)
                owner.bodies.append(json.loads(self.rfile.read(length) or b"null"))
                owner.paths.append(self.path)
                status = owner.statuses.pop(0) if owner.statuses else 200
                body = b"ok" if status == 200 else b"no_service"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{SECRET_PATH}"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Mailbox:
    """What the loopback SMTP server received."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd naming
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start aiosmtpd on 127.0.0.1: `start(**kwargs)` returns (mailbox, port)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    controllers = []

    def start(*, password: str | None = None, **kwargs) -> tuple[Mailbox, int]:
        box = Mailbox()

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.password.decode() == password
            if ok:
                box.logins.append((data.login.decode(), mechanism))
            return AuthResult(success=ok, handled=False)

        if password is not None:
            kwargs.setdefault("auth_require_tls", False)
            kwargs["authenticator"] = authenticator
        port = _free_port()
        controller = Controller(box, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return box, port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    x509 = pytest.importorskip("cryptography.x509")
    import ipaddress

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "factcheck test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _server_context(tls_files) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_files)
    return context


# --- test data -------------------------------------------------------------------------------------


def _settings(**values) -> Settings:
    values.setdefault("review_url", REVIEW)
    values.setdefault("digest_retries", 2)
    values.setdefault("digest_retry_backoff_s", 0.0)
    values.setdefault("digest_timeout_s", 5.0)
    return Settings(**values)


def _populate(url: str) -> dict[str, int]:
    from review_data import populate

    return populate(url)


def _make_hostile(url: str, pair_id: int) -> None:
    """Put hostile text wherever feed text reaches a digest: statement, speaker, outlet, event
    title and the main reason."""
    with session_scope(url) as session:
        pair = session.get(ClaimPair, pair_id)
        claim = session.get(Claim, pair.claim_a_id)
        claim.text, claim.speaker = HOSTILE, f"speaker {HOSTILE}"
        session.get(Article, claim.article_id).outlet = f"Outlet {HOSTILE}"[:200]
        session.get(Event, pair.event_id).title = f"Title {HOSTILE}"
        pair.reasons = [{**pair.reasons[0], "message": f"reason {HOSTILE}"}, *pair.reasons[1:]]


def _run(url: str, *, minutes_ago: int = 5, finished: bool = True) -> int:
    """A run row whose window covers the pairs stored just now."""
    with session_scope(url) as session:
        run_id = store.start_run(session, kind="nightly", flow_run_id=None)
        start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes_ago)
        session.execute(update(Run).where(Run.id == run_id).values(started_at=start))
        if finished:
            store.finish_run(session, run_id, status="completed", counts={})
    return run_id


def _issues(url: str, run_id: int) -> list[SimpleNamespace]:
    with session_scope(url) as session:
        return [
            SimpleNamespace(stage=i.stage, subject=i.subject, status=i.status, message=i.message)
            for i in store.run_issues(session, run_id)
        ]


def _digest_of(url: str, run_id: int, settings: Settings) -> Digest:
    with session_scope(url) as session:
        digest = digest_for_run(session, run_id, settings)
    assert digest is not None
    return digest


def _hostile_digest() -> Digest:
    side = DigestSide(HOSTILE, f"speaker {HOSTILE}", f"Outlet {HOSTILE}")
    pair = DigestPair(7, 0.93, "pending", side, DigestSide("The storm killed 31.", "police", "Coast Herald"),
                      f"numeric {HOSTILE}", f"reason {HOSTILE}", f"{REVIEW}/pairs/7")  # fmt: skip
    event = DigestEvent(3, f"Title {HOSTILE}", f"{REVIEW}/?status=all&event=3", (pair,))
    now = dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.timezone.utc)
    return Digest("run 1 (nightly)", now, now, 0.8, 1, (event,), f"{REVIEW}/?min_score=0.8", run_id=1)


# --- what is inert where -----------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.attrs += attrs
        self.hrefs += [v for k, v in attrs if k == "href"]


def assert_inert_html(html_text: str) -> None:
    parser = _Tags()
    parser.feed(html_text)
    assert parser.tags <= {"html", "head", "meta", "title", "body", "h1", "h2", "p", "div", "strong", "br", "span", "a"}
    assert {k for k, _ in parser.attrs} <= {"charset", "style", "href"}
    assert parser.hrefs and all(h.startswith(REVIEW + "/") for h in parser.hrefs)
    assert "<script" not in html_text and "&lt;script&gt;" in html_text
    _assert_no_live_text(html_text)


def assert_inert_text(text: str) -> None:
    _assert_no_live_text(text)
    assert "<script>alert(1)</script>" in text  # shown literally: plain text is never rendered


def assert_inert_mrkdwn(text: str) -> None:
    """Slack mrkdwn (and Teams/Mattermost markdown): no tag, link, mention or formatting of the feed's."""
    outside_links = re.sub(r"<https://review\.example\.org/[^|<>\s]*\|[^<>]*>", "", text)
    assert "<" not in outside_links and ">" not in outside_links
    for live in ("*bold*", "_it_", "~strike~", "`code`", "[link](", "![x]", "<!channel>", "<script"):
        assert live not in text
    _assert_no_live_text(text)


def _assert_no_live_text(text: str) -> None:
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert "pwned" not in text  # the window title went with its escape sequence
    assert not re.search(r"(?i)\b[a-z]+://(?!review\.example\.org/)", text), "a feed URL would be linked"
    assert "www.evil" not in text and "evil.example/osc" not in text


def test_hostile_feed_text_is_inert_in_html_text_and_webhook_json():
    digest = _hostile_digest()
    assert_inert_html(render_html(digest))
    assert_inert_text(render_text(digest))
    payload = render_webhook(digest)
    assert set(payload) == {"text", "blocks"}
    assert_inert_mrkdwn(payload["text"])
    for block in payload["blocks"]:
        texts = [block["text"]["text"]] if "text" in block else [e["text"] for e in block["elements"]]
        for text in texts:
            assert_inert_mrkdwn(text)
    shown = json.dumps(payload, ensure_ascii=False)
    assert "&lt;script&gt;" in shown and "∗bold∗" in shown  # the feed's text is there, inert
    assert "<https://review.example.org/pairs/7|Review pair 7>" in shown
    assert "blocks" not in render_webhook(digest, blocks=False)


# --- building from the database ----------------------------------------------------------------------


def test_digest_lists_new_pairs_above_the_threshold_grouped_by_event_with_links(use_database):
    pairs = _populate(use_database)
    run_id = _run(use_database)
    digest = _digest_of(use_database, run_id, _settings(alert_threshold=0.5))
    assert digest.total == 3 and digest.scope == "run %d (nightly)" % run_id
    assert [len(e.pairs) for e in digest.events] == [1, 1, 1]
    listed = [p for e in digest.events for p in e.pairs]
    assert [p.score for p in listed] == sorted((p.score for p in listed), reverse=True)
    flood = next(p for p in listed if p.id == pairs["flood"])
    assert flood.detector == "numeric" and "14" in flood.reason and "31" in flood.reason
    assert flood.link == f"{REVIEW}/pairs/{pairs['flood']}"
    assert {flood.a.outlet, flood.b.outlet} == {"Arlo Daily", "Coast Herald"}
    event = next(e for e in digest.events if e.pairs[0].id == pairs["flood"])
    assert event.title == "Flood toll" and event.link == f"{REVIEW}/?status=all&event={event.event_id}"

    # Only pairs at or above the threshold; the strongest `digest_max_pairs` are listed.
    lowest = min(p.score for p in listed)
    assert _digest_of(use_database, run_id, _settings(alert_threshold=lowest + 1e-6)).total == 2
    capped = _digest_of(use_database, run_id, _settings(alert_threshold=0.5, digest_max_pairs=1))
    assert capped.total == 3 and capped.shown == 1 and capped.more == 2
    assert "2 more pairs at or above the threshold: https://review.example.org/?min_score=0.5" in render_text(capped)

    # Without FACTCHECK_REVIEW_URL there are no links at all.
    bare = _digest_of(use_database, run_id, _settings(alert_threshold=0.5, review_url=None))
    assert all(p.link is None for e in bare.events for p in e.pairs) and "http" not in render_html(bare)

    # Pairs stored before the run started are not its pairs; --since counts days.
    later = _run(use_database, minutes_ago=0)
    assert _digest_of(use_database, later, _settings(alert_threshold=0.5)).empty
    with session_scope(use_database) as session:
        today = dt.datetime.now(dt.timezone.utc).date()
        assert digest_since(session, today - dt.timedelta(days=1), _settings(alert_threshold=0.5)).total == 3
        assert digest_since(session, today + dt.timedelta(days=1), _settings(alert_threshold=0.5)).empty


# --- delivery ----------------------------------------------------------------------------------------


def test_webhook_and_email_deliver_the_digest_with_auth(use_database, smtp_server):
    pairs = _populate(use_database)
    _make_hostile(use_database, pairs["xss"])
    run_id = _run(use_database)
    box, port = smtp_server(password=SMTP_PASSWORD)
    with WebhookReceiver() as hook:
        settings = _settings(
            alert_threshold=0.5,
            digest_webhook_url=hook.url,
            smtp_url=f"smtp://digest%40newsroom:{SMTP_PASSWORD.replace('@', '%40').replace(' ', '%20').replace('/', '%2F')}@127.0.0.1:{port}",
            digest_from="factcheck <factcheck@newsroom.example>",
            digest_to=["desk@newsroom.example", "editor@newsroom.example"],
        )
        results = send_run_digest(use_database, run_id, settings=settings)
    assert [(r.channel, r.ok, r.attempts) for r in results] == [("webhook", True, 1), ("email", True, 1)]
    assert results[1].target == f"smtp://127.0.0.1:{port}" and SMTP_PASSWORD not in repr(results)
    assert not _issues(use_database, run_id)

    # The webhook: one POST with text and blocks.
    (payload,) = hook.bodies
    assert hook.paths == [SECRET_PATH]
    assert "3 new contradiction pairs in 3 events" in payload["text"]
    assert f"{REVIEW}/pairs/{pairs['flood']}" in payload["text"]
    assert_inert_mrkdwn(payload["text"])

    # The e-mail: AUTH with the decoded user and password, multipart/alternative, text then HTML.
    assert box.logins and box.logins[0][0] == "digest@newsroom"
    (message,) = box.messages
    assert box.envelopes == [("factcheck@newsroom.example", ["desk@newsroom.example", "editor@newsroom.example"])]
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == f"factcheck: 3 new contradictions (run {run_id})"
    assert message["Auto-Submitted"] == "auto-generated"
    text_part, html_part = message.get_payload()
    assert text_part.get_content_type() == "text/plain" and html_part.get_content_type() == "text/html"
    text, page = text_part.get_content().replace("\r\n", "\n"), html_part.get_content().replace("\r\n", "\n")
    assert f"Review pair {pairs['denial']}: {REVIEW}/pairs/{pairs['denial']}" in text
    assert "There were no talks on a fisheries accord" in text and "Valley Times" in text
    assert_inert_text(text)
    assert_inert_html(page)


def test_email_over_starttls_and_smtps_with_a_private_ca(use_database, smtp_server, tls_files):
    _populate(use_database)
    run_id = _run(use_database)
    digest = _digest_of(use_database, run_id, _settings(alert_threshold=0.5))
    common = {"digest_from": "factcheck@newsroom.example", "digest_to": "desk@newsroom.example", "alert_threshold": 0.5}

    # STARTTLS, required by the server before AUTH and by the URL (?starttls=1).
    box, port = smtp_server(password="pw", tls_context=_server_context(tls_files), require_starttls=True,
                            auth_require_tls=True)  # fmt: skip
    url = f"smtp://ann:pw@localhost:{port}?starttls=1&cafile={tls_files[0]}"
    (result,) = deliver(digest, _settings(smtp_url=url, **common))
    assert result.ok, result.error
    assert len(box.messages) == 1 and box.logins[0][0] == "ann"

    # Without the private CA the certificate does not verify: a permanent failure, not retried.
    (result,) = deliver(digest, _settings(smtp_url=f"smtp://ann:pw@localhost:{port}", **common))
    assert not result.ok and result.attempts == 1 and "certificate" in result.error.lower()
    assert "pw@" not in result.error

    # Implicit TLS (smtps://).
    box, port = smtp_server(ssl_context=_server_context(tls_files))
    (result,) = deliver(digest, _settings(smtp_url=f"smtps://127.0.0.1:{port}?cafile={tls_files[0]}", **common))
    assert result.ok, result.error
    assert len(box.messages) == 1

    # ?starttls=1 against a server without it fails at once.
    box, port = smtp_server()
    (result,) = deliver(digest, _settings(smtp_url=f"smtp://127.0.0.1:{port}?starttls=1", **common))
    assert not result.ok and result.attempts == 1 and "STARTTLS" in result.error and not box.messages


def test_a_wrong_smtp_password_is_recorded_without_the_password(use_database, smtp_server):
    _populate(use_database)
    run_id = _run(use_database)
    box, port = smtp_server(password="right")
    settings = _settings(alert_threshold=0.5, smtp_url=f"smtp://ann:Wr0ngPassw0rd@127.0.0.1:{port}",
                         digest_from="factcheck@newsroom.example", digest_to="desk@newsroom.example")  # fmt: skip
    (result,) = send_run_digest(use_database, run_id, settings=settings)
    assert not result.ok and result.attempts == 1  # 535 is not worth a retry
    (issue,) = _issues(use_database, run_id)
    assert issue.stage == "digest" and issue.subject == f"email smtp://127.0.0.1:{port}"
    assert "535" in issue.message and "Wr0ngPassw0rd" not in f"{issue.subject} {issue.status} {issue.message}"
    assert not box.messages


def test_nothing_is_sent_when_nothing_is_new(use_database, smtp_server):
    _populate(use_database)
    box, port = smtp_server()
    with WebhookReceiver() as hook:
        settings = _settings(
            alert_threshold=0.5, digest_webhook_url=hook.url, smtp_url=f"smtp://127.0.0.1:{port}",
            digest_from="factcheck@newsroom.example", digest_to="desk@newsroom.example",
        )  # fmt: skip
        later = _run(use_database, minutes_ago=0)  # started after the pairs were stored
        assert send_run_digest(use_database, later, settings=settings) == []
        earlier = _run(use_database)  # has pairs, but none at or above 0.999
        strict = settings.model_copy(update={"alert_threshold": 0.999})
        assert send_run_digest(use_database, earlier, settings=strict) == []
        time.sleep(0.2)
    assert hook.bodies == [] and box.messages == []
    assert _issues(use_database, later) == [] and _issues(use_database, earlier) == []


def test_a_failing_receiver_is_retried_then_recorded_as_a_run_issue(use_database):
    _populate(use_database)
    run_id = _run(use_database)
    # Two failures that may pass, then success: sent on the third attempt, nothing recorded.
    with WebhookReceiver(statuses=(503, 429)) as hook:
        (result,) = send_run_digest(use_database, run_id, settings=_settings(alert_threshold=0.5, digest_webhook_url=hook.url))
    assert result.ok and result.attempts == 3 and len(hook.bodies) == 3
    assert _issues(use_database, run_id) == []

    # Always 500: 1 + digest_retries attempts, waiting 1x, 2x the backoff; then a run issue.
    waits: list[float] = []
    with WebhookReceiver(statuses=(500,) * 10) as hook:
        settings = _settings(alert_threshold=0.5, digest_webhook_url=hook.url, digest_retry_backoff_s=0.5)
        (result,) = send_run_digest(use_database, run_id, settings=settings, sleep=waits.append)
    assert not result.ok and result.attempts == 3 and len(hook.bodies) == 3 and waits == [0.5, 1.0]
    (issue,) = _issues(use_database, run_id)
    assert (issue.stage, issue.status) == ("digest", "webhook not delivered")
    assert issue.subject.startswith("webhook http://127.0.0.1:") and "HTTP 500" in issue.message
    assert "s3cr3t" not in f"{issue.subject} {issue.message}"

    # A 404 (a deleted webhook) is not retried; a refused connection is.
    with WebhookReceiver(statuses=(404,)) as hook:
        (result,) = deliver(_digest_of(use_database, run_id, _settings(alert_threshold=0.5)),
                            _settings(alert_threshold=0.5, digest_webhook_url=hook.url))  # fmt: skip
    assert not result.ok and result.attempts == 1
    from loopback import closed_port_url

    (result,) = deliver(_digest_of(use_database, run_id, _settings(alert_threshold=0.5)),
                        _settings(alert_threshold=0.5, digest_webhook_url=closed_port_url(SECRET_PATH)))  # fmt: skip
    assert not result.ok and result.attempts == 3 and "ConnectError" in result.error and "s3cr3t" not in result.error


def test_a_broken_digest_step_becomes_a_run_issue_and_never_raises(use_database, monkeypatch):
    _populate(use_database)
    run_id = _run(use_database)

    def broken(*args, **kwargs):
        raise RuntimeError("boom at postgresql://u:hunter2@db/x")

    monkeypatch.setattr("factcheck.flows.reports.digest.digest_for_run", broken)
    assert send_run_digest(use_database, run_id, settings=_settings(digest_webhook_url="http://127.0.0.1:9/x")) == []
    (issue,) = _issues(use_database, run_id)
    assert (issue.stage, issue.status) == ("digest", "failed: RuntimeError")
    assert "boom" in issue.message and "hunter2" not in issue.message


def test_smtp_url_and_settings_are_checked_without_echoing_secrets(monkeypatch):
    target = parse_smtp_url("smtps://u%40x:p%2Fw@mail.example.org")
    assert (target.host, target.port, target.implicit_tls, target.username, target.password) == (
        "mail.example.org", 465, True, "u@x", "p/w")  # fmt: skip
    assert "p/w" not in repr(target) and target.describe() == "smtps://mail.example.org:465"
    assert parse_smtp_url("smtp://mail.example.org").port == 25
    assert parse_smtp_url("smtp://h:587?starttls=0").starttls == "never"
    for bad in ("http://u:hunter2@h", "smtp://u:hunter2@h:99999", "smtp://u:hunter2@h?tls=hunter2", "smtp://u:hunter2@h/x"):
        with pytest.raises(DeliveryConfigError) as raised:
            parse_smtp_url(bad)
        assert "hunter2" not in str(raised.value)

    monkeypatch.setenv("FACTCHECK_DIGEST_TO", "a@x.example, b@y.example")
    monkeypatch.setenv("FACTCHECK_REVIEW_URL", "https://review.example.org/")
    monkeypatch.setenv("FACTCHECK_SMTP_URL", "smtp://u:hunter2@h")
    settings = Settings()
    assert settings.digest_to == ["a@x.example", "b@y.example"] and settings.review_url == REVIEW
    assert settings.alert_threshold == 0.8 and "hunter2" not in repr(settings)
    for bad in ("javascript:alert(1)", "https://review.example.org/?x=1", "https://u:p@review.example.org"):
        monkeypatch.setenv("FACTCHECK_REVIEW_URL", bad)
        with pytest.raises(ValueError):
            Settings()


# --- the command -------------------------------------------------------------------------------------


def test_cli_digest_prints_and_sends(use_database, monkeypatch):
    runner = CliRunner()
    pairs = _populate(use_database)
    _make_hostile(use_database, pairs["xss"])
    yesterday = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)).isoformat()
    monkeypatch.setenv("FACTCHECK_REVIEW_URL", REVIEW)
    for name in ("FACTCHECK_DIGEST_WEBHOOK_URL", "FACTCHECK_SMTP_URL"):
        monkeypatch.delenv(name, raising=False)

    result = runner.invoke(app, ["digest", "--since", yesterday, "--threshold", "0.5"])
    assert result.exit_code == 0, result.output
    assert "3 new contradiction pairs in 3 events" in result.output
    assert "Flood toll" in result.output and f"{REVIEW}/pairs/{pairs['flood']}" in result.output
    assert "\x1b" not in result.output and "pwned" not in result.output and "http://evil" not in result.output

    result = runner.invoke(app, ["digest", "--since", yesterday, "--send"])
    assert result.exit_code == 1 and "no digest channel configured" in result.output

    monkeypatch.setenv("FACTCHECK_DIGEST_RETRY_BACKOFF_S", "0")
    with WebhookReceiver() as hook:
        monkeypatch.setenv("FACTCHECK_DIGEST_WEBHOOK_URL", hook.url)
        result = runner.invoke(app, ["digest", "--since", yesterday, "--threshold", "0.5", "--send"])
        assert result.exit_code == 0, result.output
        assert "webhook http://127.0.0.1:" in result.output and "sent" in result.output and "s3cr3t" not in result.output
        result = runner.invoke(app, ["digest", "--since", yesterday, "--threshold", "0.9999", "--send"])
        assert result.exit_code == 0 and "nothing sent" in result.output
    (payload,) = hook.bodies
    assert "3 new contradiction pairs" in payload["text"]
    assert_inert_mrkdwn(payload["text"])

    with WebhookReceiver(statuses=(500,) * 10) as hook:
        monkeypatch.setenv("FACTCHECK_DIGEST_WEBHOOK_URL", hook.url)
        result = runner.invoke(app, ["digest", "--since", yesterday, "--threshold", "0.5", "--send"])
    assert result.exit_code == 1 and "HTTP 500" in result.output and "s3cr3t" not in result.output

    assert runner.invoke(app, ["digest"]).exit_code == 2
    assert runner.invoke(app, ["digest", "--since", yesterday, "--run", "1"]).exit_code == 2
    result = runner.invoke(app, ["digest", "--run", "999"])
    assert result.exit_code == 1 and "no run with id 999" in result.output


# --- a real run ---------------------------------------------------------------------------------------


@pytest.fixture
def corpus_feeds(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    from factcheck.flows.demo.site import CorpusSite, demo_corpus, feeds_toml

    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_ADDRESSES", "true")
    with CorpusSite(demo_corpus()) as site:
        path = tmp_path / "feeds.toml"
        path.write_text(feeds_toml(site), encoding="utf-8")
        yield path


def test_real_runs_send_their_digest_and_a_failing_receiver_never_fails_a_run(
    prefect_harness, use_database, corpus_feeds, smtp_server, monkeypatch
):
    from factcheck.flows.manual import manual
    from factcheck.flows.nightly import nightly

    box, port = smtp_server()
    for name, value in {
        "FACTCHECK_ALERT_THRESHOLD": "0.5", "FACTCHECK_REVIEW_URL": REVIEW, "FACTCHECK_DIGEST_MAX_PAIRS": "200",
        "FACTCHECK_SMTP_URL": f"smtp://127.0.0.1:{port}", "FACTCHECK_DIGEST_FROM": "factcheck@newsroom.example",
        "FACTCHECK_DIGEST_TO": "desk@newsroom.example", "FACTCHECK_DIGEST_RETRIES": "1",
        "FACTCHECK_DIGEST_RETRY_BACKOFF_S": "0",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)

    # The nightly run lists exactly the pairs it stored, in the webhook and in the e-mail.
    with WebhookReceiver() as hook:
        monkeypatch.setenv("FACTCHECK_DIGEST_WEBHOOK_URL", hook.url)
        first = nightly(feeds_file=str(corpus_feeds))
    with session_scope(use_database) as session:
        stored = set(session.scalars(select(ClaimPair.id)))
    assert first.counts["new_pairs"] == len(stored) > 0
    (payload,) = hook.bodies
    assert set(map(int, re.findall(r"/pairs/(\d+)", payload["text"]))) == stored
    (message,) = box.messages
    assert message["Subject"] == f"factcheck: {len(stored)} new contradictions (run {first.run_id})"
    assert not [i for i in first.issues if i["stage"] == "digest"]

    # A manual run that stores nothing new sends nothing.
    with WebhookReceiver(statuses=(500,) * 10) as hook:
        monkeypatch.setenv("FACTCHECK_DIGEST_WEBHOOK_URL", hook.url)
        second = manual(feeds_file=str(corpus_feeds))
        assert second.counts["new_pairs"] == 0 and hook.bodies == [] and len(box.messages) == 1

        # Pairs detected again (deleted, their events marked stale) are new to the next run; its
        # webhook fails twice and the run still completes, with the failure in its summary.
        with session_scope(use_database) as session:
            session.execute(delete(ClaimPair))
            session.execute(update(Event).values(pairs_version=None))
        third = manual(feeds_file=str(corpus_feeds))
        assert third.counts["new_pairs"] > 0 and len(hook.bodies) == 2
    (issue,) = [i for i in third.issues if i["stage"] == "digest"]
    assert issue["status"] == "webhook not delivered" and "HTTP 500" in issue["message"]
    assert len(box.messages) == 2  # the e-mail still went out
    with session_scope(use_database) as session:
        assert session.get(Run, third.run_id).status == "completed"
