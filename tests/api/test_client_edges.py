# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The client against answers the simulator never gives: a bare server."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
import pytest

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME
from custom_components.clicksend_sms.api import (
    ClickSendClient,
    ClickSendInternalError,
    ClickSendResponseError,
    UnknownResultError,
    client as client_module,
)
from custom_components.clicksend_sms.api.client import NO_RESULT_TEXT

from .bodies import BALANCE, message, send_body, xml

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import RawServer

NUMBERS = ["+61411111111", "+61422222222", "+61433333333"]


def answer_send(server: RawServer, build: Callable[[list[str]], list[str]]) -> None:
    """Answer send.php with the messages build makes of the numbers sent."""

    async def handler(request: web.Request) -> web.StreamResponse:
        numbers = server.forms[-1]["to"].split(",")
        return web.Response(body=send_body(*build(numbers)), content_type="text/xml")

    server.handler = handler


async def test_results_reordered_and_rewritten(
    raw_client: ClickSendClient, raw_server: RawServer
) -> None:
    # Reversed, and written without the "+" or with spaces.
    """Results follow the input, however ClickSend orders or writes them."""
    answer_send(
        raw_server,
        lambda numbers: [
            message(number.removeprefix("+").replace("61", "61 ", 1))
            for number in reversed(numbers)
        ],
    )
    result = await raw_client.send_sms(NUMBERS, "Hello")
    assert [r.to for r in result.recipients] == NUMBERS
    assert [r.message_id for r in result.recipients] == [
        f"ID-{n.removeprefix('+').replace('61', '61 ', 1)}" for n in NUMBERS
    ]


async def test_results_missing_or_unknown(
    raw_client: ClickSendClient,
    raw_server: RawServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A recipient without a result fails; results for others are dropped."""
    caplog.set_level(logging.DEBUG, logger=client_module.__name__)
    # The first matches; an unknown number takes the next free place.
    answer_send(
        raw_server, lambda numbers: [message(numbers[0]), message("0400000000")]
    )
    result = await raw_client.send_sms(NUMBERS, "Hello")
    first, second, third = result.recipients
    assert (first.to, first.message_id) == (NUMBERS[0], f"ID-{NUMBERS[0]}")
    assert (second.to, second.message_id) == (NUMBERS[1], "ID-0400000000")
    assert (third.to, third.message_id, third.result_code) == (NUMBERS[2], None, "")
    assert third.error_text == NO_RESULT_TEXT
    assert not third.accepted
    # Results for numbers never sent are dropped.
    answer_send(
        raw_server,
        lambda numbers: [message(n) for n in [*numbers, "+61499999999", numbers[0]]],
    )
    result = await raw_client.send_sms(NUMBERS, "Hello")
    assert [r.to for r in result.recipients] == NUMBERS
    assert "2 results for numbers not sent, dropped" in caplog.text


async def test_no_result_for_anyone_is_results(
    raw_client: ClickSendClient, raw_server: RawServer
) -> None:
    """Success without any result leaves every recipient unconfirmed."""
    raw_server.answer(xml("<result>0000</result>"), content_type="text/xml")
    result = await raw_client.send_sms(NUMBERS, "Hello")
    assert [r.error_text for r in result.recipients] == [NO_RESULT_TEXT] * 3


async def test_every_recipient_internal_error_raises(
    raw_client: ClickSendClient, raw_server: RawServer
) -> None:
    """Only one account-level code for everyone raises."""
    answer_send(
        raw_server, lambda numbers: [message(n, "2150", "Oops") for n in numbers]
    )
    with pytest.raises(ClickSendInternalError) as err:
        await raw_client.send_sms(NUMBERS, "Hello")
    assert (err.value.code, err.value.error_text) == ("2150", "Oops")
    # Mixed codes are results.
    answer_send(
        raw_server,
        lambda numbers: (
            [message(numbers[0], "2150", "Oops")]
            + [message(n, "2018", "Low credit") for n in numbers[1:]]
        ),
    )
    result = await raw_client.send_sms(NUMBERS, "Hello")
    assert [r.result_code for r in result.recipients] == ["2150", "2018", "2018"]
    # So is one unknown code for everyone.
    answer_send(raw_server, lambda numbers: [message(n, "2999", "?") for n in numbers])
    result = await raw_client.send_sms(NUMBERS, "Hello")
    assert [r.result_code for r in result.recipients] == ["2999"] * 3


async def test_concurrency_is_bounded(
    session: aiohttp.ClientSession,
    raw_server: RawServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No more requests in flight than max_concurrency."""
    monkeypatch.setattr(client_module, "MAX_RECIPIENTS_PER_REQUEST", 2)
    client = ClickSendClient(
        session,
        DEMO_USERNAME,
        DEMO_KEY,
        base_url=raw_server.base_url,
        max_concurrency=2,
    )
    in_flight = peak = 0
    two_arrived = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal in_flight, peak
        numbers = raw_server.forms[-1]["to"].split(",")
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight == 2:
            two_arrived.set()
        # Hold every request until two are in flight at once.
        await two_arrived.wait()
        in_flight -= 1
        return web.Response(
            body=send_body(*(message(n) for n in numbers)), content_type="text/xml"
        )

    raw_server.handler = handler
    numbers = [f"+6140000000{i}" for i in range(9)]
    result = await client.send_sms(numbers, "Hello")
    assert result.requests == 5
    assert [r.to for r in result.recipients] == numbers
    assert peak == 2
    assert [len(form["to"].split(",")) for form in raw_server.forms] == [2, 2, 2, 2, 1]


async def test_redirects_are_not_followed(
    raw_client: ClickSendClient, raw_server: RawServer
) -> None:
    """A redirect would carry the key elsewhere: it is an error."""
    raw_server.answer(
        b"", status=307, headers={"Location": "http://127.0.0.1:9/elsewhere"}
    )
    with pytest.raises(ClickSendResponseError, match="HTTP 307") as err:
        await raw_client.get_balance()
    assert "empty body" in str(err.value)
    assert len(raw_server.forms) == 1


async def test_large_bodies_are_refused(
    raw_client: ClickSendClient,
    raw_server: RawServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The body is read up to the cap, announced or streamed."""
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 1000)
    # Announced by Content-Length.
    raw_server.answer(xml("<balance>1</balance>" + " " * 2000))
    with pytest.raises(ClickSendResponseError, match="larger than 1000 bytes"):
        await raw_client.get_balance()

    # Streamed without a length, and without end.
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"<xml>")
        while True:
            await response.write(b"<a>" + b"x" * 200 + b"</a>")

    raw_server.handler = endless
    with pytest.raises(
        ClickSendResponseError, match=r"larger than 1000 bytes \(HTTP 200"
    ):
        await raw_client.get_balance()

    # Within the cap, streamed in parts: fine.
    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for line in BALANCE.encode().splitlines(keepends=True):
            await response.write(line)
        await response.write_eof()
        return response

    raw_server.handler = streamed
    assert (await raw_client.get_balance()).balance == 125.0
    # Within the cap, announced: fine.
    raw_server.answer(BALANCE.encode(), content_type="text/xml")
    assert (await raw_client.get_balance()).balance == 125.0


async def test_excerpts_are_short(
    raw_client: ClickSendClient, raw_server: RawServer
) -> None:
    """Error messages quote a short, single-line excerpt."""
    raw_server.answer(
        "<p>\n\n  Bad   gateway\x00 </p>" + "x" * 1000,
        status=502,
        content_type="text/html",
    )
    with pytest.raises(ClickSendResponseError) as err:
        await raw_client.get_balance()
    text = str(err.value)
    assert text.startswith(
        "ClickSend answered balance.php with HTTP 502 (text/html): '<p> Bad gateway\\x00"
    )
    assert text.endswith("x…'")
    assert len(text) < 250


async def test_unknown_code_text_is_kept(
    raw_client: ClickSendClient, raw_server: RawServer
) -> None:
    """An unknown code keeps ClickSend's code and text."""
    raw_server.answer(
        xml("<result>4321</result><errortext>Something new</errortext>"),
        content_type="text/html",
    )
    with pytest.raises(UnknownResultError) as err:
        await raw_client.get_replies()
    assert (err.value.code, err.value.error_text) == ("4321", "Something new")


async def test_unexpected_errors_pass_through(
    raw_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (here, a closed session) is not disguised, and no part lingers."""
    monkeypatch.setattr(client_module, "MAX_RECIPIENTS_PER_REQUEST", 1)
    async with aiohttp.ClientSession() as session:
        client = ClickSendClient(
            session, DEMO_USERNAME, DEMO_KEY, base_url=raw_server.base_url
        )
    with pytest.raises(RuntimeError, match="Session is closed"):
        await client.send_sms(NUMBERS, "Hello")
    assert raw_server.forms == []


async def test_cancelling_a_send_cancels_its_parts(
    raw_client: ClickSendClient,
    raw_server: RawServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancelling the caller stops every request still in flight."""
    monkeypatch.setattr(client_module, "MAX_RECIPIENTS_PER_REQUEST", 1)
    arrived = asyncio.Event()
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        arrived.set()
        await release.wait()
        return web.Response(status=500)

    raw_server.handler = handler
    send = asyncio.create_task(raw_client.send_sms(NUMBERS, "Hello"))
    await arrived.wait()
    send.cancel()
    with pytest.raises(asyncio.CancelledError):
        await send
    release.set()
