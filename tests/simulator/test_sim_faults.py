# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Injected faults: what a client sees when ClickSend misbehaves."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
import xml.etree.ElementTree as ET

import aiohttp
import pytest

from clicksend_simulator import DEMO_KEY

if TYPE_CHECKING:
    from clicksend_simulator import ClickSendSimulator

    from .conftest import Api

PROLOG = "<?xml version='1.0' encoding='UTF-8' ?>"


async def test_http500(api: Api, sim: ClickSendSimulator) -> None:
    """The http500 fault answers with an HTML error page and does nothing."""
    sim.add_fault("http500")
    reply = await api.send(to="+61400000001", message="Hi")
    assert (reply.status, reply.content_type) == (500, "text/html")
    assert "Internal Server Error" in reply.text
    assert sim.sent == []  # failed before doing anything
    assert len(sim.requests) == 1  # but still logged
    assert (await api.send(to="+61400000001", message="Hi")).status == 200


async def test_html(api: Api, sim: ClickSendSimulator) -> None:
    """The html fault answers 200 with a web page."""
    sim.add_fault("html")
    reply = await api.call("balance.php")
    assert (reply.status, reply.content_type) == (200, "text/html")
    assert reply.text.startswith("<!DOCTYPE html>")


async def test_json(api: Api, sim: ClickSendSimulator) -> None:
    """The json fault answers 200 with a JSON body."""
    sim.add_fault("json")
    reply = await api.call("balance.php")
    assert (reply.status, reply.content_type) == (200, "application/json")
    assert '"http_code": 500' in reply.text


async def test_malformed(api: Api, sim: ClickSendSimulator) -> None:
    """The malformed fault answers with XML no parser accepts."""
    sim.add_fault("malformed")
    reply = await api.call("balance.php")
    assert (reply.status, reply.content_type) == (200, "text/xml")
    assert reply.text.startswith(PROLOG)
    with pytest.raises(ET.ParseError):
        ET.fromstring(reply.text)  # noqa: S314


async def test_truncated_does_the_work(api: Api, sim: ClickSendSimulator) -> None:
    """The truncated fault sends the message but cuts the answer short."""
    sim.add_fault("truncated")
    reply = await api.send(to="+61400000001", message="Hi")
    assert reply.status == 200
    assert reply.text.startswith(f"{PROLOG}\n<xml>\n    <messages")
    assert not reply.text.rstrip().endswith("</xml>")
    with pytest.raises(ET.ParseError):
        ET.fromstring(reply.text)  # noqa: S314
    # ClickSend sent the message; only the answer was cut short.
    assert len(sim.sent) == 1
    assert sim.accounts["demo"].balance == pytest.approx(25 - 0.0282)


async def test_drop_closes_without_answer(api: Api, sim: ClickSendSimulator) -> None:
    """The drop fault closes the connection without an answer."""
    sim.add_fault("drop")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.send(to="+61400000001", message="Hi")
    assert sim.sent == []
    assert [r.endpoint for r in sim.requests] == ["send.php"]
    assert (await api.call("balance.php")).find("result") == "0000"


async def test_drop_and_aiohttp_retrying_get(api: Api, sim: ClickSendSimulator) -> None:
    # aiohttp retries an idempotent GET once on a dropped connection.
    """An aiohttp client retries a dropped GET once, using up a second fault."""
    sim.add_fault("drop", count=2)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.call("balance.php")
    assert len(sim.requests) == 2
    assert sim.faults == []


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (
            "send.php",
            (
                f"{PROLOG}\n<xml>\n    <result>2101</result>\n"
                "    <errortext>Internal error</errortext>\n</xml>\n"
            ),
        ),
        (
            "history.php",
            (
                f"{PROLOG}\n<xml>\n    <history historycount='0'>\n"
                "        <result>2101</result>\n"
                "        <errortext>Internal error</errortext>\n    </history>\n</xml>\n"
            ),
        ),
    ],
)
async def test_code(
    api: Api, sim: ClickSendSimulator, endpoint: str, expected: str
) -> None:
    """The code fault forces a result in the endpoint's own error shape."""
    sim.add_fault("code")
    reply = await api.call(endpoint, "POST", to="+61400000001", message="Hi")
    assert (reply.status, reply.text) == (200, expected)
    assert sim.sent == []


async def test_code_with_own_text(api: Api, sim: ClickSendSimulator) -> None:
    """The code fault can carry any result code and text."""
    sim.add_fault("code", code="2199", error_text="Try <later> & again")
    reply = await api.call("balance.php")
    assert (reply.find("result"), reply.find("errortext")) == (
        "2199",
        "Try <later> & again",
    )


async def test_delay_then_answer(api: Api, sim: ClickSendSimulator) -> None:
    """The delay fault answers normally, late."""
    sim.add_fault("delay", seconds=0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    reply = await api.send(to="+61400000001", message="Hi")
    assert loop.time() - started >= 0.05
    assert reply.messages()[0]["result"] == "0000"


async def test_delay_beyond_client_timeout(api: Api, sim: ClickSendSimulator) -> None:
    """A client gives up on a long delay; stopping ends it."""
    sim.add_fault("delay", seconds=60)
    with pytest.raises(TimeoutError):
        async with api.session.get(
            f"{sim.base_url}balance.php",
            params={"username": "demo", "key": DEMO_KEY},
            timeout=aiohttp.ClientTimeout(total=0.1),
        ):
            pass
    # stop() (in the fixture) ends the pending delay at once.


async def test_count_and_endpoint(api: Api, sim: ClickSendSimulator) -> None:
    """A fault hits only its endpoint, as many times as asked."""
    sim.add_fault("http500", count=2, endpoint="send")
    assert sim.faults[0].endpoint == "send.php"
    assert (await api.call("balance.php")).status == 200
    assert (await api.send(to="+61400000001", message="a")).status == 500
    assert (await api.call("reply.php")).status == 200
    assert (await api.send(to="+61400000001", message="b")).status == 500
    assert (await api.send(to="+61400000001", message="c")).status == 200
    assert sim.faults == []


async def test_faults_apply_in_order(api: Api, sim: ClickSendSimulator) -> None:
    """Faults are used oldest first, one per request."""
    sim.add_fault("json")
    sim.add_fault("html")
    assert (await api.call("balance.php")).content_type == "application/json"
    assert (await api.call("balance.php")).content_type == "text/html"
    assert (await api.call("balance.php")).content_type == "text/xml"


async def test_clear_faults(api: Api, sim: ClickSendSimulator) -> None:
    """Cleared faults never happen."""
    sim.add_fault("http500", count=5)
    sim.clear_faults()
    assert (await api.call("balance.php")).status == 200


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("explode", {}, "Unknown fault kind"),
        ("http500", {"count": 0}, "count"),
        ("delay", {"seconds": -1}, "negative"),
        ("http500", {"endpoint": "sms.php"}, "Unknown endpoint"),
    ],
)
def test_bad_faults(kind: str, options: dict[str, object], message: str) -> None:
    """Faults that cannot happen are refused."""
    from clicksend_simulator import ClickSendSimulator  # noqa: PLC0415

    with pytest.raises(ValueError, match=message):
        ClickSendSimulator().add_fault(kind, **options)  # type: ignore[arg-type]
