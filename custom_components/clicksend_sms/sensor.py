"""Account sensors: the balance and the account type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import Balance
from .currency import currency_unit
from .data import ClickSendConfigEntry
from .entity import ClickSendAccountEntity

# Coordinator entities: updates are centralised.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ClickSendSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of the account."""

    value_fn: Callable[[Balance], StateType]


SENSORS: tuple[ClickSendSensorEntityDescription, ...] = (
    ClickSendSensorEntityDescription(
        key="balance",
        translation_key="balance",
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=2,
        value_fn=lambda balance: balance.balance,
    ),
    ClickSendSensorEntityDescription(
        key="account_type",
        translation_key="account_type",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda balance: balance.account_type,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ClickSendConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's sensors."""
    coordinator = entry.runtime_data.account
    async_add_entities(
        ClickSendSensorEntity(coordinator, description) for description in SENSORS
    )


class ClickSendSensorEntity(ClickSendAccountEntity, SensorEntity):
    """A sensor of the account."""

    entity_description: ClickSendSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Read the value from the latest balance."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def native_unit_of_measurement(self) -> str | None:
        """Give the balance an ISO currency code."""
        if self.entity_description.device_class is not SensorDeviceClass.MONETARY:
            return None
        return currency_unit(
            self.coordinator.data.currency_symbol, self.hass.config.currency
        )
