# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The XML documents ClickSend answers with, in the vendor document's shapes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from .const import SUCCESS

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .state import Account, HistoryEntry, InboundItem, ReceiptItem, RecipientOutcome

PROLOG: Final = "<?xml version='1.0' encoding='UTF-8' ?>"
INDENT: Final = "    "
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A line break and indentation between two tags: layout, never text (text
# has its < and > escaped).
_LAYOUT = re.compile(r">\n *<")


def escape(text: str) -> str:
    """Escape text content, keeping carriage returns a parser would drop."""
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def compact(document: str) -> str:
    """Drop the layout between tags, as a server that does not indent would.

    The vendor document shows its answers indented; whether ClickSend's are
    is not documented. Text that is only a line break and spaces is emptied
    too, as an XML reader that strips whitespace (xmltodict) reads it anyway.
    """
    return _LAYOUT.sub("><", document)


def _fields(depth: int, fields: Iterable[tuple[str, str]]) -> list[str]:
    pad = INDENT * depth
    return [f"{pad}<{name}>{escape(value)}</{name}>" for name, value in fields]


def _list(
    depth: int, tag: str, attribute: str, item_tag: str, items: Sequence[list[str]]
) -> list[str]:
    """Render a counted list; an empty one still carries its count."""
    pad = INDENT * depth
    opening = f"{pad}<{tag} {attribute}='{len(items)}'>"
    if not items:
        return [f"{opening}</{tag}>"]
    lines = [opening]
    for fields in items:
        lines.append(f"{pad}{INDENT}<{item_tag}>")
        lines.extend(f"{INDENT}{line}" for line in fields)
        lines.append(f"{pad}{INDENT}</{item_tag}>")
    lines.append(f"{pad}</{tag}>")
    return lines


def _document(lines: Iterable[str]) -> str:
    return "\n".join([PROLOG, "<xml>", *lines, "</xml>"]) + "\n"


def error(code: str, error_text: str) -> str:
    """Render a request-level result at the top level (all but history.php)."""
    return _document(_fields(1, [("result", code), ("errortext", error_text)]))


def history_error(code: str, error_text: str) -> str:
    """history.php keeps its result inside <history>, even on error."""
    return _document(
        [
            f"{INDENT}<history historycount='0'>",
            *_fields(2, [("result", code), ("errortext", error_text)]),
            f"{INDENT}</history>",
        ]
    )


def balance(account: Account) -> str:
    """balance.php."""
    return _document(
        _fields(
            1,
            [
                ("result", SUCCESS[0]),
                ("errortext", SUCCESS[1]),
                ("balance", f"{account.balance:.2f}"),
                ("type", account.account_type),
                ("currency_symbol", account.currency_symbol),
            ],
        )
    )


def send(account: Account, outcomes: Sequence[RecipientOutcome]) -> str:
    """send.php: one <message> per recipient and no top-level result."""
    items = [
        _fields(
            2,
            [
                ("to", outcome.to),
                ("messageid", outcome.message_id),
                ("result", outcome.code),
                ("errortext", outcome.error_text),
                ("price", f"{outcome.price:.4f}"),
                ("currency_symbol", account.currency_symbol),
                ("currency_type", account.currency),
            ],
        )
        for outcome in outcomes
    ]
    return _document(_list(1, "messages", "recipientcount", "message", items))


def replies(items: Sequence[InboundItem]) -> str:
    """reply.php."""
    rendered = [
        _fields(
            2,
            [
                ("from", item.from_number),
                ("message", item.message),
                ("originalmessage", item.original_message),
                ("originalmessageid", item.original_message_id),
                ("originalsenderid", item.original_sender_id),
                ("customstring", item.custom_string),
                ("username", item.username),
            ],
        )
        for item in items
    ]
    return _document(
        [
            *_list(1, "replies", "replycount", "reply", rendered),
            *_fields(1, [("result", SUCCESS[0]), ("errortext", SUCCESS[1])]),
        ]
    )


def receipts(items: Sequence[ReceiptItem]) -> str:
    """delivery.php."""
    rendered = [
        _fields(
            2,
            [
                ("messageid", item.message_id),
                ("status", item.status),
                ("status_code", str(item.status_code)),
                ("customstring", item.custom_string),
                ("username", item.username),
            ],
        )
        for item in items
    ]
    return _document(
        [
            *_list(1, "dlrs", "dlrcount", "dlr", rendered),
            *_fields(1, [("result", SUCCESS[0]), ("errortext", SUCCESS[1])]),
        ]
    )


def history(entries: Sequence[HistoryEntry]) -> str:
    """history.php: the result sits inside <history>, after the items."""
    pad = INDENT * 2
    lines = [f"{INDENT}<history historycount='{len(entries)}'>"]
    for entry in entries:
        lines.append(f"{pad}<item>")
        lines.extend(
            _fields(
                3,
                [
                    ("messageid", entry.message_id),
                    ("direction", entry.direction),
                    ("date", str(entry.date)),
                    ("to", entry.to),
                    ("message", entry.message),
                    ("status", entry.status),
                    ("senderid", entry.sender_id),
                    ("schedule", entry.schedule),
                    ("customstring", entry.custom_string),
                    ("from_email", entry.from_email),
                ],
            )
        )
        lines.append(f"{pad}</item>")
    lines.extend(_fields(2, [("result", SUCCESS[0]), ("errortext", SUCCESS[1])]))
    lines.append(f"{INDENT}</history>")
    return _document(lines)


MALFORMED: Final = (
    f"{PROLOG}\n<xml>\n{INDENT}<result>0000</errortext>\n"
    f"{INDENT}<balance>25.00<balance>\n{INDENT}<type>Prepay & Co</type\n"
)

HTML_500: Final = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    "<body><h1>Internal Server Error</h1>\n"
    "<p>The server encountered an internal error and was unable to complete "
    "your request.</p></body></html>\n"
)

HTML_PAGE: Final = (
    "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n"
    "<title>ClickSend - Scheduled Maintenance</title></head>\n"
    "<body><h1>We&rsquo;ll be back soon</h1>\n"
    "<p>ClickSend is undergoing scheduled maintenance.</p></body></html>\n"
)

JSON_BODY: Final = (
    '{"http_code": 500, "response_code": "INTERNAL_SERVER_ERROR", '
    '"response_msg": "Something went wrong. Please try again later.", "data": null}'
)
