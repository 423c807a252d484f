# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The XML parser, on hand-written answers."""

from __future__ import annotations

from datetime import UTC, datetime
import logging
from typing import TYPE_CHECKING

import pytest

from custom_components.clicksend_sms.api import (
    AccountNotActiveError,
    Balance,
    ClickSendApiError,
    ClickSendAuthError,
    ClickSendInternalError,
    ClickSendResponseError,
    DeliveryReceipt,
    EmptyMessageRejectedError,
    HistoryItem,
    InboundReply,
    InsufficientCreditError,
    InvalidRecipientError,
    RecipientResult,
    SenderIdRejectedError,
    ThrottledError,
    TooManyRecipientsError,
    UnknownResultError,
    error_for_code,
    receipt_from_fields,
    reply_from_fields,
)
from custom_components.clicksend_sms.api.const import MAX_RESPONSE_BYTES
from custom_components.clicksend_sms.api.parser import (
    load_document,
    parse_balance,
    parse_delivery_receipts,
    parse_history,
    parse_replies,
    parse_send,
)

from .bodies import BALANCE, HISTORY, RECEIPTS, REPLIES, SEND, message, send_body, xml

if TYPE_CHECKING:
    from collections.abc import Callable

PARSERS: list[Callable[[bytes], object]] = [
    parse_balance,
    parse_send,
    parse_replies,
    parse_delivery_receipts,
    parse_history,
]


# The document itself


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not XML"),
        (b"   ", "not XML"),
        (b"<xml><result>0000</result>", "not XML"),
        (b"<xml><result>0000</result></xml><xml/>", "not XML"),
        (b'{"http_code": 500, "response_code": "ERROR"}', "not XML"),
        (b"<html><body><h1>Oops</h1><p>Bad<br></p></body></html>", "not XML"),
        (b"<html><body>Maintenance</body></html>", "root element is <html>"),
        (b"<response><result>0000</result></response>", "root element is <response>"),
        (b"<XML><result>0000</result></XML>", "root element is <XML>"),
        (f"<{'a' * 500}/>".encode(), f"<{'a' * 40}>, not"),
        ("<xml>café</xml>".encode("latin-1"), "not UTF-8"),
        ("<xml/>".encode("utf-16"), "not UTF-8"),
        (b"<!DOCTYPE html>\n<html><body>Down</body></html>", "DTD"),
        (b"<!doctype xml><xml/>", "DTD"),
        (
            (
                b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
                b"<!ENTITY lol2 '&lol;&lol;&lol;'>]><xml><result>&lol2;</result></xml>"
            ),
            "DTD",
        ),
        (
            (
                b'<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                b"<xml><result>&xxe;</result></xml>"
            ),
            "DTD",
        ),
        (b"<xml><!ENTITY x 'y'></xml>", "DTD"),
        (b"<xml><result>&undefined;</result></xml>", "not XML"),
    ],
)
def test_load_document_refuses(body: bytes, reason: str) -> None:
    """Anything but a plain <xml> document is refused, saying why."""
    with pytest.raises(ClickSendResponseError, match=reason):
        load_document(body)


def test_load_document_refuses_large_bodies() -> None:
    """A body over the cap is refused before parsing."""
    body = xml("<balance>1</balance>" + " " * MAX_RESPONSE_BYTES)
    with pytest.raises(ClickSendResponseError, match="larger than"):
        load_document(body)
    assert load_document(body[: MAX_RESPONSE_BYTES - 10] + b"</xml>")


def test_load_document() -> None:
    """Empty roots, a BOM, declarations and escapes are handled."""
    assert load_document(b"<xml/>") == {}
    assert load_document(b"<xml>just text</xml>") == {}
    assert load_document(b"\xef\xbb\xbf<xml><a>1</a></xml>") == {"a": "1"}
    # The declared encoding yields to UTF-8, which ClickSend declares anyway.
    assert load_document(
        "<?xml version='1.0' encoding='ISO-8859-1'?><xml><a>é</a></xml>".encode()
    ) == {"a": "é"}
    assert load_document(b"<xml><a>&lt;&amp;&#233;</a><!-- note --></xml>") == {
        "a": "<&é"
    }


@pytest.mark.parametrize("parse", PARSERS)
@pytest.mark.parametrize("body", [b"<xml/>", b"<xml><other>1</other></xml>"])
def test_answers_without_result_or_content(
    parse: Callable[[bytes], object], body: bytes
) -> None:
    """A document with nothing the endpoint returns is refused."""
    with pytest.raises(ClickSendResponseError):
        parse(body)


# Result codes


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
        ("2150", ClickSendInternalError),
        ("2199", ClickSendInternalError),
        ("2099", UnknownResultError),
        ("2200", UnknownResultError),
        ("9999", UnknownResultError),
        ("abc", UnknownResultError),
        ("２１００", UnknownResultError),
    ],
)
def test_error_for_code(code: str, error: type[ClickSendApiError]) -> None:
    """Each documented code has its error; others are unknown."""
    err = error_for_code(code, "Some text")
    assert type(err) is error
    assert (err.code, err.error_text) == (code, "Some text")
    assert str(err) == f"ClickSend error {code}: Some text"


@pytest.mark.parametrize("parse", PARSERS)
def test_result_codes_raise(parse: Callable[[bytes], object]) -> None:
    """A failing result at the top level raises on every endpoint."""
    body = xml("<result>2022</result><errortext>Invalid credentials</errortext>")
    with pytest.raises(ClickSendAuthError) as err:
        parse(body)
    assert (err.value.code, err.value.error_text) == ("2022", "Invalid credentials")


@pytest.mark.parametrize(
    ("result", "code"),
    [
        ("<result>2101</result>", "2101"),
        ("<result> 2101 </result>", "2101"),
        ("<result code='x'>2101</result>", "2101"),
        ("<result>2101</result><result>0000</result>", "2101"),
        ("<result>18</result>", "0018"),
        (f"<result>{'X' * 100}</result>", "X" * 40),
    ],
)
def test_result_code_forms(result: str, code: str) -> None:
    """Result codes with attributes, repeats, padding or odd text."""
    with pytest.raises(ClickSendApiError) as err:
        parse_balance(xml(result + "<balance>1</balance>"))
    assert err.value.code == code
    assert err.value.error_text == ""


def test_history_result_inside_history() -> None:
    """history.php's result inside <history> is checked too."""
    body = xml(
        "<history historycount='0'><result>2007</result>"
        "<errortext>Account not activated</errortext></history>"
    )
    with pytest.raises(AccountNotActiveError):
        parse_history(body)
    # A success inside does not hide a failure outside.
    body = xml("<result>2022</result><history><result>0000</result></history>")
    with pytest.raises(ClickSendAuthError):
        parse_history(body)


# balance.php


def test_parse_balance() -> None:
    """The vendor's example, and a bare balance."""
    assert parse_balance(BALANCE.encode()) == Balance(125.0, "$", "Prepay")
    # No result, no optional fields: still a balance.
    assert parse_balance(xml("<balance>0</balance>")) == Balance(0.0, "", "")
    assert parse_balance(xml("<result>0</result><balance>-1.5</balance>")) == (
        Balance(-1.5, "", "")
    )


@pytest.mark.parametrize(
    "inner",
    [
        "<result>0000</result>",
        "<balance></balance>",
        "<balance/>",
        "<balance>$12</balance>",
        "<balance>nan</balance>",
        "<balance>inf</balance>",
        "<balance><amount>1</amount></balance>",
    ],
)
def test_parse_balance_refuses(inner: str) -> None:
    """A balance that is missing or no number is refused."""
    with pytest.raises(ClickSendResponseError):
        parse_balance(xml(inner))


# send.php


def test_parse_send() -> None:
    """The vendor's example."""
    assert parse_send(SEND.encode()) == (
        RecipientResult(
            to="+61411111111",
            message_id="32794C10-F9CA-4E17-ABEC-F2F764EEC922",
            result_code="0000",
            error_text="Success",
            price=0.0282,
            currency="USD",
        ),
    )


def test_parse_send_many() -> None:
    """Many results; empty or odd prices, currency fallbacks."""
    results = parse_send(
        send_body(
            message("+61411111111"),
            message("+61422222222", "2016", "Throttled"),
            message("61433333333", price="", currency_type=""),
            message("+61444444444", price="n/a"),
            message("+61455555555", price="inf"),
            message("+61466666666", result="0"),
        )
    )
    assert [r.to for r in results] == [
        "+61411111111",
        "+61422222222",
        "61433333333",
        "+61444444444",
        "+61455555555",
        "+61466666666",
    ]
    assert [r.result_code for r in results] == [
        "0000",
        "2016",
        "0000",
        "0000",
        "0000",
        "0000",
    ]
    assert [r.accepted for r in results] == [True, False, True, True, True, True]
    assert results[1].message_id is None
    assert results[1].error_text == "Throttled"
    assert [r.price for r in results] == [0.0282, 0.0, 0.0, 0.0, 0.0, 0.0282]
    # The ISO code, or else the symbol.
    assert [r.currency for r in results] == ["USD", "USD", "$", "USD", "USD", "USD"]


@pytest.mark.parametrize(
    "body",
    [
        xml("<result>0000</result>"),
        xml("<messages recipientcount='0'></messages>"),
        xml("<messages recipientcount='0'/>"),
        xml("<messages/>"),
        xml("<messages><message/></messages>"),
    ],
)
def test_parse_send_without_messages(body: bytes) -> None:
    """No <message> at all is no result, not an error."""
    assert parse_send(body) == ()


def test_parse_send_message_without_result() -> None:
    """A <message> without a result is malformed."""
    with pytest.raises(ClickSendResponseError, match="no <result>"):
        parse_send(xml("<messages><message><to>+61411111111</to></message></messages>"))


def test_parse_send_top_level_failure() -> None:
    """A failing top-level result wins over the messages."""
    body = xml(
        "<result>2018</result><errortext>Low credit</errortext>"
        f"<messages>{message('+61411111111')}</messages>"
    )
    with pytest.raises(InsufficientCreditError):
        parse_send(body)


# reply.php


def test_parse_replies() -> None:
    """The vendor's example."""
    replies = parse_replies(REPLIES.encode())
    assert replies == (
        InboundReply(
            from_number="+61411111111",
            message="This is a reply",
            original_message="Hello. Please reply",
            original_message_id="D9F15F83-34EC-6A31-A57E-7E8FB0966D78",
            original_sender_id="+61400000000",
            custom_string="",
            username="testuser101",
        ),
        InboundReply(
            from_number="+61422222222",
            message="This is another reply",
            original_message="Hello. Please reply",
            original_message_id="F15F83H8-15AC-3R31-777E-7E8FB09SSDP2",
            original_sender_id="+61400000000",
            custom_string="",
            username="testuser101",
        ),
    )


def test_parse_one_reply() -> None:
    # One element parses as a dict, not a list of one.
    """One reply parses as a dict, not a list."""
    body = xml(
        "<replies replycount='1'><reply><from>+61411111111</from>"
        "<message>Yes &amp; no</message></reply></replies>"
        "<result>0000</result><errortext>Success</errortext>"
    )
    (reply,) = parse_replies(body)
    assert reply.from_number == "+61411111111"
    assert reply.message == "Yes & no"
    assert reply.original_message == reply.custom_string == ""


@pytest.mark.parametrize(
    "inner",
    [
        "<replies replycount='0'></replies><result>0000</result>",
        "<replies replycount='0'/><result>0000</result>",
        "<replies>\n   </replies><result>0000</result>",
        "<replies replycount='0'/>",
        "<result>0000</result><errortext>Success</errortext>",
        "<replies><reply/><reply></reply></replies>",
    ],
)
def test_parse_no_replies(inner: str) -> None:
    """Every way of saying there is no reply."""
    assert parse_replies(xml(inner)) == ()


@pytest.mark.parametrize(
    "inner",
    [
        "<replies>some text</replies>",
        "<replies><reply>text</reply></replies>",
        "<replies><reply><from>1</from></reply><reply>text</reply></replies>",
    ],
)
def test_parse_replies_refuses_text(inner: str) -> None:
    """Text where elements belong is malformed."""
    with pytest.raises(ClickSendResponseError, match="text"):
        parse_replies(xml(inner))


def test_parse_replies_count_mismatch(caplog: pytest.LogCaptureFixture) -> None:
    """A count that disagrees is noted, not fatal."""
    caplog.set_level(logging.DEBUG)
    body = xml("<replies replycount='3'><reply><from>1</from></reply></replies>")
    assert len(parse_replies(body)) == 1
    assert "announces 3 reply elements, holds 1" in caplog.text
    caplog.clear()
    body = xml("<replies replycount='1'><reply><from>1</from></reply></replies>")
    assert len(parse_replies(body)) == 1
    assert not caplog.text


# delivery.php


def test_parse_delivery_receipts() -> None:
    """The vendor's example."""
    assert parse_delivery_receipts(RECEIPTS.encode()) == (
        DeliveryReceipt(
            message_id="D9F15F83-34EC-6A31-A57E-7E8FB0966D78",
            status="Delivered",
            status_code=201,
            custom_string="",
            username="testuser101",
        ),
        DeliveryReceipt(
            message_id="F15F83H8-15AC-3R31-777E-7E8FB09SSDP2",
            status="Undelivered",
            status_code=301,
            custom_string="",
            username="testuser101",
        ),
    )


@pytest.mark.parametrize(
    ("status_code", "expected"),
    [
        ("201", 201),
        (" 301 ", 301),
        ("201.0", 201),
        ("", 0),
        ("Delivered", 0),
        ("nan", 0),
        ("inf", 0),
    ],
)
def test_parse_status_code(status_code: str, expected: int) -> None:
    """status_code as a number, as text, or missing."""
    body = xml(
        f"<dlrs dlrcount='1'><dlr><messageid>X</messageid>"
        f"<status_code>{status_code}</status_code></dlr></dlrs>"
    )
    (receipt,) = parse_delivery_receipts(body)
    assert receipt.status_code == expected


# history.php


def test_parse_history() -> None:
    """The vendor's example, with aware UTC dates."""
    first, second = parse_history(HISTORY.encode())
    assert first == HistoryItem(
        message_id="D9F15F83-34EC-6A31-A57E-7E8FB0966D78",
        direction="out",
        date=datetime(2014, 10, 26, 2, 39, 4, tzinfo=UTC),
        to="+61411111111",
        message="This is a test message",
        status="Sent",
        sender_id="MyCompany",
        schedule=datetime(2014, 10, 26, 2, 39, 4, tzinfo=UTC),
        custom_string="our-ref-1234",
        from_email="test@email.com",
    )
    assert first.date is not None
    assert first.date.tzinfo is UTC
    assert second.direction == "in"
    assert second.schedule is None


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("1414291144", datetime(2014, 10, 26, 2, 39, 4, tzinfo=UTC)),
        ("1414291144.5", datetime(2014, 10, 26, 2, 39, 4, 500000, tzinfo=UTC)),
        ("", None),
        ("0", None),
        ("-5", None),
        ("2014-10-26 02:39:04", None),
        ("nan", None),
        ("1e20", None),
        ("inf", None),
    ],
)
def test_parse_history_dates(date: str, expected: datetime | None) -> None:
    """Unix times become aware datetimes; anything else None."""
    body = xml(f"<history><item><date>{date}</date></item></history>")
    (item,) = parse_history(body)
    assert item.date == expected
    assert item.schedule is None


def test_parse_history_without_items() -> None:
    """An empty history is empty."""
    assert (
        parse_history(xml("<history historycount='0'><result>0000</result></history>"))
        == ()
    )
    assert parse_history(xml("<history historycount='0'/>")) == ()


# Pushes


def test_reply_from_push() -> None:
    """A pushed reply uses the same names as reply.php."""
    fields = {
        "from": "+61411111111",
        "message": "Yes",
        "originalmessage": "Coming?",
        "originalmessageid": "ABC",
        "originalsenderid": "Home",
        "customstring": "ref",
        "username": "demo",
    }
    assert reply_from_fields(fields) == InboundReply(
        "+61411111111", "Yes", "Coming?", "ABC", "Home", "ref", "demo"
    )
    assert reply_from_fields({}) == InboundReply("", "", "", "", "", "", "")


def test_receipt_from_push() -> None:
    """A pushed receipt uses the same names as delivery.php."""
    fields = {
        "messageid": "ABC",
        "status": "Delivered",
        "status_code": 201,
        "customstring": "ref",
        "username": "demo",
        "extra": "ignored",
    }
    assert receipt_from_fields(fields) == DeliveryReceipt(
        "ABC", "Delivered", 201, "ref", "demo"
    )
    assert receipt_from_fields({"status_code": "301", "status": ["Undelivered"]}) == (
        DeliveryReceipt("", "Undelivered", 301, "", "")
    )
    assert receipt_from_fields({"status_code": 301.0, "status": []}).status_code == 301
    assert receipt_from_fields({"status_code": None}).status_code == 0
