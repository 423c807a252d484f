"""Hostile or odd input to the webhook and in polls: refused, or made safe."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME, ClickSendSimulator
from custom_components import clicksend_sms
from custom_components.clicksend_sms.const import (
    DOMAIN,
    EVENT_DELIVERY_REPORT,
    EVENT_RECEIVED,
)
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import WEBHOOK_ID, let_time_pass, set_up_while_clicksend_fails

REAL = "+61400000001"
# Half an emoji: JSON can carry it, UTF-8 cannot.
LONE = "\\ud83d"


async def _post(
    hass_client_no_auth: ClientSessionGenerator, body: str, content_type: str
) -> int:
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}",
        data=body.encode(),
        headers={"Content-Type": content_type},
    )
    return response.status


@pytest.mark.parametrize("value", [["+61400000001"], {"number": "+61400000001"}, True])
async def test_json_values_other_than_text_and_numbers_are_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    value: Any,
) -> None:
    """A list, an object or a boolean is no ClickSend field: 400, nothing fires."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    body = json.dumps({"from": value, "message": "hi"})
    assert await _post(hass_client_no_auth, body, "application/json") == 400
    assert received == []


async def test_json_null_is_a_missing_field(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A null custom string is an empty one."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    body = json.dumps({"from": REAL, "message": "hi", "customstring": None})
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    assert received[0].data["custom_string"] == ""


async def test_lone_surrogates_are_made_valid_text(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Half an emoji in any field fires as U+FFFD; the states API keeps working."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    body = (
        f'{{"from": "{REAL}", "message": "ok {LONE}", '
        f'"originalmessage": "{LONE}", "customstring": "\\ud83d\\ude00"}}'
    )
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    body = f'{{"messageid": "M1", "status": "{LONE}", "status_code": 201}}'
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    await hass.async_block_till_done()
    assert received[0].data["message"] == "ok \ufffd"
    assert received[0].data["original_message"] == "\ufffd"
    # A whole pair is the emoji it always was.
    assert received[0].data["custom_string"] == "\U0001f600"
    assert reports[0].data["status"] == "\ufffd"
    # What /api/states, the WebSocket and restore state write: valid JSON.
    state = hass.states.get("event.demo_inbound_sms")
    assert json.loads(state.as_dict_json)["attributes"]["message"] == "ok \ufffd"


async def test_a_status_code_beyond_64_bits_is_no_code(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A code of 1e30 is no code: with a status it fires as 0, alone refused.

    Such a number in the event entity's attributes would make every write of
    Home Assistant's states fail (orjson holds 64 bits).
    """
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    body = '{"messageid": "M1", "status": "Delivered", "status_code": 1e30}'
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    body = '{"messageid": "M2", "status_code": "100000000000000000000"}'
    assert await _post(hass_client_no_auth, body, "application/json") == 400
    await hass.async_block_till_done()
    assert [event.data["status_code"] for event in reports] == [0]
    state = hass.states.get("event.demo_delivery_report")
    assert json.loads(state.as_dict_json)["attributes"]["status_code"] == 0


@pytest.mark.parametrize(
    "options", [{"poll_replies": False, "poll_delivery_reports": False}]
)
async def test_lone_surrogate_while_waiting_loses_nothing(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Pushes waiting for the account to load, one of them odd: all fire."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    await set_up_while_clicksend_fails(hass, simulator, config_entry)
    body = f'{{"from": "{REAL}", "message": "{LONE}"}}'
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    body = json.dumps({"from": REAL, "message": "after"})
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    await let_time_pass(hass, freezer, timedelta(minutes=1))
    assert [event.data["message"] for event in received] == ["\ufffd", "after"]


@pytest.mark.parametrize("username", ["", "   ", DEMO_USERNAME.upper()])
async def test_pushes_without_a_username_are_the_accounts(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    username: str,
) -> None:
    """Missing, empty or differently cased, the username is this account's."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}",
        data={"from": REAL, "message": "hi", "username": username},
    )
    assert response.status == 200
    assert len(received) == 1


async def test_polled_items_of_a_subaccount_are_left_out(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A subaccount's replies and reports in the poll fire nothing, as pushed."""
    simulator.add_account("sub", DEMO_KEY, parent=DEMO_USERNAME)
    received = async_capture_events(hass, EVENT_RECEIVED)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    simulator.inject_reply("sub", from_number=REAL, message="for the sub")
    simulator.inject_receipt("sub", message_id="S1")
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="for us")
    await let_time_pass(hass, freezer, timedelta(seconds=61))
    assert [event.data["message"] for event in received] == ["for us"]
    assert reports == []
    assert loaded_entry.runtime_data.inbox.stats.other_username_skipped == 2


async def test_pushes_wait_from_the_integrations_setup(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The webhook listens from async_setup on, before the entry loads."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    config_entry.add_to_hass(hass)
    disabled = MockConfigEntry(
        domain=DOMAIN,
        data={**config_entry.data, "webhook_id": "1" * 64},
        disabled_by=ConfigEntryDisabler.USER,
    )
    disabled.add_to_hass(hass)
    assert await async_setup_component(hass, "webhook", {})
    # The integration's set-up, alone: its entries have not loaded yet.
    assert await clicksend_sms.async_setup(hass, {})
    assert config_entry.state is ConfigEntryState.NOT_LOADED
    assert "1" * 64 not in hass.data["webhook"]
    body = json.dumps({"from": REAL, "message": "early"})
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    assert received == []
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["message"] for event in received] == ["early"]


@pytest.mark.parametrize(
    "number",
    [
        "61400000001",
        "0061 400 000 001",
        "+61-400-000-001",
        61400000001,
        61400000001.0,
        "\u0666\u0661\u0664\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0661",
    ],
)
async def test_pushed_numbers_are_written_international(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    number: str | float,
) -> None:
    """However the sender's number came, it is "+digits", and one SMS polled too."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    body = json.dumps({"from": number, "message": "hello"})
    assert await _post(hass_client_no_auth, body, "application/json") == 200
    assert received[0].data["from"] == REAL
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="hello")
    await let_time_pass(hass, freezer, timedelta(seconds=61))
    assert len(received) == 1
