# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Checks of the caller's input, so nothing invalid is ever sent."""

from __future__ import annotations

from datetime import UTC, datetime
import ipaddress
import re
from typing import Final

from yarl import URL

from .const import (
    MAX_CUSTOM_STRING_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_NUMBER_DIGITS,
    MAX_SCHEDULE_TIMESTAMP,
    MAX_SENDER_ID_LENGTH,
)
from .exceptions import (
    EmptyMessageError,
    InvalidBaseUrlError,
    InvalidCustomStringError,
    InvalidNumberError,
    InvalidScheduleError,
    InvalidSenderIdError,
    InvalidTextError,
    MessageTooLongError,
    ScheduleTooLateError,
)
from .models import Encoding, MessageInfo
from .numbers import normalize_number

# The document's rule for result 2017: an alphanumeric sender ID of at most
# 11 characters without spaces, or a number. "Alphanumeric" is read as
# ASCII letters and digits (what networks display); a number is digits with
# an optional "+". The simulator's sms.py checks the same.
_ALPHA_SENDER: Final = re.compile(rf"[A-Za-z0-9]{{1,{MAX_SENDER_ID_LENGTH}}}")
_NUMERIC_SENDER: Final = re.compile(rf"\+?[0-9]{{1,{MAX_NUMBER_DIGITS}}}")

# GSM 03.38: the basic table (without the escape) and the extension table,
# whose characters take an escape and so two septets.
GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")
_GSM7: Final = GSM7_BASIC | GSM7_EXTENSION

# Characters per single SMS, and per part of a concatenated one (the rest
# of each part carries the header that joins them).
_GSM7_SINGLE: Final = 160
_GSM7_PART: Final = 153
_UNICODE_SINGLE: Final = 70
_UNICODE_PART: Final = 67
_BMP_END: Final = 0xFFFF

_LOOPBACK_NAMES: Final = frozenset({"localhost", "localhost."})


def validate_sender_id(sender_id: str) -> str:
    """Return the sender ID as ClickSend's document accepts it.

    The document's only rule (result 2017): "no longer than 11 characters
    (if alphanumeric), and contains no spaces"; or a number. So: 1-11 ASCII
    letters and digits, as given; or a phone number, written with "+" or
    "00" (sent in E.164, separators dropped) or as up to 15 digits after an
    optional "+". Anything else (emoji, accents, punctuation) is refused
    here rather than by ClickSend.
    """
    text = sender_id.strip()
    if text.startswith(("+", "00")):
        try:
            return normalize_number(text)
        except InvalidNumberError:
            pass
    if _ALPHA_SENDER.fullmatch(text) or _NUMERIC_SENDER.fullmatch(text):
        return text
    raise InvalidSenderIdError(sender_id)


def message_info(message: str) -> MessageInfo:
    """Count what the message costs in SMS parts.

    The 960-character limit counts characters as people do; the length
    returned counts what the network carries: septets for GSM-7 (an extension
    character takes two), UTF-16 code units for Unicode (an emoji takes two).
    """
    if not message.strip():
        raise EmptyMessageError
    check_text(message, "message")
    if len(message) > MAX_MESSAGE_LENGTH:
        raise MessageTooLongError(len(message), MAX_MESSAGE_LENGTH)
    characters = set(message)
    if characters <= _GSM7:
        double = characters & GSM7_EXTENSION
        length = len(message)
        if double:
            length += sum(message.count(char) for char in double)
        if length <= _GSM7_SINGLE:
            return MessageInfo(Encoding.GSM7, length, 1)
        widths = [2 if char in double else 1 for char in message]
        parts = _count_parts(widths, _GSM7_PART)
        return MessageInfo(Encoding.GSM7, length, parts)
    # UTF-16 code units: check_text let no lone surrogate through.
    length = len(message.encode("utf-16-le")) // 2
    if length <= _UNICODE_SINGLE:
        return MessageInfo(Encoding.UNICODE, length, 1)
    widths = [2 if ord(char) > _BMP_END else 1 for char in message]
    return MessageInfo(Encoding.UNICODE, length, _count_parts(widths, _UNICODE_PART))


def check_text(text: str, field: str) -> str:
    r"""Return the text if it can be sent: no lone surrogate (half an emoji).

    A template can make one ("{{ '\ud83d' }}"), and no encoding can carry
    it: refused here rather than fail inside the HTTP request.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidTextError(field) from None
    return text


def _count_parts(widths: list[int], part: int) -> int:
    """Pack a long message into parts; a two-unit character is never split."""
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
    timestamp = int(when.timestamp())
    if timestamp > MAX_SCHEDULE_TIMESTAMP:
        # See MAX_SCHEDULE_TIMESTAMP: our bound, the document names none.
        raise ScheduleTooLateError(datetime.fromtimestamp(MAX_SCHEDULE_TIMESTAMP, UTC))
    return timestamp


def validate_custom_string(custom_string: str) -> str:
    """Return the custom string if ClickSend will keep all of it."""
    if len(custom_string) > MAX_CUSTOM_STRING_LENGTH:
        raise InvalidCustomStringError(MAX_CUSTOM_STRING_LENGTH)
    return check_text(custom_string, "custom string")


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
