"""Event entities: the latest inbound SMS and the latest delivery report."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeliveryKind, classify_delivery
from .const import signal_delivery_report, signal_received
from .data import ClickSendConfigEntry
from .entity import ClickSendEntity

# Pushed by the inbox coordinator; nothing to limit.
PARALLEL_UPDATES = 0

INBOUND_SMS = EventEntityDescription(
    key="inbound_sms", translation_key="inbound_sms", event_types=["received"]
)
DELIVERY_REPORT = EventEntityDescription(
    key="delivery_report",
    translation_key="delivery_report",
    # As ClickSend's status list sorts them: see api/statuses.py.
    event_types=[kind.value for kind in DeliveryKind],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ClickSendConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add both event entities to the account device."""
    async_add_entities(
        [
            ClickSendEventEntity(entry, INBOUND_SMS, signal_received(entry.entry_id)),
            ClickSendEventEntity(
                entry, DELIVERY_REPORT, signal_delivery_report(entry.entry_id)
            ),
        ]
    )


class ClickSendEventEntity(ClickSendEntity, EventEntity):
    """Shows the latest item of one kind, with its data as attributes."""

    _attr_should_poll = False

    def __init__(
        self,
        entry: ClickSendConfigEntry,
        description: EventEntityDescription,
        signal: str,
    ) -> None:
        """Listen on the coordinator's signal for this kind."""
        super().__init__(entry, description)
        self._signal = signal

    async def async_added_to_hass(self) -> None:
        """Follow the inbox."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self._signal, self._async_handle)
        )

    @callback
    def _async_handle(self, attributes: dict[str, Any]) -> None:
        if self.entity_description.key == INBOUND_SMS.key:
            event_type = "received"
        else:
            event_type = classify_delivery(
                attributes["status"], attributes["status_code"]
            ).kind.value
        self._trigger_event(event_type, attributes)
        self.async_write_ha_state()
