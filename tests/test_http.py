"""The HTTP layer: address guard, redirects, size caps, timeouts and readable errors."""

from __future__ import annotations

import socket

import httpx
import pytest
from loopback import Route, closed_port_url

from factcheck.tasks.http import (
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


def test_redirect_hop_to_loopback_refused(loopback):
    """First hop allowed (its name resolves 'publicly'), the redirect to 127.0.0.1 is not.

    The fake resolver only feeds the guard; httpx still really connects to localhost, so
    this proves the request hook runs again for the redirect hop.
    """
    loopback.routes["/start"] = Route.redirect(loopback.url("/middle", host="localhost"))
    loopback.routes["/middle"] = Route.redirect(loopback.url("/internal"))
    loopback.routes["/internal"] = Route(body=b"admin panel")
    resolver = fake_resolver({"localhost": [PUBLIC_IP]})
    with make_client(HttpSettings(), resolver=resolver) as client:
        with pytest.raises(FetchRefused, match="127.0.0.1"):
            get_bytes(client, loopback.url("/start", host="localhost"), max_bytes=1000)
    assert resolver.calls == ["localhost", "localhost"]  # the guard ran for both hops
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
    assert client.follow_redirects and client.max_redirects == 5
    client.close()
