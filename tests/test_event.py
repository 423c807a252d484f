"""Event entities of the account."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, translation

from .conftest import WEBHOOK_ID, setup_with_platforms


async def test_event_entities(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The inbound SMS and delivery report entities, before anything arrived."""
    await setup_with_platforms(hass, config_entry, [Platform.EVENT])
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_delivery_report_kinds(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A 300 is shown as retrying, the 201 after it as delivered, with final."""
    client = await hass_client_no_auth()
    for code, kind, final in (
        ("300", "retrying", False),
        ("201", "delivered", True),
        ("301", "undelivered", True),
        ("200", "other", False),
    ):
        response = await client.post(
            f"/api/webhook/{WEBHOOK_ID}",
            data={"messageid": "M1", "status": "Undelivered", "status_code": code},
        )
        assert response.status == 200
        await hass.async_block_till_done()
        state = hass.states.get("event.demo_delivery_report")
        assert state is not None
        assert state.attributes["event_type"] == kind
        assert state.attributes["source"] == "push"
        assert state.attributes["final"] is final


async def test_attributes_are_translated(hass: HomeAssistant) -> None:
    """The UI shows words, not keys, for the event types and the source."""
    strings = await translation.async_get_translations(
        hass, "en", "entity", ["clicksend_sms"]
    )
    prefix = "component.clicksend_sms.entity.event"
    for key, types in (
        ("delivery_report", ("delivered", "undelivered", "retrying", "other")),
        ("inbound_sms", ("received",)),
    ):
        for event_type in types:
            assert strings[
                f"{prefix}.{key}.state_attributes.event_type.state.{event_type}"
            ]
        assert strings[f"{prefix}.{key}.state_attributes.source.state.poll"] == "Poll"
        assert strings[f"{prefix}.{key}.state_attributes.source.state.push"] == "Push"
