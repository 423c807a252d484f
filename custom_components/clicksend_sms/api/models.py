"""Typed, immutable results of the ClickSend HTTP API v2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

SUCCESS_CODE = "0000"


class Encoding(StrEnum):
    """How ClickSend encodes the text of an SMS."""

    GSM7 = "GSM-7"
    UNICODE = "Unicode"


@dataclass(frozen=True, slots=True)
class MessageInfo:
    """What a message costs in SMS parts."""

    encoding: Encoding
    length: int
    parts: int


@dataclass(frozen=True, slots=True)
class Balance:
    """The account's credit, from balance.php."""

    balance: float
    currency_symbol: str
    account_type: str


@dataclass(frozen=True, slots=True)
class RecipientResult:
    """ClickSend's answer for one recipient of send.php."""

    to: str
    message_id: str | None
    result_code: str
    error_text: str
    price: float
    currency: str

    @property
    def accepted(self) -> bool:
        """Whether ClickSend queued the message for this recipient."""
        return self.result_code == SUCCESS_CODE


@dataclass(frozen=True, slots=True)
class SendResult:
    """The merged answer of one or more send.php requests, in input order."""

    recipients: tuple[RecipientResult, ...]
    message: MessageInfo
    requests: int

    @property
    def accepted(self) -> tuple[RecipientResult, ...]:
        """The recipients ClickSend queued the message for."""
        return tuple([result for result in self.recipients if result.accepted])

    @property
    def rejected(self) -> tuple[RecipientResult, ...]:
        """The recipients ClickSend refused."""
        return tuple([result for result in self.recipients if not result.accepted])

    @property
    def total_price(self) -> float:
        """What the accepted messages cost, together."""
        return round(sum(result.price for result in self.recipients), 6)

    @property
    def currency(self) -> str:
        """The currency of the prices ("" when ClickSend named none)."""
        return next(
            (result.currency for result in self.recipients if result.currency), ""
        )


@dataclass(frozen=True, slots=True)
class InboundReply:
    """An SMS someone sent to the account, from reply.php or a push."""

    from_number: str
    message: str
    original_message: str
    original_message_id: str
    original_sender_id: str
    custom_string: str
    username: str
    # ClickSend's own ID of the inbound SMS: only REST-style pushes carry
    # one (message_id, with a timestamp); reply.php and the v2 push do not.
    message_id: str = ""


@dataclass(frozen=True, slots=True)
class DeliveryReceipt:
    """A delivery report for a sent message, from delivery.php or a push."""

    message_id: str
    status: str
    status_code: int
    custom_string: str
    username: str


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """A message in the account's history, from history.php."""

    message_id: str
    direction: str
    date: datetime | None
    to: str
    message: str
    status: str
    sender_id: str
    schedule: datetime | None
    custom_string: str
    from_email: str
