"""Inbound SMS and delivery reports by polling and by push, each fired once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from datetime import timedelta
import json
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from clicksend_simulator import DEMO_USERNAME, ClickSendSimulator
from custom_components.clicksend_sms.api import ClickSendClient, InboundReply
from custom_components.clicksend_sms.const import (
    DOMAIN,
    EVENT_DELIVERY_REPORT,
    EVENT_RECEIVED,
)
from custom_components.clicksend_sms.inbox import storage_key
from custom_components.clicksend_sms.webhook import _async_handle_push
from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util.aiohttp import MockRequest

from .conftest import WEBHOOK_ID, let_time_pass, set_up_while_clicksend_fails

REAL = "+61400000001"


async def _next_poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let one poll interval (60 s by default) pass and the poll finish."""
    await let_time_pass(hass, freezer, timedelta(seconds=61))


def _data(events: list[Event]) -> list[dict[str, Any]]:
    return [dict(event.data) for event in events]


async def _push(hass_client_no_auth: ClientSessionGenerator, **kwargs: Any) -> int:
    client = await hass_client_no_auth()
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", **kwargs)
    return response.status


async def test_polled_replies_and_receipts_fire_in_order(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A reply and a delivery report reach automations with all their data."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    sent = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"to": [REAL, "+61400000010"], "message": "Pizza?", "custom_string": "p1"},
        blocking=True,
        return_response=True,
    )
    message_id = sent["messages"][0]["message_id"]
    simulator.inject_reply(
        DEMO_USERNAME, from_number=REAL, message="Yes!", original_message_id=message_id
    )
    simulator.inject_reply(DEMO_USERNAME, from_number="+61400000002", message="Who?")

    await _next_poll(hass, freezer)

    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, loaded_entry.entry_id), config_entry_id=loaded_entry.entry_id
    )
    assert _data(received) == [
        {
            "config_entry_id": loaded_entry.entry_id,
            "device_id": device.id,
            "from": REAL,
            "message": "Yes!",
            "original_message": "Pizza?",
            "original_message_id": message_id,
            "original_sender_id": "",
            "custom_string": "p1",
            "username": DEMO_USERNAME,
            "source": "poll",
        },
        {
            "config_entry_id": loaded_entry.entry_id,
            "device_id": device.id,
            "from": "+61400000002",
            "message": "Who?",
            "original_message": "",
            "original_message_id": "",
            "original_sender_id": "",
            "custom_string": "",
            "username": DEMO_USERNAME,
            "source": "poll",
        },
    ]
    # The simulator reports numbers ending in 0 undelivered.
    assert [
        (e["message_id"], e["status"], e["status_code"]) for e in _data(reports)
    ] == [
        (message_id, "Delivered", 201),
        (sent["messages"][1]["message_id"], "Undelivered", 301),
    ]
    assert reports[0].data["custom_string"] == "p1"
    assert reports[0].data["source"] == "poll"

    inbound = hass.states.get("event.demo_inbound_sms")
    assert inbound.attributes["event_type"] == "received"
    assert inbound.attributes["from"] == "+61400000002"
    assert inbound.attributes["message"] == "Who?"
    assert "config_entry_id" not in inbound.attributes
    report = hass.states.get("event.demo_delivery_report")
    assert report.attributes["event_type"] == "undelivered"
    assert report.attributes["status_code"] == 301

    # Nothing new: nothing fires.
    await _next_poll(hass, freezer)
    assert len(received) == 2
    assert len(reports) == 2


async def test_full_inbox_fires_each_item_once(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When ClickSend returns the whole inbox at every poll, old items stay quiet."""
    simulator.set_mode("inbox")
    received = async_capture_events(hass, EVENT_RECEIVED)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="one")
    await _next_poll(hass, freezer)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="two")
    await _next_poll(hass, freezer)
    await _next_poll(hass, freezer)
    assert [event.data["message"] for event in received] == ["one", "two"]


async def test_push_and_poll_of_the_same_items_fire_once(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """ClickSend may push an item and also return it when polled."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    # The v2 push is a form; "from" comes without its "+" here.
    status = await _push(
        hass_client_no_auth,
        data={
            "from": REAL.removeprefix("+"),
            "message": "Pushed and polled",
            "originalmessageid": "ABC",
            "username": DEMO_USERNAME,
        },
    )
    assert status == 200
    status = await _push(
        hass_client_no_auth,
        json={
            "message_id": "ABC",
            "status": "Delivered",
            "status_code": "201",
            "custom_string": "",
        },
    )
    assert status == 200
    await hass.async_block_till_done()
    assert [event.data["source"] for event in received] == ["push"]
    assert [event.data["source"] for event in reports] == ["push"]
    # The number is written as polling writes it, ready to reply to.
    assert received[0].data["from"] == REAL
    assert reports[0].data["status_code"] == 201

    # ClickSend also keeps them for polling.
    simulator.inject_reply(
        DEMO_USERNAME,
        from_number=REAL,
        message="Pushed and polled",
        original_message_id="ABC",
    )
    simulator.inject_receipt(DEMO_USERNAME, message_id="ABC", status_code=201)
    await _next_poll(hass, freezer)
    assert len(received) == 1
    assert len(reports) == 1


async def test_v3_push_fields(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """ClickSend's REST v3 push names its fields differently."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    assert (
        await _push(
            hass_client_no_auth,
            json={
                "from": REAL,
                "body": "v3 body",
                "original_body": "Question?",
                "original_message_id": "M1",
                "custom_string": "c3",
                "message_id": "IN1",
            },
        )
        == 200
    )
    assert (
        await _push(
            hass_client_no_auth,
            data={
                "message_id": "M1",
                "status_text": "Undelivered",
                "status_code": "300",
                "custom_string": "c3",
            },
        )
        == 200
    )
    assert received[0].data["message"] == "v3 body"
    assert received[0].data["original_message"] == "Question?"
    assert received[0].data["original_message_id"] == "M1"
    assert received[0].data["custom_string"] == "c3"
    assert (reports[0].data["status"], reports[0].data["status_code"]) == (
        "Undelivered",
        300,
    )
    # A 300 is retried by ClickSend: not final.
    assert reports[0].data["final"] is False
    state = hass.states.get("event.demo_delivery_report")
    assert state.attributes["event_type"] == "retrying"

    # A sender with a name rather than a number keeps its name.
    assert (
        await _push(hass_client_no_auth, json={"from": "Acme", "body": "Your code"})
        == 200
    )
    assert received[-1].data["from"] == "Acme"


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": {"hello": "world"}}, 400),
        (
            {
                "data": "not json at all {",
                "headers": {"Content-Type": "application/json"},
            },
            400,
        ),
        ({"json": ["a", "list"]}, 400),
        ({"data": {"messageid": "X", "status_code": "abc"}}, 400),
        ({"data": {"messageid": "X", "status_code": "1e999"}}, 400),
        ({"data": {"from": REAL, "message": "hi", "username": "someone-else"}}, 403),
        ({"data": {"from": REAL, "message": "x" * (64 * 1024)}}, 413),
    ],
)
async def test_webhook_refusals_fire_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    kwargs: dict[str, Any],
    status: int,
) -> None:
    """Bodies that are not ClickSend's, or not for this account, are refused."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    assert await _push(hass_client_no_auth, **kwargs) == status
    await hass.async_block_till_done()
    assert received == []
    assert reports == []


async def test_webhook_refuses_other_methods_and_streamed_oversize(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Only POST is accepted; a body without a length is capped while read."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    client = await hass_client_no_auth()
    response = await client.put(f"/api/webhook/{WEBHOOK_ID}", data={"from": REAL})
    assert response.status == 405

    async def _chunks() -> Any:
        yield b"from=%2B61400000001&message="
        for _ in range(70):
            yield b"x" * 1024

    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=_chunks())
    assert response.status == 413
    assert received == []


async def test_one_failing_endpoint_does_not_hold_back_the_other(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A fault on reply.php mid-poll; the receipts fire, the replies next time."""
    fired: list[str] = []
    hass.bus.async_listen(EVENT_RECEIVED, lambda e: fired.append(e.data["message"]))
    hass.bus.async_listen(
        EVENT_DELIVERY_REPORT, lambda e: fired.append(e.data["message_id"])
    )
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="late")
    simulator.inject_receipt(DEMO_USERNAME, message_id="R1")
    simulator.add_fault("drop", endpoint="reply.php")
    await _next_poll(hass, freezer)
    # The receipt was not held back by the failed reply.php...
    assert fired == ["R1"]
    # ...and the reply comes with the next poll, once.
    await _next_poll(hass, freezer)
    await _next_poll(hass, freezer)
    assert fired == ["R1", "late"]


async def test_nothing_fires_twice_across_a_restart(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The record of fired items is stored and read back."""
    simulator.set_mode("inbox")
    received = async_capture_events(hass, EVENT_RECEIVED)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="before")
    await _next_poll(hass, freezer)
    assert len(received) == 1

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    stored = hass_storage[storage_key(loaded_entry.entry_id)]["data"]
    assert len(stored["replies"]["tallies"]) == 1
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="after")
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["message"] for event in received] == ["before", "after"]


async def test_restart_during_an_outage_loses_nothing(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Items ClickSend holds during an outage fire once it is back."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="held")
    simulator.inject_receipt(
        DEMO_USERNAME, message_id="R2", status="Undelivered", status_code=301
    )
    simulator.add_fault("http500", count=100)
    await _next_poll(hass, freezer)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert received == []
    assert reports == []

    simulator.clear_faults()
    freezer.tick(timedelta(minutes=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _next_poll(hass, freezer)
    assert [event.data["message"] for event in received] == ["held"]
    assert [event.data["message_id"] for event in reports] == ["R2"]


@pytest.mark.parametrize(
    "options",
    [{"poll_replies": False, "poll_delivery_reports": False}],
)
async def test_polling_can_be_switched_off(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """With both polls off, nothing is fetched, but the push still works."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="unpolled")
    await _next_poll(hass, freezer)
    assert {request.endpoint for request in simulator.requests} == {"balance.php"}
    assert received == []
    assert (
        await _push(hass_client_no_auth, data={"from": REAL, "message": "pushed"})
        == 200
    )
    assert [event.data["message"] for event in received] == ["pushed"]


@pytest.mark.parametrize(
    "options",
    [{"poll_replies": True, "poll_delivery_reports": False, "poll_interval": 15}],
)
async def test_poll_options_are_followed(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Only reply.php is polled, every 15 seconds."""
    before = len(simulator.requests)
    freezer.tick(timedelta(seconds=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    polled = [r.endpoint for r in simulator.requests[before:]]
    assert polled.count("reply.php") == 1
    assert "delivery.php" not in polled


async def test_inbox_larger_than_the_record_does_not_fire_again(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A full inbox bigger than the bound must not evict what it returns."""
    simulator.set_mode("inbox")
    received = async_capture_events(hass, EVENT_RECEIVED)
    for n in range(5):
        simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message=f"m{n}")
    with patch("custom_components.clicksend_sms.record.MAX_IDENTITIES", 3):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        # A push in between keeps the whole poll too.
        assert (
            await _push(hass_client_no_auth, data={"from": REAL, "message": "p"}) == 200
        )
        for _ in range(3):
            await _next_poll(hass, freezer)
    assert [event.data["message"] for event in received] == [
        "m0",
        "m1",
        "m2",
        "m3",
        "m4",
        "p",
    ]


async def test_removing_the_entry_deletes_the_record(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Nothing of a removed account stays on disk."""
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="x")
    await _next_poll(hass, freezer)
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert storage_key(loaded_entry.entry_id) in hass_storage
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert storage_key(loaded_entry.entry_id) not in hass_storage


@pytest.mark.parametrize("options", [{"poll_replies": False}])
async def test_only_delivery_reports_polled(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With inbound polling off, reply.php is left alone."""
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    simulator.inject_receipt(DEMO_USERNAME, message_id="R9")
    await _next_poll(hass, freezer)
    assert "reply.php" not in {request.endpoint for request in simulator.requests}
    assert [event.data["message_id"] for event in reports] == ["R9"]


async def test_polling_waits_for_home_assistant_to_start(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At start-up, nothing fires until automations are ready; nothing is lost."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="polled")
    hass.set_state(CoreState.not_running)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    # A push while starting waits for the start.
    response = await webhook.async_handle_webhook(
        hass,
        WEBHOOK_ID,
        MockRequest(
            content=b"from=%2B61400000002&message=pushed",
            mock_source="test",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    )
    assert response.status == 200
    # However long the start takes, nothing is polled before it ends.
    freezer.tick(timedelta(minutes=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert "reply.php" not in {request.endpoint for request in simulator.requests}
    assert received == []

    await hass.async_start()
    await hass.async_block_till_done()
    assert [event.data["message"] for event in received] == ["pushed", "polled"]


async def test_cloudhook_push_is_read(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Home Assistant Cloud hands pushes over as a MockRequest; they fire too."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    body = json.dumps({"from": REAL, "body": "via the cloud"}).encode()
    response = await webhook.async_handle_webhook(
        hass,
        WEBHOOK_ID,
        MockRequest(
            content=body,
            mock_source="cloud",
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Content-Length": str(len(body)),
            },
        ),
    )
    assert response.status == 200
    assert [event.data["message"] for event in received] == ["via the cloud"]

    too_big = b"from=1&message=" + b"x" * (64 * 1024)
    response = await webhook.async_handle_webhook(
        hass,
        WEBHOOK_ID,
        MockRequest(content=too_big, mock_source="cloud", method="POST"),
    )
    assert response.status == 413
    assert len(received) == 1


async def test_refused_key_while_polling_asks_for_a_new_one(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A key refused by reply.php starts reauthentication at once."""
    simulator.add_account(DEMO_USERNAME, "ROTATED-ELSEWHERE")
    await _next_poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.parametrize(
    "options", [{"poll_replies": False, "poll_delivery_reports": False}]
)
async def test_pushes_wait_while_the_account_cannot_load(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """ClickSend's API is down but its push works: nothing pushed is lost."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    await set_up_while_clicksend_fails(hass, simulator, config_entry)

    with patch("custom_components.clicksend_sms.webhook.MAX_WAITING", 1):
        assert (
            await _push(hass_client_no_auth, data={"from": REAL, "message": "a"}) == 200
        )
        # Beyond what is kept, ClickSend is told the push failed.
        assert (
            await _push(hass_client_no_auth, data={"from": REAL, "message": "b"}) == 503
        )
    assert received == []

    # The retry succeeds: what waited fires.
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert config_entry.state is ConfigEntryState.LOADED
    assert [(e.data["message"], e.data["source"]) for e in received] == [("a", "push")]


async def test_removing_an_entry_that_never_loaded_stops_its_webhook(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The webhook kept through failed set-ups goes with the entry."""
    await set_up_while_clicksend_fails(hass, simulator, config_entry)
    await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    # Home Assistant answers 200 for a webhook it does not know, firing nothing.
    received = async_capture_events(hass, EVENT_RECEIVED)
    assert await _push(hass_client_no_auth, data={"from": REAL, "message": "x"}) == 200
    assert received == []
    assert WEBHOOK_ID not in hass.data["webhook"]


async def test_an_entry_unloaded_before_the_start_does_not_poll(
    hass: HomeAssistant, simulator: ClickSendSimulator, config_entry: MockConfigEntry
) -> None:
    """The start of an entry that went meanwhile is skipped."""
    hass.set_state(CoreState.not_running)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    inbox = config_entry.runtime_data.inbox
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_start()
    await hass.async_block_till_done()
    # Even if its start had already been under way.
    assert not inbox.can_start()
    assert "reply.php" not in {request.endpoint for request in simulator.requests}


async def test_pushes_wait_through_an_unload(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A reload (unload, set-up) does not turn pushes away."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert await _push(hass_client_no_auth, data={"from": REAL, "message": "w"}) == 200
    assert received == []
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["message"] for event in received] == ["w"]


async def test_disabling_stops_the_webhook(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    config_entry: MockConfigEntry,
) -> None:
    """A disabled account listens to nothing."""
    assert WEBHOOK_ID in hass.data["webhook"]
    await hass.config_entries.async_set_disabled_by(
        loaded_entry.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()
    assert WEBHOOK_ID not in hass.data["webhook"]
    # Removing it afterwards has nothing left to stop.
    await hass.config_entries.async_remove(loaded_entry.entry_id)


async def test_disabled_before_it_ever_loaded(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """An account disabled while it could not load stops taking pushes."""
    await set_up_while_clicksend_fails(hass, simulator, config_entry)
    await hass.config_entries.async_set_disabled_by(
        config_entry.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()
    assert await _push(hass_client_no_auth, data={"from": REAL, "message": "x"}) == 503
    assert WEBHOOK_ID not in hass.data["webhook"]


async def test_push_for_an_entry_that_is_gone(hass: HomeAssistant) -> None:
    """A push that outlived its entry is turned away."""
    response = await _async_handle_push(
        hass,
        "gone",
        MockRequest(content=b"from=1&message=x", mock_source="test", method="POST"),
    )
    assert response.status == 503


async def test_an_entry_unloading_as_home_assistant_starts_does_not_poll(
    hass: HomeAssistant, simulator: ClickSendSimulator, config_entry: MockConfigEntry
) -> None:
    """A start under way when the entry goes takes no pushes and polls nothing."""
    hass.set_state(CoreState.not_running)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    unload_platforms = hass.config_entries.async_unload_platforms

    async def _start_meanwhile(*args: Any) -> bool:
        # The unload has begun; Home Assistant starts before it ends.
        hass.set_state(CoreState.running)
        hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
        return await unload_platforms(*args)

    with patch.object(
        hass.config_entries, "async_unload_platforms", side_effect=_start_meanwhile
    ):
        assert await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert "reply.php" not in {request.endpoint for request in simulator.requests}


async def test_failing_polls_are_logged_once_until_they_recover(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Polls fail at every interval, logged once; the recovery is logged too."""
    caplog.set_level(logging.INFO)
    inbox = loaded_entry.runtime_data.inbox
    simulator.add_fault("http500", count=2, endpoint="reply.php")
    for _ in range(2):
        await _next_poll(hass, freezer)
        assert not inbox.last_update_success
    assert "reply.php" in str(inbox.last_exception)
    await _next_poll(hass, freezer)
    assert inbox.last_update_success
    messages = [record.getMessage() for record in caplog.records]
    assert len([m for m in messages if m.startswith("Polling demo failed")]) == 1
    assert len([m for m in messages if m == "Polling demo recovered"]) == 1


async def test_a_slow_poll_is_not_joined_by_the_next(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An interval passing while ClickSend is slow to answer starts no second poll."""
    answer = asyncio.Event()
    get_replies = ClickSendClient.get_replies

    async def _slow(client: ClickSendClient) -> tuple[InboundReply, ...]:
        await answer.wait()
        return await get_replies(client)

    before = len(simulator.requests)
    with patch.object(ClickSendClient, "get_replies", _slow):
        for _ in range(2):
            freezer.tick(timedelta(seconds=61))
            async_fire_time_changed(hass)
            await hass.async_block_till_done()
        answer.set()
        await hass.async_block_till_done(wait_background_tasks=True)
    polled = [r.endpoint for r in simulator.requests[before:]]
    assert polled.count("reply.php") == 1


async def test_polling_turned_off_in_the_system_options(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """As for Home Assistant's coordinators: polled once at the start, then not."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, pref_disable_polling=True)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _next_poll(hass, freezer)
    await _next_poll(hass, freezer)
    polled = [r.endpoint for r in simulator.requests]
    assert polled.count("reply.php") == 1


@contextlib.asynccontextmanager
async def _first_poll_held(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    message: str,
) -> AsyncIterator[asyncio.Event]:
    """Start Home Assistant with an SMS waiting, and hold the first poll.

    Inside, reply.php's first answer waits for ClickSend until the event
    yielded is set; every later poll is answered at once.
    """
    asked, answer = asyncio.Event(), asyncio.Event()
    get_replies = ClickSendClient.get_replies

    async def held(client: ClickSendClient) -> tuple[InboundReply, ...]:
        if not asked.is_set():
            asked.set()
            await answer.wait()
        return await get_replies(client)

    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message=message)
    hass.set_state(CoreState.not_running)
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    with patch.object(ClickSendClient, "get_replies", held):
        await hass.async_start()
        await asked.wait()
        yield answer


@pytest.mark.parametrize("mode", ["queue", "inbox"])
async def test_a_reload_during_the_first_poll_fires_nothing_twice(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    mode: str,
) -> None:
    """The poll at start-up goes with the entry, as the timer's polls do.

    Reloaded while it waited for ClickSend, it fires nothing afterwards: the
    reloaded entry fires each SMS once.
    """
    received = async_capture_events(hass, EVENT_RECEIVED)
    simulator.set_mode(mode)
    async with _first_poll_held(hass, simulator, config_entry, "once") as answer:
        assert await hass.config_entries.async_reload(config_entry.entry_id)
        answer.set()
        await hass.async_block_till_done(wait_background_tasks=True)
        await _next_poll(hass, freezer)
    assert config_entry.state is ConfigEntryState.LOADED
    assert [event.data["message"] for event in received] == ["once"]


async def test_an_unload_during_the_first_poll_fires_nothing(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
) -> None:
    """Nothing fires, nothing more is polled, once the entry has gone."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    async with _first_poll_held(hass, simulator, config_entry, "late") as answer:
        assert await hass.config_entries.async_unload(config_entry.entry_id)
        answer.set()
        await hass.async_block_till_done(wait_background_tasks=True)
    assert received == []
    assert "delivery.php" not in {request.endpoint for request in simulator.requests}
