# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Run the simulator until interrupted: python -m clicksend_simulator."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING

from .app import ClickSendSimulator
from .const import (
    DEFAULT_FAULT_DELAY_SECONDS,
    DEFAULT_THROTTLE_SECONDS,
    DEMO_KEY,
    DEMO_USERNAME,
    FAULT_KINDS,
    RANDOM_FAULT_KINDS,
    TEST_ACCOUNT_KEY,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not from 0 to 1")
    return value


def _fault_kinds(text: str) -> frozenset[str]:
    kinds = frozenset(kind.strip() for kind in text.split(",") if kind.strip())
    if not kinds or kinds - FAULT_KINDS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a comma-separated list of {', '.join(sorted(FAULT_KINDS))}"
        )
    return kinds


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m clicksend_simulator",
        description="A fake ClickSend HTTP API v2 for development and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    parser.add_argument(
        "--port",
        type=int,
        default=8124,
        help="0 picks a free port; default: %(default)s",
    )
    parser.add_argument(
        "--mode",
        choices=("queue", "inbox"),
        default="queue",
        help="queue: reply.php/delivery.php hand each item out once; "
        "inbox: every poll returns everything (default: %(default)s)",
    )
    parser.add_argument(
        "--push-url", default=None, help="POST replies and delivery reports here"
    )
    parser.add_argument(
        "--throttle-seconds",
        type=float,
        default=DEFAULT_THROTTLE_SECONDS,
        help="identical message to the same number is refused (2016) for this long",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    faults = parser.add_argument_group(
        "random faults", "misbehave at random, as a flaky ClickSend would"
    )
    faults.add_argument(
        "--fault-rate",
        type=_probability,
        default=0.0,
        help="probability (0 to 1) that an API request faults (default: %(default)s)",
    )
    faults.add_argument(
        "--fault-kinds",
        type=_fault_kinds,
        default=RANDOM_FAULT_KINDS,
        help="comma-separated kinds to draw from (default: "
        f"{','.join(sorted(RANDOM_FAULT_KINDS))})",
    )
    faults.add_argument(
        "--fault-seed",
        type=int,
        default=None,
        help="seed the draws: the same requests meet the same faults",
    )
    faults.add_argument(
        "--fault-delay-seconds",
        type=_seconds,
        default=DEFAULT_FAULT_DELAY_SECONDS,
        help="how long a delay fault lasts (default: %(default)s, past the "
        "integration's 30 s timeout)",
    )
    return parser.parse_args(argv)


def banner(simulator: ClickSendSimulator) -> str:
    """Say what to paste into the integration's config flow."""
    lines = [
        "ClickSend simulator running.",
        f"  API URL:      {simulator.base_url}",
        f"  Username:     {DEMO_USERNAME}",
        f"  API key:      {DEMO_KEY}",
        f"  Control API:  {simulator.control_url}",
        f"  Test accounts nocredit, notactive, banned use key {TEST_ACCOUNT_KEY}",
        f"  Mode: {simulator.mode}; push URL: {simulator.push_url or 'none'}",
    ]
    if (faults := simulator.random_faults).rate > 0:
        lines.append(
            f"  Random faults: {faults.rate:g} of requests, drawn from "
            f"{','.join(sorted(faults.kinds))}; seed {faults.seed}; "
            f"delays {faults.delay_seconds:g} s"
        )
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


async def serve(
    args: argparse.Namespace,
    *,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[ClickSendSimulator], None] | None = None,
    handle_signals: bool = True,
) -> None:
    """Serve until `stop` is set, or SIGINT or SIGTERM if handling signals."""
    stop = stop if stop is not None else asyncio.Event()
    simulator = ClickSendSimulator(
        throttle_seconds=args.throttle_seconds,
        mode=args.mode,
        push_url=args.push_url,
        fault_rate=args.fault_rate,
        fault_kinds=args.fault_kinds,
        fault_seed=args.fault_seed,
        fault_delay_seconds=args.fault_delay_seconds,
    )
    await simulator.start(args.host, args.port)
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for signum in (signal.SIGINT, signal.SIGTERM) if handle_signals else ():
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    try:
        print(banner(simulator), flush=True)
        if on_ready is not None:
            on_ready(simulator)
        await stop.wait()
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        await simulator.stop()
        print("ClickSend simulator stopped.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    if not args.quiet:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
