"""The sender of an inbound SMS is written as every other number is."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from clicksend_simulator import DEMO_USERNAME
from custom_components.clicksend_sms.const import EVENT_RECEIVED
from homeassistant.core import HomeAssistant

from .conftest import WEBHOOK_ID


@pytest.mark.parametrize(
    ("pushed", "expected"),
    [
        ("61400000001", "+61400000001"),
        (" +61 400 000 001 ", "+61400000001"),
        ("0061400000001", "+61400000001"),
        ("٦١٤٠٠٠٠٠٠٠١", "+61400000001"),
        (61400000001.0, "+61400000001"),
        ("ClickSend", "ClickSend"),
    ],
)
async def test_pushed_from_is_normalised(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    pushed: Any,
    expected: str,
) -> None:
    """Spaces, "00", floats and other scripts' digits: E.164, ready to reply to."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}",
        json={"from": pushed, "message": "Hello", "username": DEMO_USERNAME},
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert [event.data["from"] for event in received] == [expected]
