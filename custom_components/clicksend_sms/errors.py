"""Turn the client's errors into translated Home Assistant errors.

User mistakes become ServiceValidationError, ClickSend's refusals and network
failures HomeAssistantError; both carry a translation key and placeholders.
"""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    AccountNotActiveError,
    ClickSendApiError,
    ClickSendAuthError,
    ClickSendConnectionError,
    ClickSendError,
    ClickSendInputError,
    ClickSendInternalError,
    ClickSendResponseError,
    ClickSendTimeoutError,
    EmptyMessageError,
    EmptyMessageRejectedError,
    InsufficientCreditError,
    InvalidBaseUrlError,
    InvalidCountryError,
    InvalidCustomStringError,
    InvalidNumberError,
    InvalidRecipientError,
    InvalidScheduleError,
    InvalidSenderIdError,
    InvalidTextError,
    MessageTooLongError,
    NoRecipientsError,
    ScheduleTooLateError,
    SenderIdRejectedError,
    ThrottledError,
    TooManyRecipientsError,
)
from .const import DOMAIN

_API_ERROR_KEYS: tuple[tuple[type[ClickSendApiError], str], ...] = (
    (ClickSendAuthError, "invalid_auth"),
    (AccountNotActiveError, "account_not_active"),
    (InsufficientCreditError, "insufficient_credit"),
    (ThrottledError, "throttled"),
    (SenderIdRejectedError, "sender_id_rejected"),
    (InvalidRecipientError, "invalid_recipient"),
    (TooManyRecipientsError, "too_many_recipients"),
    (EmptyMessageRejectedError, "empty_message_rejected"),
    (ClickSendInternalError, "clicksend_internal_error"),
)


def api_error_key(err: ClickSendError) -> str:
    """Name the translation of a failure that is not the user's mistake."""
    if isinstance(err, ClickSendApiError):
        for error_type, key in _API_ERROR_KEYS:
            if isinstance(err, error_type):
                return key
        return "unknown_result"
    if isinstance(err, ClickSendTimeoutError):
        return "timeout"
    if isinstance(err, ClickSendConnectionError):
        return "cannot_connect"
    return "bad_response"


def input_error(err: ClickSendInputError) -> ServiceValidationError:
    """Translate input that was refused before anything was sent."""
    placeholders: dict[str, str] = {}
    match err:
        case EmptyMessageError():
            key = "empty_message"
        case MessageTooLongError():
            key = "message_too_long"
            placeholders = {"length": str(err.length), "maximum": str(err.maximum)}
        case InvalidNumberError():
            key = "invalid_number"
            placeholders = {"number": err.number, "reason": err.reason}
        case InvalidCountryError():
            key = "invalid_country"
            placeholders = {"country": err.country}
        case InvalidSenderIdError():
            key = "invalid_sender_id"
            placeholders = {"sender_id": err.sender_id}
        case ScheduleTooLateError():
            key = "schedule_too_late"
            placeholders = {"latest": err.latest.isoformat()}
        case InvalidScheduleError():
            key = "invalid_schedule"
        case InvalidTextError():
            key = "invalid_text"
            placeholders = {"field": err.field}
        case InvalidCustomStringError():
            key = "custom_string_too_long"
            placeholders = {"maximum": str(err.maximum)}
        case NoRecipientsError():
            key = "no_recipients"
        case InvalidBaseUrlError():
            key = "invalid_url"
            placeholders = {"url": err.url}
        case _:
            key = "invalid_input"
            placeholders = {"error": str(err)}
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def api_error(err: ClickSendError) -> HomeAssistantError:
    """Translate any client error for an action or entity call."""
    if isinstance(err, ClickSendInputError):
        return input_error(err)
    placeholders = {"error": str(err)}
    if isinstance(err, ClickSendApiError):
        placeholders = {"code": err.code, "error_text": err.error_text}
    if isinstance(err, ClickSendResponseError):
        placeholders = {"error": str(err)}
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=api_error_key(err),
        translation_placeholders=placeholders,
    )
