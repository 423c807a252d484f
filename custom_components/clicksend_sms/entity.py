"""Base entities: everything hangs off one service device per ClickSend account."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DASHBOARD_URL, DOMAIN
from .coordinator import AccountCoordinator
from .data import ClickSendConfigEntry


def account_device_info(entry: ClickSendConfigEntry) -> DeviceInfo:
    """Describe the account's device."""
    return DeviceInfo(
        entry_type=DeviceEntryType.SERVICE,
        identifiers={(DOMAIN, entry.entry_id)},
        manufacturer="ClickSend",
        model="SMS account",
        name=entry.title,
        configuration_url=DASHBOARD_URL,
    )


class ClickSendEntity(Entity):
    """An entity of a ClickSend account."""

    _attr_has_entity_name = True

    def __init__(
        self, entry: ClickSendConfigEntry, description: EntityDescription
    ) -> None:
        """Attach the entity to the account device."""
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = account_device_info(entry)


class ClickSendAccountEntity(CoordinatorEntity[AccountCoordinator], ClickSendEntity):
    """An entity that shows what the account coordinator fetched."""

    def __init__(
        self, coordinator: AccountCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to the coordinator and the account device."""
        CoordinatorEntity.__init__(self, coordinator)
        ClickSendEntity.__init__(self, coordinator.config_entry, description)
