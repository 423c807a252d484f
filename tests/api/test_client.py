# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The client against the simulator, over real sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import math
import threading
from typing import TYPE_CHECKING

import aiohttp
import pytest

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME, TEST_ACCOUNT_KEY
from custom_components.clicksend_sms.api import (
    DEFAULT_BASE_URL,
    AccountNotActiveError,
    Balance,
    ClickSendApiError,
    ClickSendAuthError,
    ClickSendClient,
    ClickSendConnectionError,
    ClickSendError,
    ClickSendInputError,
    ClickSendInternalError,
    ClickSendResponseError,
    ClickSendTimeoutError,
    EmptyMessageError,
    EmptyMessageRejectedError,
    Encoding,
    InsufficientCreditError,
    InvalidBaseUrlError,
    InvalidCountryError,
    InvalidCustomStringError,
    InvalidNumberError,
    InvalidRecipientError,
    InvalidScheduleError,
    InvalidSenderIdError,
    MessageInfo,
    MessageTooLongError,
    NoRecipientsError,
    SenderIdRejectedError,
    ThrottledError,
    TooManyRecipientsError,
    UnknownResultError,
    client as client_module,
)
from custom_components.clicksend_sms.api.const import PARSE_IN_THREAD_FROM

if TYPE_CHECKING:
    from clicksend_simulator import ClickSendSimulator
    from custom_components.clicksend_sms.api import InboundReply

TEST_NUMBERS = ["+61411111111", "+61422222222", "+61433333333"]
SEND_FIELDS = {"username", "key", "to", "message"}


def real_numbers(count: int, start: int = 0) -> list[str]:
    """Make distinct numbers that are not ClickSend's test numbers."""
    return [f"+614{index:08d}" for index in range(start, start + count)]


def sends(simulator: ClickSendSimulator) -> list[dict[str, str]]:
    """Return the forms of every send.php request, oldest first."""
    return [r.form for r in simulator.requests if r.endpoint == "send.php"]


# Construction


async def test_construction(session: aiohttp.ClientSession) -> None:
    """The client shows who and where, and keeps a URL normalised."""
    client = ClickSendClient(session, "me", DEMO_KEY)
    assert client.username == "me"
    assert client.base_url == DEFAULT_BASE_URL
    assert repr(client) == (
        f"ClickSendClient(username='me', base_url='{DEFAULT_BASE_URL}')"
    )
    client = ClickSendClient(session, "me", DEMO_KEY, base_url="http://localhost:8/v2")
    assert client.base_url == "http://localhost:8/v2/"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"base_url": "http://api-mapper.clicksend.com/http/v2/"}, InvalidBaseUrlError),
        ({"base_url": "ftp://127.0.0.1/"}, InvalidBaseUrlError),
        ({"timeout": 0}, ValueError),
        ({"timeout": -1.0}, ValueError),
        ({"timeout": math.nan}, ValueError),
        ({"timeout": math.inf}, ValueError),
        ({"max_concurrency": 0}, ValueError),
    ],
)
async def test_construction_refuses(
    session: aiohttp.ClientSession, kwargs: dict[str, object], error: type[Exception]
) -> None:
    """A URL that would expose the key, or a nonsense limit, is refused."""
    with pytest.raises(error):
        ClickSendClient(session, "me", DEMO_KEY, **kwargs)  # type: ignore[arg-type]


# balance.php


async def test_get_balance(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """balance.php: credentials travel in a POST body, never the URL."""
    assert await client.get_balance() == Balance(25.0, "$", "Prepay")
    (request,) = simulator.requests
    assert request.endpoint == "balance.php"
    assert request.method == "POST"
    # Credentials travel in the body, never in the URL.
    assert request.query == {}
    assert request.form == {"username": DEMO_USERNAME, "key": DEMO_KEY}


@pytest.mark.parametrize(
    ("username", "key", "error", "code"),
    [
        ("demo", "WRONG-KEY-0000", ClickSendAuthError, "2022"),
        ("nobody", DEMO_KEY, ClickSendAuthError, "2022"),
        ("", DEMO_KEY, ClickSendAuthError, "2006"),
        ("demo", "", ClickSendAuthError, "2006"),
        ("notactive", TEST_ACCOUNT_KEY, AccountNotActiveError, "2007"),
        ("banned", TEST_ACCOUNT_KEY, AccountNotActiveError, "2007"),
    ],
)
@pytest.mark.parametrize(
    "call",
    ["get_balance", "get_replies", "get_delivery_receipts", "get_history", "send_sms"],
)
async def test_account_errors(
    session: aiohttp.ClientSession,
    simulator: ClickSendSimulator,
    username: str,
    key: str,
    error: type[ClickSendApiError],
    code: str,
    call: str,
) -> None:
    """Every endpoint maps ClickSend's account codes to their errors."""
    client = ClickSendClient(session, username, key, base_url=simulator.base_url)
    args: tuple[object, ...] = (TEST_NUMBERS, "Hello") if call == "send_sms" else ()
    with pytest.raises(error) as err:
        await getattr(client, call)(*args)
    assert err.value.code == code
    assert err.value.error_text


async def test_nocredit_account(
    session: aiohttp.ClientSession, simulator: ClickSendSimulator
) -> None:
    """An account without credit may look but cannot send."""
    client = ClickSendClient(
        session, "nocredit", TEST_ACCOUNT_KEY, base_url=simulator.base_url
    )
    assert (await client.get_balance()).balance == 0.0
    # Every recipient refused for the account's credit: the send failed.
    with pytest.raises(InsufficientCreditError) as err:
        await client.send_sms(["+61400000001", "+61400000002"], "Hello")
    assert (err.value.code, err.value.error_text) == ("2018", "Low credit")
    # Test numbers succeed, at no cost, as ClickSend's document says.
    sent = await client.send_sms(TEST_NUMBERS, "Hello")
    assert len(sent.accepted) == len(TEST_NUMBERS)


# send.php


async def test_send_to_test_numbers(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """Test numbers cost nothing; only the required fields are sent."""
    result = await client.send_sms(TEST_NUMBERS, "Hello there")
    assert result.message == MessageInfo(Encoding.GSM7, 11, 1)
    assert result.requests == 1
    assert [r.to for r in result.recipients] == TEST_NUMBERS
    assert all(r.accepted and r.message_id for r in result.recipients)
    assert [r.price for r in result.recipients] == [0.0, 0.0, 0.0]
    assert result.total_price == 0.0
    assert result.currency == "USD"
    assert result.rejected == ()
    (form,) = sends(simulator)
    # Exactly these fields: no optional one unless given.
    assert form == {
        "username": DEMO_USERNAME,
        "key": DEMO_KEY,
        "to": ",".join(TEST_NUMBERS),
        "message": "Hello there",
    }
    assert [s.message_id for s in simulator.sent] == [
        r.message_id for r in result.recipients
    ]
    assert (await client.get_balance()).balance == 25.0


async def test_send_to_real_numbers_costs(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """Real numbers cost per part."""
    result = await client.send_sms(real_numbers(2), "x" * 161)
    assert result.message.parts == 2
    assert [r.price for r in result.recipients] == [0.0564, 0.0564]
    assert result.total_price == 0.1128
    # balance.php rounds to cents.
    assert (await client.get_balance()).balance == pytest.approx(25 - 0.1128, abs=0.005)


async def test_send_with_every_option(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """Every option is sent, validated and in ClickSend's form."""
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    result = await client.send_sms(
        ["0411 111 111", "+61 422 222 222", "0411111111"],
        "Hi 👋",
        sender_id=" MyHome ",
        schedule=when,
        country="au",
        custom_string="ref-42",
    )
    assert [r.to for r in result.recipients] == ["+61411111111", "+61422222222"]
    assert result.message == MessageInfo(Encoding.UNICODE, 5, 1)
    (form,) = sends(simulator)
    assert form == {
        "username": DEMO_USERNAME,
        "key": DEMO_KEY,
        "to": "+61411111111,+61422222222",
        "message": "Hi 👋",
        "senderid": "MyHome",
        "schedule": str(int(when.timestamp())),
        "customstring": "ref-42",
        "country": "AU",
        "messagetype": "Unicode",
    }
    sent = simulator.sent[0]
    assert (sent.sender_id, sent.schedule, sent.custom_string, sent.encoding) == (
        "MyHome",
        int(when.timestamp()),
        "ref-42",
        "Unicode",
    )


async def test_send_empty_options_are_none(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """Empty optional strings are not sent at all."""
    await client.send_sms(
        "+61411111111", "Hello", sender_id="", country="", custom_string=""
    )
    (form,) = sends(simulator)
    assert set(form) == SEND_FIELDS


async def test_send_number_sender_id(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """A number as sender ID goes out in international form."""
    await client.send_sms(TEST_NUMBERS[:1], "Hello", sender_id="+61 400 000 000")
    assert sends(simulator)[0]["senderid"] == "+61400000000"


async def test_throttled_recipients_are_results(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """A refused recipient is a result, not an error."""
    first = await client.send_sms(TEST_NUMBERS[:1], "Same text")
    assert first.recipients[0].accepted
    # The same text to the same number within 5 s: refused for that one only.
    second = await client.send_sms(TEST_NUMBERS[:2], "Same text")
    throttled, fresh = second.recipients
    assert (throttled.to, throttled.result_code, throttled.error_text) == (
        "+61411111111",
        "2016",
        "Throttled",
    )
    assert throttled.message_id is None
    assert not throttled.accepted
    assert fresh.accepted
    assert second.accepted == (fresh,)
    assert second.rejected == (throttled,)
    # Every recipient throttled is still a result: it is no account failure.
    third = await client.send_sms(TEST_NUMBERS[:2], "Same text")
    assert [r.result_code for r in third.recipients] == ["2016", "2016"]


async def test_credit_running_out_midway_is_results(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """Credit running out midway leaves the earlier recipients sent."""
    simulator.set_balance(DEMO_USERNAME, 0.06)
    result = await client.send_sms(real_numbers(3), "Hello")
    assert [r.result_code for r in result.recipients] == ["0000", "0000", "2018"]
    assert result.total_price == 0.0564


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("2006", ClickSendAuthError),
        ("2007", AccountNotActiveError),
        ("2015", InvalidRecipientError),
        ("2016", ThrottledError),
        ("2017", SenderIdRejectedError),
        ("2018", InsufficientCreditError),
        ("2022", ClickSendAuthError),
        ("2051", EmptyMessageRejectedError),
        ("2052", TooManyRecipientsError),
        ("2100", ClickSendInternalError),
        ("2101", ClickSendInternalError),
        ("2199", ClickSendInternalError),
        ("2200", UnknownResultError),
        ("3001", UnknownResultError),
    ],
)
@pytest.mark.parametrize(
    "endpoint", ["balance.php", "send.php", "reply.php", "delivery.php", "history.php"]
)
async def test_result_codes(
    client: ClickSendClient,
    simulator: ClickSendSimulator,
    code: str,
    error: type[ClickSendApiError],
    endpoint: str,
) -> None:
    """Every result code, on every endpoint, raises its own error."""
    simulator.add_fault("code", endpoint=endpoint, code=code, error_text="Some text")
    call = {
        "balance.php": client.get_balance,
        "send.php": lambda: client.send_sms(TEST_NUMBERS, "Hello"),
        "reply.php": client.get_replies,
        "delivery.php": client.get_delivery_receipts,
        "history.php": client.get_history,
    }[endpoint]
    with pytest.raises(error) as err:
        await call()
    assert type(err.value) is error
    assert (err.value.code, err.value.error_text) == (code, "Some text")
    # The fault is spent: the next call succeeds.
    await call()


# Chunks


async def test_send_in_chunks(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """Over 1,000 recipients go in several requests, merged in input order."""
    simulator.set_balance(DEMO_USERNAME, 1000.0)
    numbers = real_numbers(2500)
    result = await client.send_sms(numbers, "Hello")
    assert result.requests == 3
    forms = sends(simulator)
    assert sorted(len(form["to"].split(",")) for form in forms) == [500, 1000, 1000]
    assert sorted(n for form in forms for n in form["to"].split(",")) == numbers
    # Input order, whichever request finished first.
    assert [r.to for r in result.recipients] == numbers
    assert all(r.accepted for r in result.recipients)
    assert len({r.message_id for r in result.recipients}) == 2500
    by_number = {s.to: s.message_id for s in simulator.sent}
    assert all(by_number[r.to] == r.message_id for r in result.recipients)
    assert result.total_price == pytest.approx(2500 * 0.0282)


async def test_one_chunk_refused_is_results(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """One refused request of several is its recipients' failure."""
    simulator.set_balance(DEMO_USERNAME, 1000.0)
    simulator.add_fault(
        "code", endpoint="send.php", code="2018", error_text="Low credit"
    )
    result = await client.send_sms(real_numbers(2500), "Hello")
    assert len(result.accepted) in {1500, 2000}
    failed = result.rejected
    assert len(failed) in {500, 1000}
    assert {(r.result_code, r.error_text, r.price) for r in failed} == {
        ("2018", "Low credit", 0.0)
    }


async def test_one_chunk_lost_is_results(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """One lost request of several is its recipients' failure."""
    simulator.set_balance(DEMO_USERNAME, 1000.0)
    simulator.add_fault("http500", endpoint="send.php")
    result = await client.send_sms(real_numbers(2500), "Hello")
    assert len(result.rejected) in {500, 1000}
    assert {r.result_code for r in result.rejected} == {""}
    assert all("HTTP 500" in r.error_text for r in result.rejected)


async def test_every_chunk_failed_raises(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """When no request went through, the first error is raised."""
    simulator.add_fault("drop", endpoint="send.php", count=3)
    with pytest.raises(ClickSendConnectionError):
        await client.send_sms(real_numbers(2500), "Hello")
    simulator.add_fault("code", endpoint="send.php", count=3, code="2101")
    with pytest.raises(ClickSendInternalError):
        await client.send_sms(real_numbers(2500), "Hello")


async def test_every_chunk_account_failure_raises(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    # One request refused outright, the others recipient by recipient.
    """All recipients failed for the account's credit: raise."""
    simulator.set_balance(DEMO_USERNAME, 0.0)
    simulator.add_fault(
        "code", endpoint="send.php", code="2018", error_text="Low credit"
    )
    with pytest.raises(InsufficientCreditError) as err:
        await client.send_sms(real_numbers(2500), "Hello")
    assert err.value.error_text == "Low credit"


# Input is checked before anything is sent


@pytest.mark.parametrize(
    ("recipients", "message", "kwargs", "error"),
    [
        (TEST_NUMBERS, "", {}, EmptyMessageError),
        (TEST_NUMBERS, "  \n", {}, EmptyMessageError),
        (TEST_NUMBERS, "x" * 961, {}, MessageTooLongError),
        ([], "Hello", {}, NoRecipientsError),
        (["+61411111111", "0411"], "Hello", {}, InvalidNumberError),
        (["0411111111"], "Hello", {}, InvalidNumberError),
        (TEST_NUMBERS, "Hello", {"country": "Australia"}, InvalidCountryError),
        (TEST_NUMBERS, "Hello", {"sender_id": "My Home"}, InvalidSenderIdError),
        (TEST_NUMBERS, "Hello", {"custom_string": "x" * 51}, InvalidCustomStringError),
        (
            TEST_NUMBERS,
            "Hello",
            {"schedule": datetime(2030, 1, 1)},  # noqa: DTZ001
            InvalidScheduleError,
        ),
        (
            TEST_NUMBERS,
            "Hello",
            {"schedule": datetime(2020, 1, 1, tzinfo=UTC)},
            InvalidScheduleError,
        ),
    ],
)
async def test_send_refuses_input(
    client: ClickSendClient,
    simulator: ClickSendSimulator,
    recipients: list[str],
    message: str,
    kwargs: dict[str, object],
    error: type[ClickSendInputError],
) -> None:
    """Invalid input is refused before anything is sent."""
    with pytest.raises(error):
        await client.send_sms(recipients, message, **kwargs)  # type: ignore[arg-type]
    assert simulator.requests == []


# reply.php, delivery.php, history.php


async def test_get_replies(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """reply.php: none, one or many; queue and inbox modes."""
    assert await client.get_replies() == ()
    sent = await client.send_sms(real_numbers(1), "Coming?", custom_string="ref-1")
    message_id = sent.recipients[0].message_id
    assert message_id is not None
    simulator.inject_reply(
        DEMO_USERNAME,
        from_number="+61400000000",
        message="Yes <3 & see you",
        original_message_id=message_id,
    )
    (reply,) = await client.get_replies()
    assert reply.from_number == "+61400000000"
    assert reply.message == "Yes <3 & see you"
    assert reply.original_message == "Coming?"
    assert reply.original_message_id == message_id
    assert reply.custom_string == "ref-1"
    assert reply.username == DEMO_USERNAME
    # Queue mode hands each reply out once.
    assert await client.get_replies() == ()
    for text in ("One", "Two", "Three"):
        simulator.inject_reply(DEMO_USERNAME, from_number="+61400000001", message=text)
    assert [r.message for r in await client.get_replies()] == ["One", "Two", "Three"]
    # Inbox mode hands them all out, every time.
    simulator.set_mode("inbox")
    assert len(await client.get_replies()) == 4
    assert len(await client.get_replies()) == 4
    assert {r.endpoint for r in simulator.requests} == {"reply.php", "send.php"}
    assert all(
        set(r.form) == {"username", "key"}
        for r in simulator.requests[1:]
        if r.endpoint == "reply.php"
    )


async def test_get_delivery_receipts(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """delivery.php: reports of real numbers only."""
    assert await client.get_delivery_receipts() == ()
    # Test numbers make no report; real ones do, and those ending in 0 bounce.
    sent = await client.send_sms(
        [*TEST_NUMBERS[:1], "+61400000001", "+61400000010"], "Hi", custom_string="r"
    )
    receipts = await client.get_delivery_receipts()
    assert [
        (r.message_id, r.status, r.status_code, r.custom_string) for r in receipts
    ] == [
        (sent.recipients[1].message_id, "Delivered", 201, "r"),
        (sent.recipients[2].message_id, "Undelivered", 301, "r"),
    ]
    simulator.inject_receipt(
        DEMO_USERNAME, message_id="X", status="Queued", status_code=1
    )
    (receipt,) = await client.get_delivery_receipts()
    assert (receipt.message_id, receipt.status, receipt.status_code) == (
        "X",
        "Queued",
        1,
    )


async def test_get_history(
    client: ClickSendClient, simulator: ClickSendSimulator
) -> None:
    """history.php: aware UTC dates; from_email only when given."""
    assert await client.get_history() == ()
    before = datetime.now(UTC).replace(microsecond=0)
    when = before + timedelta(hours=2)
    await client.send_sms(TEST_NUMBERS[:1], "Later", schedule=when, sender_id="Home")
    simulator.inject_reply(DEMO_USERNAME, from_number="+61400000000", message="Ok")
    out, reply = await client.get_history()
    assert (out.direction, out.to, out.message, out.status, out.sender_id) == (
        "out",
        "+61411111111",
        "Later",
        "Sent",
        "Home",
    )
    assert out.date is not None
    assert out.date.tzinfo is UTC
    assert before - timedelta(seconds=1) <= out.date <= datetime.now(UTC)
    assert out.schedule == when
    assert (reply.direction, reply.sender_id, reply.schedule) == (
        "in",
        "+61400000000",
        None,
    )
    assert await client.get_history(from_email="someone@example.com") == ()
    history = [r.form for r in simulator.requests if r.endpoint == "history.php"]
    assert history[-1] == {
        "username": DEMO_USERNAME,
        "key": DEMO_KEY,
        "from_email": "someone@example.com",
    }
    assert set(history[0]) == {"username", "key"}


# Faults


@pytest.mark.parametrize(
    "endpoint", ["balance.php", "send.php", "reply.php", "delivery.php", "history.php"]
)
@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        (
            "http500",
            ClickSendResponseError,
            ["HTTP 500", "text/html", "Internal Server Error"],
        ),
        (
            "html",
            ClickSendResponseError,
            ["HTTP 200", "text/html", "DTD", "maintenance"],
        ),
        (
            "json",
            ClickSendResponseError,
            ["HTTP 200", "application/json", "not XML", "http_code"],
        ),
        (
            "malformed",
            ClickSendResponseError,
            ["HTTP 200", "text/xml", "not XML", "<xml>"],
        ),
        ("truncated", ClickSendResponseError, ["HTTP 200", "text/xml", "not XML"]),
        (
            "drop",
            ClickSendConnectionError,
            ["Could not reach ClickSend", "Disconnected"],
        ),
    ],
)
async def test_faults(
    client: ClickSendClient,
    simulator: ClickSendSimulator,
    endpoint: str,
    kind: str,
    error: type[ClickSendError],
    words: list[str],
) -> None:
    """An answer that is not ClickSend's XML says what came back."""
    simulator.add_fault(kind, endpoint=endpoint)
    call = {
        "balance.php": client.get_balance,
        "send.php": lambda: client.send_sms(TEST_NUMBERS, "Hello"),
        "reply.php": client.get_replies,
        "delivery.php": client.get_delivery_receipts,
        "history.php": client.get_history,
    }[endpoint]
    with pytest.raises(error) as err:
        await call()
    assert type(err.value) is error
    message = str(err.value)
    assert endpoint in message
    for word in words:
        assert word.lower() in message.lower()
    assert len(message) < 500
    await call()


async def test_timeout(
    session: aiohttp.ClientSession, simulator: ClickSendSimulator
) -> None:
    """A slow answer times out with the client's own timeout."""
    client = ClickSendClient(
        session, DEMO_USERNAME, DEMO_KEY, base_url=simulator.base_url, timeout=0.2
    )
    simulator.add_fault("delay", endpoint="balance.php", seconds=2)
    with pytest.raises(ClickSendTimeoutError) as err:
        await client.get_balance()
    assert str(err.value) == "ClickSend did not answer balance.php within 0.2 s"
    assert isinstance(err.value.__cause__, TimeoutError)
    # A delay shorter than the timeout is only a delay.
    simulator.add_fault("delay", endpoint="balance.php", seconds=0.0)
    assert (await client.get_balance()).balance == 25.0


async def test_connection_refused(
    session: aiohttp.ClientSession, simulator: ClickSendSimulator
) -> None:
    """Nobody listening is a connection error."""
    base_url = simulator.base_url
    await simulator.stop()
    client = ClickSendClient(session, DEMO_USERNAME, DEMO_KEY, base_url=base_url)
    with pytest.raises(ClickSendConnectionError) as err:
        await client.get_balance()
    assert not isinstance(err.value, ClickSendTimeoutError)
    assert "ClientConnectorError" in str(err.value)
    assert isinstance(err.value.__cause__, aiohttp.ClientError)


async def test_a_large_answer_is_parsed_off_the_event_loop(
    client: ClickSendClient,
    simulator: ClickSendSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over 64 KiB, the parse runs in a thread; its errors read as before."""
    threads: list[str] = []
    parse = client_module.parse_replies

    def recording(body: bytes) -> tuple[InboundReply, ...]:
        threads.append(threading.current_thread().name)
        return parse(body)

    monkeypatch.setattr(client_module, "parse_replies", recording)
    simulator.inject_reply(DEMO_USERNAME, from_number="+61400000001", message="One")
    assert len(await client.get_replies()) == 1
    # About 350 bytes a reply: three times the threshold.
    count = 3 * PARSE_IN_THREAD_FROM // 350
    for number in range(count):
        simulator.inject_reply(
            DEMO_USERNAME, from_number=f"+614{number:08d}", message=f"b{number}"
        )
    assert len(await client.get_replies()) == count
    main = threading.main_thread().name
    assert threads[0] == main
    assert threads[1] != main
    # Cut in half, still over the threshold: the thread's error reads as ever.
    simulator.set_mode("inbox")
    simulator.add_fault("truncated", endpoint="reply.php")
    with pytest.raises(ClickSendResponseError, match="not the XML expected"):
        await client.get_replies()
    assert threads[2] != main
