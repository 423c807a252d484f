# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Limits and codes of the ClickSend HTTP API v2."""

from __future__ import annotations

from typing import Final

DEFAULT_BASE_URL: Final = "https://api-mapper.clicksend.com/http/v2/"

# The vendor's documented limits.
MAX_MESSAGE_LENGTH: Final = 960
MAX_RECIPIENTS_PER_REQUEST: Final = 1000
MAX_SENDER_ID_LENGTH: Final = 11
# The HTTP v2 document names no limit; 50 is this client's conservative one.
MAX_CUSTOM_STRING_LENGTH: Final = 50
# The document says only "unix format". The latest time a signed 32-bit unix
# timestamp holds (2038-01-19 03:14:07 UTC) is our bound: the widest such a
# field is sure to keep (MySQL's TIMESTAMP, 32-bit integers end there), and
# a later time could wrap into the past and be sent at once.
MAX_SCHEDULE_TIMESTAMP: Final = 2**31 - 1

# E.164: a number has at most 15 digits (a numeric sender ID too).
MAX_NUMBER_DIGITS: Final = 15

# A generous cap: 1,000 replies take about 400 KiB.
MAX_RESPONSE_BYTES: Final = 5 * 1024 * 1024
# Answers larger than this are parsed in a thread, not on the event loop:
# 20,000 replies (4.7 MB) take seconds to parse.
PARSE_IN_THREAD_FROM: Final = 64 * 1024
# How much of an unexpected answer an error message quotes.
EXCERPT_LENGTH: Final = 160

# Result codes that concern the whole account rather than one recipient.
CODE_MISSING_CREDENTIALS: Final = "2006"
# The document: 2007 "Account not activated". For its "banned" test account it
# names no code; our guess (and the simulator's) is 2007 with ClickSend's own
# words ("Account banned"), so 2007 is read as "this account may not send" and
# the words are always shown.
CODE_ACCOUNT_NOT_ACTIVE: Final = "2007"
CODE_INVALID_RECIPIENT: Final = "2015"
CODE_THROTTLED: Final = "2016"
CODE_INVALID_SENDER_ID: Final = "2017"
CODE_LOW_CREDIT: Final = "2018"
CODE_INVALID_CREDENTIALS: Final = "2022"
CODE_EMPTY_MESSAGE: Final = "2051"
CODE_TOO_MANY_RECIPIENTS: Final = "2052"
INTERNAL_ERROR_CODES: Final = range(2100, 2200)
