"""Notify entities of saved recipients, and the legacy notify service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from clicksend_simulator import ClickSendSimulator
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component


async def test_send_message_to_a_recipient(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Send message to a recipient."""
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {
            "entity_id": "notify.alex",
            "message": "Dinner is ready",
            "title": "Home",
        },
        blocking=True,
    )
    assert [(m.to, m.message) for m in simulator.sent] == [
        ("+61411111111", "Home\nDinner is ready")
    ]
    state = hass.states.get("notify.alex")
    assert state.state != "unknown"


async def test_send_message_failure_is_raised(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Send message failure is raised."""
    simulator.add_fault("drop", endpoint="send.php")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            NOTIFY_DOMAIN,
            "send_message",
            {"entity_id": "notify.sam", "message": "x"},
            blocking=True,
        )
    assert err.value.translation_key == "cannot_connect"


async def test_removing_a_recipient_removes_its_entity(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Removing a recipient removes its entity."""
    sam = next(s for s in loaded_entry.subentries.values() if s.title == "Sam")
    assert entity_registry.async_get("notify.sam") is not None
    assert hass.config_entries.async_remove_subentry(loaded_entry, sam.subentry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get("notify.sam") is None
    assert hass.states.get("notify.sam") is None
    # Sam's device went with the subentry.
    assert not [
        device
        for device in dr.async_entries_for_config_entry(
            device_registry, loaded_entry.entry_id
        )
        if device.name == "Sam"
    ]
    assert hass.states.get("notify.alex") is not None


async def test_legacy_service_with_targets_and_data(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Legacy service with targets and data."""
    when = datetime.now(UTC) + timedelta(days=1)
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "clicksend_sms_demo",
        {
            "message": "Alarm!",
            "title": "House",
            "target": ["Alex", "+61400000001"],
            "data": {
                "sender_id": "Alarm",
                "schedule": when.isoformat(),
                "custom_string": "alarm",
            },
        },
        blocking=True,
    )
    assert {(m.to, m.sender_id, m.custom_string) for m in simulator.sent} == {
        ("+61411111111", "Alarm", "alarm"),
        ("+61400000001", "Alarm", "alarm"),
    }
    assert all(m.message == "House\nAlarm!" for m in simulator.sent)

    # Each saved recipient is a notify service of its own, for notify groups.
    await hass.services.async_call(
        NOTIFY_DOMAIN, "clicksend_sms_demo_sam", {"message": "Hi Sam"}, blocking=True
    )
    assert simulator.sent[-1].to == "+61422222222"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"message": "x"}, "target_required"),
        ({"message": "x", "target": ["Nobody"]}, "unknown_recipient"),
        (
            {"message": "x", "target": ["Alex"], "data": {"schedule": "soon"}},
            "invalid_notify_data",
        ),
    ],
)
async def test_legacy_service_refuses_bad_input(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, object],
    key: str,
) -> None:
    """Legacy service refuses bad input."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            NOTIFY_DOMAIN, "clicksend_sms_demo", data, blocking=True
        )
    assert err.value.translation_key == key
    assert simulator.sent == []


async def test_legacy_platform_is_not_set_up_from_yaml(hass: HomeAssistant) -> None:
    """The account comes from the UI; a YAML notify platform adds nothing."""
    assert await async_setup_component(
        hass, NOTIFY_DOMAIN, {NOTIFY_DOMAIN: [{"platform": "clicksend_sms"}]}
    )
    await hass.async_block_till_done()
    assert not hass.services.has_service(NOTIFY_DOMAIN, "clicksend_sms")


async def test_recipient_entity_uses_the_recipient_sender_id(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Sam sees the sender ID saved for Sam, by entity or by number."""
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {"entity_id": "notify.sam", "message": "From the entity"},
        blocking=True,
    )
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "clicksend_sms_demo",
        {"message": "By number", "target": ["+61 422 222 222"]},
        blocking=True,
    )
    assert [(m.to, m.sender_id) for m in simulator.sent] == [
        ("+61422222222", "SamsHome"),
        ("+61422222222", "SamsHome"),
    ]


async def test_legacy_service_refuses_once_the_account_is_unloaded(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A service object that outlived its entry says so instead of failing."""
    service = hass.data["notify_services"]["clicksend_sms"][-1]
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await service.async_send_message("x", target=["Alex"])
    assert err.value.translation_key == "config_entry_not_loaded"


async def test_legacy_templated_target_as_a_list(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """As the README advises: a templated number in a list keeps its "+"."""
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "reply": {
                    "sequence": [
                        {
                            "action": "notify.clicksend_sms_demo",
                            "data": {"message": "Got it", "target": "{{ [sender] }}"},
                        }
                    ]
                }
            }
        },
    )
    await hass.services.async_call(
        "script", "reply", {"sender": "+61400000001"}, blocking=True
    )
    assert [m.to for m in simulator.sent] == ["+61400000001"]


@pytest.mark.parametrize("options", [{"country": "AU"}])
@pytest.mark.parametrize(
    "target", ["{{ '+61400000001' }}", ["{{ '+61400000001' }}"], "{{ 61400000001.0 }}"]
)
async def test_legacy_templated_number_keeps_its_country_code(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    target: object,
) -> None:
    """A target rendered as a number is not a national number of the country."""
    await _legacy_script(hass, {"message": "Got it", "target": target})
    assert [m.to for m in simulator.sent] == ["+61400000001"]


@pytest.mark.parametrize("options", [{"country": "AU"}])
async def test_legacy_templated_number_that_could_be_two_is_refused(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """+49 823 8160, or an AU mobile without its 0: ask, never guess."""
    with pytest.raises(ServiceValidationError) as err:
        await _legacy_script(hass, {"message": "Hi", "target": "{{ '+498238160' }}"})
    assert err.value.translation_key == "ambiguous_number"
    assert not simulator.sent


async def _legacy_script(hass: HomeAssistant, data: dict[str, object]) -> None:
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "go": {
                    "sequence": [{"action": "notify.clicksend_sms_demo", "data": data}]
                }
            }
        },
    )
    await hass.services.async_call("script", "go", blocking=True)
