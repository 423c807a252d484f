# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Checks of the caller's input, so nothing invalid is ever sent."""

from __future__ import annotations

from datetime import UTC, datetime
import ipaddress
import re
from typing import TYPE_CHECKING, Final

from yarl import URL

from .const import (
    MAX_CUSTOM_STRING_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_NUMBER_DIGITS,
    MAX_SENDER_ID_LENGTH,
    MIN_NUMBER_DIGITS,
)
from .countries import CALLING_CODES, DEFAULT_TRUNK_PREFIX, TRUNK_PREFIXES
from .exceptions import (
    EmptyMessageError,
    InvalidBaseUrlError,
    InvalidCountryError,
    InvalidCustomStringError,
    InvalidNumberError,
    InvalidScheduleError,
    InvalidSenderIdError,
    MessageTooLongError,
    NoRecipientsError,
)
from .models import Encoding, MessageInfo

if TYPE_CHECKING:
    from collections.abc import Iterable

# What people put between digits: white space, dashes of any kind, dots and
# parentheses.
_NUMBER_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015\u2212.()]+")
# "+44 (0)20 ...": the trunk prefix shown for callers at home, not dialled
# from abroad.
_SHOWN_TRUNK: Final = re.compile(r"\(\s*0\s*\)")
_DIGITS: Final = re.compile(r"[0-9]+")
_ALPHANUMERIC_SENDER: Final = re.compile(rf"[A-Za-z0-9]{{1,{MAX_SENDER_ID_LENGTH}}}")

# GSM 03.38: the basic table (without the escape) and the extension table,
# whose characters take an escape and so two septets.
GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")

# Characters per single SMS, and per part of a concatenated one (the rest
# of each part carries the header that joins them).
_GSM7_SINGLE: Final = 160
_GSM7_PART: Final = 153
_UNICODE_SINGLE: Final = 70
_UNICODE_PART: Final = 67
_BMP_END: Final = 0xFFFF

_ALPHA2_LENGTH: Final = 2
_LOOPBACK_NAMES: Final = frozenset({"localhost", "localhost."})


def validate_country(country: str) -> str:
    """Return the upper-cased ISO 3166-1 alpha-2 code, if it is a known one."""
    code = country.strip()
    # ASCII first: "ß".upper() is "SS", a real code.
    if not (len(code) == _ALPHA2_LENGTH and code.isascii() and code.isalpha()):
        raise InvalidCountryError(country)
    code = code.upper()
    if code not in CALLING_CODES:
        raise InvalidCountryError(country)
    return code


def normalize_number(number: str, country: str | None = None) -> str:
    """Return the number in international form, "+" and 8 to 15 digits.

    A number starting with + or 00 is international. Any other is national:
    it needs the country, whose trunk prefix (usually 0) is replaced by the
    country's calling code. An empty country counts as none.
    """
    code = validate_country(country) if country else None
    text = _NUMBER_SEPARATORS.sub("", _SHOWN_TRUNK.sub("", number))
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    else:
        if code is None:
            raise InvalidNumberError(
                number, "not international (+ or 00): give the country"
            )
        digits = _national_to_international(text, code)
    if not _DIGITS.fullmatch(digits):
        raise InvalidNumberError(number, "only digits may follow the +")
    if digits.startswith("0"):
        raise InvalidNumberError(number, "no country code starts with 0")
    if not MIN_NUMBER_DIGITS <= len(digits) <= MAX_NUMBER_DIGITS:
        raise InvalidNumberError(
            number,
            f"an international number has {MIN_NUMBER_DIGITS} to "
            f"{MAX_NUMBER_DIGITS} digits",
        )
    return f"+{digits}"


def _national_to_international(text: str, country: str) -> str:
    """Drop the trunk prefix and put the calling code in front."""
    trunk = TRUNK_PREFIXES.get(country, DEFAULT_TRUNK_PREFIX)
    if trunk is not None:
        prefix, length = trunk
        if text.startswith(prefix) and (length is None or len(text) == length):
            text = text[len(prefix) :]
    return CALLING_CODES[country] + text


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


def validate_sender_id(sender_id: str) -> str:
    """Return an alphanumeric sender ID as given, or a number normalised.

    Networks show up to 11 letters or digits; anything longer must be a
    phone number, written internationally.
    """
    text = sender_id.strip()
    if _ALPHANUMERIC_SENDER.fullmatch(text):
        return text
    if text.startswith(("+", "00")):
        try:
            return normalize_number(text)
        except InvalidNumberError:
            pass
    raise InvalidSenderIdError(sender_id)


def message_info(message: str) -> MessageInfo:
    """Count what the message costs in SMS parts.

    The 960-character limit counts characters as people do; the length
    returned counts what the network carries: septets for GSM-7 (an extension
    character takes two), UTF-16 code units for Unicode (an emoji takes two).
    """
    if not message.strip():
        raise EmptyMessageError
    if len(message) > MAX_MESSAGE_LENGTH:
        raise MessageTooLongError(len(message), MAX_MESSAGE_LENGTH)
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in message):
        widths = [2 if char in GSM7_EXTENSION else 1 for char in message]
        single, part = _GSM7_SINGLE, _GSM7_PART
        encoding = Encoding.GSM7
    else:
        widths = [2 if ord(char) > _BMP_END else 1 for char in message]
        single, part = _UNICODE_SINGLE, _UNICODE_PART
        encoding = Encoding.UNICODE
    length = sum(widths)
    return MessageInfo(encoding, length, _count_parts(widths, length, single, part))


def _count_parts(widths: list[int], length: int, single: int, part: int) -> int:
    """Pack the characters into parts; a two-unit character is never split."""
    if length <= single:
        return 1
    parts, used = 1, 0
    for width in widths:
        if used + width > part:
            parts += 1
            used = 0
        used += width
    return parts


def validate_schedule(when: datetime, now: datetime | None = None) -> int:
    """Return the time as ClickSend wants it: unix seconds, in the future.

    A naive time is refused rather than guessed: its zone is the caller's to
    know.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise InvalidScheduleError("The schedule has no time zone")
    if when <= (now if now is not None else datetime.now(UTC)):
        raise InvalidScheduleError("The schedule is in the past")
    return int(when.timestamp())


def validate_custom_string(custom_string: str) -> str:
    """Return the custom string if ClickSend will keep all of it."""
    if len(custom_string) > MAX_CUSTOM_STRING_LENGTH:
        raise InvalidCustomStringError(MAX_CUSTOM_STRING_LENGTH)
    return custom_string


def validate_base_url(url: str) -> str:
    """Return the API URL ending in "/", if the key would travel safely.

    HTTPS always; plain HTTP only to this machine (the simulator). Neither
    credentials, a query nor a fragment belong in it.
    """
    try:
        parsed = URL(url.strip())
        host = parsed.host
        port = parsed.port
    except TypeError, ValueError:
        raise InvalidBaseUrlError(_redact_url(url)) from None
    if (
        not parsed.absolute
        or not host
        or parsed.user is not None
        or parsed.password is not None
        or parsed.query_string
        or parsed.fragment
        or parsed.scheme not in {"https", "http"}
        or (parsed.scheme == "http" and not _is_loopback(host))
    ):
        raise InvalidBaseUrlError(_redact_url(url))
    path = parsed.path if parsed.path.endswith("/") else f"{parsed.path}/"
    return str(URL.build(scheme=parsed.scheme, host=host, port=port, path=path))


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _redact_url(url: str) -> str:
    """Keep whatever might hold a secret out of the error message."""
    text = url.strip()
    for mark in ("?", "#"):
        text = text.partition(mark)[0]
    scheme, sep, rest = text.partition("://")
    if sep and "@" in rest.partition("/")[0]:
        rest = "***@" + rest.partition("@")[2]
    return f"{scheme}{sep}{rest}"
