# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""What a delivery report means: delivered, failed for good, retrying, or neither.

ClickSend's HTTP API v2 document gives a report's ``status`` ("Delivered" or
"Undelivered") and ``status_code``, and warns that "the temporary status codes
can update at any time". ClickSend's published list of SMS status codes says
what each code means (the README's "Delivery statuses" table):

- 200: queued, scheduled, sent to the network or waiting approval (interim);
- 201: delivered to the handset (final);
- 300: a temporary network error, ClickSend will retry (interim);
- 301: failed: cancelled, unknown or absent subscriber, spam rejection,
  receipt expired ... (final).

A 300 may be followed by a 201 or a 301 for the same message: only 201 and
301 end a message's story. The code decides whenever it is one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class DeliveryKind(StrEnum):
    """How a delivery report is sorted, in events, triggers and blueprints."""

    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    RETRYING = "retrying"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """A report's kind, and whether it is the message's last word."""

    kind: DeliveryKind
    final: bool


DELIVERED = DeliveryStatus(DeliveryKind.DELIVERED, final=True)
UNDELIVERED = DeliveryStatus(DeliveryKind.UNDELIVERED, final=True)
RETRYING = DeliveryStatus(DeliveryKind.RETRYING, final=False)
INTERIM = DeliveryStatus(DeliveryKind.OTHER, final=False)

# Documented by ClickSend's published status list.
_BY_CODE: dict[int, DeliveryStatus] = {
    200: INTERIM,
    201: DELIVERED,
    300: RETRYING,
    301: UNDELIVERED,
}
# Without one of the codes above, the words decide. The document names
# "Delivered" and "Undelivered"; the status list adds "Failed" and
# "Cancelled" (seen with 300 and 301). Our guess: without a code these are
# final, as nothing says ClickSend will retry (a message cancelled by
# ClickSend's staff is listed without a code). Other words (Queued, Sent,
# Scheduled, WaitApproval ...) are interim.
_BY_STATUS: dict[str, DeliveryStatus] = {
    "delivered": DELIVERED,
    "undelivered": UNDELIVERED,
    "failed": UNDELIVERED,
    "cancelled": UNDELIVERED,
    "canceled": UNDELIVERED,
}


def classify_delivery(status: object, status_code: object) -> DeliveryStatus:
    """Sort a report by its code, else by ClickSend's words; interim otherwise.

    Either may come from a bus event that anyone can fire (over the REST API,
    say): a code that is no number counts as none; "201.0" is 201.
    """
    if (by_code := _BY_CODE.get(status_code_of(status_code) or 0)) is not None:
        return by_code
    return _BY_STATUS.get(str(status or "").strip().casefold(), INTERIM)


# The integers Home Assistant's JSON (orjson) writes: 64 bits, signed or not.
_MIN_CODE: Final = -(2**63)
_MAX_CODE: Final = 2**64 - 1


def status_code_of(value: object) -> int | None:
    """Read a code pushed, polled or hand-fired (201, "201", "201.0"); else None.

    Whole numbers are read as written, not through a float that would round
    those beyond its precision.
    """
    try:
        # str() refuses an int of more than 4,300 digits.
        text = str(value).strip()
    except ValueError:
        return None
    try:
        code = int(text)
    except ValueError:
        try:
            code = int(float(text))
        except ValueError, OverflowError:
            return None
    # ClickSend's codes have three digits. One beyond 64 bits ("1e30") would
    # land in an event's data and the event entity's attributes, which Home
    # Assistant's JSON (orjson) cannot write: /api/states and every WebSocket
    # subscriber would fail. Such a code is no code.
    return code if _MIN_CODE <= code <= _MAX_CODE else None
