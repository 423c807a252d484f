# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Random faults: a flaky ClickSend, reproducible from a seed."""

from __future__ import annotations

import aiohttp
import pytest

from clicksend_simulator import (
    DEFAULT_FAULT_DELAY_SECONDS,
    RANDOM_FAULT_KINDS,
    ClickSendSimulator,
    RandomFaults,
)
from clicksend_simulator.__main__ import banner, parse_args

from .conftest import Api


async def _poll_many(api: Api, count: int) -> list[int]:
    """POST balance.php `count` times; return the HTTP statuses (0: dropped)."""
    statuses = []
    for _ in range(count):
        try:
            statuses.append((await api.call("balance.php", "POST")).status)
        except aiohttp.ServerDisconnectedError:
            statuses.append(0)
    return statuses


def _kinds(sim: ClickSendSimulator) -> list[tuple[int, str]]:
    return [(record.request, record.kind) for record in sim.fault_log]


def test_defaults() -> None:
    """Random faults are off unless asked for, and draw from the brief's kinds."""
    sim = ClickSendSimulator()
    assert sim.random_faults == RandomFaults()
    assert sim.random_faults.rate == 0.0
    assert {
        "delay",
        "http500",
        "malformed",
        "truncated",
        "drop",
        "code",
    } == RANDOM_FAULT_KINDS
    # Past the integration's 30 s client timeout.
    assert DEFAULT_FAULT_DELAY_SECONDS > 30


async def test_rate_one_faults_every_request(api: Api, sim: ClickSendSimulator) -> None:
    """At rate 1 every request faults with a kind drawn from the set."""
    sim.set_random_faults(rate=1.0, kinds=["http500"], seed=1)
    assert await _poll_many(api, 3) == [500, 500, 500]
    assert [
        (r.request, r.endpoint, r.kind, r.source, r.time) for r in sim.fault_log
    ] == [(n, "balance.php", "http500", "random", 1_700_000_000.0) for n in (1, 2, 3)]


async def test_rate_zero_never_faults(api: Api, sim: ClickSendSimulator) -> None:
    """At rate 0 nothing is drawn."""
    sim.set_random_faults(rate=0.0, seed=1)
    assert await _poll_many(api, 20) == [200] * 20
    assert sim.fault_log == []


async def test_same_seed_same_faults(socket_enabled: None) -> None:
    """The same seed and requests give the same faults; another seed others."""

    async def run(seed: int) -> list[tuple[int, str]]:
        async with (
            ClickSendSimulator(fault_rate=0.5, fault_seed=seed) as sim,
            aiohttp.ClientSession() as session,
        ):
            sim.set_random_faults(delay_seconds=0.0)
            await _poll_many(Api(session, sim), 40)
            return _kinds(sim)

    first = await run(7)
    assert first == await run(7)
    assert first != await run(8)
    # About half the requests, of several kinds.
    assert 10 <= len(first) <= 30
    assert len({kind for _, kind in first}) >= 4


async def test_reseeding_starts_over(api: Api, sim: ClickSendSimulator) -> None:
    """Giving the seed again replays the draws; other changes keep them going."""
    sim.set_random_faults(rate=0.5, kinds=["http500", "code"], seed=3)
    await _poll_many(api, 20)
    first = [kind for _, kind in _kinds(sim)]
    sim.fault_log.clear()
    sim.set_random_faults(seed=3)
    await _poll_many(api, 20)
    assert [kind for _, kind in _kinds(sim)] == first


async def test_code_is_in_the_2100_range(api: Api, sim: ClickSendSimulator) -> None:
    """A random code fault answers an internal-error result code."""
    sim.set_random_faults(rate=1.0, kinds=["code"], seed=5)
    codes = []
    for _ in range(5):
        reply = await api.call("balance.php", "POST")
        assert reply.find("errortext") == "Internal error"
        codes.append(reply.find("result"))
    assert all(2100 <= int(code) <= 2199 for code in codes)
    assert [r.code for r in sim.fault_log] == codes


async def test_delay_does_the_work_late(api: Api, sim: ClickSendSimulator) -> None:
    """A random delay lasts delay_seconds, then does the request's work."""
    sim.set_random_faults(rate=1.0, kinds=["delay"], delay_seconds=0.01, seed=1)
    reply = await api.send("POST", to="+61400000001", message="Hi")
    assert reply.messages()[0]["result"] == "0000"
    assert len(sim.sent) == 1
    assert [(r.kind, r.seconds) for r in sim.fault_log] == [("delay", 0.01)]


async def test_truncated_poll_loses_items_in_queue_mode(
    api: Api, sim: ClickSendSimulator
) -> None:
    """A cut-short reply.php answer still marks its replies as polled.

    ClickSend marks items read when it answers: the client cannot parse the
    answer, and the next poll no longer has them. The log names them.
    """
    item = sim.inject_reply("demo", from_number="+61400000001", message="Lost?")
    sim.set_random_faults(rate=1.0, kinds=["truncated"], seed=1)
    reply = await api.call("reply.php", "POST")
    assert reply.status == 200
    assert not reply.text.rstrip().endswith("</xml>")
    sim.clear_faults()
    assert (await api.call("reply.php", "POST")).items("*/reply") == []
    (record,) = sim.fault_log
    assert (record.endpoint, record.kind, record.handed_out) == (
        "reply.php",
        "truncated",
        [item.message_id],
    )


async def test_malformed_and_drop_do_no_work(api: Api, sim: ClickSendSimulator) -> None:
    """Faults that fail first leave replies waiting for the next poll."""
    sim.inject_reply("demo", from_number="+61400000001", message="Kept")
    sim.set_random_faults(rate=1.0, kinds=["malformed", "drop", "http500"], seed=2)
    await _poll_many(api, 6)
    assert {r.kind for r in sim.fault_log} == {"malformed", "drop", "http500"}
    assert all(r.handed_out == [] for r in sim.fault_log)
    sim.set_random_faults(rate=0.0)
    assert [r["message"] for r in (await api.call("reply.php")).items("*/reply")] == [
        "Kept"
    ]


async def test_queued_faults_come_first(api: Api, sim: ClickSendSimulator) -> None:
    """A queued fault is used before any random draw."""
    sim.set_random_faults(rate=1.0, kinds=["http500"], seed=1)
    sim.add_fault("json")
    assert (await api.call("balance.php", "POST")).content_type == "application/json"
    assert (await api.call("balance.php", "POST")).status == 500
    assert [(r.kind, r.source) for r in sim.fault_log] == [
        ("json", "queued"),
        ("http500", "random"),
    ]


async def test_clear_and_reset(socket_enabled: None) -> None:
    """clear_faults() stops random faults; reset() restores and reseeds them."""
    async with (
        ClickSendSimulator(
            fault_rate=0.5, fault_kinds=["http500", "code"], fault_seed=11
        ) as sim,
        aiohttp.ClientSession() as session,
    ):
        api = Api(session, sim)
        await _poll_many(api, 20)
        first = _kinds(sim)
        assert first
        sim.clear_faults()
        assert sim.random_faults.rate == 0.0
        await _poll_many(api, 5)
        assert _kinds(sim) == first
        sim.reset()
        assert sim.fault_log == []
        assert sim.random_faults == RandomFaults(
            rate=0.5, kinds=frozenset({"http500", "code"}), seed=11
        )
        await _poll_many(api, 20)
        assert _kinds(sim) == first


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rate": 1.5}, "probability"),
        ({"rate": -0.1}, "probability"),
        ({"kinds": []}, "at least one kind"),
        ({"kinds": ["explode"]}, "Unknown fault kinds"),
        ({"delay_seconds": -1.0}, "negative"),
    ],
)
def test_bad_random_faults(options: dict[str, object], message: str) -> None:
    """Settings that cannot be drawn from are refused, and nothing changes."""
    sim = ClickSendSimulator()
    with pytest.raises(ValueError, match=message):
        sim.set_random_faults(**options)  # type: ignore[arg-type]
    assert sim.random_faults == RandomFaults()


async def test_control_api(api: Api, sim: ClickSendSimulator) -> None:
    """POST /_sim/config sets random faults; /_sim/fault_log lists what hit."""
    status, config = await api.control(
        "POST",
        "config",
        {
            "fault_rate": 1,
            "fault_kinds": ["code"],
            "fault_seed": 9,
            "fault_delay_seconds": 2,
        },
    )
    assert status == 200
    assert config == {
        "mode": "queue",
        "push_url": None,
        "throttle_seconds": 5.0,
        "fault_rate": 1.0,
        "fault_kinds": ["code"],
        "fault_seed": 9,
        "fault_delay_seconds": 2.0,
    }
    reply = await api.call("reply.php", "POST")
    status, log = await api.control("GET", "fault_log")
    assert log == [
        {
            "request": 1,
            "endpoint": "reply.php",
            "kind": "code",
            "source": "random",
            "time": 1_700_000_000.0,
            "seconds": 0.0,
            "code": reply.find("result"),
            "handed_out": [],
        }
    ]
    # The seed can be dropped (unpredictable draws) and the rest kept.
    status, config = await api.control("POST", "config", {"fault_seed": None})
    assert (config["fault_seed"], config["fault_kinds"]) == (None, ["code"])
    # Clearing the faults stops them; the configuration no longer shows them.
    assert await api.control("DELETE", "faults") == (200, [])
    status, config = await api.control("GET", "config")
    assert config == {"mode": "queue", "push_url": None, "throttle_seconds": 5.0}
    assert (await api.call("reply.php", "POST")).status == 200


@pytest.mark.parametrize(
    "body",
    [
        {"fault_rate": 2},
        {"fault_rate": "often"},
        {"fault_kinds": "drop"},
        {"fault_kinds": ["drop", 5]},
        {"fault_kinds": ["explode"]},
        {"fault_seed": "seven"},
        {"fault_delay_seconds": -1},
    ],
)
async def test_control_api_rejects(
    api: Api, sim: ClickSendSimulator, body: dict[str, object]
) -> None:
    """Bad random-fault settings get 400 and change nothing, not even the mode."""
    status, reply = await api.control("POST", "config", {"mode": "inbox", **body})
    assert status == 400
    assert reply["error"]
    assert sim.random_faults == RandomFaults()
    assert sim.mode == "queue"


def test_cli_flags() -> None:
    """The command line sets random faults; bad values are refused."""
    args = parse_args([])
    assert (
        args.fault_rate,
        args.fault_kinds,
        args.fault_seed,
        args.fault_delay_seconds,
    ) == (0.0, RANDOM_FAULT_KINDS, None, DEFAULT_FAULT_DELAY_SECONDS)
    args = parse_args(
        [
            "--fault-rate",
            "0.3",
            "--fault-kinds",
            "drop, code",
            "--fault-seed",
            "4",
            "--fault-delay-seconds",
            "1.5",
        ]
    )
    assert (
        args.fault_rate,
        args.fault_kinds,
        args.fault_seed,
        args.fault_delay_seconds,
    ) == (0.3, {"drop", "code"}, 4, 1.5)
    for bad in (
        ["--fault-rate", "1.5"],
        ["--fault-kinds", "drop,explode"],
        ["--fault-kinds", ","],
        ["--fault-delay-seconds", "-1"],
    ):
        with pytest.raises(SystemExit):
            parse_args(bad)


async def test_banner_names_random_faults(sim: ClickSendSimulator) -> None:
    """The banner says when requests fault at random."""
    assert "Random faults" not in banner(sim)
    sim.set_random_faults(rate=0.25, kinds=["drop", "code"], seed=3)
    assert (
        "  Random faults: 0.25 of requests, drawn from code,drop; seed 3; delays 35 s"
    ) in banner(sim).splitlines()
