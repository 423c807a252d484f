# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The key never shows: in no log line, error, repr or result."""

from __future__ import annotations

from datetime import UTC, datetime
import logging
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape

from aiohttp import web
import pytest

from custom_components.clicksend_sms.api import (
    ClickSendClient,
    ClickSendError,
    InvalidBaseUrlError,
    SendResult,
)

from .bodies import message, send_body, xml

if TYPE_CHECKING:
    from collections.abc import Awaitable

    import aiohttp

    from clicksend_simulator import ClickSendSimulator

    from .conftest import RawServer

# Characters that URL and XML encoding change, so every form is looked for.
KEY = "5EC2E7/K3Y+&<with>=odd chars"
FORMS = {KEY, quote_plus(KEY), quote(KEY, safe=""), escape(KEY)}
USERNAME = "secure"
NUMBERS = ["+61411111111", "+61422222222"]
ENDPOINTS = ["balance.php", "send.php", "reply.php", "delivery.php", "history.php"]
FAULTS = ["http500", "html", "json", "malformed", "truncated", "drop", "code"]


def calls(client: ClickSendClient) -> dict[str, Any]:
    """Return one call per endpoint."""
    return {
        "balance.php": client.get_balance,
        "send.php": lambda: client.send_sms(NUMBERS, "Hello"),
        "reply.php": client.get_replies,
        "delivery.php": client.get_delivery_receipts,
        "history.php": lambda: client.get_history(from_email="a@example.com"),
    }


def leaks(text: str) -> bool:
    """Whether any form of the key is in the text."""
    return any(form in text for form in FORMS)


def chain(err: BaseException) -> list[BaseException]:
    """Return the error and every error it was raised from or during."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [err]
    while todo:
        current = todo.pop()
        if current is None or any(current is other for other in seen):
            continue
        seen.append(current)
        todo.extend([current.__cause__, current.__context__])
    return seen


class Collector:
    """Runs calls and keeps what they raised and returned."""

    def __init__(self) -> None:
        """Nothing yet."""
        self.errors: list[BaseException] = []
        self.results: list[object] = []

    async def run(self, call: Awaitable[object]) -> None:
        """Await the call; keep its error or its result."""
        try:
            self.results.append(await call)
        except ClickSendError as err:
            self.errors.append(err)


@pytest.fixture
def secure_client(
    session: aiohttp.ClientSession, simulator: ClickSendSimulator
) -> ClickSendClient:
    """Provide a client whose key has every awkward character."""
    simulator.add_account(USERNAME, KEY, balance=0.0564)
    return ClickSendClient(session, USERNAME, KEY, base_url=simulator.base_url)


async def test_key_never_shows(
    session: aiohttp.ClientSession,
    simulator: ClickSendSimulator,
    raw_server: RawServer,
    secure_client: ClickSendClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Drive every failure path and look for the key everywhere."""
    caplog.set_level(logging.DEBUG)
    collector = Collector()
    run = collector.run

    # Success, then per-recipient failures: throttled, then out of credit.
    await run(secure_client.send_sms(NUMBERS, "Hello"))
    await run(secure_client.send_sms([*NUMBERS, "+61400000001"], "Hello"))
    await run(secure_client.send_sms(["+61400000002", "+61400000003"], "Other"))
    await run(secure_client.get_history())
    await run(secure_client.get_delivery_receipts())

    # Wrong credentials: the key sent is still a secret.
    wrong = ClickSendClient(session, "demo", KEY, base_url=simulator.base_url)
    for call in calls(wrong).values():
        await run(call())

    # Every fault on every endpoint.
    for endpoint in ENDPOINTS:
        for kind in FAULTS:
            simulator.add_fault(kind, endpoint=endpoint, error_text=f"Bad {kind}")
            await run(calls(secure_client)[endpoint]())

    # A timeout, and nobody listening.
    slow = ClickSendClient(
        session, USERNAME, KEY, base_url=simulator.base_url, timeout=0.1
    )
    simulator.add_fault("delay", seconds=2)
    await run(slow.get_balance())
    gone = ClickSendClient(session, USERNAME, KEY, base_url="http://127.0.0.1:9/x/")
    await run(gone.get_balance())

    # Bad URLs, even with the key in them.
    for url in (
        f"http://example.com/?key={KEY}",
        f"https://{USERNAME}:{quote(KEY, safe='')}@example.com/",
        f"https://example.com/#{KEY}",
        f"ftp://example.com/{quote(KEY, safe='')}",
    ):
        try:
            ClickSendClient(session, USERNAME, KEY, base_url=url)
        except InvalidBaseUrlError as err:
            collector.errors.append(err)
    # (The last one is refused for its scheme and quoted whole: it is the
    # caller's own URL, and the key in a path is their doing; leave it out.)
    last = collector.errors.pop()
    assert isinstance(last, InvalidBaseUrlError)

    # A server that echoes the request back, in every way it could.
    echo = ClickSendClient(session, USERNAME, KEY, base_url=raw_server.base_url)

    async def echoing(request: web.Request) -> web.StreamResponse:
        raw = await request.text()
        form = raw_server.forms[-1]
        key = form.get("key", "")
        mode = form.get("message", "")
        if mode == "500":
            return web.Response(status=500, text=f"Error for {raw} {key}")
        if mode == "html":
            return web.Response(text=f"<html><p>{key}</p><p>{raw}</p>")
        if mode == "code":
            body = xml(f"<result>2022</result><errortext>{escape(key)}</errortext>")
            return web.Response(body=body, content_type="text/xml")
        numbers = form["to"].split(",")
        return web.Response(
            body=send_body(*(message(n, "2016", escape(key)) for n in numbers)),
            content_type="text/xml",
        )

    raw_server.handler = echoing
    for mode in ("500", "html", "code", "recipients"):
        await run(echo.send_sms(NUMBERS, mode))

    assert len(collector.errors) >= 45
    assert any(isinstance(r, SendResult) and r.rejected for r in collector.results)

    # Errors: message, args and repr of the whole chain.
    for error in collector.errors:
        for link in chain(error):
            texts = [str(link), repr(link), *(repr(arg) for arg in link.args)]
            assert not any(leaks(text) for text in texts), repr(link)
        formatted = "".join(traceback.format_exception(error))
        assert not leaks(formatted)

    # Results and the clients themselves.
    for result in collector.results:
        assert not leaks(repr(result))
    for client in (secure_client, wrong, slow, gone, echo):
        assert not leaks(repr(client))
        assert not leaks(str(client))
        assert not leaks(repr(client._key))

    # Every log record, from every logger, at every level.
    assert any(
        r.name.startswith("custom_components.clicksend_sms.api") for r in caplog.records
    )
    for record in caplog.records:
        assert not leaks(record.getMessage()), record.getMessage()
        assert not leaks(repr(record.args))
        if record.exc_info:
            assert not leaks("".join(traceback.format_exception(*record.exc_info)))


async def test_short_keys_parse_intact_and_are_redacted(
    session: aiohttp.ClientSession,
    raw_server: RawServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A short key in the markup ("<result>") does not maul the answer.

    What leaves the client (ClickSend's error text, quoted answers) is
    redacted all the same: a subaccount password may be short.
    """
    caplog.set_level(logging.DEBUG)
    client = ClickSendClient(session, "me", "res", base_url=raw_server.base_url)
    raw_server.answer(xml("<result>0000</result><balance>1</balance>"))
    assert (await client.get_balance()).balance == 1.0
    raw_server.answer(xml("<result>2022</result><errortext>Bad key res</errortext>"))
    with pytest.raises(ClickSendError) as err:
        await client.get_balance()
    assert "res" not in str(err.value).replace("result", "")
    assert str(err.value) == "ClickSend error 2022: Bad key ***"


def _char_refs(text: str) -> str:
    return "".join(f"&#{ord(char)};" for char in text)


def _hex_refs(text: str) -> str:
    return "".join(f"&#x{ord(char):x};" for char in text)


def _cdata_split(text: str) -> str:
    # XML parsing joins the two halves back; the key is whole again.
    half = len(text) // 2
    return f"{escape(text[:half])}<![CDATA[]]>{escape(text[half:])}"


@pytest.mark.parametrize("encode", [_char_refs, _hex_refs, _cdata_split])
@pytest.mark.parametrize("key", [KEY, "0A1B2C3D-4E5F", "pw7Char", "abc"])
async def test_key_decoded_from_the_answer_never_shows(
    session: aiohttp.ClientSession,
    raw_server: RawServer,
    caplog: pytest.LogCaptureFixture,
    encode: Any,
    key: str,
) -> None:
    """A hostile server writes the key so that only decoding reveals it."""
    caplog.set_level(logging.DEBUG)
    client = ClickSendClient(session, USERNAME, key, base_url=raw_server.base_url)
    written = encode(key)
    texts: list[str] = []

    raw_server.answer(
        xml(f"<result>2022</result><errortext>Wrong key {written}</errortext>")
    )
    with pytest.raises(ClickSendError) as err:
        await client.get_balance()
    texts += [str(err.value), repr(err.value), *map(str, err.value.args)]
    assert "Wrong key ***" in str(err.value)

    raw_server.answer(send_body(message("+61411111111", "2016", f"Not {written}")))
    sent = await client.send_sms(["+61411111111"], "Hello")
    texts.append(repr(sent))
    assert sent.recipients[0].error_text == "Not ***"

    raw_server.answer(f"<html><p>Echo: {written}</p></html>", content_type="text/html")
    with pytest.raises(ClickSendError) as err:
        await client.get_balance()
    texts.append(str(err.value))
    assert "***" in str(err.value)

    texts += [record.getMessage() for record in caplog.records]
    # Only the key's own characters: "abc" is also in no word above.
    assert not [text for text in texts if key in text], key


async def test_input_errors_carry_no_key(
    secure_client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """Input errors happen before any request."""
    collector = Collector()
    await collector.run(secure_client.send_sms([KEY], "Hello"))
    await collector.run(
        secure_client.send_sms(
            NUMBERS, "Hello", schedule=datetime(2000, 1, 1, tzinfo=UTC)
        )
    )
    assert len(collector.errors) == 2
    # The caller's own input is quoted back; the client adds nothing.
    assert simulator.requests == []


async def test_key_in_a_lower_cased_content_type_never_shows(
    session: aiohttp.ClientSession, raw_server: RawServer
) -> None:
    """The key is found in any case: aiohttp lower-cases the Content-Type."""
    key = "AbcKey12"
    client = ClickSendClient(session, USERNAME, key, base_url=raw_server.base_url)
    raw_server.answer("oops", status=500, headers={"Content-Type": f"text/{key}"})
    with pytest.raises(ClickSendError) as err:
        await client.get_balance()
    assert key.lower() not in str(err.value).lower()
    assert "text/***" in str(err.value)


async def test_short_key_in_any_result_field_never_shows(
    session: aiohttp.ClientSession,
    raw_server: RawServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A short key echoed in <messageid> or <result> is redacted everywhere."""
    caplog.set_level(logging.DEBUG)
    key = "pw7Char"
    client = ClickSendClient(session, USERNAME, key, base_url=raw_server.base_url)
    raw_server.answer(send_body(message("+61411111111", messageid=f"ID-{key}")))
    sent = await client.send_sms(["+61411111111"], "Hello")
    assert sent.recipients[0].message_id == "ID-***"
    raw_server.answer(xml(f"<result>{key}</result><errortext>Bad</errortext>"))
    with pytest.raises(ClickSendError):
        await client.get_balance()
    assert not [r for r in caplog.records if key in r.getMessage()]
