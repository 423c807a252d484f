"""A power cut in a stream of SMS: Home Assistant killed (SIGKILL) and started.

Replies stream in at 20 a second, by ClickSend's push and by polling (queue
mode: each handed out once), a share of them the same keyword from the same
number. Home Assistant is killed mid-stream and started again. Nothing may be
lost, and no more may fire twice than fired in the last second before the
kill (the record is written at most a second after an item fires).

Events are counted from the recorder (every event, across the restart) and
from a WebSocket subscription, merged by firing time: the kill loses what
the recorder had not committed yet, which the WebSocket saw.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
import json
from pathlib import Path
import sqlite3
import time

import aiohttp
import pytest

from tools.hass_harness import (
    EVENT_RECEIVED,
    HassClient,
    HassProcess,
    SimulatorProcess,
    free_port,
    wait_until,
    write_configuration,
)

from .conftest import E2E, Stack

DOMAIN = "clicksend_sms"
RATE = 20
KEYWORD = "STATUS"
KEYWORD_FROM = "+61400000099"
RECORDER = """\
recorder:
  commit_interval: 1
  auto_purge: false
"""


class RecordedStack(Stack):
    """The module's processes, Home Assistant with its recorder."""

    async def start(self, session: aiohttp.ClientSession) -> None:
        """Start the simulator, then Home Assistant with the recorder."""
        self.simulator = SimulatorProcess(self.root / "simulator.out")
        await self.simulator.start_and_wait()
        port = free_port()
        config_dir = self.root / "config"
        write_configuration(config_dir, port, RECORDER)
        self.hass = HassProcess(config_dir, port)
        await self.hass.start_and_wait(session)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Own this module's processes: stopped and ports freed whatever happens."""
    processes = RecordedStack(tmp_path_factory.mktemp("e2e-kill"))
    try:
        yield processes
    finally:
        processes.close()


async def _add_account(e2e: E2E) -> str:
    """Onboard, add the account, poll every 15 s, point the push at it."""
    await e2e.client.onboard()
    # Onboarding confirmed the HTTP settings on trial: none is pending, so
    # no unplanned restart comes five minutes in.
    async with await e2e.client.websocket() as ws:
        http_config = await ws.command("http/config")
    assert http_config["pending"] is None
    assert http_config["revert_at"] is None
    assert http_config["stable"]["server_port"] == e2e.hass.port
    await e2e.client.wait_running()
    result = await e2e.add_demo_account()
    assert result["type"] == "create_entry", result
    entry_id = str(result["result"]["entry_id"])
    form = await e2e.client.flow("options/flow", entry_id)
    await e2e.client.flow_step(
        "options/flow",
        form["flow_id"],
        {
            "poll_interval": 15,
            "poll_replies": True,
            "poll_delivery_reports": True,
            "low_balance_threshold": 0.0,
        },
    )
    await e2e.client.wait_entry_loaded(DOMAIN)
    webhook_url = result["description_placeholders"]["webhook_url"]
    await e2e.sim.call("POST", "config", {"push_url": webhook_url})
    return entry_id


async def _watch(client: HassClient, seen: list[tuple[str, float]]) -> None:
    """Note every reply event the WebSocket shows, with its firing time."""
    async with await client.websocket() as ws:
        queue = await ws.subscribe_events(EVENT_RECEIVED)
        while True:
            event = await queue.get()
            fired = datetime.fromisoformat(event["time_fired"]).timestamp()
            seen.append((event["data"]["message"], fired))


async def _inject(e2e: E2E, first: int, seconds: float, injected: Counter[str]) -> int:
    """Inject replies at RATE a second, every fifth the keyword."""
    number = first
    deadline = time.monotonic() + seconds
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        number += 1
        message = KEYWORD if number % 5 == 0 else f"kill {number:04d}"
        sender = KEYWORD_FROM if number % 5 == 0 else f"+614{number:08d}"
        await e2e.sim.call("POST", "replies", {"from": sender, "message": message})
        injected[message] += 1
        next_at += 1 / RATE
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    return number


def _recorded(database: Path) -> list[tuple[str, float]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT event_data.shared_data, events.time_fired_ts FROM events "
            "JOIN event_types ON events.event_type_id = event_types.event_type_id "
            "LEFT JOIN event_data ON events.data_id = event_data.data_id "
            "WHERE event_types.event_type = ?",
            (EVENT_RECEIVED,),
        ).fetchall()
    finally:
        connection.close()
    return [(json.loads(data)["message"], fired) for data, fired in rows]


def _merge(*views: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Per message and instant, the larger count of the views."""
    counts: list[Counter[tuple[str, float]]] = [
        Counter((message, round(fired, 3)) for message, fired in view) for view in views
    ]
    merged: Counter[tuple[str, float]] = Counter()
    for count in counts:
        merged |= count
    return sorted(merged.elements(), key=lambda event: event[1])


async def test_kill_9_in_a_stream_loses_nothing(e2e: E2E) -> None:
    """Killed mid-stream: every SMS fires, duplicates only from its last second."""
    entry_id = await _add_account(e2e)
    seen: list[tuple[str, float]] = []
    injected: Counter[str] = Counter()
    watcher = asyncio.create_task(_watch(e2e.client, seen))
    try:
        number = await _inject(e2e, 0, 4, injected)
        killed_at = time.time()
        e2e.hass.kill()
        number = await _inject(e2e, number, 2, injected)
        await e2e.hass.start_and_wait(e2e.session)
        await e2e.client.wait_entry_loaded(DOMAIN)
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    watcher = asyncio.create_task(_watch(e2e.client, seen))
    try:
        await _inject(e2e, number, 3, injected)

        async def all_polled() -> bool:
            replies = await e2e.sim.call("GET", "replies")
            return all(reply["polled"] for reply in replies)

        # Whatever got no push answer comes by the next polls.
        await wait_until(all_polled, timeout=60, what="every reply polled")
        await wait_until(
            lambda: _diagnostics_settled(e2e, entry_id), timeout=30, what="a poll"
        )
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    assert await e2e.hass.stop(timeout=60) == 0

    fired = _merge(_recorded(e2e.hass.config_dir / "home-assistant_v2.db"), seen)
    counted = Counter(message for message, _ in fired)
    lost = injected - counted
    duplicated = counted - injected
    last_second = sum(1 for _, at in fired if killed_at - 1 <= at <= killed_at)
    assert sum(injected.values()) >= 8 * RATE
    assert injected[KEYWORD] >= RATE
    assert not lost, f"lost: {dict(lost)}"
    assert duplicated.total() <= last_second, (
        f"{duplicated.total()} duplicates, {last_second} fired in the last second"
    )


async def _diagnostics_settled(e2e: E2E, entry_id: str) -> bool:
    """Tell whether the latest poll succeeded."""
    inbox = (await e2e.client.diagnostics(entry_id))["inbox"]
    return bool(inbox["last_update_success"])
