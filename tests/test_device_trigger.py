"""Device triggers of the account, as the automation editor offers them."""

from __future__ import annotations

from typing import Any

import probatio
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.clicksend_sms.const import DOMAIN
from custom_components.clicksend_sms.device_trigger import (
    TRIGGER_SCHEMA,
    async_get_trigger_capabilities,
)
from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component

from .conftest import WEBHOOK_ID


def _device_id(device_registry: dr.DeviceRegistry, entry: MockConfigEntry) -> str:
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), config_entry_id=entry.entry_id
    )
    assert device is not None
    return device.id


async def test_triggers_are_offered(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Both triggers appear for the account device; reports can be filtered."""
    device_id = _device_id(device_registry, loaded_entry)
    triggers = [
        trigger
        for trigger in await async_get_device_automations(
            hass, DeviceAutomationType.TRIGGER, device_id
        )
        if trigger["domain"] == DOMAIN
    ]
    assert sorted(trigger["type"] for trigger in triggers) == [
        "delivery_report",
        "sms_received",
    ]
    for trigger in triggers:
        assert trigger["device_id"] == device_id
        assert trigger["domain"] == DOMAIN

    report = next(t for t in triggers if t["type"] == "delivery_report")
    capabilities = await async_get_trigger_capabilities(hass, report)
    assert capabilities["extra_fields"]({"status": "undelivered"}) == {
        "status": "undelivered"
    }
    received = next(t for t in triggers if t["type"] == "sms_received")
    assert await async_get_trigger_capabilities(hass, received) == {}


async def test_triggers_run_automations(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_client_no_auth: ClientSessionGenerator,
    service_calls: list[ServiceCall],
) -> None:
    """An inbound SMS and an undelivered report each start their automation."""
    device_id = _device_id(device_registry, loaded_entry)
    base: dict[str, Any] = {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": device_id,
    }
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: [
                {
                    "trigger": {**base, "type": "sms_received"},
                    "action": {
                        "service": "test.automation",
                        "data_template": {"text": "{{ trigger.event.data.message }}"},
                    },
                },
                {
                    "mode": "queued",
                    "trigger": {
                        **base,
                        "type": "delivery_report",
                        "status": "undelivered",
                    },
                    "action": {
                        "service": "test.automation",
                        "data_template": {
                            "text": "{{ trigger.event.data.message_id }}"
                        },
                    },
                },
            ]
        },
    )
    client = await hass_client_no_auth()
    url = f"/api/webhook/{WEBHOOK_ID}"
    await client.post(url, data={"from": "+61400000001", "message": "STOP"})
    await client.post(
        url, data={"messageid": "OK1", "status": "Delivered", "status_code": "201"}
    )
    await client.post(
        url, data={"messageid": "BAD1", "status": "Undelivered", "status_code": "301"}
    )
    # A report with only a code is sorted the way the event entity sorts it.
    await client.post(url, data={"messageid": "BAD2", "status_code": "300"})
    # Another account's events do not start this device's automations.
    hass.bus.async_fire(
        "clicksend_sms_delivery_report",
        {"device_id": "another", "message_id": "X", "status": "Undelivered"},
    )
    await hass.async_block_till_done()
    assert [call.data["text"] for call in service_calls] == ["STOP", "BAD1", "BAD2"]


async def test_no_triggers_on_recipient_devices(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Events name the account's device: a recipient's device offers none."""
    alex = next(
        device
        for device in dr.async_entries_for_config_entry(
            device_registry, loaded_entry.entry_id
        )
        if device.name == "Alex"
    )
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, alex.id
    )
    assert [t for t in triggers if t["domain"] == DOMAIN] == []


def test_status_filter_only_on_delivery_reports() -> None:
    """An SMS has no delivery status: a filter on it is refused."""
    base = {"platform": "device", "domain": DOMAIN, "device_id": "abc"}
    assert TRIGGER_SCHEMA({**base, "type": "delivery_report", "status": "other"})
    with pytest.raises(probatio.Invalid):
        TRIGGER_SCHEMA({**base, "type": "sms_received", "status": "other"})
