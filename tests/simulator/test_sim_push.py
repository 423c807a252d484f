# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Pushes of replies and receipts to a URL, as ClickSend's inbound rules do."""

from __future__ import annotations

from collections.abc import AsyncIterator
import socket
from typing import TYPE_CHECKING

from aiohttp import web
import pytest

if TYPE_CHECKING:
    from clicksend_simulator import ClickSendSimulator

    from .conftest import Api


class Receiver:
    """A tiny web app that records what is POSTed to it."""

    def __init__(self) -> None:
        """Start empty."""
        self.received: list[tuple[str, dict[str, str]]] = []
        self.status = 200
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        """Record a push and answer with the chosen status."""
        assert request.content_type == "application/x-www-form-urlencoded"
        form = await request.post()
        self.received.append((request.path, {k: str(v) for k, v in form.items()}))
        return web.Response(status=self.status, text="OK")


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """Run a receiver for pushes on a free loopback port."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    receiver.url = f"http://127.0.0.1:{port}/hook"
    yield receiver
    await runner.cleanup()


async def test_replies_and_receipts_are_pushed(
    api: Api, sim: ClickSendSimulator, receiver: Receiver
) -> None:
    """Replies and receipts are POSTed with the document's field names."""
    sim.set_push_url(receiver.url)
    await api.send(to="+61400000001,+61411111111", message="Hi", customstring="ref")
    sim.inject_reply(
        "demo",
        from_number="+61400000001",
        message="Yes <&>",
        original_message="Hi",
        original_message_id="ID-1",
        original_sender_id="+61499999999",
        custom_string="ref",
    )
    sim.inject_receipt("demo", message_id="ID-2", status="Undelivered", status_code=301)
    assert await sim.wait_for_pushes() == [200, 200, 200]
    assert await sim.wait_for_pushes() == []
    message_id = sim.sent[0].message_id
    assert receiver.received == [
        (
            "/hook",
            {
                "messageid": message_id,
                "status": "Delivered",
                "status_code": "201",
                "customstring": "ref",
                "username": "demo",
            },
        ),
        (
            "/hook",
            {
                "from": "+61400000001",
                "message": "Yes <&>",
                "originalmessage": "Hi",
                "originalmessageid": "ID-1",
                "originalsenderid": "+61499999999",
                "customstring": "ref",
                "username": "demo",
            },
        ),
        (
            "/hook",
            {
                "messageid": "ID-2",
                "status": "Undelivered",
                "status_code": "301",
                "customstring": "",
                "username": "demo",
            },
        ),
    ]
    assert [(p.kind, p.status) for p in sim.pushes] == [
        ("receipt", 200),
        ("reply", 200),
        ("receipt", 200),
    ]
    # Pushed items can still be polled.
    assert len((await api.call("reply.php")).items("*/reply")) == 1
    assert len((await api.call("delivery.php")).items("*/dlr")) == 2


async def test_push_failures_are_recorded(
    sim: ClickSendSimulator, receiver: Receiver
) -> None:
    """Refused and undeliverable pushes are recorded."""
    receiver.status = 500
    sim.set_push_url(receiver.url)
    sim.inject_reply("demo", from_number="+61400000001", message="x")
    assert await sim.wait_for_pushes() == [500]
    # A port nobody listens on: the push never arrives.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim.set_push_url(f"http://127.0.0.1:{port}/hook")
    sim.inject_reply("demo", from_number="+61400000001", message="y")
    assert await sim.wait_for_pushes() == [0]
    assert [p.status for p in sim.pushes] == [500, 0]


async def test_no_push_without_url(sim: ClickSendSimulator, receiver: Receiver) -> None:
    """Nothing is pushed without a URL."""
    sim.set_push_url(receiver.url)
    sim.set_push_url(None)
    sim.inject_reply("demo", from_number="+61400000001", message="x")
    assert await sim.wait_for_pushes() == []
    assert receiver.received == []


async def test_stop_abandons_pushes_in_flight(
    socket_enabled: None, receiver: Receiver
) -> None:
    """Stopping abandons pushes in flight."""
    from clicksend_simulator import ClickSendSimulator  # noqa: PLC0415

    sim = ClickSendSimulator(push_url=receiver.url)
    await sim.start()
    sim.inject_reply("demo", from_number="+61400000001", message="x")
    await sim.stop()
    assert await sim.wait_for_pushes() == []
