"""The HTTP layer: address guard, redirects, size caps, timeouts and readable errors."""

from __future__ import annotations

import socket

import httpx
import pytest
from loopback import Route, closed_port_url

from factcheck.tasks.net import (
    FetchError,
    FetchRefused,
    HttpSettings,
    check_url,
    describe_transport_error,
    get_bytes,
    make_client,
)

PUBLIC_IP = "93.184.216.34"


def fake_resolver(table: dict[str, list[str]]):
    """A getaddrinfo stand-in: host -> addresses, unknown hosts fail like real DNS."""
    calls: list[str] = []

    def resolve(host, port, *args, **kwargs):
        calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (ip, port)) for ip in table[host]]

    resolve.calls = calls
    return resolve


# --- the guard on its own ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://10.1.2.3/", "http://172.16.0.9/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://224.0.0.1/",
    "http://0.0.0.0/", "http://100.64.0.1/", "http://240.0.0.1/", "http://[::1]/",
    "http://[fe80::1]/", "http://[fc00::1]/", "http://[::ffff:127.0.0.1]/", "http://[::]/",
])
def test_guard_refuses_non_public_ip_literals(url):
    with pytest.raises(FetchRefused, match="non-public address"):
        check_url(url, resolver=fake_resolver({}))


@pytest.mark.parametrize("url", [f"http://{PUBLIC_IP}/news", "https://[2606:4700:4700::1111]/"])
def test_guard_allows_public_ip_literals_without_dns(url):
    resolver = fake_resolver({})
    check_url(url, resolver=resolver)
    assert resolver.calls == []


def test_guard_refuses_hostname_resolving_to_private_address():
    resolver = fake_resolver({"intranet.example": ["10.0.0.5"]})
    with pytest.raises(FetchRefused, match="10.0.0.5"):
        check_url("https://intranet.example/feed", resolver=resolver)


def test_guard_refuses_hostname_with_any_private_record():
    resolver = fake_resolver({"mixed.example": [PUBLIC_IP, "127.0.0.1"]})
    with pytest.raises(FetchRefused):
        check_url("https://mixed.example/", resolver=resolver)


def test_guard_allows_hostname_resolving_to_public_address():
    check_url("https://news.example/rss", resolver=fake_resolver({"news.example": [PUBLIC_IP]}))


def test_guard_reports_dns_failure_as_fetch_error_not_refusal():
    with pytest.raises(FetchError, match="dns lookup failed for nowhere.example") as info:
        check_url("https://nowhere.example/", resolver=fake_resolver({}))
    assert not isinstance(info.value, FetchRefused)


@pytest.mark.parametrize("url", ["ftp://files.example/feed.xml", "file:///etc/passwd",
                                 "gopher://old.example/", "javascript:alert(1)"])
def test_guard_refuses_non_http_schemes_even_when_private_allowed(url):
    with pytest.raises(FetchRefused, match="scheme"):
        check_url(url, allow_private_addresses=True)


def test_allow_private_addresses_skips_address_check():
    check_url("http://127.0.0.1:9/", allow_private_addresses=True,
              resolver=fake_resolver({}))


# --- the guard wired into the client ----------------------------------------------------------


def test_loopback_url_refused_by_default_before_connecting(loopback):
    loopback.routes["/feed"] = Route(body=b"secret")
    with make_client(HttpSettings()) as client, pytest.raises(FetchRefused, match="127.0.0.1"):
        get_bytes(client, loopback.url("/feed"), max_bytes=1000)
    assert loopback.requests == []


def test_redirect_hop_to_private_address_refused(loopback, monkeypatch):
    """First hops allowed (127.0.0.1 counts as public here), the redirect to 127.0.0.2 is not.

    The connection goes to the address the guard vetted, so the test server must stand in for
    a public one; the hop to another loopback address shows the guard runs for every hop."""
    from factcheck.tasks.net import guard

    monkeypatch.setattr(guard, "_is_public", lambda ip: str(ip) == "127.0.0.1")
    loopback.routes["/start"] = Route.redirect(loopback.url("/middle", host="news.test"))
    loopback.routes["/middle"] = Route.redirect(loopback.url("/internal", host="127.0.0.2"))
    loopback.routes["/internal"] = Route(body=b"admin panel")
    resolver = fake_resolver({"news.test": ["127.0.0.1"]})
    with make_client(HttpSettings(), resolver=resolver) as client:
        with pytest.raises(FetchRefused, match="127.0.0.2"):
            get_bytes(client, loopback.url("/start", host="news.test"), max_bytes=1000)
    assert resolver.calls == ["news.test", "news.test"]  # the redirect's connection is not reused
    assert [r.path for r in loopback.requests] == ["/start", "/middle"]


def test_redirect_to_non_http_scheme_refused(loopback, http_client):
    loopback.routes["/start"] = Route.redirect("ftp://files.example/feed.xml")
    with pytest.raises(FetchRefused, match="'ftp'"):
        get_bytes(http_client, loopback.url("/start"), max_bytes=1000)


def test_non_http_scheme_refused_by_client(http_client):
    with pytest.raises(FetchRefused, match="scheme"):
        get_bytes(http_client, "file:///etc/passwd", max_bytes=1000)


# --- redirects, sizes, encodings --------------------------------------------------------------


def test_redirects_followed_and_final_url_reported(loopback, http_client):
    loopback.routes["/a"] = Route.redirect("/b", status=301)
    loopback.routes["/b"] = Route.redirect("/c", status=307)
    loopback.routes["/c"] = Route(body=b"here", headers={"Content-Type": "text/plain"})
    result = get_bytes(http_client, loopback.url("/a"), max_bytes=1000)
    assert (result.status_code, result.url, result.content) == (200, loopback.url("/c"), b"here")
    assert result.content_type == "text/plain"


def test_redirect_loop_gives_readable_error(loopback, http_client):
    loopback.routes["/loop"] = Route.redirect("/loop")
    with pytest.raises(FetchError) as info:
        get_bytes(http_client, loopback.url("/loop"), max_bytes=1000)
    assert str(info.value) == "too many redirects (>5)"
    assert len(loopback.requests_to("/loop")) == 6


def test_http_error_statuses_are_returned_not_raised(loopback, http_client):
    loopback.routes["/gone"] = Route(status=410, body=b"gone")
    assert get_bytes(http_client, loopback.url("/gone"), max_bytes=1000).status_code == 410


def test_body_over_cap_aborted(loopback, http_client):
    loopback.routes["/big"] = Route(body=b"x" * 5000)
    with pytest.raises(FetchError) as info:
        get_bytes(http_client, loopback.url("/big"), max_bytes=4000)
    assert str(info.value) == "response larger than 4000 bytes"


def test_body_at_cap_accepted(loopback, http_client):
    loopback.routes["/exact"] = Route(body=b"x" * 4000)
    assert len(get_bytes(http_client, loopback.url("/exact"), max_bytes=4000).content) == 4000


def test_gzip_body_is_decoded(loopback, http_client):
    loopback.routes["/gz"] = Route.gzipped(b"compressed news " * 100)
    result = get_bytes(http_client, loopback.url("/gz"), max_bytes=10_000)
    assert result.content == b"compressed news " * 100


def test_gzip_bomb_aborted_on_decoded_size(loopback, http_client):
    bomb = Route.gzipped(b"\0" * 20_000_000)  # ~20 KB on the wire, 20 MB inflated
    assert len(bomb.body) < 100_000
    loopback.routes["/bomb"] = bomb
    with pytest.raises(FetchError, match=r"^response larger than 1000000 bytes$"):
        get_bytes(http_client, loopback.url("/bomb"), max_bytes=1_000_000)


def test_client_sends_user_agent_and_accepts_gzip(loopback, http_client):
    loopback.routes["/ua"] = Route(body=b"ok")
    get_bytes(http_client, loopback.url("/ua"), headers={"Accept": "text/html"}, max_bytes=100)
    sent = loopback.requests[0]
    assert sent.header("user-agent") == HttpSettings().user_agent
    assert "gzip" in sent.header("accept-encoding")
    assert sent.header("accept") == "text/html"


# --- transport errors -------------------------------------------------------------------------


def test_slow_response_times_out_with_readable_error(loopback):
    loopback.routes["/slow"] = Route(body=b"late", delay=1.0)
    settings = HttpSettings(allow_private_addresses=True, read_timeout_s=0.2)
    with make_client(settings) as client, pytest.raises(FetchError) as info:
        get_bytes(client, loopback.url("/slow"), max_bytes=1000)
    assert str(info.value) == "timed out after 0.2s"


def test_dripping_body_hits_total_time_limit(loopback, http_client):
    loopback.routes["/drip"] = Route(body=b"x" * 2000, chunk_size=100, drip=0.05)
    with pytest.raises(FetchError) as info:
        get_bytes(http_client, loopback.url("/drip"), max_bytes=10_000, total_timeout_s=0.2)
    assert str(info.value) == "timed out after 0.2s (total)"


def test_closed_port_gives_connection_refused(http_client):
    with pytest.raises(FetchError) as info:
        get_bytes(http_client, closed_port_url("/feed"), max_bytes=1000)
    assert str(info.value) == "connection refused"


def test_dns_errors_from_httpx_are_described_briefly():
    client = make_client(HttpSettings())
    exc = httpx.ConnectError("[Errno -2] Name or service not known")
    assert describe_transport_error(client, exc) == "dns lookup failed"
    assert describe_transport_error(client, httpx.ConnectTimeout("")) == (
        "connect timed out after 10s")
    client.close()


def test_settings_defaults():
    settings = HttpSettings()
    assert (settings.connect_timeout_s, settings.read_timeout_s) == (10.0, 20.0)
    assert (settings.max_redirects, settings.max_bytes) == (5, 5_000_000)
    assert settings.allow_private_addresses is False
    client = make_client(settings)
    assert client.timeout.connect == 10.0 and client.timeout.read == 20.0
    assert client.max_redirects == 5 and not client.follow_redirects  # get_bytes follows them
    client.close()


# --- retries ----------------------------------------------------------------------------------

from concurrent.futures import ThreadPoolExecutor  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from factcheck.tasks.articles import fetch_page  # noqa: E402
from factcheck.tasks.net import (  # noqa: E402
    RetryPolicy,
    TransientFetchError,
    get_bytes_retrying,
    parse_retry_after,
)

FAST_RETRY = RetryPolicy(retries=2, base_delay_s=0.01)
PAGE = b"<html><body><p>Hello</p></body></html>"


def sequence(*routes: Route):
    """A route spec serving `routes` in turn, then the last one for ever."""
    served = iter(routes)
    last = routes[-1]

    def spec(_headers):
        return next(served, last)

    return spec


def test_a_503_then_200_page_is_fetched_after_a_retry(loopback, http_client):
    loopback.routes["/page"] = sequence(Route(503, b"busy"), Route(body=PAGE, headers={"Content-Type": "text/html"}))
    page = fetch_page(http_client, loopback.url("/page"), max_bytes=10_000, retry=FAST_RETRY)
    assert (page.http_status, page.error, page.body) == (200, None, PAGE)
    assert len(loopback.requests_to("/page")) == 2


def test_a_404_page_is_requested_exactly_once(loopback, http_client):
    loopback.routes["/gone"] = Route(404, b"not here")
    page = fetch_page(http_client, loopback.url("/gone"), max_bytes=10_000, retry=FAST_RETRY)
    assert page.error == "http 404"
    assert len(loopback.requests_to("/gone")) == 1


def test_a_5xx_that_persists_is_tried_three_times_with_growing_jittered_waits(loopback, http_client):
    loopback.routes["/down"] = Route(500, b"oops")
    waits: list[float] = []
    result = get_bytes_retrying(http_client, loopback.url("/down"), max_bytes=1000,
                                policy=RetryPolicy(retries=2, base_delay_s=1.0), sleep=waits.append,
                                rand=lambda: 0.9)
    assert result.status_code == 500
    assert len(loopback.requests_to("/down")) == 3
    assert waits == pytest.approx([1.4, 2.8])  # 1 s, 2 s, each times (0.5 + 0.9)


def test_a_429_with_retry_after_zero_then_200_works(loopback, http_client):
    loopback.routes["/feed"] = sequence(Route(429, b"slow down", headers={"Retry-After": "0"}), Route(body=b"ok"))
    waits: list[float] = []
    result = get_bytes_retrying(http_client, loopback.url("/feed"), max_bytes=1000, policy=FAST_RETRY,
                                sleep=waits.append)
    assert (result.status_code, result.content, waits) == (200, b"ok", [0.0])


def test_a_long_retry_after_is_not_waited_for_in_the_task(loopback, http_client):
    loopback.routes["/feed"] = Route(429, b"come back tomorrow", headers={"Retry-After": "86400"})
    waits: list[float] = []
    result = get_bytes_retrying(http_client, loopback.url("/feed"), max_bytes=1000, policy=FAST_RETRY,
                                sleep=waits.append)
    assert (result.status_code, waits) == (429, [])  # left to the feed's back-off
    assert len(loopback.requests_to("/feed")) == 1


def test_a_timeout_is_retried_and_a_refused_connection_is_not(loopback):
    loopback.routes["/slow-once"] = sequence(Route(body=b"late", delay=0.6), Route(body=b"on time"))
    settings = HttpSettings(allow_private_addresses=True, read_timeout_s=0.2)
    with make_client(settings) as client:
        result = get_bytes_retrying(client, loopback.url("/slow-once"), max_bytes=1000, policy=FAST_RETRY)
        assert result.content == b"on time"
        waits: list[float] = []
        with pytest.raises(FetchError, match="connection refused") as info:
            get_bytes_retrying(client, closed_port_url("/x"), max_bytes=1000, policy=FAST_RETRY, sleep=waits.append)
        assert waits == [] and not isinstance(info.value, TransientFetchError)


def test_retry_after_parses_seconds_and_http_dates():
    from datetime import UTC, datetime

    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Mon, 02 Mar 2026 09:00:00 GMT", now) == 3600.0
    assert parse_retry_after("Mon, 02 Mar 2026 07:00:00 GMT", now) == 0.0  # in the past: now
    assert parse_retry_after("soon", now) is None and parse_retry_after(None) is None


# --- per-host limit ---------------------------------------------------------------------------


def in_flight_recorder(hold_s: float = 0.15):
    """A route spec that holds each request `hold_s` and records the peak number in flight."""
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def spec(_headers):
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(hold_s)
        with lock:
            state["now"] -= 1
        return Route(body=b"ok")

    spec.state = state
    return spec


def test_with_a_limit_of_one_requests_to_one_host_never_overlap(loopback):
    recorder = in_flight_recorder()
    loopback.routes["/page"] = recorder
    settings = HttpSettings(allow_private_addresses=True, per_host_limit=1)
    with make_client(settings) as client, ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: get_bytes(client, loopback.url(f"/page?i={i}"), max_bytes=100), range(4)))
    assert [r.content for r in results] == [b"ok"] * 4
    assert recorder.state["peak"] == 1


def test_with_a_limit_of_one_two_hosts_are_fetched_in_parallel(loopback):
    recorder = in_flight_recorder(hold_s=0.3)
    loopback.routes["/page"] = recorder
    settings = HttpSettings(allow_private_addresses=True, per_host_limit=1)
    urls = [loopback.url("/page", host="127.0.0.1"), loopback.url("/page", host="localhost")]
    with make_client(settings) as client, ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        list(pool.map(lambda u: get_bytes(client, u, max_bytes=100), urls))
        elapsed = time.monotonic() - started
    assert recorder.state["peak"] == 2
    assert elapsed < 0.55  # not 2 x 0.3 s one after the other
