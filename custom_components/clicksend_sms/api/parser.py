# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Turn ClickSend's XML answers, and the fields it pushes, into the typed models.

The vendor document shows one example per endpoint and is silent on the
rest, so the parser accepts every plausible variant: one element or many, a
count attribute beside them or not, empty or missing optional elements, and
the result code at the top level or inside the collection.
"""

from __future__ import annotations

from datetime import UTC, datetime
import logging
import math
import re
from typing import TYPE_CHECKING, Any, Final
from xml.parsers import expat
from xml.parsers.expat import ExpatError

import xmltodict

from .const import MAX_RESPONSE_BYTES
from .exceptions import ClickSendResponseError, error_for_code
from .models import (
    SUCCESS_CODE,
    Balance,
    DeliveryReceipt,
    HistoryItem,
    InboundReply,
    RecipientResult,
)
from .numbers import inbound_number
from .statuses import status_code_of

if TYPE_CHECKING:
    from collections.abc import Mapping

_LOGGER = logging.getLogger(__name__)

ROOT_ELEMENT: Final = "xml"
_UTF8_BOM: Final = b"\xef\xbb\xbf"
# Entity expansion (billion laughs) and external entities need a DTD; none of
# ClickSend's answers has one. XML is case-sensitive, the check is not.
_DTD: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_NAME_EXCERPT: Final = 40
# ClickSend's answers nest four levels deep. Building dicts for megabytes of
# nesting stalls for seconds: for answers this large, xmltodict's own pass
# stops at the first level deeper than this (see _DepthLimitedExpat); a small
# one cannot nest enough to matter, and is spared the hook's cost.
MAX_DEPTH: Final = 32
_DEPTH_CHECK_FROM: Final = 64 * 1024


class _TooDeepError(Exception):
    """Raised inside expat's handler to stop at the first level too deep."""


class _DepthLimitedParser:
    """An expat parser whose start handler refuses elements nested too deep.

    Given to xmltodict through its `expat=` hook, so that one pass both
    builds the dicts and checks the depth (a pass of its own cost a quarter
    of the parse). Every other attribute is the real parser's.
    """

    def __init__(self, parser: Any) -> None:
        object.__setattr__(self, "_parser", parser)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "StartElementHandler":
            build = value
            path: list[object] = build.__self__.path

            def start(name: str, attributes: Any) -> None:
                build(name, attributes)
                if len(path) > MAX_DEPTH:
                    raise _TooDeepError

            value = start
        setattr(self._parser, name, value)


class _DepthLimitedExpat:
    """What xmltodict takes for the expat module: makes depth-limited parsers."""

    @staticmethod
    def ParserCreate(*args: Any) -> _DepthLimitedParser:  # noqa: N802 (expat's name)
        return _DepthLimitedParser(expat.ParserCreate(*args))


Element = dict[str, Any]


def load_document(body: bytes) -> Element:
    """Parse an answer safely and return the children of its <xml> root."""
    if len(body) > MAX_RESPONSE_BYTES:
        raise ClickSendResponseError(
            f"the answer is larger than {MAX_RESPONSE_BYTES} bytes"
        )
    # Every declaration starts "<!": most answers need no search for one.
    if b"<!" in body and _DTD.search(body):
        raise ClickSendResponseError("the answer declares a DTD or entities")
    try:
        # ClickSend declares UTF-8; decoding here keeps other encodings (and
        # a DTD hidden in them) away from the XML parser.
        text = body.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        raise ClickSendResponseError("the answer is not UTF-8 text") from None
    try:
        document = xmltodict.parse(
            text,
            expat=_DepthLimitedExpat if len(text) > _DEPTH_CHECK_FROM else expat,
            disable_entities=True,
        )
    except _TooDeepError:
        raise ClickSendResponseError(
            f"the answer nests elements deeper than {MAX_DEPTH} levels"
        ) from None
    except (ExpatError, ValueError) as err:
        raise ClickSendResponseError(f"the answer is not XML ({err})") from err
    # xmltodict returns a dict with exactly the root element.
    ((root, children),) = document.items()
    if root != ROOT_ELEMENT:
        raise ClickSendResponseError(
            f"the answer's root element is <{root[:_NAME_EXCERPT]}>, "
            f"not <{ROOT_ELEMENT}>"
        )
    # An empty root, or one holding only text, has no elements.
    return children if isinstance(children, dict) else {}


def parse_balance(body: bytes) -> Balance:
    """Parse balance.php's answer."""
    document = load_document(body)
    _raise_for_result(document)
    if "balance" not in document:
        raise ClickSendResponseError("the answer has no <balance>")
    text = _field(document, "balance")
    try:
        balance = float(text)
    except ValueError:
        balance = math.nan
    if not math.isfinite(balance):
        raise ClickSendResponseError(
            f"the balance {text[:_NAME_EXCERPT]!r} is not a number"
        )
    return Balance(
        balance=balance,
        currency_symbol=_field(document, "currency_symbol"),
        account_type=_field(document, "type"),
    )


def parse_send(body: bytes) -> tuple[RecipientResult, ...]:
    """Parse send.php's answer, one result per <message>, in its order.

    A result code at the top level concerns the whole request (wrong
    credentials, for one) and raises; the vendor's example has none.
    """
    messages = _collection(body, "messages", "message", "@recipientcount")
    results = []
    for message in messages:
        code = _result_code(message)
        if code is None:
            raise ClickSendResponseError("a <message> has no <result>")
        results.append(
            RecipientResult(
                to=_field(message, "to"),
                message_id=_field(message, "messageid") or None,
                result_code=code,
                error_text=_field(message, "errortext"),
                price=_price(_field(message, "price")),
                # The ISO code (USD) says more than the symbol ($).
                currency=_field(message, "currency_type", "currency_symbol"),
            )
        )
    return tuple(results)


def parse_replies(body: bytes) -> tuple[InboundReply, ...]:
    """Parse reply.php's answer."""
    return tuple(
        reply_from_fields(reply)
        for reply in _collection(body, "replies", "reply", "@replycount")
    )


def parse_delivery_receipts(body: bytes) -> tuple[DeliveryReceipt, ...]:
    """Parse delivery.php's answer."""
    return tuple(
        receipt_from_fields(dlr)
        for dlr in _collection(body, "dlrs", "dlr", "@dlrcount")
    )


def parse_history(body: bytes) -> tuple[HistoryItem, ...]:
    """Parse history.php's answer, whose result sits inside <history>."""
    return tuple(
        HistoryItem(
            message_id=_field(item, "messageid"),
            direction=_field(item, "direction"),
            date=_timestamp(_field(item, "date")),
            to=_field(item, "to"),
            message=_field(item, "message"),
            status=_field(item, "status"),
            sender_id=_field(item, "senderid"),
            schedule=_timestamp(_field(item, "schedule")),
            custom_string=_field(item, "customstring"),
            from_email=_field(item, "from_email"),
        )
        for item in _collection(body, "history", "item", "@historycount")
    )


# A field's names, as the v2 document (reply.php, delivery.php, v2 pushes)
# and REST v3 pushes spell them: the first one given is read.
_CUSTOM_STRING: Final = ("customstring", "custom_string")
_STATUS_CODE: Final = ("status_code", "statuscode")


def reply_from_fields(fields: Mapping[str, Any]) -> InboundReply:
    """Build a reply from a <reply> element or a push, with the sender in E.164."""
    return InboundReply(
        from_number=inbound_number(_field(fields, "from")),
        message=_field(fields, "message", "body"),
        original_message=_field(
            fields, "originalmessage", "original_body", "original_message"
        ),
        original_message_id=_field(fields, "originalmessageid", "original_message_id"),
        original_sender_id=_field(
            fields, "originalsenderid", "original_sender_id", "to"
        ),
        custom_string=_field(fields, *_CUSTOM_STRING),
        username=_field(fields, "username"),
        # REST-style pushes name the inbound SMS's own ID message_id, beside
        # a timestamp; without the timestamp message_id may be a receipt's.
        message_id=_field(fields, "message_id") if _field(fields, "timestamp") else "",
    )


def receipt_from_fields(fields: Mapping[str, Any]) -> DeliveryReceipt:
    """Build a receipt from a <dlr> element or a push; an unreadable code is 0."""
    return DeliveryReceipt(
        message_id=_field(fields, "messageid", "message_id"),
        status=_field(fields, "status", "status_text"),
        status_code=status_code_of(_field(fields, *_STATUS_CODE)) or 0,
        custom_string=_field(fields, *_CUSTOM_STRING),
        username=_field(fields, "username"),
    )


def parse_push(fields: Mapping[str, Any]) -> InboundReply | DeliveryReceipt | None:
    """Read a push as a reply, or a receipt (with a status or a readable code).

    None when it is neither: the webhook refuses it.
    """
    reply = reply_from_fields(fields)
    if reply.from_number and reply.message:
        return reply
    receipt = receipt_from_fields(fields)
    if receipt.message_id and (
        receipt.status or status_code_of(_field(fields, *_STATUS_CODE)) is not None
    ):
        return receipt
    return None


def _collection(body: bytes, name: str, item: str, count: str) -> list[Element]:
    """Return the elements of a collection, after checking the result codes.

    The result may sit at the top level (reply.php, delivery.php) or inside
    the collection (history.php): both are checked. A document with neither
    a result nor the collection is not an answer of this endpoint.
    """
    document = load_document(body)
    holder = document.get(name)
    # Most answers carry their result in one place only, or none at all.
    found_outside = "result" in document and _raise_for_result(document)
    found_inside = (
        isinstance(holder, dict) and "result" in holder and _raise_for_result(holder)
    )
    if name not in document and not (found_outside or found_inside):
        raise ClickSendResponseError(f"the answer has neither <result> nor <{name}>")
    elements = _elements(holder, item)
    # The count is informative only: a mismatch is worth a note, not a failure.
    if (
        isinstance(holder, dict)
        and (announced := _field(holder, count))
        and announced != str(len(elements))
    ):
        _LOGGER.debug(
            "<%s> announces %s %s elements, holds %d",
            name,
            announced[:_NAME_EXCERPT],
            item,
            len(elements),
        )
    return elements


def _elements(holder: object, item: str) -> list[Element]:
    """Return the items whether there is none, one (a dict) or many (a list)."""
    # An empty collection parses as None, or as a dict of attributes only.
    if holder is None:
        return []
    if not isinstance(holder, dict):
        raise ClickSendResponseError(f"<{item}> elements are missing: text found")
    found = holder.get(item)
    candidates = found if isinstance(found, list) else [found]
    elements = []
    for candidate in candidates:
        if isinstance(candidate, dict):
            elements.append(candidate)
        elif candidate is not None:
            raise ClickSendResponseError(f"a <{item}> holds text, not elements")
    return elements


def _raise_for_result(element: Element) -> bool:
    """Raise if the element carries a result other than success.

    Return whether it carried one at all.
    """
    code = _result_code(element)
    if code is None:
        return False
    if code != SUCCESS_CODE:
        raise error_for_code(code, _field(element, "errortext"))
    return True


def _result_code(element: Element) -> str | None:
    """Return the element's result code, four digits as documented."""
    code = _field(element, "result")
    if not code:
        return None
    # Accept "0" for "0000", in case a layer in between read it as a number.
    if code.isascii() and code.isdigit():
        return code.zfill(4)
    return code[:_NAME_EXCERPT]


def _field(element: Mapping[str, Any], *names: str) -> str:
    """Return the text of the first of the names that has one; "" if none has.

    Usually the value is plain text, read at once. An element with
    attributes parses as a dict, a repeated one as a list; pushed forms may
    carry numbers.
    """
    for name in names:
        value = element.get(name)
        if type(value) is not str:
            value = _text_of(value)
            if value is None:
                continue
        text = valid_text(value).strip()
        if text:
            return text
    return ""


def _text_of(value: object) -> str | None:
    """Return the text of a value that is not plain text, or None if it has none."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("#text")
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


def valid_text(text: str) -> str:
    r"""Replace lone UTF-16 surrogates (half an emoji) with U+FFFD.

    JSON can carry them ("\ud83d"); Python keeps them in a str, but they
    cannot be encoded, so one in an event's data would break every write of
    Home Assistant's states. Pairs are joined, as they should have been.
    ASCII text (most of it) holds none, and needs no encoding to show it.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _price(text: str) -> float:
    """Return the price; 0 when missing or unreadable.

    The message went out whatever this says: failing here would invite a
    resend.
    """
    try:
        price = float(text)
    except ValueError:
        return 0.0
    return price if math.isfinite(price) else 0.0


def _timestamp(text: str) -> datetime | None:
    """Return unix time as an aware UTC datetime; None when empty or 0."""
    try:
        seconds = float(text)
        if seconds <= 0:
            return None
        return datetime.fromtimestamp(seconds, UTC)
    except ValueError, OverflowError, OSError:
        return None


def for_account(item: InboundReply | DeliveryReceipt, username: str) -> bool:
    """Whether an item, pushed or polled, is the account's.

    The v2 document says every push carries the username that sent the
    original message; REST-style pushes carry none, and a text to a
    dedicated number may have none to carry. So a missing or empty username
    (spaces only included) is accepted: the secret webhook ID is what
    authenticates a push. Another username (a subaccount's, compared without
    case) is refused, pushed or polled alike: add the subaccount as an
    account of its own.
    """
    return not item.username or item.username.casefold() == username.casefold()
