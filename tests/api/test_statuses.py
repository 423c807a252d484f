"""Delivery reports sorted as ClickSend's published status list means them."""

from __future__ import annotations

import pytest

from custom_components.clicksend_sms.api import DeliveryKind, classify_delivery
from custom_components.clicksend_sms.api.statuses import status_code_of


@pytest.mark.parametrize(
    ("status", "code", "kind", "final"),
    [
        # The codes decide, whatever the words.
        ("Delivered", 201, DeliveryKind.DELIVERED, True),
        ("Sent", 201, DeliveryKind.DELIVERED, True),
        ("Undelivered", 301, DeliveryKind.UNDELIVERED, True),
        ("Cancelled", 301, DeliveryKind.UNDELIVERED, True),
        # 300: a temporary network error, retried by ClickSend.
        ("Undelivered", 300, DeliveryKind.RETRYING, False),
        ("Failed", 300, DeliveryKind.RETRYING, False),
        ("", 300, DeliveryKind.RETRYING, False),
        # 200: queued, scheduled, sent, waiting approval.
        ("Queued", 200, DeliveryKind.OTHER, False),
        ("WaitApproval", 200, DeliveryKind.OTHER, False),
        # Without a known code, ClickSend's words (our guess: final).
        (" delivered ", 0, DeliveryKind.DELIVERED, True),
        ("Undelivered", 0, DeliveryKind.UNDELIVERED, True),
        ("Cancelled", 0, DeliveryKind.UNDELIVERED, True),
        ("FAILED", 999, DeliveryKind.UNDELIVERED, True),
        ("Scheduled", 0, DeliveryKind.OTHER, False),
        ("", 0, DeliveryKind.OTHER, False),
    ],
)
def test_classify_delivery(
    status: str, code: int, kind: DeliveryKind, final: bool
) -> None:
    """Only 201 and 301 (or their words without a code) end a message's story."""
    result = classify_delivery(status, code)
    assert result.kind is kind
    assert result.final is final


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (201, 201),
        (" 301 ", 301),
        ("300", 300),
        ("201.0", 201),
        (None, None),
        ("", None),
        ("abc", None),
        ("nan", None),
        ("inf", None),
        (True, None),
        # Beyond a float's precision, as written.
        ("12345678901234567890", 12345678901234567890),
        # Beyond 64 bits: Home Assistant's JSON could not write it.
        ("18446744073709551616", None),
        ("1e30", None),
        ("-9223372036854775809", None),
        # More digits than str() writes.
        pytest.param(10**5000, None, id="huge-int"),
        pytest.param("9" * 5000, None, id="huge-text"),
    ],
)
def test_status_code_of_anything(value: object, code: int | None) -> None:
    """A code is read when it is a number, pushed, polled or hand-fired; else none."""
    assert status_code_of(value) == code
