"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from loopback import LoopbackServer

from factcheck.tasks.http import HttpSettings, make_client

# --- HTTP fixtures ---


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started HTTP server on 127.0.0.1; set `loopback.routes[path] = Route(...)`."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    """The production client, but allowed to reach loopback and with short timeouts."""
    settings = HttpSettings(allow_private_addresses=True, connect_timeout_s=2.0,
                            read_timeout_s=2.0)
    with make_client(settings) as client:
        yield client
