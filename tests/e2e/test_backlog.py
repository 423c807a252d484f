"""A backlog after an outage: 20,000 SMS in one poll, in a real Home Assistant.

ClickSend holds 20,000 replies (the simulator's inbox, seeded in one control
request); reloading the account polls, and the one answer holds them all.
Three WebSocket clients watch as a user's would: one subscribed to
`clicksend_sms_received`, one to every `state_changed` event and one to
`subscribe_entities` (what the frontend uses). A fourth pings Home Assistant
back to back throughout, so the worst round trip is how long Home Assistant
stopped answering.

Home Assistant drops a WebSocket client with 4,096 messages waiting for it
("Client unable to keep up"): every SMS must reach the subscriber exactly
once, no client may be dropped, and Home Assistant must keep answering.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import datetime
import time
from typing import Any

from tools.hass_harness import EVENT_RECEIVED, HassWebSocket, drain

from .conftest import E2E

DOMAIN = "clicksend_sms"
COUNT = 20_000
INBOUND_EVENT_ENTITY = "event.demo_inbound_sms"
# Generous: the machine running the tests is shared (2 cores, busy). Parsing
# the answer on the event loop and firing 500 at a time, Home Assistant did
# not answer for 2.6 to 3.9 s here; now the worst is 0.3 to 0.6 s.
WORST_PING_BOUND = 2.0
FIRE_TIMEOUT = 120.0
DROPPED = ("Client unable to keep up", "exceeded max pending")


def _message(number: int) -> str:
    return f"Backlog {number:05d}"


async def _add_account(e2e: E2E) -> str:
    """Onboard and add the account; its first poll finds nothing."""
    await e2e.client.onboard()
    await e2e.client.wait_running()
    result = await e2e.add_demo_account()
    assert result["type"] == "create_entry", result
    await e2e.client.wait_entry_loaded(DOMAIN)
    return str(result["result"]["entry_id"])


async def _ping(ws: HassWebSocket, stop: asyncio.Event, gaps: list[float]) -> None:
    """Ping back to back until stopped, noting each round trip."""
    while not stop.is_set():
        gaps.append(await ws.ping())


async def _collect(
    queue: asyncio.Queue[dict[str, Any]], count: int, timeout: float
) -> list[dict[str, Any]]:
    """Take count events from the queue, failing after timeout seconds."""
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(events) < count:
        remaining = deadline - time.monotonic()
        try:
            # Only an empty queue is waited on: get() of a full one does not
            # let the pinger run, which would measure us, not Home Assistant.
            events.append(await asyncio.wait_for(queue.get(), remaining))
        except TimeoutError:
            break
        events += drain(queue)
    return events


def _fired_at(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["time_fired"]).timestamp()


async def test_a_backlog_of_20000_in_one_poll(
    e2e: E2E, record_property: Callable[[str, object], None]
) -> None:
    """All 20,000 fire once, no WebSocket client is dropped, HA keeps answering."""
    entry_id = await _add_account(e2e)
    # Indented as the vendor document shows, 20,000 replies are 6.9 MB, over
    # the client's 5 MiB cap; without the layout, 4.7 MB.
    await e2e.sim.call("POST", "config", {"compact_xml": True})
    seeded = await e2e.sim.call(
        "POST",
        "replies/bulk",
        {
            "replies": [
                {"from": f"+614{number:08d}", "message": _message(number)}
                for number in range(COUNT)
            ]
        },
    )
    assert seeded == {"count": COUNT}

    events_ws = await e2e.client.websocket()
    states_ws = await e2e.client.websocket()
    entities_ws = await e2e.client.websocket()
    ping_ws = await e2e.client.websocket()
    sockets = (events_ws, states_ws, entities_ws, ping_ws)
    stop = asyncio.Event()
    gaps: list[float] = []
    pinger: asyncio.Task[None] | None = None
    try:
        events = await events_ws.subscribe_events(EVENT_RECEIVED)
        states = await states_ws.subscribe_events("state_changed")
        entities = await entities_ws.subscribe_entities()
        pinger = asyncio.create_task(_ping(ping_ws, stop, gaps))
        started = time.monotonic()
        # The account's set-up polls at once: the backlog is in that answer.
        await e2e.client.post(f"/api/config/config_entries/entry/{entry_id}/reload")
        fired = await _collect(events, COUNT, FIRE_TIMEOUT)
        received_in = time.monotonic() - started
        # What Home Assistant sent before a pong came before it.
        for ws in sockets[:3]:
            await ws.ping()
        fired += drain(events)
        stop.set()
        await pinger
    finally:
        stop.set()
        if pinger is not None:
            pinger.cancel()
            await asyncio.gather(pinger, return_exceptions=True)
        closed = [ws.closed.is_set() for ws in sockets]
        for ws in sockets:
            await ws.close()

    log = (e2e.hass.config_dir / "home-assistant.log").read_text(
        encoding="utf-8", errors="replace"
    )
    dropped = [line for line in log.splitlines() if any(s in line for s in DROPPED)]
    shown = Counter(
        event["data"]["new_state"]["attributes"].get("message")
        for event in drain(states)
        if event["data"]["entity_id"] == INBOUND_EVENT_ENTITY
        and event["data"]["new_state"] is not None
    )
    entity_updates = sum(
        1 for update in drain(entities) if INBOUND_EVENT_ENTITY in update.get("c", {})
    )
    counted = Counter(event["data"]["message"] for event in fired)
    firing = _fired_at(fired[-1]) - _fired_at(fired[0]) if fired else 0.0
    worst = max(gaps, default=0.0)
    record_property(
        "figures",
        f"{len(fired)} events received {received_in:.2f} s after the reload,"
        f" fired over {firing:.2f} s; {len(gaps)} pings, the slowest answered"
        f" in {worst * 1000:.0f} ms;"
        f" {shown.total()} state_changed and {entity_updates} subscribe_entities"
        f" updates of {INBOUND_EVENT_ENTITY}",
    )

    assert not dropped, dropped
    assert closed == [False] * len(sockets), "Home Assistant closed a WebSocket"
    assert counted == Counter(_message(number) for number in range(COUNT))
    assert {event["data"]["source"] for event in fired} == {"poll"}
    # Each SMS is a state of the event entity too (a state trigger on it
    # misses none), and each reached the frontend's subscription.
    shown.pop(None, None)
    assert shown == counted
    assert entity_updates >= COUNT
    inbox = (await e2e.client.diagnostics(entry_id))["inbox"]
    assert inbox["replies_fired"] == COUNT
    # The event entity shows the last of them.
    state = await e2e.client.state(INBOUND_EVENT_ENTITY)
    assert state is not None
    assert state["attributes"]["message"] == _message(COUNT - 1)
    assert worst < WORST_PING_BOUND, f"Home Assistant stalled {worst:.2f} s"
