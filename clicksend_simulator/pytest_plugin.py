# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The `clicksend_simulator` fixture: a fresh simulator per test.

Register with `pytest_plugins = ["clicksend_simulator.pytest_plugin"]`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest_asyncio

from .app import ClickSendSimulator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest_asyncio.fixture
async def clicksend_simulator(
    socket_enabled: None,
) -> AsyncIterator[ClickSendSimulator]:
    """Run a simulator on a free 127.0.0.1 port, stopping it afterwards.

    It needs socket_enabled: Home Assistant's test plugin blocks sockets.
    """
    del socket_enabled
    simulator = ClickSendSimulator()
    await simulator.start("127.0.0.1", 0)
    try:
        yield simulator
    finally:
        await simulator.stop()
