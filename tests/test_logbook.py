"""Logbook lines: who texted what, and what became of a sent SMS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.clicksend_sms.const import DOMAIN
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import WEBHOOK_ID


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """Start the recorder before Home Assistant, as its fixture requires."""
    return


@pytest.fixture
async def recorded(hass: HomeAssistant) -> None:
    """Record the events, so that the logbook can show them."""
    assert await async_setup_component(hass, "logbook", {})


async def _logbook(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, device_id: str
) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    client = await hass_ws_client(hass)
    query: dict[str, Any] = {
        "type": "logbook/get_events",
        "start_time": "2000-01-01T00:00:00+00:00",
        # The clock is frozen: the events happened at "now".
        "end_time": (dt_util.utcnow() + timedelta(seconds=1)).isoformat(),
    }
    if device_id:
        query["device_ids"] = [device_id]
    await client.send_json_auto_id(query)
    answer = await client.receive_json()
    assert answer["success"], answer
    # The recipients' notify entities and the event entities have lines too.
    return [
        {"name": line["name"], "message": line["message"]}
        for line in answer["result"]
        if line.get("domain") == DOMAIN
    ]


async def test_logbook_lines(
    recorded: None,
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_client_no_auth: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The account's activity says who texted what, and each report's outcome."""
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, loaded_entry.entry_id), config_entry_id=loaded_entry.entry_id
    )
    assert device is not None
    client = await hass_client_no_auth()
    url = f"/api/webhook/{WEBHOOK_ID}"
    for data in (
        {"from": "+61411111111", "message": "CLOSE"},
        {"from": "+61422222222", "message": "long\ntext " * 30},
        {"messageid": "M1", "status": "Undelivered", "status_code": "300"},
        {"messageid": "M1", "status": "Delivered", "status_code": "201"},
        {"messageid": "M2", "status": "Undelivered", "status_code": "301"},
        {"messageid": "M3", "status": "Queued", "status_code": "200"},
        {"messageid": "M4", "status": "Scheduled"},
    ):
        assert (await client.post(url, data=data)).status == 200
    await hass.async_block_till_done()
    lines = await _logbook(hass, hass_ws_client, device.id)
    long_text = " ".join(("long text " * 30).split())
    assert lines == [
        {"name": "demo", "message": "SMS from +61411111111: CLOSE"},
        {
            "name": "demo",
            "message": f"SMS from +61422222222: {long_text[:119]}…",
        },
        {
            "name": "demo",
            "message": "Delivery report for M1: Failed for now, ClickSend retries (300)",
        },
        {"name": "demo", "message": "Delivery report for M1: Delivered (201)"},
        {"name": "demo", "message": "Delivery report for M2: Not delivered (301)"},
        {"name": "demo", "message": "Delivery report for M3: Queued (200)"},
        {"name": "demo", "message": "Delivery report for M4: Scheduled"},
    ]


async def test_logbook_without_the_device(
    recorded: None,
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """An event of a removed account still reads well, named after ClickSend."""
    assert await async_setup_component(hass, DOMAIN, {})
    hass.bus.async_fire(
        "clicksend_sms_delivery_report", {"device_id": "gone", "message_id": "M9"}
    )
    hass.bus.async_fire(
        "clicksend_sms_received", {"from": "+61433333333", "message": "Hi"}
    )
    # Anyone may fire these over the REST API: a code that is no number
    # still gives a line, not an error.
    hass.bus.async_fire(
        "clicksend_sms_delivery_report",
        {"device_id": "gone", "message_id": "M8", "status_code": "abc"},
    )
    await hass.async_block_till_done()
    assert sorted(
        (line["name"], line["message"])
        for line in await _logbook(hass, hass_ws_client, "")
    ) == [
        ("ClickSend", "Delivery report for M8: Other"),
        ("ClickSend", "Delivery report for M9: Other"),
        ("ClickSend", "SMS from +61433333333: Hi"),
    ]
