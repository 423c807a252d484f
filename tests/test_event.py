"""Event entities of the account."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.clicksend_sms.event import delivery_event_type
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import setup_with_platforms


async def test_event_entities(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The inbound SMS and delivery report entities, before anything arrived."""
    await setup_with_platforms(hass, config_entry, [Platform.EVENT])
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


@pytest.mark.parametrize(
    ("status", "code", "event_type"),
    [
        ("Delivered", 201, "delivered"),
        ("", 201, "delivered"),
        ("delivered", 0, "delivered"),
        ("Undelivered", 301, "undelivered"),
        ("", 300, "undelivered"),
        ("Queued", 100, "other"),
        ("", 0, "other"),
    ],
)
def test_delivery_event_type(status: str, code: int, event_type: str) -> None:
    """Reports sort into delivered, undelivered and other."""
    assert delivery_event_type(status, code) == event_type
