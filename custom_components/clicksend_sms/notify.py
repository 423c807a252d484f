"""Notify: an entity per saved recipient, and the legacy notify service.

The legacy service (notify.clicksend_sms_<account>) takes a target, so that
alert: and notify groups can text any number or saved recipient.
"""

from __future__ import annotations

from typing import Any, override

import probatio

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import (
    ATTR_DATA,
    ATTR_TARGET,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    NOTIFY_SERVICE_SCHEMA,
    NotifyEntityFeature,
)
from homeassistant.components.notify.legacy import BaseNotificationService
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

from .const import (
    CONF_ENTRY,
    CONF_PHONE_NUMBER,
    CONF_SENDER_ID,
    DOMAIN,
    SUBENTRY_TYPE_RECIPIENT,
)
from .data import ClickSendConfigEntry
from .entity import ClickSendEntity
from .sending import SmsRequest, async_send
from .services import recipients

# Sending is not limited here: ClickSend queues messages itself.
PARALLEL_UPDATES = 0

# notify's own schema, but a target that came through a template as a number
# stays a number (rather than become text without its "+"), to be read with
# the same care as send_sms's "to".
LEGACY_SERVICE_SCHEMA = NOTIFY_SERVICE_SCHEMA.extend(
    {probatio.Optional(ATTR_TARGET): recipients}
)

LEGACY_DATA_SCHEMA = probatio.Schema(
    {
        probatio.Optional(CONF_SENDER_ID): cv.string,
        probatio.Optional("schedule"): cv.datetime,
        probatio.Optional("custom_string"): cv.string,
    }
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ClickSendConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity for each saved recipient."""
    # Recipients are the only kind of subentry.
    for subentry_id, subentry in entry.subentries.items():
        async_add_entities(
            [ClickSendRecipientNotifyEntity(entry, subentry)],
            config_subentry_id=subentry_id,
        )


class ClickSendRecipientNotifyEntity(ClickSendEntity, NotifyEntity):
    """Texts one saved recipient."""

    _attr_supported_features = NotifyEntityFeature.TITLE

    def __init__(self, entry: ClickSendConfigEntry, subentry: ConfigSubentry) -> None:
        """Give the recipient a device of its own, reached through the account."""
        # No name of its own: the entity is named after the recipient's device.
        super().__init__(entry, EntityDescription(key=subentry.subentry_id, name=None))
        self._entry = entry
        self._number: str = subentry.data[CONF_PHONE_NUMBER]
        self._attr_device_info = DeviceInfo(
            entry_type=DeviceEntryType.SERVICE,
            identifiers={(DOMAIN, f"{entry.entry_id}_{subentry.subentry_id}")},
            manufacturer="ClickSend",
            model="SMS recipient",
            # The subentry's title is the name: the UI's Rename changes it.
            name=subentry.title,
            # Home Assistant 2026.10 names the parent by its device ID.
            via_device_id=dr.async_get_device_id_by_identifier(
                entry.runtime_data.account.hass,
                (DOMAIN, entry.entry_id),
                config_entry_id=entry.entry_id,
            ),
        )

    @override
    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Text the recipient; the title, when given, is the first line."""
        await async_send(
            self.hass,
            self._entry,
            SmsRequest(to=[self._number], message=message, title=title),
        )


async def async_get_service(
    hass: HomeAssistant,
    config: ConfigType,
    discovery_info: DiscoveryInfoType | None = None,
) -> ClickSendNotificationService | None:
    """Create the legacy service of an account (only through discovery)."""
    if discovery_info is None:
        return None
    entry: ClickSendConfigEntry = discovery_info[CONF_ENTRY]
    service = ClickSendNotificationService(entry)
    entry.async_on_unload(service.async_unregister_services)
    return service


class ClickSendNotificationService(BaseNotificationService):
    """notify.clicksend_sms_<account>, with a target of numbers or recipient names."""

    def __init__(self, entry: ClickSendConfigEntry) -> None:
        """Keep the account."""
        self._entry = entry

    @property
    @override
    def targets(self) -> dict[str, str]:
        """Saved recipients, also offered as services of their own."""
        return {
            subentry.title: subentry.title
            for subentry in self._entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
        }

    @override
    async def async_register_services(self) -> None:
        """Register as notify does, then again with a schema that keeps numbers."""
        await super().async_register_services()
        self.hass.services.async_register(
            NOTIFY_DOMAIN,
            self._service_name,
            self._async_notify_message_service,
            schema=LEGACY_SERVICE_SCHEMA,
        )

    @override
    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:
        """Text every target."""
        if self._entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="config_entry_not_loaded",
                translation_placeholders={"account": self._entry.title},
            )
        targets = list(kwargs.get(ATTR_TARGET) or [])
        if not targets:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="target_required"
            )
        try:
            data = LEGACY_DATA_SCHEMA(kwargs.get(ATTR_DATA) or {})
        except probatio.Invalid as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_notify_data",
                translation_placeholders={"error": str(err)},
            ) from err
        await async_send(
            self.hass,
            self._entry,
            SmsRequest(
                to=list(targets),
                message=message,
                title=kwargs.get(ATTR_TITLE),
                sender_id=data.get(CONF_SENDER_ID),
                schedule=data.get("schedule"),
                custom_string=data.get("custom_string"),
            ),
        )
