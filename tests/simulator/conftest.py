# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Fixtures for the simulator's own tests: plain aiohttp against a real socket.

The simulator needs no Home Assistant, so these tests run without one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
import xml.etree.ElementTree as ET

import aiohttp
import pytest

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME, ClickSendSimulator, ManualClock

START = 1_700_000_000.0


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Replace the suite's autouse fixture: these tests need no Home Assistant."""


@dataclass
class Reply:
    """A response from the simulator, read as text and, on demand, as XML."""

    status: int
    text: str
    content_type: str

    @property
    def root(self) -> ET.Element:
        """Parse the body."""
        return ET.fromstring(self.text)  # noqa: S314 - our own simulator's output

    def find(self, path: str) -> str:
        """Return the text at a path, which must exist."""
        element = self.root.find(path)
        assert element is not None, f"{path} not in {self.text}"
        return element.text or ""

    def messages(self) -> list[dict[str, str]]:
        """Return send.php's <message> elements as dictionaries."""
        return [
            {child.tag: child.text or "" for child in message}
            for message in self.root.iterfind("messages/message")
        ]

    def items(self, path: str) -> list[dict[str, str]]:
        """Return the elements at a path as dictionaries of their children."""
        return [
            {child.tag: child.text or "" for child in item}
            for item in self.root.iterfind(path)
        ]


class Api:
    """Plain aiohttp calls to the simulator, as any client would make them."""

    def __init__(self, session: aiohttp.ClientSession, sim: ClickSendSimulator) -> None:
        """Keep the session and the simulator."""
        self.session = session
        self.sim = sim

    async def call(
        self,
        endpoint: str,
        http_method: str = "GET",
        /,
        *,
        auth: bool = True,
        username: str = DEMO_USERNAME,
        key: str = DEMO_KEY,
        **params: str,
    ) -> Reply:
        """Call an API endpoint with the demo credentials unless told otherwise."""
        fields = {"username": username, "key": key} if auth else {}
        fields.update(params)
        url = f"{self.sim.base_url}{endpoint}"
        if http_method == "GET":
            request = self.session.get(url, params=fields)
        else:
            request = self.session.post(url, data=fields)
        async with request as response:
            return Reply(response.status, await response.text(), response.content_type)

    async def send(self, http_method: str = "POST", /, **params: str) -> Reply:
        """Call send.php, by POST unless told otherwise."""
        return await self.call("send.php", http_method, **params)

    async def control(
        self, method: str, name: str, body: Any = None
    ) -> tuple[int, Any]:
        """Call the JSON control API; return the status and the decoded body."""
        async with self.session.request(
            method, f"{self.sim.control_url}{name}", json=body
        ) as response:
            return response.status, await response.json()


@pytest.fixture
def clock() -> ManualClock:
    """Provide a clock that only moves when a test moves it."""
    return ManualClock(START)


@pytest.fixture
async def sim(
    socket_enabled: None, clock: ManualClock
) -> AsyncIterator[ClickSendSimulator]:
    """Run a simulator on the manual clock."""
    async with ClickSendSimulator(clock=clock) as simulator:
        yield simulator


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Provide a plain client session."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def api(session: aiohttp.ClientSession, sim: ClickSendSimulator) -> Api:
    """Provide the helper that calls the simulator."""
    return Api(session, sim)
