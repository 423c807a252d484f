"""Device triggers of the account: "SMS received" and "Delivery report received"."""

from __future__ import annotations

from typing import Any

import probatio

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_PLATFORM, CONF_TYPE
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.translation import async_get_translations
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .api import DeliveryKind, classify_delivery
from .const import DOMAIN, EVENT_DELIVERY_REPORT, EVENT_RECEIVED

TRIGGER_RECEIVED = "sms_received"
TRIGGER_DELIVERY_REPORT = "delivery_report"
CONF_STATUS = "status"
# No filter: the same as leaving the status out, which the editor's
# dropdown cannot do once a status was chosen.
STATUS_ANY = "any"
# As the delivery report entity sorts reports (api/statuses.py).
STATUSES: list[str] = [STATUS_ANY, *(kind.value for kind in DeliveryKind)]
# Where en.json labels the choices, and the triggers.
STATUS_TRANSLATION_KEY = "delivery_status"

TRIGGER_EVENTS = {
    TRIGGER_RECEIVED: EVENT_RECEIVED,
    TRIGGER_DELIVERY_REPORT: EVENT_DELIVERY_REPORT,
}


def _status_only_for_reports(config: ConfigType) -> ConfigType:
    """Refuse a status filter on SMS, which have no delivery status."""
    if CONF_STATUS in config and config[CONF_TYPE] != TRIGGER_DELIVERY_REPORT:
        raise probatio.Invalid("status applies to delivery_report triggers only")
    return config


TRIGGER_SCHEMA = probatio.All(
    DEVICE_TRIGGER_BASE_SCHEMA.extend(
        {
            probatio.Required(CONF_TYPE): probatio.In(list(TRIGGER_EVENTS)),
            probatio.Optional(CONF_STATUS): probatio.In(STATUSES),
        }
    ),
    _status_only_for_reports,
)


def _is_account_device(hass: HomeAssistant, device_id: str) -> bool:
    """Events name the account's device, not a recipient's."""
    device = dr.async_get(hass).async_get(device_id)
    return device is not None and (DOMAIN, device.config_entry_id) in device.identifiers


async def _async_translations(hass: HomeAssistant, category: str) -> dict[str, str]:
    """Our strings of one category, in the language Home Assistant runs in."""
    return await async_get_translations(hass, hass.config.language, category, [DOMAIN])


async def async_get_triggers(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """Offer both triggers on each account device."""
    if not _is_account_device(hass, device_id):
        return []
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
    """Let a delivery report trigger be narrowed to one kind of report.

    The labels are sent with the choices: the device trigger editor does not
    translate a selector's options itself.
    """
    if config[CONF_TYPE] != TRIGGER_DELIVERY_REPORT:
        return {}
    translations = await _async_translations(hass, "selector")
    prefix = f"component.{DOMAIN}.selector.{STATUS_TRANSLATION_KEY}.options"
    options = [
        SelectOptionDict(
            value=status, label=translations.get(f"{prefix}.{status}", status)
        )
        for status in STATUSES
    ]
    return {
        "extra_fields": probatio.Schema(
            {
                probatio.Optional(CONF_STATUS, default=STATUS_ANY): SelectSelector(
                    SelectSelectorConfig(
                        options=options,
                        mode=SelectSelectorMode.DROPDOWN,
                        translation_key=STATUS_TRANSLATION_KEY,
                    )
                )
            }
        )
    }


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for the bus events of this device."""
    device_id: str = config[CONF_DEVICE_ID]
    trigger_type: str = config[CONF_TYPE]
    status: str = config.get(CONF_STATUS, STATUS_ANY)
    job = HassJob(action, f"clicksend_sms device trigger {trigger_info}")
    trigger_data = trigger_info["trigger_data"]
    translations = await _async_translations(hass, "device_automation")
    what = translations.get(
        f"component.{DOMAIN}.device_automation.trigger_type.{trigger_type}",
        trigger_type,
    )

    @callback
    def _matches(event_data: dict[str, Any]) -> bool:
        if event_data.get(CONF_DEVICE_ID) != device_id:
            return False
        return (
            status == STATUS_ANY
            or status
            == classify_delivery(
                event_data.get("status"), event_data.get("status_code")
            ).kind.value
        )

    @callback
    def _handle(event: Event[dict[str, Any]]) -> None:
        hass.async_run_hass_job(
            job,
            {
                "trigger": {
                    **trigger_data,
                    CONF_PLATFORM: "device",
                    CONF_DOMAIN: DOMAIN,
                    CONF_DEVICE_ID: device_id,
                    CONF_TYPE: trigger_type,
                    "event": event,
                    "description": _description(hass, what, device_id),
                }
            },
            event.context,
        )

    return hass.bus.async_listen(
        TRIGGER_EVENTS[trigger_type], _handle, event_filter=_matches
    )


@callback
def _description(hass: HomeAssistant, what: str, device_id: str) -> str:
    """Say what started the automation, as its trace shows: "SMS received on demo"."""
    device = dr.async_get(hass).async_get(device_id)
    where = (device.name_by_user or device.name) if device is not None else None
    return f"{what} on {where or device_id}"
