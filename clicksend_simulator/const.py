# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Names and numbers fixed by ClickSend's HTTP API v2 document."""

from __future__ import annotations

from typing import Final, Literal

type Mode = Literal["queue", "inbox"]

DEMO_USERNAME: Final = "demo"
DEMO_KEY: Final = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
DEMO_BALANCE: Final = 25.0

# ClickSend's published test accounts all share this key.
TEST_ACCOUNT_KEY: Final = "D83DED51-9E35-4D42-9BB9-0E34B7CA85AE"
NOCREDIT_USERNAME: Final = "nocredit"
NOTACTIVE_USERNAME: Final = "notactive"
BANNED_USERNAME: Final = "banned"

# Sending to these succeeds, costs nothing and never makes a delivery report.
TEST_NUMBERS: Final = frozenset(
    {
        "+61411111111",
        "+61422222222",
        "+61433333333",
        "+61444444444",
        "+14055555555",
        "+14055555666",
        "+447777777777",
        "+8615555555555",
    }
)

ENDPOINTS: Final = (
    "balance.php",
    "send.php",
    "reply.php",
    "delivery.php",
    "history.php",
)
API_PATH: Final = "/http/v2/"
CONTROL_PATH: Final = "/_sim/"

MAX_RECIPIENTS: Final = 1000
# send.php's "message": "Maximum 960 characters."
MAX_MESSAGE_LENGTH: Final = 960
PRICE_PER_PART: Final = 0.0282
DEFAULT_THROTTLE_SECONDS: Final = 5.0

FAULT_KINDS: Final = frozenset(
    {"delay", "http500", "html", "json", "malformed", "truncated", "drop", "code"}
)
# What random faults draw from unless told otherwise: a delay past the
# client's timeout, HTTP 500, broken and cut-short XML, a dropped connection
# and a 2100-range ("internal error") result code.
RANDOM_FAULT_KINDS: Final = frozenset(
    {"delay", "http500", "malformed", "truncated", "drop", "code"}
)
# Longer than the integration's client waits (30 s).
DEFAULT_FAULT_DELAY_SECONDS: Final = 35.0
# ClickSend's internal-error result codes.
INTERNAL_ERROR_CODES: Final = range(2100, 2200)

SUCCESS: Final = ("0000", "Success")
MISSING_CREDENTIALS: Final = ("2006", "Missing credentials")
NOT_ACTIVATED: Final = ("2007", "Account not activated")
# The document lists the banned test account but no code for it: 2007 (the
# only code about the account's standing) is the simulator's guess.
BANNED: Final = ("2007", "Account banned")
INVALID_RECIPIENT: Final = ("2015", "Invalid recipient")
THROTTLED: Final = ("2016", "Throttled")
INVALID_SENDER_ID: Final = ("2017", "Invalid sender id")
LOW_CREDIT: Final = ("2018", "Low credit")
INVALID_CREDENTIALS: Final = ("2022", "Invalid credentials")
EMPTY_MESSAGE: Final = ("2051", "Empty message")
# The document says "Maximum 960 characters" but names no code for a longer
# message: 2099, outside its list, is the simulator's own, so that a test
# sees a refusal and the client reports it as an unknown result.
MESSAGE_TOO_LONG: Final = ("2099", "Message too long")
TOO_MANY_RECIPIENTS: Final = ("2052", "Too many recipients")
INTERNAL_ERROR: Final = ("2101", "Internal error")

DELIVERED: Final = ("Delivered", 201)
UNDELIVERED: Final = ("Undelivered", 301)
# A temporary network error that ClickSend retries (its status list).
RETRYING: Final = ("Undelivered", 300)
