# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""A fake ClickSend HTTP API v2 on 127.0.0.1, for tests and development."""

from __future__ import annotations

from .app import ClickSendSimulator, PushRecord
from .const import (
    DEFAULT_FAULT_DELAY_SECONDS,
    DEMO_BALANCE,
    DEMO_KEY,
    DEMO_USERNAME,
    ENDPOINTS,
    FAULT_KINDS,
    RANDOM_FAULT_KINDS,
    TEST_ACCOUNT_KEY,
    TEST_NUMBERS,
    Mode,
)
from .sms import MessageParts, message_parts, normalise_number
from .state import (
    Account,
    Fault,
    FaultRecord,
    InboundItem,
    ManualClock,
    RandomFaults,
    ReceiptItem,
    RecordedRequest,
    SentMessage,
    receipts_for,
)

__all__ = [
    "DEFAULT_FAULT_DELAY_SECONDS",
    "DEMO_BALANCE",
    "DEMO_KEY",
    "DEMO_USERNAME",
    "ENDPOINTS",
    "FAULT_KINDS",
    "RANDOM_FAULT_KINDS",
    "TEST_ACCOUNT_KEY",
    "TEST_NUMBERS",
    "Account",
    "ClickSendSimulator",
    "Fault",
    "FaultRecord",
    "InboundItem",
    "ManualClock",
    "MessageParts",
    "Mode",
    "PushRecord",
    "RandomFaults",
    "ReceiptItem",
    "RecordedRequest",
    "SentMessage",
    "message_parts",
    "normalise_number",
    "receipts_for",
]
