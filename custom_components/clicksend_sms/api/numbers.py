# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Phone numbers, read and written by libphonenumber (the phonenumbers package).

Every number the integration handles goes through here: recipients, sender
IDs that are numbers, numbers that came through a template as numbers, and
the sender of an inbound SMS. libphonenumber knows each country's calling
code, trunk prefix ("0" in AU, "1" in the US, "8" in RU) and exit code
("0011" in AU, "011" in the US, "00" elsewhere), and which lengths a
country's numbers can have.

Two checks, two uses. A number is refused when it is *impossible* (a length
no number of its country has, an unknown calling code): nothing is sent.
A *possible* number that libphonenumber does not know to be assigned
(a new range, or a fictional one such as the UK's 07700 900xxx) is left to
ClickSend, which refuses an undeliverable number per recipient, at no cost,
with 2015: libphonenumber's ranges lag the operators', and refusing a real
number would be worse. Where digits can be read two ways (a number that
came through a template without its "+"), *validity* decides, and a number
valid both ways is refused as ambiguous rather than guessed.
"""

from __future__ import annotations

from functools import lru_cache
import re
from typing import TYPE_CHECKING, Final

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    ValidationResult,
)
from phonenumbers.phonemetadata import PhoneMetadata

from .exceptions import (
    AmbiguousNumberError,
    InvalidCountryError,
    InvalidNumberError,
    NoRecipientsError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

# libphonenumber loads a country's metadata (a Python module) the first time
# a number needs it: file I/O that would otherwise happen on Home Assistant's
# event loop. Load all of it now, with this module, which Home Assistant
# imports in its executor (about 50 ms, once).
PhoneMetadata.load_all()

# The countries libphonenumber has a numbering plan for: ISO 3166-1 alpha-2
# codes, plus XK (Kosovo), AC (Ascension) and TA (Tristan da Cunha).
# Territories without a plan of their own (AQ, BV, GS, HM, PN, TF, UM) are
# not among them: their numbers belong to another country's plan.
COUNTRIES: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)

_ALPHA2_LENGTH: Final = 2
# What a number may be written with: an optional leading "+", digits (of any
# script: libphonenumber reads "٠٤١١" as 0411) and the separators people put
# between them. Letters are refused rather than read off a keypad, and so
# are "#", "x" and "ext" (extensions cannot be texted).
_NUMBER_TEXT: Final = re.compile(r"[+＋]?[\d\s\-\u2010-\u2015\u2212.()/]*")
_ASCII_DIGITS: Final = re.compile(r"[0-9]+")
_NOT_DIGITS: Final = re.compile(r"\D")
_EXIT_00: Final = "00"
# A send's numbers are normalised by the integration, then by the client:
# the second time costs nothing. Big enough for the largest sends.
_CACHED_NUMBERS: Final = 20_000

_REASONS: Final = {
    ValidationResult.INVALID_COUNTRY_CODE: "no country has this calling code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "no number of its country has this length",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "the area code is missing",
}
_PARSE_REASONS: Final = {
    NumberParseException.INVALID_COUNTRY_CODE: "no country has this calling code",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    NumberParseException.TOO_LONG: "too long",
}


def validate_country(country: str) -> str:
    """Return the upper-cased two-letter code, if libphonenumber knows it."""
    code = country.strip()
    # ASCII first: "ß".upper() is "SS", a real code.
    if not (len(code) == _ALPHA2_LENGTH and code.isascii() and code.isalpha()):
        raise InvalidCountryError(country)
    code = code.upper()
    if code not in COUNTRIES:
        raise InvalidCountryError(country)
    return code


@lru_cache(maxsize=_CACHED_NUMBERS)
def normalize_number(number: str, country: str | None = None) -> str:
    """Return the number in E.164 ("+" and digits), or raise InvalidNumberError.

    A number starting with "+" is international. Any other is read the way
    it is dialled in the country (its trunk prefix, or its exit code then a
    calling code); without a country only "00" then a calling code is
    understood. A leading "00" that the country does not dial out with is
    still read as "+", as people write it. An empty country counts as none.
    """
    region = validate_country(country) if country else None
    text = number.strip()
    if not _NUMBER_TEXT.fullmatch(text) or not any(char.isdigit() for char in text):
        raise InvalidNumberError(
            number,
            "use digits, spaces, dashes, dots and parentheses after an optional +",
        )
    international = text.startswith(("+", "＋"))
    digits = _NOT_DIGITS.sub("", text)
    # Separators and other scripts' digits gone, libphonenumber parses
    # several times faster; what it would drop is dropped already.
    digits = _ascii(digits)
    readings: list[str] = []
    if international or region is not None:
        readings.append(f"+{digits}" if international else digits)
    if not international and digits.startswith(_EXIT_00):
        readings.append("+" + digits[len(_EXIT_00) :])
    if not readings:
        raise InvalidNumberError(
            number, "not international (+ or 00): give the country"
        )
    return format_e164(_best(number, readings, region))


def _ascii(digits: str) -> str:
    if digits.isascii():
        return digits
    return "".join(str(int(char)) for char in digits)


def _best(number: str, readings: list[str], region: str | None) -> PhoneNumber:
    """Pick the first reading that is valid, else the first possible one."""
    parsed: list[PhoneNumber] = []
    reason = ""
    for reading in readings:
        try:
            candidate = phonenumbers.parse(reading, region)
        except NumberParseException as err:
            reason = reason or _PARSE_REASONS.get(err.error_type, "not a phone number")
            continue
        result = phonenumbers.is_possible_number_with_reason(candidate)
        if result == ValidationResult.IS_POSSIBLE:
            parsed.append(candidate)
        else:
            reason = reason or _REASONS.get(result, "not a phone number")
    if not parsed:
        raise InvalidNumberError(number, reason)
    if len(parsed) == 1:
        # Validity only decides between readings: it costs more than the rest.
        return parsed[0]
    return next((p for p in parsed if phonenumbers.is_valid_number(p)), parsed[0])


def format_e164(number: PhoneNumber) -> str:
    """Write a parsed number as ClickSend wants it: "+" and digits."""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def normalize_recipients(
    numbers: Iterable[str] | str, country: str | None = None
) -> tuple[str, ...]:
    """Normalise every number and drop repeats, keeping the first occurrence.

    A single string is one number, not a sequence of characters.
    """
    if isinstance(numbers, str):
        numbers = (numbers,)
    # A dict keeps insertion order, and so the first occurrence.
    unique = dict.fromkeys(normalize_number(number, country) for number in numbers)
    if not unique:
        raise NoRecipientsError
    return tuple(unique)


def number_from_digits(digits: str, country: str | None = None) -> str:
    """Read digits that came as a number, not text, and so may have lost a "+".

    Home Assistant's templates render "+61411111111" as the integer
    61411111111. Without a country the digits are international. With one,
    they are read both ways, as international and as national: when exactly
    one reading is a valid number (or both are the same number), that one;
    otherwise AmbiguousNumberError, for the caller to ask for text.
    """
    if not _ASCII_DIGITS.fullmatch(digits):
        raise AmbiguousNumberError(digits)
    region = validate_country(country) if country else None
    if region is None:
        return normalize_number(f"+{digits}")
    valid: set[str] = set()
    for reading in (f"+{digits}", digits):
        try:
            parsed = phonenumbers.parse(reading, region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            valid.add(format_e164(parsed))
    if len(valid) != 1:
        raise AmbiguousNumberError(digits)
    return valid.pop()


def inbound_number(number: str) -> str:
    """Write the sender of an inbound SMS in E.164, however ClickSend spelt it.

    ClickSend writes it with or without "+", and a JSON push may carry it as
    a number ("61411111111.0" once it was a float) or in digits of another
    script. Digits that make a possible international number become E.164;
    anything else (an alphanumeric sender such as "ClickSend", a short code)
    is left as it came, trimmed.
    """
    text = number.strip()
    candidate = text.removesuffix(".0") if text.endswith(".0") else text
    if not _NUMBER_TEXT.fullmatch(candidate):
        return text
    digits = _NOT_DIGITS.sub("", candidate)
    if not digits:
        return text
    digits = _ascii(digits)
    if not candidate.startswith(("+", "＋")) and digits.startswith(_EXIT_00):
        digits = digits[len(_EXIT_00) :]
    try:
        parsed = phonenumbers.parse(f"+{digits}", None)
    except NumberParseException:
        return text
    if not phonenumbers.is_possible_number(parsed):
        return text
    return format_e164(parsed)
