# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""send.php: recipients, sender IDs, pricing, credit, throttling, receipts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from clicksend_simulator import TEST_ACCOUNT_KEY, TEST_NUMBERS, message_parts

if TYPE_CHECKING:
    from clicksend_simulator import ClickSendSimulator, ManualClock

    from .conftest import Api

PROLOG = "<?xml version='1.0' encoding='UTF-8' ?>"
REAL = "+61400000001"


def top_level_error(code: str, text: str) -> str:
    """Render the error shape of all endpoints but history.php."""
    return (
        f"{PROLOG}\n<xml>\n    <result>{code}</result>\n"
        f"    <errortext>{text}</errortext>\n</xml>\n"
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_send_one_shape_and_bookkeeping(
    api: Api, sim: ClickSendSimulator, method: str
) -> None:
    """send.php answers in the document's shape, charges and records."""
    reply = await api.send(
        method,
        to=REAL,
        message="Hello",
        senderid="MyCompany",
        customstring="ref-1",
        schedule="1700000100",
        method="http",
    )
    (sent,) = sim.sent
    assert reply.text == (
        f"{PROLOG}\n<xml>\n"
        "    <messages recipientcount='1'>\n"
        "        <message>\n"
        f"            <to>{REAL}</to>\n"
        f"            <messageid>{sent.message_id}</messageid>\n"
        "            <result>0000</result>\n"
        "            <errortext>Success</errortext>\n"
        "            <price>0.0282</price>\n"
        "            <currency_symbol>$</currency_symbol>\n"
        "            <currency_type>USD</currency_type>\n"
        "        </message>\n"
        "    </messages>\n"
        "</xml>\n"
    )
    assert sent.message_id == sent.message_id.upper()
    assert len(sent.message_id) == 36
    assert (sent.username, sent.to, sent.message) == ("demo", REAL, "Hello")
    assert (sent.sender_id, sent.custom_string, sent.schedule) == (
        "MyCompany",
        "ref-1",
        1700000100,
    )
    assert (sent.parts, sent.price, sent.encoding) == (1, 0.0282, "GSM-7")
    assert sim.accounts["demo"].balance == pytest.approx(25 - 0.0282)
    assert (await api.call("balance.php")).find("balance") == "24.97"


async def test_many_recipients_each_judged(api: Api, sim: ClickSendSimulator) -> None:
    """Each recipient gets its own result."""
    reply = await api.send(
        to="+61400000001, bogus ,+61411111111,,0061 (400) 000-002", message="Hi"
    )
    assert reply.root.find("messages").attrib == {"recipientcount": "4"}
    results = [(m["to"], m["result"], m["errortext"]) for m in reply.messages()]
    assert results == [
        ("+61400000001", "0000", "Success"),
        ("bogus", "2015", "Invalid recipient"),
        ("+61411111111", "0000", "Success"),
        ("+61400000002", "0000", "Success"),
    ]
    failed = reply.messages()[1]
    assert (failed["messageid"], failed["price"]) == ("", "0.0000")
    assert [s.to for s in sim.sent] == ["+61400000001", "+61411111111", "+61400000002"]


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+61411111111", "", "+61411111111"),
        ("61411111111", "", "+61411111111"),
        ("0061411111111", "", "+61411111111"),
        ("+61 411-111 (111)", "", "+61411111111"),
        ("0411111111", "AU", "+61411111111"),
        ("0411 111 111", "au", "+61411111111"),
        ("61411111111", "AU", "+61411111111"),
        ("+61411111111", "NZ", "+61411111111"),
        ("021234567", "NZ", "+6421234567"),
        ("07777777777", "GB", "+447777777777"),
        ("(405) 555-5555", "US", "+14055555555"),
        ("1 405 555 5666", "US", "+14055555666"),
        ("6135550123", "CA", "+16135550123"),
        ("0851234567", "IE", "+353851234567"),
        ("015112345678", "DE", "+4915112345678"),
        ("0612345678", "FR", "+33612345678"),
        ("09876543210", "IN", "+919876543210"),
        ("91234567", "SG", "+6591234567"),
    ],
)
async def test_recipient_normalisation(
    api: Api, raw: str, country: str, expected: str
) -> None:
    """Numbers are normalised, with the country's code when given."""
    reply = await api.send(to=raw, message="Hi", country=country)
    (message,) = reply.messages()
    assert (message["to"], message["result"]) == (expected, "0000")


@pytest.mark.parametrize(
    "raw",
    [
        "0411111111",  # a national number without a country
        "+6141111",  # 7 digits
        "+6141111111111111",  # 16 digits
        "+0411111111",
        "+61abc111111",
        "hello",
        "+",
    ],
)
async def test_invalid_recipient(api: Api, sim: ClickSendSimulator, raw: str) -> None:
    """A number that is no international mobile number is 2015."""
    reply = await api.send(to=raw, message="Hi")
    (message,) = reply.messages()
    assert (message["to"], message["messageid"]) == (raw, "")
    assert (message["result"], message["errortext"]) == ("2015", "Invalid recipient")
    assert (message["price"], message["currency_type"]) == ("0.0000", "USD")
    assert sim.sent == []


@pytest.mark.parametrize("message", ["", "   ", "\n\t"])
async def test_empty_message(api: Api, message: str) -> None:
    """An empty or blank message is 2051 for the whole request."""
    reply = await api.send(to=REAL, message=message)
    assert reply.text == top_level_error("2051", "Empty message")


async def test_missing_message_and_recipients(api: Api) -> None:
    """No message is 2051; no recipient is 2015."""
    assert (await api.send(to=REAL)).text == top_level_error("2051", "Empty message")
    reply = await api.send(message="Hi")
    assert reply.text == top_level_error("2015", "Invalid recipient")
    reply = await api.send(message="Hi", to=" , ")
    assert reply.text == top_level_error("2015", "Invalid recipient")


async def test_recipient_limit(api: Api, sim: ClickSendSimulator) -> None:
    """1000 recipients is the limit; more is 2052."""
    numbers = [f"+6140{i:07d}" for i in range(1001)]
    reply = await api.send(to=",".join(numbers), message="Hi")
    assert reply.text == top_level_error("2052", "Too many recipients")
    assert sim.sent == []
    sim.set_balance("demo", 1000)
    reply = await api.send(to=",".join(numbers[:1000]), message="Hi")
    assert reply.root.find("messages").attrib["recipientcount"] == "1000"
    assert len(sim.sent) == 1000


@pytest.mark.parametrize(
    ("sender_id", "ok"),
    [
        ("MyCompany", True),
        ("ABCDEFGHIJK", True),
        ("My-Co.", False),
        ("+61411111111", True),
        ("61411111111", True),
        ("123456789012345", True),
        ("+12", True),
        ("Café", False),
        ("📱", False),
        ("ＡＢＣ", False),
        ("<script>", False),
        ("+", False),
        ("ABCDEFGHIJKL", False),
        ("My Co", False),
        ("My\tCo", False),
        ("1234567890123456", False),
        ("+1234567890123456", False),
    ],
)
async def test_sender_id(
    api: Api, sim: ClickSendSimulator, sender_id: str, ok: bool
) -> None:
    """Long or spaced alphanumeric sender IDs are 2017; numbers pass."""
    reply = await api.send(to=f"{REAL},+61411111111", message="Hi", senderid=sender_id)
    for message in reply.messages():
        if ok:
            assert message["result"] == "0000"
        else:
            assert (message["result"], message["errortext"]) == (
                "2017",
                "Invalid sender id",
            )
            assert message["messageid"] == ""
    assert len(sim.sent) == (2 if ok else 0)


async def test_test_numbers_are_free_and_silent(
    api: Api, sim: ClickSendSimulator
) -> None:
    """Test numbers succeed for free, without delivery reports."""
    reply = await api.send(to=",".join(sorted(TEST_NUMBERS)), message="x" * 400)
    messages = reply.messages()
    assert len(messages) == 8
    assert all(m["result"] == "0000" and m["price"] == "0.0000" for m in messages)
    assert all(m["messageid"] for m in messages)
    assert sim.accounts["demo"].balance == 25.0
    assert sim.receipts == []
    assert all(s.test_number and s.price == 0 and s.parts == 3 for s in sim.sent)
    assert (await api.call("delivery.php")).find("dlrs") == ""
    assert (await api.call("delivery.php")).root.find("dlrs").attrib == {
        "dlrcount": "0"
    }


@pytest.mark.parametrize(
    ("text", "extra", "encoding", "parts"),
    [
        ("a" * 160, {}, "GSM-7", 1),
        ("a" * 161, {}, "GSM-7", 2),
        ("a" * 306, {}, "GSM-7", 2),
        ("a" * 307, {}, "GSM-7", 3),
        ("ñÄ@£" * 40, {}, "GSM-7", 1),
        ("€" * 80, {}, "GSM-7", 1),  # extended characters count twice
        ("€" * 81, {}, "GSM-7", 2),
        ("ā" * 70, {}, "Unicode", 1),
        ("ā" * 71, {}, "Unicode", 2),
        ("ā" * 134, {}, "Unicode", 2),
        ("ā" * 135, {}, "Unicode", 3),
        ("😀" * 35, {}, "Unicode", 1),  # two UTF-16 units each
        ("😀" * 36, {}, "Unicode", 2),
        ("a" * 70, {"messagetype": "Unicode"}, "Unicode", 1),
        ("a" * 71, {"messagetype": "Unicode"}, "Unicode", 2),
    ],
)
async def test_pricing_per_part(
    api: Api,
    sim: ClickSendSimulator,
    text: str,
    extra: dict[str, str],
    encoding: str,
    parts: int,
) -> None:
    """Each SMS part costs 0.0282, by the encoding's part sizes."""
    reply = await api.send(to=REAL, message=text, **extra)
    (message,) = reply.messages()
    assert message["price"] == f"{parts * 0.0282:.4f}"
    (sent,) = sim.sent
    assert (sent.encoding, sent.parts) == (encoding, parts)
    assert message_parts(text, unicode=bool(extra)).parts == parts
    assert sim.accounts["demo"].balance == pytest.approx(25 - parts * 0.0282)


async def test_low_credit(api: Api, sim: ClickSendSimulator) -> None:
    """A recipient the balance cannot pay for is 2018."""
    sim.set_balance("demo", 0.05)
    reply = await api.send(to="+61400000001,+61400000002,+61411111111", message="Hi")
    assert [(m["result"], m["errortext"]) for m in reply.messages()] == [
        ("0000", "Success"),
        ("2018", "Low credit"),
        ("0000", "Success"),  # test numbers cost nothing
    ]
    assert reply.messages()[1]["messageid"] == ""
    assert sim.accounts["demo"].balance == pytest.approx(0.0218)


async def test_nocredit_account_can_send_only_to_test_numbers(
    api: Api, sim: ClickSendSimulator
) -> None:
    """The nocredit account gets 2018, except for a test number, which is free."""
    reply = await api.send(
        username="nocredit",
        key=TEST_ACCOUNT_KEY,
        to="+61400000001,+61411111111",
        message="Hi",
    )
    assert [m["result"] for m in reply.messages()] == ["2018", "0000"]
    assert [(s.to, s.price, s.test_number) for s in sim.sent] == [
        ("+61411111111", 0.0, True)
    ]


async def test_message_over_960_characters_is_refused(
    api: Api, sim: ClickSendSimulator
) -> None:
    """The document's maximum; the code is the simulator's own (none is documented)."""
    assert (await api.send(to=REAL, message="a" * 960)).messages()[0]["result"] == (
        "0000"
    )
    reply = await api.send(to=REAL, message="a" * 961)
    assert reply.text == top_level_error("2099", "Message too long")
    assert len(sim.sent) == 1


async def test_throttle_by_injected_clock(
    api: Api, sim: ClickSendSimulator, clock: ManualClock
) -> None:
    """The same message to the same number is 2016 for 5 seconds."""

    async def result(to: str = REAL, message: str = "Same", **extra: str) -> str:
        """Send and return the first result code."""
        reply = await api.send(to=to, message=message, **extra)
        return reply.messages()[0]["result"]

    assert await result() == "0000"
    throttled = (await api.send(to=REAL, message="Same")).messages()[0]
    assert (throttled["result"], throttled["errortext"]) == ("2016", "Throttled")
    assert throttled["messageid"] == ""
    assert await result(message="Different") == "0000"
    assert await result(to="+61400000002") == "0000"
    assert await result(to="+61 400 000 001") == "2016"  # same number, other format
    clock.advance(4.9)
    assert await result() == "2016"
    clock.advance(0.1)
    assert await result() == "0000"
    # Another account is not throttled by the demo account's sends.
    sim.add_account("other", "k")
    assert await result(username="other", key="k") == "0000"
    assert len(sim.sent) == 5


async def test_throttle_within_one_request_and_configurable(
    api: Api, sim: ClickSendSimulator
) -> None:
    """A repeated number in one request is throttled, unless turned off."""
    reply = await api.send(to=f"{REAL},{REAL}", message="Twice")
    assert [m["result"] for m in reply.messages()] == ["0000", "2016"]
    sim.throttle_seconds = 0
    reply = await api.send(to=f"{REAL},{REAL}", message="Twice")
    assert [m["result"] for m in reply.messages()] == ["0000", "0000"]


@pytest.mark.parametrize(
    ("number", "reports"),
    [
        ("+61400000010", [("Undelivered", "301")]),
        ("+61400000001", [("Delivered", "201")]),
        ("+447700900129", [("Undelivered", "300"), ("Delivered", "201")]),
        ("+447700900128", [("Undelivered", "300"), ("Undelivered", "301")]),
        ("+447700900120", [("Undelivered", "301")]),
    ],
)
async def test_receipt_rule(
    api: Api, sim: ClickSendSimulator, number: str, reports: list[tuple[str, str]]
) -> None:
    """Ending in 0: 301; in 9: 300 then 201; in 8: 300 then 301; else 201."""
    await api.send(to=number, message="Hi", customstring="ref-9")
    (sent,) = sim.sent
    dlrs = (await api.call("delivery.php")).items("dlrs/dlr")
    assert dlrs == [
        {
            "messageid": sent.message_id,
            "status": status,
            "status_code": code,
            "customstring": "ref-9",
            "username": "demo",
        }
        for status, code in reports
    ]


async def test_schedule_other_values(api: Api, sim: ClickSendSimulator) -> None:
    """A schedule that is not unix time means now."""
    await api.send(to=REAL, message="a", schedule="")
    await api.send(to=REAL, message="b", schedule="tomorrow")
    assert [s.schedule for s in sim.sent] == [None, None]
