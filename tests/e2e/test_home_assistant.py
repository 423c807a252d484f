"""A user's day with ClickSend SMS, in a real Home Assistant, step by step.

Each test is one step and asserts what the user sees over Home Assistant's
REST and WebSocket APIs; the steps run in order and share one Home Assistant
(see conftest.py). The simulator stands in for ClickSend.
"""

from __future__ import annotations

from http import HTTPStatus
import re
from typing import Any

import pytest

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME
from tools.hass_harness import (
    EVENT_DELIVERY_REPORT,
    EVENT_RECEIVED,
    drain,
    next_event,
    wait_until,
)

from .conftest import E2E

DOMAIN = "clicksend_sms"
POLL_INTERVAL = 15
# A poll interval, and time to spare.
POLL_WAIT = POLL_INTERVAL + 10
ALEX = "+61400000001"  # not a test number: ClickSend makes a delivery report
BALANCE_SENSOR = "sensor.demo_balance"
INBOUND_EVENT_ENTITY = "event.demo_inbound_sms"
DELIVERY_EVENT_ENTITY = "event.demo_delivery_report"
PUSH = {"from": "+61400000002", "message": "Pushed hello", "username": DEMO_USERNAME}


async def _state(e2e: E2E, entity_id: str) -> dict[str, Any]:
    state = await e2e.client.state(entity_id)
    assert state is not None, f"{entity_id} has no state"
    return state


async def _push(e2e: E2E, data: dict[str, str]) -> int:
    """POST a form to the entry's webhook, as ClickSend does (no token)."""
    url = f"{e2e.hass.base_url}/api/webhook/{e2e.fact('webhook_id')}"
    async with e2e.session.post(url, data=data) as response:
        return response.status


async def test_onboarding_makes_an_owner_with_a_token(e2e: E2E) -> None:
    """Onboarding creates the owner, whose token opens the API."""
    async with e2e.session.get(f"{e2e.hass.base_url}/api/onboarding") as response:
        steps = {step["step"]: step["done"] for step in await response.json()}
    assert steps["user"] is False

    await e2e.client.onboard()

    assert await e2e.client.get("/api/") == {"message": "API running."}
    async with e2e.session.get(f"{e2e.hass.base_url}/api/onboarding") as response:
        steps = {step["step"]: step["done"] for step in await response.json()}
    assert steps["user"] is True
    await e2e.client.wait_running()


async def test_add_account_through_the_config_flow(e2e: E2E) -> None:
    """The config flow adds the account; the balance shows; polling is set."""
    form = await e2e.client.flow("flow", DOMAIN)
    assert (form["type"], form["step_id"]) == ("form", "user")
    assert [field["name"] for field in form["data_schema"]] == [
        "username",
        "api_key",
        "advanced",
    ]
    result = await e2e.client.flow_step(
        "flow",
        form["flow_id"],
        {
            "username": DEMO_USERNAME,
            "api_key": DEMO_KEY,
            "advanced": {"url": e2e.simulator.base_url},
        },
    )
    assert result["type"] == "create_entry"
    assert result["title"] == DEMO_USERNAME
    assert result["result"]["state"] == "loaded"
    entry_id = e2e.facts["entry_id"] = result["result"]["entry_id"]

    # The webhook URL to give ClickSend is shown when the entry is made...
    webhook_url = result["description_placeholders"]["webhook_url"]
    match = re.fullmatch(
        rf"{re.escape(e2e.hass.base_url)}/api/webhook/([0-9a-f]{{64}})", webhook_url
    )
    assert match, webhook_url
    webhook_id = e2e.facts["webhook_id"] = match[1]

    # ... and is what Home Assistant stored.
    async def stored() -> dict[str, Any] | None:
        return next(
            (
                entry
                for entry in e2e.hass.stored_config_entries()
                if entry["entry_id"] == entry_id
            ),
            None,
        )

    entry = await wait_until(stored, timeout=10, what="the entry saved to .storage")
    assert entry["data"]["webhook_id"] == webhook_id
    assert entry["data"]["url"] == e2e.simulator.base_url

    balance = await _state(e2e, BALANCE_SENSOR)
    assert balance["state"] == "25.0"
    assert balance["attributes"]["unit_of_measurement"] == "AUD"

    # Poll every 15 s (the minimum) so the later steps are quick.
    form = await e2e.client.flow("options/flow", entry_id)
    assert (form["type"], form["step_id"]) == ("form", "init")
    result = await e2e.client.flow_step(
        "options/flow",
        form["flow_id"],
        {
            "poll_interval": POLL_INTERVAL,
            "poll_replies": True,
            "poll_delivery_reports": True,
            "low_balance_threshold": 1.0,
        },
    )
    assert result["type"] == "create_entry"

    async def reloaded() -> bool:
        # Diagnostics of an entry in the middle of its reload fail (HTTP 500):
        # ask only once it is loaded.
        (entry,) = await e2e.client.entries(DOMAIN)
        if entry["state"] != "loaded":
            return False
        diagnostics = await e2e.client.diagnostics(entry_id)
        return bool(
            diagnostics["entry"]["options"]["poll_interval"] == POLL_INTERVAL
            and diagnostics["inbox"]["update_interval"] == "0:00:15"
        )

    await wait_until(reloaded, timeout=10, what="the entry reloaded with the option")
    await e2e.client.wait_entry_loaded(DOMAIN)


async def test_add_recipient_and_send(e2e: E2E) -> None:
    """A saved recipient gets a notify entity; both ways of sending reach ClickSend."""
    entry_id = e2e.fact("entry_id")
    form = await e2e.client.flow("subentries/flow", [entry_id, "recipient"])
    assert (form["type"], form["step_id"]) == ("form", "user")
    result = await e2e.client.flow_step(
        "subentries/flow", form["flow_id"], {"name": "Alex", "phone_number": ALEX}
    )
    assert (result["type"], result["title"]) == ("create_entry", "Alex")

    async def notify_entity() -> str | None:
        states = await e2e.client.get("/api/states")
        return next(
            (
                state["entity_id"]
                for state in states
                if state["entity_id"].startswith("notify.")
                and state["attributes"].get("friendly_name") == "Alex"
            ),
            None,
        )

    entity_id = await wait_until(notify_entity, timeout=10, what="Alex's notify entity")
    assert entity_id == "notify.alex"
    await e2e.client.wait_entry_loaded(DOMAIN)

    await e2e.client.post(
        "/api/services/notify/send_message",
        {"entity_id": entity_id, "title": "Home", "message": "The garage is open"},
    )
    answer = await e2e.client.post(
        "/api/services/clicksend_sms/send_sms?return_response",
        {"to": ["Alex", "+61411111111"], "message": "Dinner at 7"},
    )
    response = answer["service_response"]
    assert response["recipient_count"] == 2
    assert [(m["to"], m["status"]) for m in response["messages"]] == [
        (ALEX, "queued"),
        ("+61411111111", "queued"),
    ]

    requests = [
        request
        for request in await e2e.sim.call("GET", "requests")
        if request["endpoint"] == "send.php"
    ]
    assert [
        (request["params"]["to"], request["params"]["message"]) for request in requests
    ] == [
        (ALEX, "Home\nThe garage is open"),
        (f"{ALEX},+61411111111", "Dinner at 7"),
    ]
    sent = await e2e.sim.call("GET", "sent")
    assert [(s["to"], s["message"]) for s in sent] == [
        (ALEX, "Home\nThe garage is open"),
        (ALEX, "Dinner at 7"),
        ("+61411111111", "Dinner at 7"),
    ]
    assert [m["message_id"] for m in response["messages"]] == [
        s["message_id"] for s in sent[1:]
    ]
    e2e.facts["alex_message_ids"] = [s["message_id"] for s in sent[:2]]
    e2e.facts["dinner_message_id"] = sent[1]["message_id"]

    # Two paid parts: the balance sensor follows (the second refresh after a
    # send waits out Home Assistant's 10 s debounce). ClickSend shows cents.
    async def charged() -> bool:
        state = await _state(e2e, BALANCE_SENSOR)
        return float(state["state"]) == pytest.approx(round(25 - 2 * 0.0282, 2))

    await wait_until(charged, timeout=20, what="the balance to drop")


async def test_replies_arrive_by_poll_and_by_push(e2e: E2E) -> None:
    """A reply fires clicksend_sms_received and moves the event entity, either way."""
    async with await e2e.client.websocket() as ws:
        received = await ws.subscribe_events(EVENT_RECEIVED)
        await e2e.sim.call(
            "POST",
            "replies",
            {
                "from": ALEX,
                "message": "See you at 7",
                "original_message_id": e2e.fact("dinner_message_id"),
            },
        )
        event = await next_event(
            received,
            lambda event: event["data"]["message"] == "See you at 7",
            timeout=POLL_WAIT,
            what="the polled reply",
        )
        assert event["data"] | {"device_id": "-"} == {
            "config_entry_id": e2e.fact("entry_id"),
            "device_id": "-",
            "from": ALEX,
            "message": "See you at 7",
            "original_message": "Dinner at 7",
            "original_message_id": e2e.fact("dinner_message_id"),
            "original_sender_id": "",
            "custom_string": "",
            "username": DEMO_USERNAME,
            "source": "poll",
        }
        assert event["data"]["device_id"]

        async def entity_shows(message: str) -> bool:
            state = await _state(e2e, INBOUND_EVENT_ENTITY)
            attributes = state["attributes"]
            return bool(
                attributes["event_type"] == "received"
                and attributes["message"] == message
            )

        await wait_until(
            lambda: entity_shows("See you at 7"), timeout=5, what="the event entity"
        )

        assert await _push(e2e, PUSH) == HTTPStatus.OK
        event = await next_event(
            received,
            lambda event: event["data"]["message"] == "Pushed hello",
            timeout=5,
            what="the pushed reply",
        )
        assert (event["data"]["from"], event["data"]["source"]) == (
            PUSH["from"],
            "push",
        )
        await wait_until(
            lambda: entity_shows("Pushed hello"), timeout=5, what="the event entity"
        )
        assert drain(received) == []

    # The SMS to Alex (not a test number) had its delivery report polled.
    async def delivered() -> bool:
        state = await _state(e2e, DELIVERY_EVENT_ENTITY)
        attributes = state["attributes"]
        return bool(
            attributes.get("event_type") == "delivered"
            and attributes.get("message_id") in e2e.fact("alex_message_ids")
        )

    await wait_until(delivered, timeout=POLL_WAIT, what="the delivery report")


async def test_restart_fires_nothing_twice(e2e: E2E) -> None:
    """After a restart the entry loads again and nothing old fires again.

    ClickSend still holds for polling the reply it pushed before: only the
    record Home Assistant stored knows that the push fired it already.
    """
    entry_id = e2e.fact("entry_id")
    before = {
        entity_id: (await _state(e2e, entity_id))["state"]
        for entity_id in (INBOUND_EVENT_ENTITY, DELIVERY_EVENT_ENTITY)
    }
    assert await e2e.hass.stop(timeout=60) == 0
    await e2e.sim.call(
        "POST", "replies", {"from": PUSH["from"], "message": PUSH["message"]}
    )
    await e2e.hass.start_and_wait(e2e.session)
    await e2e.client.wait_running()
    await e2e.client.wait_entry_loaded(DOMAIN)
    handed_out = 1

    async with await e2e.client.websocket() as ws:
        received = await ws.subscribe_events(EVENT_RECEIVED)
        reports = await ws.subscribe_events(EVENT_DELIVERY_REPORT)

        # The poll at start hands the pushed reply out: that SMS, fired
        # before the restart.
        async def polled_skipped() -> dict[str, Any] | None:
            inbox = (await e2e.client.diagnostics(entry_id))["inbox"]
            return inbox if inbox["duplicates_skipped"] >= handed_out else None

        inbox = await wait_until(
            polled_skipped, timeout=POLL_WAIT + 5, what="the poll after restart"
        )
        assert inbox["polling_behaviour"]["replies"] == "queue"
        assert (inbox["replies_fired"], inbox["receipts_fired"]) == (0, 0)
        assert inbox["last_update_success"] is True
        assert drain(received) == []
        assert drain(reports) == []

    after = {
        entity_id: (await _state(e2e, entity_id))["state"]
        for entity_id in (INBOUND_EVENT_ENTITY, DELIVERY_EVENT_ENTITY)
    }
    assert after == before
    (entry,) = await e2e.client.entries(DOMAIN)
    assert (entry["state"], entry["num_subentries"]) == ("loaded", 1)


async def test_wrong_key_shows_invalid_auth(e2e: E2E) -> None:
    """A wrong API key is refused with the invalid_auth form error."""
    form = await e2e.client.flow("flow", DOMAIN)
    result = await e2e.client.flow_step(
        "flow",
        form["flow_id"],
        {
            "username": "nocredit",
            "api_key": "00000000-0000-0000-0000-000000000000",
            "advanced": {"url": e2e.simulator.base_url},
        },
    )
    assert (result["type"], result["step_id"]) == ("form", "user")
    assert result["errors"] == {"base": "invalid_auth"}
    await e2e.client.request(
        "DELETE", f"/api/config/config_entries/flow/{form['flow_id']}"
    )
    assert len(await e2e.client.entries(DOMAIN)) == 1


async def test_nothing_blocked_the_event_loop(e2e: E2E) -> None:
    """After the day's sends and receipts, Home Assistant reported no blocking call.

    libphonenumber loads its metadata on first use, with file I/O: the
    integration loads it at import, in Home Assistant's executor.
    """
    log = (e2e.hass.config_dir / "home-assistant.log").read_text()
    assert "Detected blocking call" not in log
    assert "Detected that custom integration 'clicksend_sms'" not in log
