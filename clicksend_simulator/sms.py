# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Phone numbers, sender IDs and SMS parts, as ClickSend judges them."""

from __future__ import annotations

from dataclasses import dataclass
import math
import re
from typing import Final

import phonenumbers

_FORMATTING = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"\+?[0-9]+")
# What ClickSend sends to: "+", then 8 to 15 digits (E.164's limit).
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")
# "or a number": E.164 allows 15 digits.
_NUMERIC_SENDER = re.compile(r"\+?[0-9]{1,15}")
MAX_ALPHA_SENDER_LENGTH: Final = 11
_ALPHA_SENDER = re.compile(rf"[A-Za-z0-9]{{1,{MAX_ALPHA_SENDER_LENGTH}}}")

GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# These take an escape septet too, so they count twice.
GSM7_EXTENDED: Final = frozenset("\f^{}\\[~]|€")

GSM7: Final = "GSM-7"
UNICODE: Final = "Unicode"
GSM7_SINGLE, GSM7_PART = 160, 153
UNICODE_SINGLE, UNICODE_PART = 70, 67


def normalise_number(raw: str, country: str = "") -> str | None:
    """Return the +E.164 form ClickSend would send to, or None if it is invalid.

    libphonenumber reads it, as ClickSend's own checks are unknown: with a
    country, a national number loses its trunk prefix and gains the calling
    code; without one, bare digits are taken as international. A number of
    a length its country cannot have, under 8 or over 15 digits, is refused.
    """
    number = _FORMATTING.sub("", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _DIGITS.fullmatch(number):
        return None
    region = country.strip().upper() or None
    if not number.startswith("+") and region not in phonenumbers.SUPPORTED_REGIONS:
        number = "+" + number
        region = None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_possible_number(parsed) or not _INTERNATIONAL.fullmatch(
        e164
    ):
        return None
    return e164


def valid_sender_id(sender_id: str) -> bool:
    """Whether ClickSend accepts a sender ID (2017 otherwise).

    The document's rule: "no longer than 11 characters (if alphanumeric),
    and contains no spaces"; or a number. Read as 1-11 ASCII letters and
    digits, or digits after an optional "+". The client checks the same.
    """
    return bool(
        _ALPHA_SENDER.fullmatch(sender_id) or _NUMERIC_SENDER.fullmatch(sender_id)
    )


@dataclass(frozen=True, slots=True)
class MessageParts:
    """How ClickSend bills a message: its encoding, length and SMS parts."""

    encoding: str
    length: int
    parts: int


def message_parts(text: str, *, unicode: bool = False) -> MessageParts:
    """Count the SMS parts of a message the way the network splits it."""
    if not unicode and all(
        char in GSM7_BASIC or char in GSM7_EXTENDED for char in text
    ):
        length = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
        single, part, encoding = GSM7_SINGLE, GSM7_PART, GSM7
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, part, encoding = UNICODE_SINGLE, UNICODE_PART, UNICODE
    parts = 1 if length <= single else math.ceil(length / part)
    return MessageParts(encoding=encoding, length=length, parts=parts)
