"""The integration's actions: send_sms, ask and get_history."""

from __future__ import annotations

import math
from typing import Any

import probatio

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .api import ClickSendError
from .ask import DEFAULT_TIMEOUT, async_get_asks, validate_answers, validate_timeout
from .const import CONF_COUNTRY, CONF_SENDER_ID, DOMAIN
from .data import ClickSendConfigEntry
from .errors import api_error
from .sending import NumberFromTemplate, SmsRequest, async_send, sms_response

SERVICE_SEND_SMS = "send_sms"
SERVICE_GET_HISTORY = "get_history"
SERVICE_ASK = "ask"

ATTR_TO = "to"
ATTR_MESSAGE = "message"
ATTR_SENDER_ID = CONF_SENDER_ID
ATTR_SCHEDULE = "schedule"
ATTR_COUNTRY = CONF_COUNTRY
ATTR_CUSTOM_STRING = "custom_string"
ATTR_FROM_EMAIL = "from_email"
ATTR_TIMEOUT = "timeout"
ATTR_ANSWERS = "answers"


def recipient(value: Any) -> str:
    """Read one entry of "to" (and of the legacy notify service's "target").

    Home Assistant's templates turn a rendered "+61400000001" into the number
    61400000001, and "| float" or an input_number into 61400000001.0: such a
    number may be an international number that lost its "+", which
    sending.py decides knowing the country. A float is its digits only when
    it is a whole number; anything else it renders as is refused there as
    ambiguous, never read with its "." as a separator.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return NumberFromTemplate(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return NumberFromTemplate(int(value))
        return NumberFromTemplate(value)
    return cv.string(value)


def recipients(value: Any) -> list[str]:
    """Read "to" (one recipient or a list), leaving out blank rows.

    The UI's list keeps an empty row at its end. Nothing but blank rows is
    no recipient at all, and is refused as that when sending. One pass over
    the rows, rather than a validator for each step, since every send pays
    for it.
    """
    rows = []
    for index, row in enumerate(
        value if type(value) is list else cv.ensure_list(value)
    ):
        try:
            text = row if type(row) is str else recipient(row)
        except probatio.Invalid as err:
            # Name the row, as a list schema would.
            raise probatio.Invalid(err.msg, path=[index]) from None
        if text.strip():
            rows.append(text)
    return rows


SEND_SMS_SCHEMA = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_TO): recipients,
        probatio.Required(ATTR_MESSAGE): cv.string,
        probatio.Optional(ATTR_SENDER_ID): cv.string,
        probatio.Optional(ATTR_SCHEDULE): cv.datetime,
        probatio.Optional(ATTR_COUNTRY): cv.string,
        probatio.Optional(ATTR_CUSTOM_STRING): cv.string,
    }
)

ASK_SCHEMA = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_TO): recipient,
        probatio.Required(ATTR_MESSAGE): cv.string,
        probatio.Optional(ATTR_TIMEOUT, default=DEFAULT_TIMEOUT): cv.time_period,
        # Read by validate_answers, which refuses what YAML made booleans.
        probatio.Optional(ATTR_ANSWERS, default=list): probatio.All(
            cv.ensure_list, [probatio.Any(bool, int, float, str)]
        ),
    }
)

GET_HISTORY_SCHEMA = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Optional(ATTR_FROM_EMAIL): cv.string,
    }
)


def async_get_entry(hass: HomeAssistant, entry_id: str | None) -> ClickSendConfigEntry:
    """Find the loaded account an action is for.

    The entry may be left out when exactly one account is set up.
    """
    entry: ClickSendConfigEntry | None
    if entry_id is None:
        # Every account that is not disabled counts: one that failed to load
        # must not be passed over for the other in silence.
        entries = hass.config_entries.async_entries(DOMAIN, include_disabled=False)
        if len(entries) != 1:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="config_entry_required"
                if entries
                else "no_loaded_entry",
            )
        entry = entries[0]
    else:
        entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="config_entry_not_found",
            translation_placeholders={"entry_id": str(entry_id)},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="config_entry_not_loaded",
            translation_placeholders={"account": entry.title},
        )
    return entry


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    entry = async_get_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    request = SmsRequest(
        to=call.data[ATTR_TO],
        message=call.data[ATTR_MESSAGE],
        sender_id=call.data.get(ATTR_SENDER_ID),
        schedule=call.data.get(ATTR_SCHEDULE),
        country=call.data.get(ATTR_COUNTRY),
        custom_string=call.data.get(ATTR_CUSTOM_STRING),
    )
    sent = await async_send(call.hass, entry, request, partial_ok=call.return_response)
    # The response is built only when asked for: 10,000 recipients make as
    # many dicts.
    return sms_response(sent) if call.return_response else None


async def _async_ask(call: ServiceCall) -> ServiceResponse:
    timeout = validate_timeout(call.data[ATTR_TIMEOUT])
    answers = validate_answers(call.data[ATTR_ANSWERS])
    entry = async_get_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    asks = async_get_asks(call.hass, entry.entry_id)
    return await asks.async_ask(
        entry, call.data[ATTR_TO], call.data[ATTR_MESSAGE], timeout, answers
    )


async def _async_get_history(call: ServiceCall) -> ServiceResponse:
    entry = async_get_entry(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    try:
        history = await entry.runtime_data.client.get_history(
            call.data.get(ATTR_FROM_EMAIL)
        )
    except ClickSendError as err:
        raise api_error(err) from err
    items: list[Any] = [
        {
            "message_id": item.message_id,
            "direction": item.direction,
            "date": item.date.isoformat() if item.date else None,
            "to": item.to,
            "message": item.message,
            "status": item.status,
            "sender_id": item.sender_id,
            "schedule": item.schedule.isoformat() if item.schedule else None,
            "custom_string": item.custom_string,
            "from_email": item.from_email,
        }
        for item in history
    ]
    return {"items": items}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once, for every account."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_SMS,
        _async_send_sms,
        schema=SEND_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_ASK,
        _async_ask,
        schema=ASK_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_HISTORY,
        _async_get_history,
        schema=GET_HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
