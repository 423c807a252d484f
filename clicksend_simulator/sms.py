# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Phone numbers, sender IDs and SMS parts, as ClickSend judges them."""

from __future__ import annotations

from dataclasses import dataclass
import math
import re
from typing import Final

# Country calling code and national trunk prefix ("" when there is none).
COUNTRIES: Final[dict[str, tuple[str, str]]] = {
    "AU": ("61", "0"),
    "NZ": ("64", "0"),
    "GB": ("44", "0"),
    "US": ("1", "1"),
    "CA": ("1", "1"),
    "IE": ("353", "0"),
    "DE": ("49", "0"),
    "FR": ("33", "0"),
    "IN": ("91", "0"),
    "SG": ("65", ""),
    "ES": ("34", ""),
    "IT": ("39", ""),
    "NL": ("31", "0"),
    "BE": ("32", "0"),
    "CH": ("41", "0"),
    "AT": ("43", "0"),
    "SE": ("46", "0"),
    "NO": ("47", ""),
    "DK": ("45", ""),
    "FI": ("358", "0"),
    "PT": ("351", ""),
    "PL": ("48", ""),
    "ZA": ("27", "0"),
    "JP": ("81", "0"),
    "HK": ("852", ""),
    "MY": ("60", "0"),
    "PH": ("63", "0"),
    "CN": ("86", "0"),
    "BR": ("55", "0"),
    "MX": ("52", ""),
    "AE": ("971", "0"),
}

_FORMATTING = re.compile(r"[\s\-().]")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")
# "or a number": E.164 allows 15 digits.
_NUMERIC_SENDER = re.compile(r"\+?[0-9]{1,15}")
MAX_ALPHA_SENDER_LENGTH: Final = 11

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

    With a country, a national number loses its trunk prefix and gains the
    country code; without one, bare digits are taken as international.
    """
    number = _FORMATTING.sub("", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not number.startswith("+"):
        if not number.isdigit():
            return None
        code, trunk = COUNTRIES.get(country.strip().upper(), ("", ""))
        if code and trunk and number.startswith(trunk):
            number = code + number[len(trunk) :]
        elif code and not number.startswith(code):
            number = code + number
        number = "+" + number
    return number if _INTERNATIONAL.fullmatch(number) else None


def valid_sender_id(sender_id: str) -> bool:
    """Whether ClickSend accepts a sender ID (2017 otherwise).

    The document's rule, word for word: "no longer than 11 characters (if
    alphanumeric), and contains no spaces"; or a number. The client checks
    the same.
    """
    if _NUMERIC_SENDER.fullmatch(sender_id):
        return True
    return len(sender_id) <= MAX_ALPHA_SENDER_LENGTH and not any(
        char.isspace() for char in sender_id
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
