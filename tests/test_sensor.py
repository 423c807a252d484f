"""Account sensors."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.clicksend_sms.currency import currency_unit
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import setup_with_platforms


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_sensors(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The balance (in USD for a "$" account) and the account type."""
    await setup_with_platforms(hass, config_entry, [Platform.SENSOR])
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


@pytest.mark.parametrize(
    ("symbol", "home", "unit"),
    [
        ("$", "AUD", "AUD"),
        ("$", "EUR", "USD"),
        ("€", "USD", "EUR"),
        ("£", "USD", "GBP"),
        ("NZD", "USD", "NZD"),
        ("¤", "CHF", "CHF"),
    ],
)
def test_currency_unit(symbol: str, home: str, unit: str) -> None:
    """ClickSend gives a symbol; the sensor needs an ISO code."""
    assert currency_unit(symbol, home) == unit


async def test_account_type_is_disabled_by_default(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The account type is a diagnostic few need: it starts disabled."""
    entry = entity_registry.async_get("sensor.demo_account_type")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get("sensor.demo_account_type") is None
