"""Device triggers of the account, as the automation editor offers them."""

from __future__ import annotations

from typing import Any

import probatio
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

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
    hass_ws_client: WebSocketGenerator,
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
    # Nothing chosen, or the choice cleared, is any report.
    assert capabilities["extra_fields"]({}) == {"status": "any"}
    # The editor asks over the websocket, and shows labels, not keys.
    await async_setup_component(hass, "device_automation", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {"type": "device_automation/trigger/capabilities", "trigger": report}
    )
    answer = await client.receive_json()
    assert answer["success"]
    [field] = answer["result"]["extra_fields"]
    assert (field["name"], field["default"]) == ("status", "any")
    assert field["selector"]["select"]["options"] == [
        {"value": "any", "label": "Any report"},
        {"value": "delivered", "label": "Delivered"},
        {"value": "undelivered", "label": "Not delivered (final)"},
        {"value": "retrying", "label": "Failed for now, ClickSend retries"},
        {"value": "other", "label": "Other progress (queued, sent, ...)"},
    ]
    received = next(t for t in triggers if t["type"] == "sms_received")
    assert await async_get_trigger_capabilities(hass, received) == {}


async def test_triggers_run_automations(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_client_no_auth: ClientSessionGenerator,
    service_calls: list[ServiceCall],
) -> None:
    """An inbound SMS and each kind of report start their automations."""
    device_id = _device_id(device_registry, loaded_entry)
    base: dict[str, Any] = {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": device_id,
    }

    def _automation(trigger: dict[str, Any], text: str) -> dict[str, Any]:
        return {
            "mode": "queued",
            "trigger": {**base, **trigger},
            "action": {
                "service": "test.automation",
                "data_template": {"text": text},
            },
        }

    report = "{{ trigger.event.data.message_id }}"
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: [
                _automation(
                    {"type": "sms_received"},
                    "{{ trigger.description }}: {{ trigger.event.data.message }}",
                ),
                _automation(
                    {"type": "delivery_report", "status": "undelivered"},
                    f"undelivered {report}",
                ),
                _automation(
                    {"type": "delivery_report", "status": "retrying"},
                    f"retrying {report}",
                ),
                _automation(
                    {"type": "delivery_report", "status": "any"},
                    f"{{{{ trigger.description }}}}: {report}",
                ),
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
    # A 300 is retried by ClickSend: it is no final failure.
    await client.post(url, data={"messageid": "BAD2", "status_code": "300"})
    # A hand-fired event whose code is no number is sorted, not an error.
    hass.bus.async_fire(
        "clicksend_sms_delivery_report",
        {"device_id": device_id, "message_id": "ODD1", "status_code": "abc"},
    )
    # Another account's events do not start this device's automations.
    hass.bus.async_fire(
        "clicksend_sms_delivery_report",
        {"device_id": "another", "message_id": "X", "status": "Undelivered"},
    )
    await hass.async_block_till_done()
    assert sorted(call.data["text"] for call in service_calls) == [
        "Delivery report received on demo: BAD1",
        "Delivery report received on demo: BAD2",
        "Delivery report received on demo: ODD1",
        "Delivery report received on demo: OK1",
        "SMS received on demo: STOP",
        "retrying BAD2",
        "undelivered BAD1",
    ]


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


async def test_description_follows_the_device_name(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    service_calls: list[ServiceCall],
) -> None:
    """The trace says which account: the name the user gave it, else its ID."""
    device_id = _device_id(device_registry, loaded_entry)
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "mode": "queued",
                "trigger": {
                    "platform": "device",
                    "domain": DOMAIN,
                    "device_id": device_id,
                    "type": "delivery_report",
                },
                "action": {
                    "service": "test.automation",
                    "data_template": {"text": "{{ trigger.description }}"},
                },
            }
        },
    )
    event = {"device_id": device_id, "message_id": "M", "status_code": 201}
    device_registry.async_update_device(device_id, name_by_user="Family SMS")
    hass.bus.async_fire("clicksend_sms_delivery_report", event)
    await hass.async_block_till_done()
    device_registry.async_remove_device(device_id)
    hass.bus.async_fire("clicksend_sms_delivery_report", event)
    await hass.async_block_till_done()
    assert [call.data["text"] for call in service_calls] == [
        "Delivery report received on Family SMS",
        f"Delivery report received on {device_id}",
    ]
