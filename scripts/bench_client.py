# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Benchmark the ClickSend client: parsing, and a large send against the simulator.

Run with `scripts/env python scripts/bench_client.py`. Not a test: it prints
a table and asserts nothing beyond the sends succeeding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
import platform
import statistics
import sys
import time

import aiohttp
import xmltodict

# Run as a file, the script sees scripts/ but not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clicksend_simulator import ClickSendSimulator, InboundItem  # noqa: E402
from clicksend_simulator.render import replies as render_replies  # noqa: E402
from custom_components.clicksend_sms.api import ClickSendClient  # noqa: E402
from custom_components.clicksend_sms.api.const import MAX_RECIPIENTS_PER_REQUEST  # noqa: E402
from custom_components.clicksend_sms.api.parser import parse_replies  # noqa: E402

USERNAME = "bench"
KEY = "BENCH000-0000-4000-8000-000000000000"
REPLIES = 1_000
RECIPIENTS = 10_000
PARSE_RUNS = 9
SEND_RUNS = 3
CONCURRENCY = 4
MESSAGE = "Benchmark message"


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
    return render_replies(items).encode()


def bench_parse() -> tuple[float, int]:
    """Return the median parse time in ms, and the body's size."""
    body = reply_body(REPLIES)
    timings = []
    for _ in range(PARSE_RUNS):
        started = time.perf_counter()
        replies = parse_replies(body)
        timings.append((time.perf_counter() - started) * 1000)
        assert len(replies) == REPLIES
    return statistics.median(timings), len(body)


async def send_with_client(
    session: aiohttp.ClientSession, base_url: str, numbers: list[str]
) -> tuple[float, int]:
    """Send through the client; return seconds and requests made."""
    client = ClickSendClient(
        session, USERNAME, KEY, base_url=base_url, max_concurrency=CONCURRENCY
    )
    started = time.perf_counter()
    result = await client.send_sms(numbers, MESSAGE)
    elapsed = time.perf_counter() - started
    assert len(result.accepted) == len(numbers), result.rejected[:3]
    return elapsed, result.requests


async def send_raw(
    session: aiohttp.ClientSession,
    base_url: str,
    numbers: list[str],
    *,
    parse: bool = False,
) -> tuple[float, int]:
    """Make the same POSTs with bare aiohttp: no validation, no matching.

    With parse, each body also goes through xmltodict, as the client's does.
    """
    semaphore = asyncio.Semaphore(CONCURRENCY)
    chunks = [
        numbers[start : start + MAX_RECIPIENTS_PER_REQUEST]
        for start in range(0, len(numbers), MAX_RECIPIENTS_PER_REQUEST)
    ]

    async def post(chunk: list[str]) -> int:
        form = {"username": USERNAME, "key": KEY, "to": ",".join(chunk)}
        form["message"] = MESSAGE
        async with (
            semaphore,
            session.post(f"{base_url}send.php", data=form) as response,
        ):
            body = await response.read()
        if parse:
            messages = xmltodict.parse(body)["xml"]["messages"]["message"]
            return sum(message["result"] == "0000" for message in messages)
        return body.count(b"<result>0000</result>")

    started = time.perf_counter()
    accepted = await asyncio.gather(*(post(chunk) for chunk in chunks))
    elapsed = time.perf_counter() - started
    assert sum(accepted) == len(numbers)
    return elapsed, len(chunks)


type Side = Callable[
    [aiohttp.ClientSession, str, list[str]], Awaitable[tuple[float, int]]
]
SIDES: dict[str, Side] = {
    "client": send_with_client,
    "bare aiohttp": send_raw,
    "bare aiohttp + xmltodict": partial(send_raw, parse=True),
}


async def bench_send() -> dict[str, tuple[float, int]]:
    """Return each side's median seconds, and the requests it made."""
    # No throttle: every side sends the same text to the same numbers.
    simulator = ClickSendSimulator(throttle_seconds=0)
    await simulator.start()
    simulator.add_account(USERNAME, KEY, balance=1_000_000.0)
    numbers = [f"+614{index:08d}" for index in range(RECIPIENTS)]
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in SIDES}
    try:
        async with aiohttp.ClientSession() as session:
            # One of each to warm up connections and caches.
            for side in SIDES.values():
                await side(session, simulator.base_url, numbers)
            # Take turns, so no side gains from the order.
            for _ in range(SEND_RUNS):
                for name, side in SIDES.items():
                    runs[name].append(await side(session, simulator.base_url, numbers))
    finally:
        await simulator.stop()
    return {
        name: (statistics.median(r[0] for r in results), results[0][1])
        for name, results in runs.items()
    }


def main() -> None:
    """Run both benchmarks and print the table."""
    parse_ms, size = bench_parse()
    sends = asyncio.run(bench_send())
    client_s = sends["client"][0]
    rows = [
        (
            f"parse reply.php, {REPLIES:,} replies ({size / 1024:.0f} KiB)",
            f"{parse_ms:.1f} ms",
            f"median of {PARSE_RUNS}",
        ),
        *(
            (
                f"send {RECIPIENTS:,} recipients, {name}",
                f"{seconds:.3f} s",
                f"{requests} requests, median of {SEND_RUNS}",
            )
            for name, (seconds, requests) in sends.items()
        ),
        *(
            (f"client / {name}", f"{client_s / seconds:.2f}x", "")
            for name, (seconds, _) in sends.items()
            if name != "client"
        ),
    ]
    print(
        f"ClickSend client benchmark: Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}, max_concurrency {CONCURRENCY}, "
        "simulator in the same process"
    )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = zip(row, widths, strict=True)
        print("  ".join(cell.ljust(width) for cell, width in cells).rstrip())


if __name__ == "__main__":
    main()
