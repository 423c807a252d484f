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
_EXIT_00: Final = "00"
# An extension written after a number: "x12", "ext. 12", "#12", ";ext=12".
_EXTENSION: Final = re.compile(
    r"(?:x|ext\.?|extension|#|;\s*ext=)\s*\d+\s*$", re.IGNORECASE
)
# E.164 numbers have at most 15 digits, calling code included.
_E164_MAX_DIGITS: Final = 15
_NOT_IN_PLAN: Final = "no number of its country starts this way"
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
    if _EXTENSION.search(text) and _NUMBER_TEXT.fullmatch(_EXTENSION.sub("", text)):
        raise InvalidNumberError(number, "an extension cannot be texted")
    if not _NUMBER_TEXT.fullmatch(text) or not any(char.isdigit() for char in text):
        raise InvalidNumberError(
            number,
            "use digits, spaces, dashes, dots and parentheses after an optional +",
        )
    international = text.startswith(("+", "＋"))
    # Separators and other scripts' digits gone, libphonenumber parses
    # several times faster; what it would drop is dropped already.
    digits = _ascii(number_digits(text))
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
            candidate = _possible(reading, region)
        except InvalidNumberError as err:
            reason = reason or err.reason
            continue
        parsed.append(candidate)
    if not parsed:
        raise InvalidNumberError(number, reason)
    if len(parsed) == 1:
        # Validity only decides between readings: it costs more than the rest.
        return parsed[0]
    return next((p for p in parsed if phonenumbers.is_valid_number(p)), parsed[0])


def _possible(reading: str, region: str | None) -> PhoneNumber:
    """Parse one reading, or raise InvalidNumberError (number = the reading).

    Possible means three things. A length libphonenumber allows for the
    country (is_possible_number_with_reason). At most 15 digits, E.164's
    limit. And, when libphonenumber does not know the number to be valid,
    digits that fit the country's numbering plan as a whole (its "general
    description"): a US number can never have an area code starting with 0
    or 1, so +1 041 111 1111 is refused, while the UK's 07700 900123 (in
    the plan, in no known range) is possible and left to ClickSend. This
    rule is ours: ClickSend documents none.
    """
    try:
        candidate = phonenumbers.parse(reading, region)
    except NumberParseException as err:
        raise InvalidNumberError(
            reading, _PARSE_REASONS.get(err.error_type, "not a phone number")
        ) from None
    result = phonenumbers.is_possible_number_with_reason(candidate)
    if result != ValidationResult.IS_POSSIBLE:
        raise InvalidNumberError(reading, _REASONS.get(result, "not a phone number"))
    if len(format_e164(candidate)) - 1 > _E164_MAX_DIGITS:
        raise InvalidNumberError(reading, "too long")
    if not phonenumbers.is_valid_number(candidate) and not _in_plan(candidate):
        raise InvalidNumberError(reading, _NOT_IN_PLAN)
    return candidate


def _in_plan(number: PhoneNumber) -> bool:
    """Whether the national number fits its calling code's numbering plan."""
    code = number.country_code or 0
    region = phonenumbers.region_code_for_country_code(code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    # Every plan has a general description; should one not, nothing is refused.
    general = metadata.general_desc if metadata else None
    pattern = general.national_number_pattern if general else None
    national = phonenumbers.national_significant_number(number)
    return not pattern or re.fullmatch(pattern, national) is not None


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
    unique = dict.fromkeys([normalize_number(number, country) for number in numbers])
    if not unique:
        raise NoRecipientsError
    return tuple(unique)


def number_from_digits(digits: str, country: str | None = None) -> str:
    """Read digits that came as a number, not text, and so may have lost a "+".

    Home Assistant's templates render "+61411111111" as the integer
    61411111111. Without a country the digits are international, and must
    be a *valid* number: a possible one could be a national number that
    lost its 0 (2079460958 is London, not +20 79460958), never guessed.
    With a country they are read both ways, as international and as
    national (the same "possible" as text input): if exactly one reading
    is possible, that one; if both are (or both are the same number), the
    one that is valid if exactly one is; otherwise AmbiguousNumberError,
    for the caller to ask for text. This rule is ours, not ClickSend's.
    """
    if not _ASCII_DIGITS.fullmatch(digits):
        raise AmbiguousNumberError(digits)
    region = validate_country(country) if country else None
    if region is None:
        try:
            parsed = _possible(f"+{digits}", None)
        except InvalidNumberError as err:
            # Of the right length but not valid: perhaps national digits.
            if err.reason != _NOT_IN_PLAN:
                raise
            raise AmbiguousNumberError(digits) from None
        if not phonenumbers.is_valid_number(parsed):
            raise AmbiguousNumberError(digits)
        return format_e164(parsed)
    possible: dict[str, PhoneNumber] = {}
    for reading in (f"+{digits}", digits):
        try:
            candidate = _possible(reading, region)
        except InvalidNumberError:
            continue
        possible.setdefault(format_e164(candidate), candidate)
    if len(possible) == 1:
        return next(iter(possible))
    valid = [e164 for e164, p in possible.items() if phonenumbers.is_valid_number(p)]
    if len(valid) != 1:
        raise AmbiguousNumberError(digits)
    return valid[0]


def number_digits(number: str) -> str:
    """Keep a number's digits: to compare spellings with and without "+".

    Every character that str.isdigit takes, as the fingerprints stored by
    earlier versions were computed: "Shop²" keeps its "²".
    """
    return "".join(filter(str.isdigit, number))


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
    digits = _ascii(number_digits(candidate))
    if not digits:
        return text
    if not candidate.startswith(("+", "＋")) and digits.startswith(_EXIT_00):
        digits = digits[len(_EXIT_00) :]
    try:
        parsed = phonenumbers.parse(f"+{digits}", None)
    except NumberParseException:
        return text
    if not phonenumbers.is_possible_number(parsed):
        return text
    return format_e164(parsed)
