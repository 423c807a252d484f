"""Errors raised by the ClickSend client.

Every message is safe to show and to log: none ever contains the API key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .const import (
    CODE_ACCOUNT_NOT_ACTIVE,
    CODE_EMPTY_MESSAGE,
    CODE_INVALID_CREDENTIALS,
    CODE_INVALID_RECIPIENT,
    CODE_INVALID_SENDER_ID,
    CODE_LOW_CREDIT,
    CODE_MISSING_CREDENTIALS,
    CODE_THROTTLED,
    CODE_TOO_MANY_RECIPIENTS,
    INTERNAL_ERROR_CODES,
)

if TYPE_CHECKING:
    from datetime import datetime


class ClickSendError(Exception):
    """Base of every error the client raises."""


# Input refused before any request is made.


class ClickSendInputError(ClickSendError, ValueError):
    """The caller's input cannot be sent; nothing was sent."""


class EmptyMessageError(ClickSendInputError):
    """The message is empty or only white space."""

    def __init__(self) -> None:
        """Say what is wrong."""
        super().__init__("The message is empty")


class MessageTooLongError(ClickSendInputError):
    """The message is longer than ClickSend accepts."""

    def __init__(self, length: int, maximum: int) -> None:
        """Keep the length and the limit for the caller's error message."""
        super().__init__(f"The message has {length} characters; at most {maximum}")
        self.length = length
        self.maximum = maximum


class InvalidNumberError(ClickSendInputError):
    """A recipient is not a phone number ClickSend can send to."""

    def __init__(self, number: str, reason: str) -> None:
        """Keep the number as given and why it was refused."""
        super().__init__(f"Invalid phone number {number!r}: {reason}")
        self.number = number
        self.reason = reason


class AmbiguousNumberError(ClickSendInputError):
    """Digits that came as a number could be more than one phone number."""

    def __init__(self, digits: str) -> None:
        """Keep the digits as they came."""
        super().__init__(
            f"{digits} came as a number, not text: write it as text, internationally"
        )
        self.number = digits


class InvalidCountryError(ClickSendInputError):
    """A country is not a two-letter code libphonenumber has a plan for."""

    def __init__(self, country: str) -> None:
        """Keep the country as given."""
        super().__init__(f"Invalid country {country!r}: use a two-letter ISO code")
        self.country = country


class InvalidSenderIdError(ClickSendInputError):
    """A sender ID is neither 1-11 characters without spaces nor a number."""

    def __init__(self, sender_id: str) -> None:
        """Keep the sender ID as given."""
        super().__init__(
            f"Invalid sender ID {sender_id!r}: use up to 11 characters "
            "without spaces, or a phone number"
        )
        self.sender_id = sender_id


class InvalidScheduleError(ClickSendInputError):
    """A schedule is naive or in the past."""


class ScheduleTooLateError(InvalidScheduleError):
    """A schedule is later than a unix timestamp is sure to hold."""

    def __init__(self, latest: datetime) -> None:
        """Keep the latest time accepted."""
        super().__init__(f"The schedule is later than {latest.isoformat()}")
        self.latest = latest


class InvalidTextError(ClickSendInputError):
    """Text holds what is no character (a lone surrogate, half an emoji)."""

    def __init__(self, field: str) -> None:
        """Keep which field it was."""
        super().__init__(
            f"The {field} holds half of a character (a lone surrogate): "
            "it cannot be sent"
        )
        self.field = field


class InvalidCustomStringError(ClickSendInputError):
    """A custom string is longer than ClickSend keeps."""

    def __init__(self, maximum: int) -> None:
        """Keep the limit."""
        super().__init__(f"The custom string is longer than {maximum} characters")
        self.maximum = maximum


class NoRecipientsError(ClickSendInputError):
    """No recipient was given."""

    def __init__(self) -> None:
        """Say what is wrong."""
        super().__init__("No recipient was given")


class InvalidBaseUrlError(ClickSendInputError):
    """The API URL is not HTTPS (plain HTTP is allowed for loopback only)."""

    def __init__(self, url: str) -> None:
        """Keep the URL."""
        super().__init__(
            f"Invalid API URL {url!r}: use https:// (http:// only for loopback)"
        )
        self.url = url


# ClickSend answered with a result code other than success.


class ClickSendApiError(ClickSendError):
    """ClickSend refused the request with a result code."""

    def __init__(self, code: str, error_text: str) -> None:
        """Keep ClickSend's code and its own text."""
        super().__init__(f"ClickSend error {code}: {error_text}")
        self.code = code
        self.error_text = error_text


class ClickSendAuthError(ClickSendApiError):
    """Missing or wrong credentials (2006, 2022)."""


class AccountNotActiveError(ClickSendApiError):
    """The account may not send: not activated, or banned (2007; see const)."""


class InvalidRecipientError(ClickSendApiError):
    """ClickSend refused the destination number (2015)."""


class ThrottledError(ClickSendApiError):
    """The same message went to the same number seconds ago (2016)."""


class SenderIdRejectedError(ClickSendApiError):
    """ClickSend refused the sender ID (2017)."""


class InsufficientCreditError(ClickSendApiError):
    """The account has run out of credit (2018)."""


class EmptyMessageRejectedError(ClickSendApiError):
    """ClickSend found the message empty (2051)."""


class TooManyRecipientsError(ClickSendApiError):
    """ClickSend refused the number of recipients (2052)."""


class ClickSendInternalError(ClickSendApiError):
    """ClickSend failed internally (2100-2199); worth retrying later."""


class UnknownResultError(ClickSendApiError):
    """A result code this client does not know."""


# The exchange itself failed.


class ClickSendConnectionError(ClickSendError):
    """ClickSend could not be reached."""


class ClickSendTimeoutError(ClickSendConnectionError):
    """ClickSend did not answer in time."""


class ClickSendResponseError(ClickSendError):
    """ClickSend's answer was not the XML document expected."""


_ERRORS_BY_CODE: dict[str, type[ClickSendApiError]] = {
    CODE_MISSING_CREDENTIALS: ClickSendAuthError,
    CODE_ACCOUNT_NOT_ACTIVE: AccountNotActiveError,
    CODE_INVALID_RECIPIENT: InvalidRecipientError,
    CODE_THROTTLED: ThrottledError,
    CODE_INVALID_SENDER_ID: SenderIdRejectedError,
    CODE_LOW_CREDIT: InsufficientCreditError,
    CODE_INVALID_CREDENTIALS: ClickSendAuthError,
    CODE_EMPTY_MESSAGE: EmptyMessageRejectedError,
    CODE_TOO_MANY_RECIPIENTS: TooManyRecipientsError,
}


def error_for_code(code: str, error_text: str) -> ClickSendApiError:
    """Return the error that ClickSend's result code stands for."""
    if (error := _ERRORS_BY_CODE.get(code)) is not None:
        return error(code, error_text)
    if code.isascii() and code.isdigit() and int(code) in INTERNAL_ERROR_CODES:
        return ClickSendInternalError(code, error_text)
    return UnknownResultError(code, error_text)
