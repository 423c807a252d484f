"""Every client error reaches the user as a translated Home Assistant error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.clicksend_sms.api import (
    AccountNotActiveError,
    ClickSendAuthError,
    ClickSendConnectionError,
    ClickSendError,
    ClickSendInputError,
    ClickSendInternalError,
    ClickSendResponseError,
    ClickSendTimeoutError,
    EmptyMessageRejectedError,
    InsufficientCreditError,
    InvalidBaseUrlError,
    InvalidRecipientError,
    NoRecipientsError,
    SenderIdRejectedError,
    ThrottledError,
    TooManyRecipientsError,
    UnknownResultError,
)
from custom_components.clicksend_sms.errors import api_error
from homeassistant.exceptions import ServiceValidationError

EXCEPTIONS = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components/clicksend_sms/translations/en.json"
    ).read_text()
)["exceptions"]


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (ClickSendAuthError("2022", "Invalid credentials"), "invalid_auth"),
        (AccountNotActiveError("2007", "Account not activated"), "account_not_active"),
        (InsufficientCreditError("2018", "Low credit"), "insufficient_credit"),
        (ThrottledError("2016", "Throttled"), "throttled"),
        (SenderIdRejectedError("2017", "Invalid sender id"), "sender_id_rejected"),
        (InvalidRecipientError("2015", "Invalid recipient"), "invalid_recipient"),
        (TooManyRecipientsError("2052", "Too many"), "too_many_recipients"),
        (EmptyMessageRejectedError("2051", "Empty"), "empty_message_rejected"),
        (ClickSendInternalError("2101", "Internal error"), "clicksend_internal_error"),
        (UnknownResultError("2999", "Odd"), "unknown_result"),
        (ClickSendTimeoutError("ClickSend did not answer"), "timeout"),
        (ClickSendConnectionError("Could not reach ClickSend"), "cannot_connect"),
        (ClickSendResponseError("HTML instead of XML"), "bad_response"),
        (ClickSendError("Something else"), "bad_response"),
    ],
)
def test_api_errors_are_translated(error: ClickSendError, key: str) -> None:
    """Each failure has its own message, with ClickSend's code where it gave one."""
    translated = api_error(error)
    assert not isinstance(translated, ServiceValidationError)
    assert translated.translation_key == key
    message = EXCEPTIONS[key]["message"]
    # Every placeholder the message uses is provided.
    assert message.format(**translated.translation_placeholders)


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (InvalidBaseUrlError("http://example.com"), "invalid_url"),
        (NoRecipientsError(), "no_recipients"),
        (ClickSendInputError("Something about the input"), "invalid_input"),
    ],
)
def test_input_errors_are_validation_errors(error: ClickSendError, key: str) -> None:
    """Input refused before sending is the user's to fix."""
    translated = api_error(error)
    assert isinstance(translated, ServiceValidationError)
    assert translated.translation_key == key
    assert EXCEPTIONS[key]["message"].format(**translated.translation_placeholders)
