"""Device triggers of the account: "SMS received" and "Delivery report received"."""

from __future__ import annotations

from typing import Any

import probatio

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .inbox import EVENT_DELIVERY_REPORT, EVENT_RECEIVED

TRIGGER_RECEIVED = "sms_received"
TRIGGER_DELIVERY_REPORT = "delivery_report"
CONF_STATUS = "status"
# ClickSend's status texts.
STATUSES = ["Delivered", "Undelivered"]

TRIGGER_EVENTS = {
    TRIGGER_RECEIVED: EVENT_RECEIVED,
    TRIGGER_DELIVERY_REPORT: EVENT_DELIVERY_REPORT,
}

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        probatio.Required(CONF_TYPE): probatio.In(list(TRIGGER_EVENTS)),
        probatio.Optional(CONF_STATUS): probatio.In(STATUSES),
    }
)


async def async_get_triggers(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """Both triggers, on every account device."""
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in TRIGGER_EVENTS
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, probatio.Schema]:
    """Let a delivery report trigger be narrowed to one status."""
    if config[CONF_TYPE] != TRIGGER_DELIVERY_REPORT:
        return {}
    return {
        "extra_fields": probatio.Schema(
            {probatio.Optional(CONF_STATUS): probatio.In(STATUSES)}
        )
    }


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for the bus event of this device."""
    event_data: dict[str, Any] = {CONF_DEVICE_ID: config[CONF_DEVICE_ID]}
    if status := config.get(CONF_STATUS):
        event_data[CONF_STATUS] = status
    event_config = event_trigger.TRIGGER_SCHEMA(
        {
            CONF_PLATFORM: "event",
            event_trigger.CONF_EVENT_TYPE: TRIGGER_EVENTS[config[CONF_TYPE]],
            CONF_EVENT_DATA: event_data,
        }
    )
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )
