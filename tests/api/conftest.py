# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Fixtures for the client's tests: a session, the simulator and a client on it.

The client needs no Home Assistant, so these tests run without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
import pytest

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME, ClickSendSimulator
from custom_components.clicksend_sms.api import ClickSendClient

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Generator

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> Generator[None]:
    """Replace the suite's autouse fixture: these tests need no Home Assistant."""
    return


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Provide a session like the one Home Assistant injects."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def simulator(clicksend_simulator: ClickSendSimulator) -> ClickSendSimulator:
    """Shorten the simulator fixture's name."""
    return clicksend_simulator


@pytest.fixture
def client(
    session: aiohttp.ClientSession, simulator: ClickSendSimulator
) -> ClickSendClient:
    """Provide a client of the simulator's demo account."""
    return ClickSendClient(
        session, DEMO_USERNAME, DEMO_KEY, base_url=simulator.base_url
    )


class RawServer:
    """A bare HTTP server whose every answer the test chooses.

    For what the simulator cannot do: reorder results, redirect, stream an
    endless body.
    """

    def __init__(self) -> None:
        """Answer 404 until told otherwise."""
        self.handler: Handler = self._not_found
        self.forms: list[dict[str, str]] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    @staticmethod
    async def _not_found(_request: web.Request) -> web.StreamResponse:
        return web.Response(status=404)

    def answer(self, body: str | bytes, **kwargs: object) -> None:
        """Answer every request with this body."""

        async def handler(_request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=body.encode() if isinstance(body, str) else body,
                **kwargs,  # type: ignore[arg-type]
            )

        self.handler = handler

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        self.forms.append({k: str(v) for k, v in form.items()})
        return await self.handler(request)

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/http/v2/"

    async def stop(self) -> None:
        """Stop listening."""
        assert self._runner is not None
        await self._runner.cleanup()


@pytest.fixture
async def raw_server(socket_enabled: None) -> AsyncIterator[RawServer]:
    """Provide a started RawServer."""
    server = RawServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def raw_client(
    session: aiohttp.ClientSession, raw_server: RawServer
) -> ClickSendClient:
    """Provide a client of the RawServer."""
    return ClickSendClient(
        session, DEMO_USERNAME, DEMO_KEY, base_url=raw_server.base_url
    )
