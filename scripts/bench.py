# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Benchmark ClickSend SMS through Home Assistant against the simulator.

Run with `scripts/bench` (or `scripts/env python scripts/bench.py`). Not a
test, and not run by CI: it prints a Markdown table, for the README, and
asserts only that what it measures worked.

Home Assistant runs in this process (the test harness's
async_test_home_assistant, with the real HTTP server, event bus, service
registry and storage), so that the bench can watch the bus directly. The
simulator runs in a separate process, as ClickSend would, on 127.0.0.1.
Every baseline is made from this process and its event loop too, interleaved
with what it is compared to, so both pay the same costs of the machine.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import cProfile
from dataclasses import dataclass
import gc
import importlib
import logging
import os
from pathlib import Path
import platform
import random
import socket
import statistics
import sys
import tempfile
import time
import tracemalloc
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
import xmltodict

# Home Assistant swaps voluptuous for probatio when imported: before the harness.
import homeassistant  # noqa: F401

# Run as a file, the script sees scripts/ but not the repository.
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME, InboundItem, render  # noqa: E402
from clicksend_simulator.const import SUCCESS  # noqa: E402
from clicksend_simulator.state import Account, RecipientOutcome  # noqa: E402
from custom_components.clicksend_sms.api import ClickSendClient, InboundReply  # noqa: E402
from custom_components.clicksend_sms.api.const import MAX_RECIPIENTS_PER_REQUEST  # noqa: E402
from custom_components.clicksend_sms.api.numbers import (  # noqa: E402
    normalize_number,
    normalize_recipients,
)
from custom_components.clicksend_sms.api.parser import parse_replies  # noqa: E402
from custom_components.clicksend_sms.ask import async_get_asks  # noqa: E402
from custom_components.clicksend_sms.const import (  # noqa: E402
    CONF_API_KEY,
    CONF_ASSIST_ALLOWED,
    CONF_ASSIST_MAX_PER_HOUR,
    CONF_PHONE_NUMBER,
    CONF_POLL_DELIVERY_REPORTS,
    CONF_POLL_REPLIES,
    CONF_URL,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    DOMAIN,
    EVENT_RECEIVED,
    MAX_ASSIST_MAX_PER_HOUR,
    SUBENTRY_TYPE_RECIPIENT,
)
from custom_components.clicksend_sms.inbox import MAX_FINGERPRINTS  # noqa: E402
from homeassistant import loader  # noqa: E402
from homeassistant.components import webhook  # noqa: E402
from homeassistant.components.notify import NotifyEntity  # noqa: E402
from homeassistant.components.notify.const import DATA_COMPONENT as NOTIFY_COMPONENT  # noqa: E402
from homeassistant.config_entries import ConfigSubentry, ConfigSubentryData  # noqa: E402
from homeassistant.const import __version__ as HA_VERSION  # noqa: E402
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback  # noqa: E402
from homeassistant.helpers import entity_registry as er  # noqa: E402
from homeassistant.helpers.aiohttp_client import async_get_clientsession  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402

USERNAME = "bench"
KEY = "BENCH000-0000-4000-8000-000000000000"
NUMBER = "+61400000001"
MESSAGE = "Benchmark message"
RECIPIENTS = 10_000
# The client's default, which the integration uses.
CONCURRENCY = 4
REPLIES = 1_000
NUMBERS = 10_000
PARSE_RUNS = 9
BATCH = 1_000
WEBHOOK_ID = "b" * 64
BASELINE_WEBHOOK_ID = "c" * 64
BASELINE_EVENT = "bench_webhook_baseline"
SIMULATOR_START_TIMEOUT = 30
CORE_NOTIFY = "core_clicksend"
NOTIFY_ENTITY = "notify.bench"
# A second account, on the canned stand-in, for the notify comparison.
STAND_IN_USERNAME = "bench-stand-in"
STAND_IN_WEBHOOK_ID = "e" * 64
# Every step, in the order of the table (not of the run).
STEPS = ("send", "notify", "bulk", "numbers", "parse", "webhook", "ask", "assist")
STEPS += ("setup", "inbound")


HEADER = (
    "Home Assistant in the benchmark's process (pytest-homeassistant-custom-"
    "component's `async_test_home_assistant`: real HTTP server, event bus, "
    "services and storage); the ClickSend simulator in its own process, and "
    "for the notify comparison a stand-in answering both sides with canned "
    "bytes in another; all over 127.0.0.1. Baselines run in the same process "
    "and event loop, "
    "interleaved with what they are compared to. The measured account does "
    "not poll (a poll would land in some figures); the setup row's account "
    "has the default options."
)


@dataclass
class Row:
    """One line of the table."""

    name: str
    result: str
    baseline: str = ""
    ratio: str = ""
    notes: str = ""


@dataclass
class Simulator:
    """The simulator process, and where it listens."""

    process: asyncio.subprocess.Process
    base_url: str
    control_url: str


def free_port() -> int:
    """Pick a free port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ms(seconds: float) -> str:
    """Format seconds as milliseconds."""
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def p99(samples: list[float]) -> float:
    """Return the 99th percentile (inclusive method, so 200 samples are enough)."""
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def ratio(ours: float, theirs: float) -> str:
    """How many times the baseline's figure ours is."""
    return f"{ours / theirs:.2f}x"


def rss_bytes() -> int:
    """Return the resident set size of this process, from /proc."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_model() -> str:
    """Return the CPU's name, if the kernel says."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


# The simulator, in its own process


@contextlib.asynccontextmanager
async def run_simulator() -> AsyncIterator[Simulator]:
    """Start `python -m clicksend_simulator` on a free port; stop it after."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "clicksend_simulator",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        # Every side sends the same text to the same numbers, many times.
        "--throttle-seconds",
        "0",
        "--quiet",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        urls: dict[str, str] = {}
        async with asyncio.timeout(SIMULATOR_START_TIMEOUT):
            while "Control API" not in urls:
                line = (await process.stdout.readline()).decode()
                if not line:
                    raise RuntimeError("The simulator stopped before it was ready")
                name, _, value = line.partition(":")
                if value.strip().startswith("http"):
                    urls[name.strip()] = value.strip()
        yield Simulator(process, urls["API URL"], urls["Control API"])
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


async def control(
    session: aiohttp.ClientSession,
    simulator: Simulator,
    method: str,
    name: str,
    body: dict[str, Any] | None = None,
) -> Any:
    """Use the simulator's JSON control API."""
    async with session.request(
        method, f"{simulator.control_url}{name}", json=body
    ) as response:
        response.raise_for_status()
        return await response.json()


async def reset_simulator(session: aiohttp.ClientSession, simulator: Simulator) -> None:
    """Forget all traffic (and its memory), and give the bench account credit."""
    await control(session, simulator, "POST", "reset")
    await control(
        session,
        simulator,
        "POST",
        "accounts",
        {"username": USERNAME, "key": KEY, "balance": 1e12},
    )


async def count_requests(
    session: aiohttp.ClientSession, simulator: Simulator, endpoint: str
) -> int:
    """How many requests to an endpoint the simulator received since its reset."""
    requests = await control(session, simulator, "GET", "requests")
    return sum(1 for request in requests if request["endpoint"] == endpoint)


# Sending


# The floors send the form as the client does, encoded once: given a dict,
# aiohttp would build a FormData of it, work only the floors would pay for.
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def encode_form(form: dict[str, str]) -> bytes:
    """Encode a form as aiohttp would, without building a FormData of it."""
    return urlencode(form).encode()


def raw_sender(
    session: aiohttp.ClientSession, base_url: str, *, parse: bool = False
) -> Callable[[list[str]], Awaitable[int]]:
    """Make the same POSTs as the client with bare aiohttp: no validation.

    The sender returns how many recipients were accepted. With parse, each
    answer also goes through xmltodict, as the client's does.
    """
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def post(chunk: list[str]) -> int:
        form = {"username": USERNAME, "key": KEY, "to": ",".join(chunk)}
        form["message"] = MESSAGE
        async with (
            semaphore,
            session.post(
                f"{base_url}send.php", data=encode_form(form), headers=FORM_HEADERS
            ) as response,
        ):
            body = await response.read()
        if parse:
            messages = xmltodict.parse(body)["xml"]["messages"]["message"]
            return sum(message["result"] == "0000" for message in messages)
        return body.count(b"<result>0000</result>")

    async def send(numbers: list[str]) -> int:
        chunks = [
            numbers[start : start + MAX_RECIPIENTS_PER_REQUEST]
            for start in range(0, len(numbers), MAX_RECIPIENTS_PER_REQUEST)
        ]
        return sum(await asyncio.gather(*(post(chunk) for chunk in chunks)))

    return send


async def timed(action: Awaitable[object]) -> float:
    """Await the action; return how long it took, in seconds."""
    started = time.perf_counter()
    await action
    return time.perf_counter() - started


async def bare_send(
    session: aiohttp.ClientSession, url: str, to: str, message: str
) -> None:
    """Send as the floors do: one POST to send.php, its answer parsed by xmltodict."""
    form = {"username": USERNAME, "key": KEY, "to": to, "message": message}
    async with session.post(
        url, data=encode_form(form), headers=FORM_HEADERS
    ) as response:
        body = await response.read()
    result = xmltodict.parse(body)["xml"]["messages"]["message"]
    assert result["result"] == "0000"


async def interleave(
    sides: dict[str, Callable[[], Awaitable[None]]], calls: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Call the sides in turns; return each one's median and p99, in seconds.

    Each round calls every side once, in an order shuffled anew (from a
    fixed seed), so that every side follows every other equally often. A
    side that leaves work behind after its answer (core's notify, whose
    executor thread is still tidying up) slows whichever call comes next:
    in a fixed rotation that was mostly one side, and the floor never,
    which made ours look slower against it than it is. Shuffled, each
    other side pays about an equal share, and core's own figure leaves it
    out, which favours core. Between calls the loop runs once, untimed.
    The first tenth of the rounds warms up and is not counted.
    """
    times: dict[str, list[float]] = {name: [] for name in sides}
    order = random.Random(0)
    for index in range(calls + calls // 10):
        names = list(sides)
        order.shuffle(names)
        for name in names:
            elapsed = await timed(sides[name]())
            if index >= calls // 10:
                times[name].append(elapsed)
            await asyncio.sleep(0)
    medians = {name: statistics.median(samples) for name, samples in times.items()}
    return medians, {name: p99(samples) for name, samples in times.items()}


async def bench_single_send(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    session: aiohttp.ClientSession,
    calls: int,
) -> list[Row]:
    """One recipient: the action, the bare client and raw aiohttp, interleaved."""
    raw = raw_sender(session, simulator.base_url)
    client = ClickSendClient(
        async_get_clientsession(hass), USERNAME, KEY, base_url=simulator.base_url
    )
    data = {"config_entry_id": entry.entry_id, "to": [NUMBER], "message": MESSAGE}

    async def action() -> None:
        await hass.services.async_call(DOMAIN, "send_sms", data, blocking=True)

    async def bare_client() -> None:
        result = await client.send_sms([NUMBER], MESSAGE)
        assert len(result.accepted) == 1

    async def raw_post() -> None:
        assert await raw([NUMBER]) == 1

    floor_session = async_get_clientsession(hass)
    url = f"{simulator.base_url}send.php"

    async def floor_handler(call: ServiceCall) -> None:
        # Home Assistant's floor: a service that makes the same POST with the
        # shared session and parses the answer with xmltodict, nothing else.
        await bare_send(
            floor_session, url, ",".join(call.data["to"]), call.data["message"]
        )

    hass.services.async_register("bench", "bare_send", floor_handler)
    floor_data = {"to": [NUMBER], "message": MESSAGE}

    async def floor() -> None:
        await hass.services.async_call("bench", "bare_send", floor_data, blocking=True)

    medians, p99s = await interleave(
        {"action": action, "client": bare_client, "raw": raw_post, "floor": floor},
        calls,
    )
    return [
        Row(
            f"`send_sms` action, 1 recipient, through HA ({calls} calls)",
            f"median {ms(medians['action'])}, p99 {ms(p99s['action'])}",
            f"median {ms(medians['floor'])}, p99 {ms(p99s['floor'])}",
            f"{ratio(medians['action'], medians['floor'])} "
            f"(p99 {ratio(p99s['action'], p99s['floor'])}; target ≤ 1.15x)",
            "floor: a bare HA service that makes the same POST with HA's "
            "session and parses the answer with xmltodict",
        ),
        Row(
            "the same action against one raw aiohttp POST (no HA, no parse)",
            "same",
            f"median {ms(medians['raw'])}, p99 {ms(p99s['raw'])}",
            f"{ratio(medians['action'], medians['raw'])} "
            f"(p99 {ratio(p99s['action'], p99s['raw'])})",
            "",
        ),
        Row(
            "of which the ClickSend client alone (no HA)",
            f"median {ms(medians['client'])}, p99 {ms(p99s['client'])}",
            "same",
            f"{ratio(medians['client'], medians['raw'])} "
            f"(p99 {ratio(p99s['client'], p99s['raw'])})",
            "validation, form, bounded read, XML parse, result matching",
        ),
    ]


async def bench_bulk_send(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    session: aiohttp.ClientSession,
    runs: int,
) -> list[Row]:
    """10,000 recipients in one action call, against the same POSTs made raw."""
    numbers = [f"+614{index:08d}" for index in range(RECIPIENTS)]
    raw = raw_sender(session, simulator.base_url)
    raw_with_parse = raw_sender(session, simulator.base_url, parse=True)
    client = ClickSendClient(
        async_get_clientsession(hass), USERNAME, KEY, base_url=simulator.base_url
    )
    data = {"config_entry_id": entry.entry_id, "to": numbers, "message": MESSAGE}

    async def action() -> None:
        response = await hass.services.async_call(
            DOMAIN, "send_sms", data, blocking=True, return_response=True
        )
        assert response is not None
        assert response["recipient_count"] == RECIPIENTS

    async def bare_client() -> None:
        result = await client.send_sms(numbers, MESSAGE)
        assert len(result.accepted) == RECIPIENTS

    async def raw_post() -> None:
        assert await raw(numbers) == RECIPIENTS

    async def raw_parsed() -> None:
        assert await raw_with_parse(numbers) == RECIPIENTS

    # Count the requests of one action call alone.
    await reset_simulator(session, simulator)
    await action()
    requests = await count_requests(session, simulator, "send.php")
    raw_requests = -(-RECIPIENTS // MAX_RECIPIENTS_PER_REQUEST)

    sides: dict[str, Callable[[], Awaitable[None]]] = {
        "action": action,
        "client": bare_client,
        "raw": raw_post,
        "raw parsed": raw_parsed,
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    for index in range(runs + 1):
        names = list(sides)
        names = names[index % len(names) :] + names[: index % len(names)]
        for name in names:
            # The simulator keeps every message it accepted: each side starts
            # from an empty one.
            await reset_simulator(session, simulator)
            elapsed = await timed(sides[name]())
            if index:  # The first run warms up.
                times[name].append(elapsed)
    await reset_simulator(session, simulator)
    medians = {name: statistics.median(samples) for name, samples in times.items()}
    return [
        Row(
            f"`send_sms` action, {RECIPIENTS:,} recipients in one call",
            f"{ms(medians['action'])}, {requests} requests",
            f"{ms(medians['raw parsed'])}, {raw_requests} requests",
            f"{ratio(medians['action'], medians['raw parsed'])} (target ≤ 1.2x)",
            f"median of {runs}; floor: the same {raw_requests} POSTs, "
            f"{CONCURRENCY} at a time, raw aiohttp, each answer parsed with "
            "xmltodict",
        ),
        Row(
            "the same action against the POSTs alone (no parse)",
            "same",
            f"{ms(medians['raw'])}, {raw_requests} requests",
            ratio(medians["action"], medians["raw"]),
            "",
        ),
        Row(
            "of which the ClickSend client alone (no HA)",
            ms(medians["client"]),
            "the floor",
            ratio(medians["client"], medians["raw parsed"]),
            "",
        ),
        Row(
            "raw aiohttp, each answer parsed with xmltodict",
            ms(medians["raw parsed"]),
            "the POSTs alone",
            ratio(medians["raw parsed"], medians["raw"]),
            "what parsing the 10 answers alone costs",
        ),
    ]


# Notify: ours and core's clicksend, each against a canned stand-in


V3_ANSWER = (
    b'{"http_code":200,"response_code":"SUCCESS","response_msg":"Messages queued'
    b' for delivery.","data":{"total_price":0.07,"total_count":1,"queued_count":1,'
    b'"messages":[{"status":"SUCCESS"}]}}'
)


def canned_v2_answers() -> dict[str, bytes]:
    """send.php's and balance.php's answers for NUMBER, written as the simulator's.

    Rendered once, by the simulator's own renderer: the stand-in then does
    for our notify what the v3 one does for core's, read the body and answer.
    """
    account = Account(USERNAME, KEY, balance=1e6)
    outcome = RecipientOutcome(NUMBER, "BENCH-0000-0001", *SUCCESS, 0.0693)
    return {
        "send.php": render.send(account, [outcome]).encode(),
        "balance.php": render.balance(account).encode(),
    }


def stand_in() -> None:
    """Serve canned answers: ClickSend's REST v3 for core, HTTP v2 for us.

    GET /v3/account and POST /v3/sms/send as REST v3 would answer them, for
    core's notify; POST /send.php and /balance.php as the simulator would,
    for our notify entity's account. It reads each request to the end of
    its body (Content-Length) and writes bytes made in advance: no
    validation, no state, no web framework (aiohttp's server cost each
    request about 0.15 ms here, time both sides waited for and neither
    spent). Run in a process of its own (as the simulator is), so that each
    notify pays only its own costs in the bench's process.
    """
    answers: dict[bytes, bytes] = {}
    for path, body, content_type in [
        (b"/v3/account", V3_ANSWER, b"application/json"),
        (b"/v3/sms/send", V3_ANSWER, b"application/json"),
        *(
            (f"/{endpoint}".encode(), body, b"text/xml")
            for endpoint, body in canned_v2_answers().items()
        ),
    ]:
        answers[path] = b"".join(
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: ",
                content_type,
                b"; charset=utf-8\r\nContent-Length: ",
                str(len(body)).encode(),
                b"\r\n\r\n",
                body,
            )
        )

    class Canned(asyncio.Protocol):
        """One connection: answer each whole request with its canned bytes."""

        transport: asyncio.Transport
        buffer: bytes

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            assert isinstance(transport, asyncio.Transport)
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
                head = self.buffer[:end].split(b"\r\n")
                length = 0
                for line in head[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(self.buffer) < end + 4 + length:
                    return
                self.buffer = self.buffer[end + 4 + length :]
                path = head[0].split(b" ")[1].split(b"?")[0]
                self.transport.write(answers[path])

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Canned, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


@contextlib.asynccontextmanager
async def run_stand_in() -> AsyncIterator[str]:
    """Start the canned stand-in; yield its root URL (no trailing "/")."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--stand-in",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(SIMULATOR_START_TIMEOUT):
            port = int(await process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        await process.wait()


async def setup_core_clicksend(hass: HomeAssistant, base_url: str) -> None:
    """Set up core's clicksend notify platform, pointed at the stand-in."""
    core_notify = importlib.import_module("homeassistant.components.clicksend.notify")
    core_notify.BASE_API_URL = base_url
    config = {
        "platform": "clicksend",
        "name": CORE_NOTIFY,
        "username": USERNAME,
        "api_key": KEY,
        "recipient": [NUMBER],
    }
    assert await async_setup_component(hass, "notify", {"notify": [config]})
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", CORE_NOTIFY)


async def setup_stand_in_account(hass: HomeAssistant, root_url: str) -> str:
    """Set up a second account, on the stand-in; return its notify entity's ID."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=STAND_IN_USERNAME,
        unique_id=STAND_IN_USERNAME,
        data={
            CONF_USERNAME: STAND_IN_USERNAME,
            CONF_API_KEY: KEY,
            CONF_URL: f"{root_url}/",
            CONF_WEBHOOK_ID: STAND_IN_WEBHOOK_ID,
        },
        options={CONF_POLL_REPLIES: False, CONF_POLL_DELIVERY_REPORTS: False},
        subentries_data=[
            ConfigSubentryData(
                data={"name": "Stand-in", "phone_number": NUMBER},
                subentry_type="recipient",
                title="Stand-in",
                unique_id=NUMBER,
            )
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    (entity,) = (
        entity
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if entity.domain == "notify"
    )
    return entity.entity_id


class BareNotifyEntity(NotifyEntity):
    """Home Assistant's floor for a notify entity: the POST and the parse only.

    It makes the same POST as ours with Home Assistant's session and parses
    the answer with xmltodict, nothing else; Home Assistant's notify entity
    (the entity service, the state it writes per notification) does the rest.
    """

    _attr_name = "Bench floor"
    _attr_unique_id = "bench-floor"

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Post to this send.php."""
        self._session = session
        self._url = url

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Make the POST and parse the answer."""
        await bare_send(self._session, self._url, NUMBER, message)


async def bench_notify(
    hass: HomeAssistant, stand_in_entity: str, stand_in_url: str, calls: int
) -> list[Row]:
    """Notify one saved recipient: our entity against core's clicksend.

    Both against the canned stand-in, with Home Assistant's floor for a
    notify entity beside them; ours also against the simulator.
    """
    session = async_get_clientsession(hass)
    url = f"{stand_in_url}/send.php"
    floor_entity = BareNotifyEntity(session, url)
    await hass.data[NOTIFY_COMPONENT].async_add_entities([floor_entity])
    core_data = {"message": MESSAGE}

    def entity_side(entity_id: str) -> Callable[[], Awaitable[None]]:
        data = {"entity_id": entity_id, "message": MESSAGE}

        async def notify() -> None:
            await hass.services.async_call(
                "notify", "send_message", data, blocking=True
            )

        return notify

    async def core() -> None:
        await hass.services.async_call("notify", CORE_NOTIFY, core_data, blocking=True)

    async def raw_post() -> None:
        await bare_send(session, url, NUMBER, MESSAGE)

    medians, p99s = await interleave(
        {
            "ours": entity_side(stand_in_entity),
            "floor": entity_side(floor_entity.entity_id),
            "raw": raw_post,
            "core": core,
            "simulator": entity_side(NOTIFY_ENTITY),
        },
        calls,
    )

    def faster(side: str) -> str:
        return (
            f"{medians['core'] / medians[side]:.2f}x faster "
            f"(p99 {p99s['core'] / p99s[side]:.2f}x"
        )

    def timing(side: str) -> str:
        return f"median {ms(medians[side])}, p99 {ms(p99s[side])}"

    return [
        Row(
            f"notification to a saved recipient, our notify entity ({calls} calls)",
            timing("ours"),
            timing("core"),
            f"{faster('ours')}; target ≥ 3x)",
            "baseline: core's `clicksend` notify (REST v3 JSON through `requests` "
            "in the executor); each against the same canned stand-in in its own "
            "process (`/v3/sms/send` for core, `send.php` for ours)",
        ),
        Row(
            "Home Assistant's floor for a notify entity, against core's",
            timing("floor"),
            "core's, as above",
            f"{faster('floor')})",
            "a bare notify entity that makes the same POST with HA's session "
            "and parses the answer with xmltodict",
        ),
        Row(
            "our notify entity against that floor",
            timing("ours"),
            timing("floor"),
            f"{ratio(medians['ours'], medians['floor'])} "
            f"(p99 {ratio(p99s['ours'], p99s['floor'])})",
            "",
        ),
        Row(
            "the floor's POST and parse alone (no HA), against core's",
            timing("raw"),
            "core's, as above",
            f"{faster('raw')})",
            "what the notify entity and its service call cost is the "
            "difference from the floor",
        ),
        Row(
            "the same notification against the simulator",
            timing("simulator"),
            "core's, as above",
            f"{faster('simulator')})",
            "the simulator checks every number with libphonenumber, keeps "
            "state and renders its XML: server time, not ours",
        ),
    ]


# Parsing


def reply_body(count: int) -> bytes:
    """Render reply.php's answer with this many replies, as the simulator does."""
    items = [
        InboundItem(
            username=USERNAME,
            from_number=f"+614{index:08d}",
            message=f"Reply number {index} with some words & an ampersand",
            original_message="Are you coming tonight?",
            original_message_id=f"D9F15F83-34EC-6A31-A57E-{index:012d}",
            original_sender_id="+61400000000",
            custom_string=f"ref-{index}",
            message_id=f"F15F83H8-15AC-3R31-777E-{index:012d}",
            date=1_700_000_000 + index,
        )
        for index in range(count)
    ]
    return render.replies(items).encode()


def bench_parse() -> list[Row]:
    """Parse a reply.php answer of 1,000 replies."""
    body = reply_body(REPLIES)
    timings = []
    for _ in range(PARSE_RUNS):
        started = time.perf_counter()
        replies = parse_replies(body)
        timings.append(time.perf_counter() - started)
        assert len(replies) == REPLIES
    return [
        Row(
            f"parse a `reply.php` answer of {REPLIES:,} replies",
            ms(statistics.median(timings)),
            notes=f"{len(body) / 1024:.0f} KiB; median of {PARSE_RUNS}",
        )
    ]


# Phone numbers


def bench_numbers() -> list[Row]:
    """Normalise 10,000 numbers, as a send to 10,000 recipients does."""
    # Half international, half national (country AU), with separators: the
    # forms people type. libphonenumber's metadata is loaded at import.
    numbers = [
        f"+61 4{index % 100:02d} {index // 100:03d} {index % 1000:03d}"
        if index % 2
        else f"04{index % 100:02d} {index % 1000:03d} {index % 997:03d}"
        for index in range(NUMBERS)
    ]
    timings = []
    for _ in range(PARSE_RUNS):
        # The cost of a first reading: the cache would make the rest free.
        normalize_number.cache_clear()
        started = time.perf_counter()
        normalised = normalize_recipients(numbers, "AU")
        timings.append(time.perf_counter() - started)
        assert normalised
    # Again, cached: the client's pass after the integration's, in a send.
    started = time.perf_counter()
    normalize_recipients(numbers, "AU")
    again = time.perf_counter() - started
    median = statistics.median(timings)
    return [
        Row(
            f"normalise {NUMBERS:,} phone numbers (libphonenumber)",
            ms(median),
            notes=(
                f"{median / NUMBERS * 1e6:.1f} µs each; half national with country "
                f"AU, half international, with spaces; median of {PARSE_RUNS}; "
                f"the same again, cached (the client's pass after the "
                f"integration's, in a send): {ms(again)}"
            ),
        )
    ]


# Webhook


async def bench_webhook(hass: HomeAssistant, port: int, posts: int) -> list[Row]:
    """POST replies to the webhook; time until the event is on the bus."""
    seen: dict[str, float] = {}

    @callback
    def _on_event(event: Event) -> None:
        seen[event.data["message"]] = time.perf_counter()

    async def _baseline(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        # A bare webhook: read the form, fire an event, answer.
        form = await request.post()
        hass.bus.async_fire(BASELINE_EVENT, {"message": form["message"]})
        return web.Response()

    webhook.async_register(
        hass, "bench", "Bench baseline", BASELINE_WEBHOOK_ID, _baseline
    )
    unsubscribe = [
        hass.bus.async_listen(EVENT_RECEIVED, _on_event),
        hass.bus.async_listen(BASELINE_EVENT, _on_event),
    ]
    latencies: dict[str, list[float]] = {"ours": [], "baseline": []}
    try:
        async with aiohttp.ClientSession() as session:
            for index in range(posts + posts // 10):
                for side, webhook_id in (
                    ("ours", WEBHOOK_ID),
                    ("baseline", BASELINE_WEBHOOK_ID),
                ):
                    # Every message is new, or the exactly-once record skips it.
                    message = f"{side} {index}"
                    form = {"from": NUMBER, "message": message, "username": USERNAME}
                    started = time.perf_counter()
                    async with session.post(
                        f"http://127.0.0.1:{port}/api/webhook/{webhook_id}", data=form
                    ) as response:
                        assert response.status == 200, response.status
                    if index >= posts // 10:
                        latencies[side].append(seen[message] - started)
    finally:
        for unsub in unsubscribe:
            unsub()
        webhook.async_unregister(hass, BASELINE_WEBHOOK_ID)
    ours, base = latencies["ours"], latencies["baseline"]
    return [
        Row(
            f"webhook POST to `{EVENT_RECEIVED}` on the bus ({posts} POSTs)",
            f"p50 {ms(statistics.median(ours))}, p99 {ms(p99(ours))}",
            f"p50 {ms(statistics.median(base))}, p99 {ms(p99(base))}",
            f"{ratio(statistics.median(ours), statistics.median(base))} "
            f"(p99 {ratio(p99(ours), p99(base))})",
            "over HA's HTTP server on 127.0.0.1; baseline: a bare webhook "
            "that reads the form and fires an event",
        )
    ]


# Ask and Assist


async def bench_ask(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    session: aiohttp.ClientSession,
    port: int,
    asks: int,
) -> list[Row]:
    """Push each question's answer; time until clicksend_sms.ask responds."""
    await control(session, simulator, "POST", "config", {"throttle_seconds": 0})
    registry = async_get_asks(hass, entry.entry_id)
    latencies: list[float] = []
    for index in range(asks + asks // 10):
        task = asyncio.create_task(
            hass.services.async_call(
                DOMAIN,
                "ask",
                {
                    "config_entry_id": entry.entry_id,
                    "to": NUMBER,
                    "message": "Close the garage?",
                    "answers": ["YES", "NO"],
                },
                blocking=True,
                return_response=True,
            )
        )
        while not registry.waiting:
            if task.done():
                # The ask failed before it waited: say why, rather than spin.
                await task
            await asyncio.sleep(0)
        (question,) = registry.questions
        form = {
            "from": NUMBER,
            "message": f"yes {index}",
            "originalmessageid": question,
            "username": USERNAME,
        }
        started = time.perf_counter()
        async with session.post(
            f"http://127.0.0.1:{port}/api/webhook/{WEBHOOK_ID}", data=form
        ) as response:
            assert response.status == 200, response.status
        answer = await task
        elapsed = time.perf_counter() - started
        assert answer is not None and answer["answer"] == "YES", answer
        if index >= asks // 10:
            latencies.append(elapsed)
    return [
        Row(
            f"pushed answer to `clicksend_sms.ask`'s response ({asks} asks)",
            f"p50 {ms(statistics.median(latencies))}, p99 {ms(p99(latencies))}",
            notes="from the webhook POST of the reply (with its original message "
            "ID) until the waiting action returns; the question's send not counted",
        )
    ]


async def bench_assist(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    session: aiohttp.ClientSession,
    port: int,
    texts: int,
) -> list[Row]:
    """Push an allowed recipient's SMS; time until Assist's answer is sent."""
    await control(session, simulator, "POST", "config", {"throttle_seconds": 0})
    assert await async_setup_component(hass, "homeassistant", {})
    # Answers per hour are bounded: enough recipients for every text.
    per_recipient = MAX_ASSIST_MAX_PER_HOUR
    numbers = [
        f"+614100{index:05d}"
        for index in range(-(-(texts + texts // 10) // per_recipient))
    ]
    for index, number in enumerate(numbers):
        hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType(
                    {
                        CONF_PHONE_NUMBER: number,
                        CONF_ASSIST_ALLOWED: True,
                        CONF_ASSIST_MAX_PER_HOUR: per_recipient,
                    }
                ),
                subentry_type=SUBENTRY_TYPE_RECIPIENT,
                title=f"Bench {index}",
                unique_id=number,
            ),
        )
    await hass.async_block_till_done(wait_background_tasks=True)
    latencies: list[float] = []
    sent_before = await count_requests(session, simulator, "send.php")
    for index in range(texts + texts // 10):
        form = {
            "from": numbers[index // per_recipient],
            "message": "what time is it",
            # Each SMS is new to the exactly-once record.
            "originalmessageid": f"bench-{index}",
            "username": USERNAME,
        }
        started = time.perf_counter()
        async with session.post(
            f"http://127.0.0.1:{port}/api/webhook/{WEBHOOK_ID}", data=form
        ) as response:
            assert response.status == 200, response.status
        # The answer's send.php request has been answered by the simulator.
        await hass.async_block_till_done(wait_background_tasks=True)
        if index >= texts // 10:
            latencies.append(time.perf_counter() - started)
    sent = await count_requests(session, simulator, "send.php") - sent_before
    assert sent == texts + texts // 10, sent
    return [
        Row(
            f"pushed SMS to Assist's answer at the simulator ({texts} SMS)",
            f"p50 {ms(statistics.median(latencies))}, p99 {ms(p99(latencies))}",
            notes="an allowed recipient asks Home Assistant's own agent the time; "
            "until the answer's send.php request is answered",
        )
    ]


# Setup


async def bench_setup(
    hass: HomeAssistant, simulator: Simulator, setups: int
) -> list[Row]:
    """Set an account up and unload it, again and again."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USERNAME,
        unique_id=DEMO_USERNAME,
        data={
            CONF_USERNAME: DEMO_USERNAME,
            CONF_API_KEY: DEMO_KEY,
            CONF_URL: simulator.base_url,
            CONF_WEBHOOK_ID: "d" * 64,
        },
        # Default options: polling on, so the first poll is part of setup.
        options={},
        subentries_data=[
            ConfigSubentryData(
                data={"name": "Alex", "phone_number": "+61411111111"},
                subentry_type="recipient",
                title="Alex",
                unique_id="+61411111111",
            )
        ],
    )
    entry.add_to_hass(hass)
    times: list[float] = []
    for _ in range(setups + 1):
        started = time.perf_counter()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        times.append(time.perf_counter() - started)
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    await hass.config_entries.async_remove(entry.entry_id)
    first, rest = times[0], times[1:]
    return [
        Row(
            "config entry setup, until Home Assistant is idle",
            f"median {ms(statistics.median(rest))}",
            notes=f"median of {setups} setups after a first one of {ms(first)}; "
            "balance.php, reply.php, delivery.php; 5 entities, webhook, "
            "legacy notify service",
        )
    ]


# The exactly-once record


def inbound(start: int, count: int) -> list[InboundReply]:
    """Make distinct replies, as ClickSend would push them."""
    return [
        InboundReply(
            from_number=f"+614{index % 100_000_000:08d}",
            message=f"Inbound message {index}",
            original_message="",
            original_message_id="",
            original_sender_id="",
            custom_string="",
            username=USERNAME,
        )
        for index in range(start, start + count)
    ]


async def feed(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    start: int,
    count: int,
    checkpoints: dict[int, int] | None = None,
) -> float:
    """Put replies through async_process in batches; return the seconds spent.

    With checkpoints, note the traced heap after each item count named in it.
    """
    inbox = entry.runtime_data.inbox
    spent = 0.0
    for offset in range(0, count, BATCH):
        batch = inbound(start + offset, BATCH)
        started = time.perf_counter()
        assert inbox.async_process(batch, (), "push") == BATCH
        spent += time.perf_counter() - started
        # Let Home Assistant run what the events scheduled.
        await asyncio.sleep(0)
        if checkpoints is not None and offset + BATCH in checkpoints:
            gc.collect()
            checkpoints[offset + BATCH] = tracemalloc.get_traced_memory()[0]
    await hass.async_block_till_done()
    return spent


async def bench_memory(
    hass: HomeAssistant, entry: MockConfigEntry, count: int
) -> list[Row]:
    """Feed the exactly-once record; measure what stays behind."""
    inbox = entry.runtime_data.inbox
    gc.collect()
    rss_before = rss_bytes()
    spent = await feed(hass, entry, 0, count)
    gc.collect()
    rss_growth = rss_bytes() - rss_before
    remembered = inbox.remembered["replies"]
    assert remembered == MAX_FINGERPRINTS, remembered

    # Again, tracing Python's allocations. The first MAX_FINGERPRINTS items
    # replace the whole record with traced objects: the growth up to there is
    # the record's size; after it, any growth would be a leak.
    checkpoints = dict.fromkeys((MAX_FINGERPRINTS, count), 0)
    tracemalloc.start()
    gc.collect()
    traced_before = tracemalloc.get_traced_memory()[0]
    await feed(hass, entry, count, count, checkpoints)
    tracemalloc.stop()
    assert inbox.remembered["replies"] == MAX_FINGERPRINTS
    record = checkpoints[MAX_FINGERPRINTS] - traced_before
    after = checkpoints[count] - checkpoints[MAX_FINGERPRINTS]
    return [
        Row(
            f"{count:,} inbound SMS through the exactly-once record",
            f"{spent:.2f} s ({count / spent:,.0f}/s); "
            f"RSS {rss_growth / 2**20:+.1f} MiB",
            notes="`InboxCoordinator.async_process`, 1,000 a call; each fires "
            "the event and updates the event entity (no recorder, no other "
            "listener); RSS: resident memory of the whole process",
        ),
        Row(
            "the record's size after them",
            f"{remembered:,} fingerprints = MAX_FINGERPRINTS; {record / 2**20:.2f} MiB",
            notes="Python heap (tracemalloc) taken by refilling the record "
            f"with {MAX_FINGERPRINTS:,} new items",
        ),
        Row(
            f"heap growth over {count - MAX_FINGERPRINTS:,} more, record full",
            f"{after / 1024:+,.0f} KiB",
            notes="tracemalloc, after the record was refilled: bounded",
        ),
    ]


# The run


async def run(args: argparse.Namespace) -> tuple[list[Row], dict[str, str]]:
    """Run every benchmark; return the rows and what they ran on."""
    results: dict[str, list[Row]] = {}
    for name, bench in (("parse", bench_parse), ("numbers", bench_numbers)):
        if name in args.only:
            results[name] = bench()
    with tempfile.TemporaryDirectory(prefix="clicksend-bench-") as config_dir:
        async with (
            run_simulator() as simulator,
            run_stand_in() as stand_in_url,
            aiohttp.ClientSession() as session,
            async_test_home_assistant(config_dir=config_dir) as hass,
        ):
            try:
                # As in a real `hass`: the test harness turns debug on.
                hass.loop.set_debug(False)
                results |= await bench_with_hass(
                    hass, simulator, stand_in_url, session, args
                )
            finally:
                await hass.async_stop(force=True)
    info = {
        "CPUs": f"{os.cpu_count()} ({cpu_model()})",
        "Load average at the end": ", ".join(f"{v:.2f}" for v in os.getloadavg()),
        "Event loop debug": "off (as in a real `hass`)",
        "Python": platform.python_version(),
        "Home Assistant": HA_VERSION,
        "aiohttp": aiohttp.__version__,
        "OS": platform.platform(),
    }
    # In the order of the README, not of the run.
    return [row for name in STEPS if name in results for row in results[name]], info


async def bench_with_hass(
    hass: HomeAssistant,
    simulator: Simulator,
    stand_in_url: str,
    session: aiohttp.ClientSession,
    args: argparse.Namespace,
) -> dict[str, list[Row]]:
    """Set up HTTP and the bench account; run what needs Home Assistant."""
    # The harness disables custom integrations unless told otherwise.
    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
    port = free_port()
    assert await async_setup_component(
        hass, "http", {"http": {"server_host": ["127.0.0.1"], "server_port": port}}
    )
    # Home Assistant is running already: start the server it would start then.
    await hass.http.start()
    await reset_simulator(session, simulator)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=USERNAME,
        unique_id=USERNAME,
        data={
            CONF_USERNAME: USERNAME,
            CONF_API_KEY: KEY,
            CONF_URL: simulator.base_url,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
        # No polling while measuring: a poll would land in some figures.
        options={CONF_POLL_REPLIES: False, CONF_POLL_DELIVERY_REPORTS: False},
        # The notify entity's recipient.
        subentries_data=[
            ConfigSubentryData(
                data={"name": "Bench", "phone_number": NUMBER},
                subentry_type="recipient",
                title="Bench",
                unique_id=NUMBER,
            )
        ],
    )
    # Core's notify first: notify is set up once, with its YAML platforms.
    await setup_core_clicksend(hass, f"{stand_in_url}/v3")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    stand_in_entity = await setup_stand_in_account(hass, stand_in_url)

    # The memory first: the process has not yet grown to fit the others.
    steps: list[tuple[str, Callable[[], Awaitable[list[Row]]]]] = [
        ("inbound", lambda: bench_memory(hass, entry, args.inbound)),
        (
            "send",
            lambda: bench_single_send(hass, entry, simulator, session, args.calls),
        ),
        (
            "bulk",
            lambda: bench_bulk_send(hass, entry, simulator, session, args.bulk_runs),
        ),
        (
            "notify",
            lambda: bench_notify(hass, stand_in_entity, stand_in_url, args.calls),
        ),
        ("webhook", lambda: bench_webhook(hass, port, args.posts)),
        (
            "ask",
            lambda: bench_ask(hass, entry, simulator, session, port, args.asks),
        ),
        (
            "assist",
            lambda: bench_assist(hass, entry, simulator, session, port, args.texts),
        ),
        ("setup", lambda: bench_setup(hass, simulator, args.setups)),
    ]
    results: dict[str, list[Row]] = {}
    profile = cProfile.Profile() if args.profile else None
    for name, step in steps:
        if name not in args.only:
            continue
        started = time.perf_counter()
        if profile is not None:
            profile.enable()
        try:
            results[name] = await step()
        finally:
            if profile is not None:
                profile.disable()
        print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if profile is not None:
        profile.dump_stats(args.profile)
        print(
            f"  profile of {', '.join(results)} written to {args.profile} "
            f"(read it with `python -m pstats {args.profile}`)",
            file=sys.stderr,
        )
    return results


def table(rows: list[Row], info: dict[str, str], elapsed: float) -> str:
    """Render the Markdown for the README."""
    lines = [
        HEADER,
        "",
        "| Benchmark | Result | Baseline | Ratio | Notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines.extend(
        f"| {row.name} | {row.result} | {row.baseline} | {row.ratio} | {row.notes} |"
        for row in rows
    )
    lines.append("")
    lines.extend(f"- {name}: {value}" for name, value in info.items())
    lines.append(f"- Whole run: {elapsed:.0f} s")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--calls", type=int, default=3000, help="single sends and notifications"
    )
    parser.add_argument(
        "--bulk-runs", type=int, default=7, help="10,000-recipient sends"
    )
    parser.add_argument("--posts", type=int, default=500, help="webhook POSTs")
    parser.add_argument("--setups", type=int, default=20, help="entry setups")
    parser.add_argument("--asks", type=int, default=200, help="asks answered")
    parser.add_argument("--texts", type=int, default=200, help="SMS to Assist")
    parser.add_argument("--inbound", type=int, default=100_000, help="inbound SMS")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        default=list(STEPS),
        metavar="STEP,...",
        help=f"run only these steps, of: {','.join(STEPS)} (default: all)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="profile the steps that need Home Assistant with cProfile (the "
        "loop's debug still off) and write the stats to FILE",
    )
    args = parser.parse_args()
    if unknown := set(args.only) - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    if args.inbound <= MAX_FINGERPRINTS or args.inbound % BATCH:
        parser.error(
            f"--inbound must be a multiple of {BATCH} above {MAX_FINGERPRINTS}"
        )
    if (
        min(args.calls, args.posts, args.asks, args.texts) < 2
        or min(args.bulk_runs, args.setups) < 1
    ):
        parser.error("a percentile needs 2 calls or POSTs; other counts need 1")
    return args


def main() -> None:
    """Run the benchmarks and print the table."""
    if sys.argv[1:] == ["--stand-in"]:
        stand_in()
        return
    args = parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    rows, info = asyncio.run(run(args), debug=False)
    print(table(rows, info, time.perf_counter() - started))


if __name__ == "__main__":
    main()
