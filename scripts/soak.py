# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Fault soak: a real Home Assistant against a flaky ClickSend, counted exactly.

Run with `scripts/soak` (or `scripts/env python scripts/soak.py`); see
`scripts/soak --help`. Not a test: neither scripts/test nor CI runs it. It
stops by itself, within 10 minutes whatever happens.

What it does
------------
1. Starts the simulator (`python -m clicksend_simulator`, a child process)
   with random faults on: each API request faults with probability
   --fault-rate, the kind drawn from delays past the client's 30 s timeout,
   HTTP 500, malformed and truncated XML, dropped connections and
   2100-range result codes, from a seed (printed, and --seed replays it).
2. Starts a real Home Assistant (a child process, `--skip-pip`, a throw-away
   configuration directory, the same harness as tests/e2e), onboards the
   owner, adds the account through the config flow (submitting again while
   the flaky ClickSend makes validation fail, as a user would), sets a 15 s
   poll interval through the options flow, and points the simulator's push
   at the entry's webhook URL.
3. For --minutes, injects one inbound reply and one delivery report every
   1/--rate seconds through the control API. Each reaches Home Assistant by
   ClickSend's push (at once) and by polling (every 15 s). A share of the
   replies (--keywords) is the same keyword from the same number, word for
   word: each of those is an SMS of its own and must fire. Every fifth
   message goes through a 300 (retrying) before its 201 or 301: two reports.
4. Restarts Home Assistant. --restart kill (the default): SIGKILL, as a
   power cut or an OOM kill would, at a random point (from the seed) of the
   middle half of the stream; --restart graceful: SIGTERM halfway, waiting
   for it to exit. Either way it stays down for --downtime seconds (a host
   rebooting) and starts again on the same configuration directory.
   Injection goes on meanwhile: pushes get no answer, and those items can
   only come by polling.
5. Stops injecting, clears the faults, waits for two complete clean polls,
   stops Home Assistant gracefully, and prints per kind: injected, fired,
   fired exactly once, duplicated, missing. Exits 1 unless every injected
   item fired exactly once, naming for each item that did not the fault
   sequence that explains it; after a kill, up to as many duplicates as
   events fired in the last second before it are allowed (the record is
   written at most a second after an item fires, see the README).

How fired events are counted (every one of them)
------------------------------------------------
A WebSocket subscription only sees events fired while a client is
connected: around the restart, Home Assistant can fire events (a push
arriving once the webhook is registered, the first poll once it has started)
before a client has reconnected, and during shutdown after the client was
dropped. Home Assistant's own record of every event fired on its bus is its
recorder: the soak's configuration loads `recorder:` (its requirements ship
with Home Assistant's test package in the venv; nothing is installed at run
time), which writes every event, with its data, to SQLite, across the
restart, committing each second and at shutdown (up to the final write,
after which nothing can fire: the HTTP server and the polling stopped
before). After Home Assistant has stopped for good, the soak reads the
`events` table. A kill loses what the recorder had not committed yet (up to
a second): the WebSocket saw those events. The count of record merges both
views by the time Home Assistant fired each event: per item and instant,
the larger of the two counts. A WebSocket subscription is kept
open all along too (re-subscribed as soon as the API answers after the
restart), as the client's view: an event it saw that the recorder lacks
would mean the count of record is wrong, and fails the run; events the
recorder has and the WebSocket missed were fired while no client was
connected, and are shown as such.

What can be lost, by design
---------------------------
In queue mode (the default, the realistic one) reply.php and delivery.php
hand each item out once: ClickSend marks it read when it answers. If that
answer never reaches Home Assistant whole (cut short, or delayed past the
client's timeout) and the push did not get through either (Home Assistant
was down or restarting, or the entry not loaded yet), the item is gone. The
soak reports such losses as failures, with the request and fault that
caused them: they are a limit of ClickSend's polling API that the
integration cannot undo. --mode inbox (every poll hands out everything
again) shows what polling alone guarantees.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter, defaultdict
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass, field
from datetime import datetime
import itertools
import json
from pathlib import Path
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from typing import Any

import aiohttp

# Run as a file, the script sees scripts/ but not the repository.
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME, RANDOM_FAULT_KINDS  # noqa: E402
from tools.hass_harness import (  # noqa: E402
    EVENT_DELIVERY_REPORT,
    EVENT_RECEIVED,
    ControlApi,
    HarnessError,
    HassClient,
    HassProcess,
    HassWebSocket,
    SimulatorProcess,
    free_port,
    wait_until,
    write_configuration,
)

DOMAIN = "clicksend_sms"
POLL_INTERVAL = 15
# Leaves a minute, within the 10 the soak promises, to stop the processes.
HARD_LIMIT_SECONDS = 540
MAX_MINUTES = 5.0
# How long the end may wait for two clean polls: a delay fault in flight
# (35 s), three poll intervals, and an entry retrying its setup.
DRAIN_SECONDS = 120
RECORDER_CONFIGURATION = """\
recorder:
  commit_interval: 1
  auto_purge: false
"""
KINDS = ("reply", "receipt")
# The repeated keyword: a household texting "STATUS" to the house.
KEYWORD = "STATUS"
KEYWORD_FROM = "+61400000099"
EVENT_KIND = {EVENT_RECEIVED: "reply", EVENT_DELIVERY_REPORT: "receipt"}
ENDPOINT_KIND = {"reply.php": "reply", "delivery.php": "receipt"}
# Config flow errors a flaky ClickSend causes; the user submits again.
TRANSIENT_FLOW_ERRORS = ({"base": "cannot_connect"}, {"base": "unknown"})


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/soak",
        description="Soak ClickSend SMS in a real Home Assistant against a "
        "flaky simulated ClickSend; exit 1 unless every item fired exactly once.",
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=3.0,
        help=f"how long to inject (default: %(default)s, at most {MAX_MINUTES:g})",
    )
    parser.add_argument(
        "--mode",
        choices=("queue", "inbox"),
        default="queue",
        help="queue: ClickSend hands each item out once (realistic); inbox: "
        "every poll hands out everything (default: %(default)s)",
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.3,
        help="probability that an API request faults (default: %(default)s)",
    )
    parser.add_argument(
        "--fault-kinds",
        default=",".join(sorted(RANDOM_FAULT_KINDS)),
        help="comma-separated fault kinds (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="fault seed (default: a random one)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=1.0,
        help="replies (and as many delivery reports) injected per second "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--downtime",
        type=float,
        default=10.0,
        help="seconds Home Assistant stays stopped at the restart, as a host "
        "rebooting would (default: %(default)s)",
    )
    parser.add_argument(
        "--restart",
        choices=("kill", "graceful"),
        default="kill",
        help="kill: SIGKILL at a random point of the middle half (a power "
        "cut); graceful: SIGTERM halfway (default: %(default)s)",
    )
    parser.add_argument(
        "--keywords",
        type=float,
        default=0.2,
        help=f"share of the replies that are {KEYWORD!r} from {KEYWORD_FROM}, "
        "word for word (default: %(default)s)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the working folder even on success"
    )
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= MAX_MINUTES:
        parser.error(f"--minutes must be above 0 and at most {MAX_MINUTES:g}")
    if not 0 < args.rate <= 20:
        parser.error("--rate must be above 0 and at most 20")
    if not 0 <= args.downtime <= 60:
        parser.error("--downtime must be from 0 to 60")
    if not 0 <= args.keywords <= 1:
        parser.error("--keywords must be from 0 to 1")
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1_000_000)
    return args


@dataclass
class Item:
    """One reply or delivery report injected into the simulator."""

    kind: str
    key: str  # the reply's text, or the report's message ID
    sim_id: str  # what the simulator's fault log names it by
    at: float
    ha_up: bool


@dataclass
class Fired:
    """One event fired by Home Assistant."""

    kind: str
    key: str
    source: str
    at: float


@dataclass
class Timeline:
    """When Home Assistant was down, and when the WebSocket was connected."""

    started: float = field(default_factory=time.time)
    killed: float = 0.0
    stop_sent: float = 0.0
    exited: float = 0.0
    answering: float = 0.0
    loaded: float = 0.0
    connected: list[tuple[float, float | None]] = field(default_factory=list)

    def rel(self, at: float) -> str:
        """Format a time as seconds since the start of injection."""
        return f"+{at - self.started:.1f} s"


def log(timeline: Timeline, message: str) -> None:
    """Print a progress line."""
    print(f"[{timeline.rel(time.time()):>9}] {message}", flush=True)


def event_key(kind: str, data: dict[str, Any]) -> str:
    """Identify an event's item: a reply by its text, a report by message ID.

    And its status code: a 300 and then a 201 are two reports.
    """
    if kind == "reply":
        return str(data["message"])
    return receipt_key(str(data["message_id"]), int(data["status_code"]))


def receipt_key(message_id: str, status_code: int) -> str:
    """Name a report by message ID and status code."""
    return f"{message_id}/{status_code}"


def read_recorder(database: Path) -> list[Fired]:
    """Read every event of the integration that the recorder wrote."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT event_types.event_type, event_data.shared_data, "
            "events.time_fired_ts FROM events "
            "JOIN event_types ON events.event_type_id = event_types.event_type_id "
            "LEFT JOIN event_data ON events.data_id = event_data.data_id "
            "WHERE event_types.event_type IN (?, ?) ORDER BY events.time_fired_ts",
            (EVENT_RECEIVED, EVENT_DELIVERY_REPORT),
        ).fetchall()
    finally:
        connection.close()
    fired = []
    for event_type, shared_data, time_fired in rows:
        kind = EVENT_KIND[event_type]
        data = json.loads(shared_data or "{}")
        fired.append(
            Fired(kind, event_key(kind, data), str(data.get("source")), time_fired)
        )
    return fired


def merge(
    recorded: list[Fired], live: list[Fired]
) -> dict[tuple[str, str], list[Fired]]:
    """Merge the recorder's and the WebSocket's events into the count of record.

    The same event has the same firing time in both (to the millisecond);
    per item and instant, the larger count of the two is what fired.
    """
    buckets: dict[tuple[str, str, float], tuple[list[Fired], list[Fired]]] = (
        defaultdict(lambda: ([], []))
    )
    for index, events in enumerate((recorded, live)):
        for event in events:
            buckets[event.kind, event.key, round(event.at, 3)][index].append(event)
    merged: dict[tuple[str, str], list[Fired]] = defaultdict(list)
    for (kind, key, _), (from_recorder, from_live) in sorted(
        buckets.items(), key=lambda bucket: bucket[0][2]
    ):
        larger = from_live if len(from_live) > len(from_recorder) else from_recorder
        merged[kind, key].extend(larger)
    return merged


class Soak:
    """One soak run: the processes, the injected items, the fired events."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        """Prepare; run() does the work."""
        self.args = args
        self.workdir = workdir
        self.timeline = Timeline()
        self.simulator = SimulatorProcess(
            workdir / "simulator.out",
            "--mode",
            args.mode,
            "--fault-rate",
            str(args.fault_rate),
            "--fault-kinds",
            args.fault_kinds,
            "--fault-seed",
            str(args.seed),
        )
        self.port = free_port()
        self.config_dir = workdir / "config"
        write_configuration(self.config_dir, self.port, RECORDER_CONFIGURATION)
        self.hass = HassProcess(self.config_dir, self.port)
        self.items: list[Item] = []
        self.live: list[Fired] = []
        self.entry_id = ""
        self.webhook_url = ""
        self._ha_up = False
        self._stop_watching = asyncio.Event()

    def say(self, message: str) -> None:
        """Print a progress line."""
        log(self.timeline, message)

    # Setting up

    async def setup(self, session: aiohttp.ClientSession) -> HassClient:
        """Start both processes, onboard, add the account, turn the push on."""
        await self.simulator.start_and_wait()
        sim = ControlApi(session, self.simulator.control_url)
        self.say(
            f"simulator up at {self.simulator.base_url} (mode {self.args.mode}, "
            f"fault rate {self.args.fault_rate:g}, seed {self.args.seed})"
        )
        took = await self.hass.start_and_wait(session)
        self.say(f"Home Assistant answering after {took:.1f} s on port {self.port}")
        client = HassClient(session, self.hass.base_url)
        await client.onboard()
        await client.wait_running()
        form = await client.flow("flow", DOMAIN)
        user_input = {
            "username": DEMO_USERNAME,
            "api_key": DEMO_KEY,
            "advanced": {"url": self.simulator.base_url},
        }
        for _ in range(20):
            result = await client.flow_step("flow", form["flow_id"], user_input)
            if result["type"] == "create_entry":
                break
            if result.get("errors") not in TRANSIENT_FLOW_ERRORS:
                raise HarnessError(f"The config flow failed: {result}")
            self.say(f"config flow: {result['errors']} (a fault); submitting again")
        else:
            raise HarnessError("The config flow kept failing")
        self.entry_id = result["result"]["entry_id"]
        self.webhook_url = result["description_placeholders"]["webhook_url"]
        form = await client.flow("options/flow", self.entry_id)
        await client.flow_step(
            "options/flow",
            form["flow_id"],
            {
                "poll_interval": POLL_INTERVAL,
                "poll_replies": True,
                "poll_delivery_reports": True,
                "low_balance_threshold": 0.0,
            },
        )
        await sim.call("POST", "config", {"push_url": self.webhook_url})
        await client.wait_entry_loaded(DOMAIN, timeout=300)
        self._ha_up = True
        self.say(f"entry loaded; push to {self.webhook_url}")
        return client

    # The WebSocket watcher

    async def watch(self, client: HassClient) -> None:
        """Keep a subscription to both events open, reconnecting at once."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        consumer = asyncio.create_task(self._consume(queue))
        try:
            while not self._stop_watching.is_set():
                try:
                    ws = await client.websocket()
                except OSError, aiohttp.ClientError, HarnessError, TimeoutError:
                    await asyncio.sleep(0.1)
                    continue
                await self._watch_one(ws, queue)
        finally:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
            while not queue.empty():
                self._record_live(queue.get_nowait())

    async def _watch_one(
        self, ws: HassWebSocket, queue: asyncio.Queue[dict[str, Any]]
    ) -> None:
        async with ws:
            try:
                for event_type in EVENT_KIND:
                    await ws.subscribe_events(event_type, queue)
            except HarnessError, TimeoutError:
                return
            connected_at = time.time()
            self.timeline.connected.append((connected_at, None))
            stop = asyncio.create_task(self._stop_watching.wait())
            closed = asyncio.create_task(ws.closed.wait())
            await asyncio.wait({stop, closed}, return_when=asyncio.FIRST_COMPLETED)
            for task in (stop, closed):
                task.cancel()
            self.timeline.connected[-1] = (connected_at, time.time())

    async def _consume(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            self._record_live(await queue.get())

    def _record_live(self, event: dict[str, Any]) -> None:
        kind = EVENT_KIND[event["event_type"]]
        data = event["data"]
        # When Home Assistant fired it, to match the recorder's row.
        fired_at = datetime.fromisoformat(event["time_fired"]).timestamp()
        self.live.append(
            Fired(kind, event_key(kind, data), str(data["source"]), fired_at)
        )

    # Injecting

    async def inject(self, sim: ControlApi, until: float) -> None:
        """Inject a reply and a delivery report every 1/rate seconds."""
        period = 1 / self.args.rate
        number = 0
        next_at = time.monotonic()
        keywords = random.Random(self.args.seed)  # noqa: S311 - not a secret
        while time.time() < until:
            number += 1
            tag = f"{self.args.seed}-{number:05d}"
            fields = (
                {"from": KEYWORD_FROM, "message": KEYWORD}
                if keywords.random() < self.args.keywords
                else {
                    "from": f"+614{number % 100_000_000:08d}",
                    "message": f"soak reply {tag}",
                    "custom_string": f"soak-{tag}",
                }
            )
            reply = await sim.call("POST", "replies", fields)
            self.items.append(
                Item(
                    "reply",
                    reply["message"],
                    reply["message_id"],
                    time.time(),
                    self._ha_up,
                )
            )
            code = 301 if number % 10 == 0 else 201
            # Every fifth goes through 300 (retrying) first: two reports.
            for status_code in (300, code) if number % 5 == 0 else (code,):
                receipt = await sim.call(
                    "POST",
                    "receipts",
                    {
                        "message_id": f"SOAK-{tag}",
                        "status": "Delivered" if status_code == 201 else "Undelivered",
                        "status_code": status_code,
                        "custom_string": f"soak-{tag}",
                    },
                )
                self.items.append(
                    Item(
                        "receipt",
                        receipt_key(receipt["message_id"], status_code),
                        receipt["message_id"],
                        time.time(),
                        self._ha_up,
                    )
                )
            next_at += period
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    # Restarting

    async def restart(self, session: aiohttp.ClientSession, client: HassClient) -> None:
        """Stop Home Assistant (SIGKILL or SIGTERM) and start it again."""
        self._ha_up = False
        self.timeline.stop_sent = time.time()
        if self.args.restart == "kill":
            self.say("killing Home Assistant: SIGKILL")
            self.timeline.killed = time.time()
            self.hass.kill()
            code = self.hass.returncode
        else:
            self.say("restarting Home Assistant: SIGTERM")
            code = await self.hass.stop(timeout=120)
            if code != 0:
                raise HarnessError(
                    f"Home Assistant did not stop gracefully (exit {code})"
                )
        self.timeline.exited = time.time()
        self.say(
            f"Home Assistant exited ({code}); starting it again in "
            f"{self.args.downtime:g} s"
        )
        # Down for a while, as when the host reboots: what ClickSend pushes
        # now gets no answer, and only polling can bring it.
        await asyncio.sleep(self.args.downtime)
        await self.hass.start_and_wait(session)
        self.timeline.answering = time.time()
        self.say("Home Assistant answering again")
        await client.wait_entry_loaded(DOMAIN, timeout=300)
        self.timeline.loaded = time.time()
        self._ha_up = True
        self.say("entry loaded again")

    # Draining

    async def drain(self, sim: ControlApi) -> None:
        """Clear faults; wait until two polls after that have been handled."""
        cleared_at = len(await sim.call("GET", "requests"))
        await sim.call("DELETE", "faults")
        self.say("injection stopped, faults cleared; waiting for two clean polls")

        async def third_poll_started() -> bool:
            requests = (await sim.call("GET", "requests"))[cleared_at:]
            # Polls are sequential: the third started once two were handled.
            return bool(sum(r["endpoint"] == "reply.php" for r in requests) >= 3)

        await wait_until(
            third_poll_started,
            timeout=DRAIN_SECONDS,
            what="two clean polls after the faults were cleared",
            interval=1.0,
        )

    # The whole run

    async def run(self) -> int:
        """Set up, soak, restart, drain, count; return the exit status."""
        duration = self.args.minutes * 60
        incidents: list[str] = []
        async with aiohttp.ClientSession() as session:
            sim = ControlApi(session, "")
            watcher: asyncio.Task[None] | None = None
            try:
                client = await self.setup(session)
                sim = ControlApi(session, self.simulator.control_url)
                self.timeline = Timeline()
                watcher = asyncio.create_task(self.watch(client))
                until = time.time() + duration
                injector = asyncio.create_task(self.inject(sim, until))
                self.say(
                    f"injecting for {duration:g} s at {self.args.rate:g}/s per kind"
                )
                try:
                    await asyncio.sleep(self._restart_after(duration))
                    await self.restart(session, client)
                    await injector
                    self.say(f"injected {len(self.items)} items")
                    await self.drain(sim)
                except (HarnessError, TimeoutError) as err:
                    # Count what there is: the report says what went wrong.
                    incidents.append(f"{type(err).__name__}: {err}")
                    self.say(f"soak interrupted: {incidents[-1]}")
                    injector.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await injector
            finally:
                self._stop_watching.set()
                if watcher is not None:
                    await watcher
                self.say("stopping Home Assistant")
                hass_code = await self.hass.stop(timeout=60)
                simulator_state = await self._simulator_state(sim)
                await self.simulator.stop(timeout=30)
        if hass_code != 0:
            incidents.append(f"Home Assistant did not stop gracefully ({hass_code})")
        database = self.config_dir / "home-assistant_v2.db"
        fired: list[Fired] = []
        if database.exists():
            fired = read_recorder(database)
        else:
            incidents.append(f"no recorder database at {database}")
        return Report(self, fired, simulator_state, incidents).print()

    def _restart_after(self, duration: float) -> float:
        """Halfway for a graceful restart; a kill anywhere in the middle half."""
        if self.args.restart == "graceful":
            return duration / 2
        return random.Random(self.args.seed).uniform(0.25, 0.75) * duration

    @staticmethod
    async def _simulator_state(sim: ControlApi) -> dict[str, Any]:
        state: dict[str, Any] = {}
        if not sim.control_url:
            return state
        for name in ("replies", "receipts", "fault_log", "requests", "pushes"):
            with contextlib.suppress(HarnessError, aiohttp.ClientError, OSError):
                state[name] = await sim.call("GET", name)
        return state


class Report:
    """Counts, per kind, and the explanation of every item not fired once."""

    def __init__(
        self,
        soak: Soak,
        fired: list[Fired],
        simulator: dict[str, Any],
        incidents: list[str],
    ) -> None:
        """Match fired events to injected items."""
        self.soak = soak
        self.incidents = incidents
        self.timeline = soak.timeline
        self.simulator = simulator
        self.recorded: Counter[tuple[str, str]] = Counter(
            (event.kind, event.key) for event in fired
        )
        self.fired = merge(fired, soak.live)
        self.live: Counter[tuple[str, str]] = Counter(
            (event.kind, event.key) for event in soak.live
        )
        # Keywords: one key, many items.
        self.injected: dict[tuple[str, str], list[Item]] = defaultdict(list)
        for item in soak.items:
            self.injected[item.kind, item.key].append(item)
        killed = self.timeline.killed
        # A kill may fire again what fired in the last second before it.
        self.allowed_duplicates = (
            sum(1 for event in self.fired_events() if killed - 1 <= event.at <= killed)
            if killed
            else 0
        )

    def fired_events(self) -> Iterator[Fired]:
        """Every event of record."""
        for events in self.fired.values():
            yield from events

    def _rows(self) -> Iterator[list[str]]:
        for kind in KINDS:
            keys = [key for key in self.injected if key[0] == kind]
            expected = [len(self.injected[key]) for key in keys]
            counts = [len(self.fired.get(key, [])) for key in keys]
            sources = Counter(
                event.source for key in keys for event in self.fired.get(key, [])
            )
            live = sum(
                min(self.live[key], n) for key, n in zip(keys, expected, strict=True)
            )
            pairs = list(zip(counts, expected, strict=True))
            yield [
                kind,
                str(sum(expected)),
                str(sum(counts)),
                str(sum(min(count, n) for count, n in pairs)),
                str(sum(max(0, count - n) for count, n in pairs)),
                str(sum(max(0, n - count) for count, n in pairs)),
                str(sources["push"]),
                str(sources["poll"]),
                str(live),
            ]

    def print(self) -> int:
        """Print the table and the verdict; return the exit status."""
        args = self.soak.args
        print()
        print(
            f"ClickSend SMS fault soak: mode {args.mode}, {args.minutes:g} min, "
            f"{args.rate:g}/s per kind, fault rate {args.fault_rate:g} "
            f"({args.fault_kinds}), seed {args.seed}"
        )
        timeline = self.timeline
        if timeline.killed:
            print(
                f"Home Assistant killed (SIGKILL) at {timeline.rel(timeline.killed)}; "
                f"answering {timeline.answering - timeline.killed:.1f} s and "
                f"entry loaded {timeline.loaded - timeline.killed:.1f} s after; "
                f"events fired in its last second: {self.allowed_duplicates}"
            )
        elif timeline.stop_sent:
            print(
                f"Home Assistant restarted at {timeline.rel(timeline.stop_sent)}: "
                f"exited after {timeline.exited - timeline.stop_sent:.1f} s, "
                f"answering {timeline.answering - timeline.stop_sent:.1f} s and "
                f"entry loaded {timeline.loaded - timeline.stop_sent:.1f} s "
                "after SIGTERM"
            )
        header = [
            "kind",
            "injected",
            "fired",
            "once",
            "duplicated",
            "missing",
            "by push",
            "by poll",
            "seen live",
        ]
        rows = list(self._rows())
        widths = [
            max(len(row[i]) for row in [header, *rows]) for i in range(len(header))
        ]
        print()
        for row in [header, *rows]:
            print(
                "  ".join(
                    cell.ljust(width) if i == 0 else cell.rjust(width)
                    for i, (cell, width) in enumerate(zip(row, widths, strict=True))
                )
            )
        print()
        self._print_faults()
        problems = self._problems()
        print()
        if problems:
            print(f"Verdict: FAIL ({len(problems)} problems)")
            for problem in problems:
                print(f"  - {problem}")
            return 1
        duplicates = sum(
            max(0, len(self.fired.get(key, [])) - len(items))
            for key, items in self.injected.items()
        )
        if duplicates:
            print(
                f"Verdict: PASS: nothing lost; {duplicates} duplicates, no more "
                f"than the {self.allowed_duplicates} events fired in the last "
                "second before the kill."
            )
        else:
            print("Verdict: PASS: every injected item fired exactly once.")
        return 0

    def _print_faults(self) -> None:
        requests = self.simulator.get("requests", [])
        faults = self.simulator.get("fault_log", [])
        kinds = Counter(fault["kind"] for fault in faults)
        print(
            f"Faults: {len(faults)} of {len(requests)} API requests ("
            + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
            + ")"
        )
        lossy = [
            fault
            for fault in faults
            if fault["kind"] in {"delay", "truncated"} and fault["handed_out"]
        ]
        print(
            f"Answers that handed items out and were then delayed past the "
            f"timeout or cut short: {len(lossy)}"
        )
        pushes = self.simulator.get("pushes", [])
        statuses = Counter(push["status"] for push in pushes)
        print(
            f"Pushes: {len(pushes)} ("
            + ", ".join(
                f"HTTP {status or 'none'}: {count}"
                for status, count in sorted(statuses.items())
            )
            + ")"
        )
        live_only = sum(
            max(0, count - self.recorded[key]) for key, count in self.live.items()
        )
        unseen = sum(
            max(0, len(events) - self.live[key]) for key, events in self.fired.items()
        )
        windows = self.timeline.connected
        gaps = sum(
            start - end
            for (_, end), (start, _) in itertools.pairwise(windows)
            if end is not None
        )
        print(
            f"WebSocket: subscribed {len(windows)} times, without a subscription "
            f"for {gaps:.1f} s; events fired while no client was connected "
            f"(recorder only): {unseen}; seen live but not recorded: {live_only}"
            + (" (the kill lost the recorder's last second)" if live_only else "")
        )

    def _problems(self) -> list[str]:
        problems = list(self.incidents)
        duplicated: list[str] = []
        for key, items in self.injected.items():
            events = self.fired.get(key, [])
            item = items[0]
            if len(events) > len(items):
                duplicated.append(
                    f"{item.kind} {item.key!r} injected {len(items)} times, fired "
                    f"{len(events)} times: "
                    + ", ".join(
                        f"{e.source} at {self.timeline.rel(e.at)}" for e in events
                    )
                )
            elif len(events) < len(items):
                # Which of alike items went missing cannot be told: the last.
                problems.extend(
                    self._explain_missing(missing) for missing in items[len(events) :]
                )
        if len(duplicated) > self.allowed_duplicates:
            problems.extend(duplicated)
        problems.extend(
            f"{kind} {key!r} fired but never injected"
            for kind, key in self.fired
            if (kind, key) not in self.injected
        )
        if not self.timeline.killed:
            # Without a kill, the recorder has every event the client saw.
            problems.extend(
                f"{kind} {key!r} seen live {count} times but recorded "
                f"{self.recorded[kind, key]} times: the count is wrong"
                for (kind, key), count in self.live.items()
                if count > self.recorded[kind, key]
            )
        return problems

    def _explain_missing(self, item: Item) -> str:
        """Name the fault sequence that lost an item."""
        when = self.timeline.rel(item.at)
        parts = [
            f"{item.kind} {item.key!r} never fired (injected at {when}"
            + (", while Home Assistant was restarting)" if not item.ha_up else ")")
        ]
        field_name = "message" if item.kind == "reply" else "messageid"
        statuses = [
            push["status"]
            for push in self.simulator.get("pushes", [])
            if push["data"].get(field_name)
            == (item.key if item.kind == "reply" else item.sim_id)
        ]
        if not statuses:
            parts.append("no push was made")
        elif all(status == 0 for status in statuses):
            parts.append("its push got no answer (Home Assistant down)")
        else:
            parts.append(
                f"its push was answered HTTP {statuses[-1]} but fired nothing "
                "(the entry was not loaded: Home Assistant answers 200 for "
                "webhooks it does not know)"
            )
        requests = self.simulator.get("requests", [])
        culprits = [
            fault
            for fault in self.simulator.get("fault_log", [])
            if item.sim_id in fault["handed_out"]
        ]
        for fault in culprits:
            what = (
                f"answered only after {fault['seconds']:g} s, past the client's "
                "30 s timeout"
                if fault["kind"] == "delay"
                else "cut short (truncated XML)"
            )
            parts.append(
                f"{fault['endpoint']} request #{fault['request']} at "
                f"{self.timeline.rel(fault['time'])} handed it out (ClickSend "
                f"marks it read) in an answer {what} ({fault['source']} fault)"
            )
        stored = self.simulator.get("replies" if item.kind == "reply" else "receipts")
        record = next(
            (
                entry
                for entry in stored or []
                if entry["message_id"] == item.sim_id
                and (item.kind == "receipt" or entry["message"] == item.key)
            ),
            None,
        )
        if not culprits:
            if record is not None and not record["polled"]:
                parts.append("no poll handed it out yet")
            elif record is not None:
                endpoint = "reply.php" if item.kind == "reply" else "delivery.php"
                during_stop = [
                    f"#{n}"
                    for n, request in enumerate(requests, 1)
                    if request["endpoint"] == endpoint
                    and self.timeline.stop_sent
                    <= request["time"]
                    <= (self.timeline.exited or float("inf"))
                ]
                parts.append(
                    "a clean poll handed it out and Home Assistant did not fire "
                    "it"
                    + (
                        f" ({endpoint} requests during shutdown: "
                        f"{', '.join(during_stop)})"
                        if during_stop
                        else ""
                    )
                )
        return "; ".join(parts)


async def main_async(args: argparse.Namespace) -> int:
    """Run the soak in a working folder, within the hard time limit."""
    workdir = Path(tempfile.mkdtemp(prefix="clicksend-soak-"))
    soak = Soak(args, workdir)
    code = 1
    try:
        async with asyncio.timeout(HARD_LIMIT_SECONDS):
            code = await soak.run()
    except TimeoutError as err:
        reason = str(err) or f"the soak did not finish within {HARD_LIMIT_SECONDS} s"
        print(f"Verdict: FAIL: {reason}")
    except HarnessError as err:
        print(f"Verdict: FAIL: {err}")
    finally:
        # Whatever happened, no child outlives the soak.
        soak.hass.kill()
        soak.simulator.kill()
    if code or args.keep:
        print(f"Logs and the recorder database are in {workdir}")
        print(f"  Home Assistant: {workdir / 'config' / 'home-assistant.log'}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return code


def main() -> int:
    """Entry point."""
    return asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
