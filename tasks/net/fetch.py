"""`get_bytes`: one URL within the size and time limits, every failure a `FetchError`.

The body is decoded here with the output capped at `max_bytes`, and only one content coding is
accepted (`gzip, gzip` is refused: its inner layer would inflate uncounted); each redirect hop is
a new request through the address guard, and its body is never read."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from factcheck.tasks.models import FailureKind
from factcheck.tasks.net.client import FetchClient
from factcheck.tasks.net.errors import FetchError, FetchRefused, TransientFetchError
from factcheck.tasks.net.guard import parse_url


@dataclass(frozen=True)
class HttpResult:
    """A fully read response: what the fetchers need, without a live connection."""

    status_code: int
    url: str  # final URL after redirects
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

# --- fetching --------------------------------------------------------------------------------

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DECODED_CODINGS = frozenset({"gzip", "x-gzip", "deflate"})  # what the client's Accept-Encoding asks for


def _seconds(value: float | None) -> str:
    return f"{value:g}s" if value is not None else "the configured limit"


def _timeout_of(client: httpx.Client, exc: httpx.TimeoutException) -> float | None:
    timeout = client.timeout
    if isinstance(exc, httpx.ConnectTimeout):
        return timeout.connect
    if isinstance(exc, httpx.WriteTimeout):
        return timeout.write
    if isinstance(exc, httpx.PoolTimeout):
        return timeout.pool
    return timeout.read


def describe_transport_error(client: httpx.Client, exc: httpx.HTTPError) -> str:
    """A short readable message for an httpx exception (never a traceback)."""
    return transport_failure(client, exc)[0]


def transport_failure(client: httpx.Client, exc: httpx.HTTPError) -> tuple[str, FailureKind]:
    """The message for an httpx exception and its kind: "hard" when waiting will not help (refused,
    no such host, TLS, a redirect loop, a bad encoding or URL), else "transient"."""
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        kind = "connect " if isinstance(exc, httpx.ConnectTimeout) else ""
        return f"{kind}timed out after {_seconds(_timeout_of(client, exc))}", "transient"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (>{client.max_redirects})", "hard"
    if isinstance(exc, httpx.ConnectError):
        if "refused" in text or "errno 111" in text or "errno 61" in text:
            return "connection refused", "hard"
        if ("name or service not known" in text or "nodename nor servname" in text
                or "temporary failure in name resolution" in text or "errno -2" in text
                or "errno -3" in text or "getaddrinfo failed" in text):
            return "dns lookup failed", "hard"
        if "ssl" in text or "certificate" in text:
            return f"tls error: {exc}", "hard"
        return (f"connection failed: {exc}" if text else "connection failed"), "transient"
    if isinstance(exc, httpx.DecodingError):
        return "invalid content encoding", "hard"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported URL: {exc}", "hard"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return (f"connection broken: {exc}" if text else "connection broken"), "transient"
    return (f"{type(exc).__name__}: {exc}" if text else type(exc).__name__), "transient"


def content_coding(headers: httpx.Headers) -> str | None:
    """The one content coding of a response (None: identity); `FetchError` for anything else.

    Stacked codings are refused: with `gzip, gzip` a 1 KB response decodes to 1 GB and the
    inner layer inflates before any size check sees it. br and zstd are never asked for."""
    codings = [c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True)]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise FetchError(f"refused stacked content encodings ({', '.join(codings)})")
    if codings and codings[0] not in DECODED_CODINGS:
        raise FetchError(f"refused unsupported content encoding {codings[0]!r}")
    return codings[0] if codings else None


class _Inflater:
    """Decodes a gzip or deflate body without ever producing more output than asked for."""

    def __init__(self, coding: str) -> None:
        self._may_be_raw = coding == "deflate"  # "deflate" means zlib-wrapped; some servers send it raw
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS if coding == "deflate" else zlib.MAX_WBITS | 16)

    def decode(self, data: bytes, limit: int) -> bytes:
        """At most `limit` + 1 bytes: one more than `limit` means the body is too large."""
        try:
            out = self._zlib.decompress(data, limit + 1)
        except zlib.error as exc:
            if not self._may_be_raw:
                raise FetchError("invalid content encoding") from exc
            self._may_be_raw = False
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return self.decode(data, limit)
        self._may_be_raw = False
        return out


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(f"response larger than {max_bytes} bytes")


def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, `FetchError` past `max_bytes`: decoding stops there, so does memory."""
    coding = content_coding(response.headers)
    if coding is None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(max_bytes)
    inflater = _Inflater(coding) if coding else None
    body = bytearray()
    for raw in response.iter_raw():
        body += inflater.decode(raw, max_bytes - len(body)) if inflater else raw
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(body)


def _redirect_target(response: httpx.Response) -> httpx.URL | None:
    """Where a redirect points (checked like any URL), or None for a final response."""
    location = response.headers.get("location")
    if response.status_code not in REDIRECT_STATUSES or not location:
        return None
    return parse_url(response.url.join(location))  # httpx.send already refused a malformed one


def _send(client: FetchClient, url: httpx.URL, headers: Mapping[str, str] | None) -> httpx.Response:
    timeout = client.timeout  # sockets are cut to the deadline by the backend; the pool wait here
    request = client.build_request("GET", url, headers=headers, timeout=httpx.Timeout(
        connect=timeout.connect, read=timeout.read, write=timeout.write,
        pool=client.deadline.budget(timeout.pool, httpx.PoolTimeout)))
    try:
        return client.send(request, stream=True, follow_redirects=False)
    except httpx.RemoteProtocolError as exc:
        if "location header" in str(exc).lower():  # httpx parses a redirect's Location itself
            raise FetchRefused(f"invalid URL in redirect: {exc}") from exc
        raise


@contextmanager
def _final_response(client: FetchClient, url: httpx.URL, headers: Mapping[str, str] | None
                    ) -> Iterator[httpx.Response]:
    """The response after at most `client.max_redirects` hops, open for reading.

    Each hop's connection goes through the address guard; a redirect's body is never read
    (it may be endless), closing it drops the connection instead."""
    for _hop in range(client.max_redirects + 1):
        response = _send(client, url, headers)
        try:
            target = _redirect_target(response)
            if target is None:
                yield response
                return
        finally:
            response.close()
        url = target
    raise FetchError(f"too many redirects (>{client.max_redirects})")


def get_bytes(
    client: httpx.Client,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    max_bytes: int,
    total_timeout_s: float | None = 60.0,
) -> HttpResult:
    """GET `url` (following redirects) and read the body, at most `max_bytes` of DECODED content.

    Any HTTP status is returned (the caller decides what 404 means); transport problems,
    refused URLs, oversize bodies and a fetch past `total_timeout_s` raise `FetchError`.
    The total covers every hop and every byte: each socket wait is cut to the time left.
    `client` must come from `make_client`; it first waits for a free slot of its per-host limiter.
    """
    if not isinstance(client, FetchClient):
        raise TypeError("get_bytes needs a client from make_client: it vets every connection")
    with client.host_limiter.slot(url):
        return _get_bytes(client, url, headers=headers, max_bytes=max_bytes, total_timeout_s=total_timeout_s)


def _get_bytes(
    client: FetchClient,
    url: str,
    *,
    headers: Mapping[str, str] | None,
    max_bytes: int,
    total_timeout_s: float | None,
) -> HttpResult:
    deadline = client.deadline
    deadline.start(total_timeout_s)  # after waiting for a host slot: the wait is not the server's fault
    try:
        with _final_response(client, parse_url(url), headers) as response:
            content = _read_body(response, max_bytes)
            return HttpResult(status_code=response.status_code, url=str(response.url),
                              headers=response.headers, content=content)
    except FetchError:
        raise
    except (httpx.InvalidURL, ValueError) as exc:  # ValueError: e.g. idna.IDNAError
        raise FetchRefused(f"invalid URL: {exc}") from exc
    except httpx.TimeoutException as exc:
        if deadline.passed():
            raise FetchError(f"timed out after {_seconds(total_timeout_s)} (total)", kind="transient") from exc
        raise TransientFetchError(describe_transport_error(client, exc)) from exc
    except httpx.HTTPError as exc:
        message, kind = transport_failure(client, exc)
        # Retried in place: a dropped connection. A refused one is hard for the back-off and is
        # not retried either.
        retry = isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
                           ) or message.startswith("connection failed")
        raise (TransientFetchError if retry else FetchError)(message, kind=kind) from exc
    except httpx.StreamError as exc:
        raise FetchError(f"stream error: {exc}", kind="transient") from exc
    finally:
        deadline.start(None)
