# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The control surfaces: JSON under /_sim/, the Python API, fixture and CLI."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING

import aiohttp
import pytest

from clicksend_simulator import (
    DEMO_KEY,
    DEMO_USERNAME,
    TEST_ACCOUNT_KEY,
    TEST_NUMBERS,
    ClickSendSimulator,
)
from clicksend_simulator.__main__ import banner, parse_args, serve

if TYPE_CHECKING:
    from .conftest import Api


async def test_control_accounts_and_balance(api: Api) -> None:
    """Accounts and balances can be set over HTTP."""
    status, body = await api.control(
        "POST", "accounts", {"username": "acme", "key": "K1", "balance": 3}
    )
    assert status == 200
    assert body == {
        "username": "acme",
        "key": "K1",
        "balance": 3.0,
        "account_type": "Prepay",
        "currency_symbol": "$",
        "currency": "USD",
        "active": True,
        "banned": False,
        "parent": "",
    }
    assert (await api.call("balance.php", username="acme", key="K1")).find(
        "balance"
    ) == "3.00"
    status, body = await api.control(
        "POST", "balance", {"username": "acme", "balance": 1.5}
    )
    assert (status, body["balance"]) == (200, 1.5)
    status, accounts = await api.control("GET", "accounts")
    assert [a["username"] for a in accounts] == [
        "demo",
        "nocredit",
        "notactive",
        "banned",
        "acme",
    ]
    status, body = await api.control(
        "POST", "balance", {"username": "ghost", "balance": 1}
    )
    assert status == 404
    assert "ghost" in body["error"]


async def test_control_replies_receipts_config(
    api: Api, sim: ClickSendSimulator
) -> None:
    """Replies, receipts and configuration can be set over HTTP."""
    status, item = await api.control(
        "POST",
        "replies",
        {"from": "+61400000001", "message": "Hi", "custom_string": "c"},
    )
    assert status == 200
    assert (item["username"], item["from_number"], item["custom_string"]) == (
        "demo",
        "+61400000001",
        "c",
    )
    assert len(item["message_id"]) == 36
    status, item = await api.control(
        "POST",
        "receipts",
        {"message_id": "M1", "status": "Undelivered", "status_code": 301},
    )
    assert (status, item["status_code"]) == (200, 301)
    status, config = await api.control(
        "POST",
        "config",
        {"mode": "inbox", "push_url": "http://127.0.0.1:9/x", "throttle_seconds": 0},
    )
    assert config == {
        "mode": "inbox",
        "push_url": "http://127.0.0.1:9/x",
        "throttle_seconds": 0.0,
    }
    assert (sim.mode, sim.push_url, sim.throttle_seconds) == (
        "inbox",
        "http://127.0.0.1:9/x",
        0.0,
    )
    await api.control("POST", "config", {"push_url": None})
    for _ in range(2):
        assert len((await api.call("reply.php")).items("*/reply")) == 1
    assert [d["status"] for d in (await api.call("delivery.php")).items("*/dlr")] == [
        "Undelivered"
    ]
    status, replies = await api.control("GET", "replies")
    assert [r["message"] for r in replies] == ["Hi"]
    status, receipts = await api.control("GET", "receipts")
    assert [r["message_id"] for r in receipts] == ["M1"]
    assert (await api.control("GET", "config"))[1]["mode"] == "inbox"


async def test_control_replies_in_bulk(api: Api, sim: ClickSendSimulator) -> None:
    """A backlog is injected in one request; a bad item injects none."""
    status, body = await api.control(
        "POST",
        "replies/bulk",
        {
            "replies": [
                {"from": f"+6140000000{n}", "message": f"Backlog {n}"} for n in range(3)
            ]
        },
    )
    assert (status, body) == (200, {"count": 3})
    assert [r.message for r in sim.replies] == ["Backlog 0", "Backlog 1", "Backlog 2"]
    # Without the layout, the same answer in fewer bytes.
    status, config = await api.control("POST", "config", {"compact_xml": True})
    assert config["compact_xml"] is True
    await api.control("POST", "config", {"mode": "inbox"})
    compact = await api.call("reply.php")
    assert "\n" not in compact.text.strip()
    await api.control("POST", "config", {"compact_xml": False})
    indented = await api.call("reply.php")
    assert len(compact.text) < len(indented.text)
    assert compact.items("*/reply") == indented.items("*/reply")
    assert [r["message"] for r in compact.items("*/reply")] == [
        "Backlog 0",
        "Backlog 1",
        "Backlog 2",
    ]
    assert "compact_xml" not in (await api.control("GET", "config"))[1]
    for bad in (
        {"replies": "many"},
        {"replies": [{"from": "+61400000001", "message": "ok"}, ["no"]]},
        {"replies": [{"from": "+61400000001", "message": "ok"}, {"from": 1}]},
    ):
        status, body = await api.control("POST", "replies/bulk", bad)
        assert status == 400
        assert body["error"]
    status, body = await api.control(
        "POST",
        "replies/bulk",
        {
            "replies": [
                {"from": "+61400000001", "message": "ok"},
                {"username": "ghost", "from": "+61400000001", "message": "x"},
            ]
        },
    )
    assert status == 404
    assert len(sim.replies) == 3


async def test_control_faults(api: Api) -> None:
    """Faults can be added, listed and cleared over HTTP."""
    status, faults = await api.control(
        "POST", "faults", {"kind": "code", "count": 2, "endpoint": "balance.php"}
    )
    assert status == 200
    assert faults == [
        {
            "kind": "code",
            "remaining": 2,
            "endpoint": "balance.php",
            "seconds": 0.0,
            "code": "2101",
            "error_text": "Internal error",
        }
    ]
    assert (await api.call("balance.php")).find("result") == "2101"
    assert (await api.control("GET", "faults"))[1][0]["remaining"] == 1
    assert await api.control("DELETE", "faults") == (200, [])
    assert (await api.call("balance.php")).find("result") == "0000"
    status, body = await api.control("POST", "faults", {"kind": "teleport"})
    assert status == 400
    assert "teleport" in body["error"]


async def test_control_requests_sent_reset(api: Api, sim: ClickSendSimulator) -> None:
    """The request log and sent messages are readable; reset starts over."""
    await api.send(to="+61411111111", message="Hi", customstring="x")
    status, requests = await api.control("GET", "requests")
    assert status == 200
    assert requests == [
        {
            "endpoint": "send.php",
            "method": "POST",
            "query": {},
            "form": {
                "username": DEMO_USERNAME,
                "key": DEMO_KEY,
                "to": "+61411111111",
                "message": "Hi",
                "customstring": "x",
            },
            "params": {
                "username": DEMO_USERNAME,
                "key": DEMO_KEY,
                "to": "+61411111111",
                "message": "Hi",
                "customstring": "x",
            },
            "time": 1_700_000_000.0,
        }
    ]
    status, sent = await api.control("GET", "sent")
    assert [(s["to"], s["price"], s["parts"], s["encoding"]) for s in sent] == [
        ("+61411111111", 0.0, 1, "GSM-7")
    ]
    sim.add_account("acme", "K")
    sim.set_balance("demo", 1)
    await api.control(
        "POST",
        "config",
        {"mode": "inbox", "throttle_seconds": 1, "compact_xml": True},
    )
    sim.add_fault("html")
    status, config = await api.control("POST", "reset")
    assert config == {"mode": "queue", "push_url": None, "throttle_seconds": 5.0}
    assert sim.requests == []
    assert sim.sent == []
    assert sim.faults == []
    assert "acme" not in sim.accounts
    assert sim.accounts["demo"].balance == 25.0
    assert (await api.control("GET", "pushes")) == (200, [])


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("accounts", {"username": "x"}, 400),
        ("accounts", {"username": "x", "key": "k", "balance": "lots"}, 400),
        ("accounts", {"username": "x", "key": "k", "active": 1}, 400),
        ("accounts", ["not", "an", "object"], 400),
        ("replies", {"message": "no sender"}, 400),
        ("replies", {"username": "ghost", "from": "+61400000001", "message": "x"}, 404),
        ("receipts", {"message_id": 5}, 400),
        ("faults", {"kind": "delay", "endpoint": 7}, 400),
        ("config", {"mode": "stack"}, 400),
        ("config", {"push_url": 5}, 400),
        ("config", {"compact_xml": "yes"}, 400),
        ("balance", {}, 400),
    ],
)
async def test_control_rejects_bad_input(
    api: Api, name: str, body: object, status: int
) -> None:
    """Bad control requests get a JSON reason, not a traceback."""
    got, reply = await api.control("POST", name, body)
    assert got == status
    assert reply["error"]


async def test_control_rejects_non_json(api: Api, sim: ClickSendSimulator) -> None:
    """A body that is not JSON is refused."""
    async with api.session.post(
        f"{sim.control_url}accounts", data="{nope", headers={"Content-Type": "x"}
    ) as response:
        assert response.status == 400
    async with api.session.post(f"{sim.control_url}balance") as response:
        assert response.status == 400  # no body: balance is required


async def test_python_api_errors(sim: ClickSendSimulator) -> None:
    """Unknown accounts and double starts are refused."""
    with pytest.raises(KeyError, match="ghost"):
        sim.set_balance("ghost", 1)
    with pytest.raises(RuntimeError, match="already running"):
        await sim.start()


def test_urls_need_a_running_simulator() -> None:
    """A simulator that is not listening has no URL."""
    sim = ClickSendSimulator()
    with pytest.raises(RuntimeError, match="not running"):
        _ = sim.base_url


def test_constants() -> None:
    """The package exports the documented credentials and numbers."""
    assert DEMO_USERNAME == "demo"
    assert DEMO_KEY == "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
    assert TEST_ACCOUNT_KEY == "D83DED51-9E35-4D42-9BB9-0E34B7CA85AE"
    assert len(TEST_NUMBERS) == 8


async def test_pytest_fixture(
    clicksend_simulator: ClickSendSimulator, session: aiohttp.ClientSession
) -> None:
    """The plugin's fixture serves on a free loopback port."""
    host, port = clicksend_simulator.address
    assert host == "127.0.0.1"
    assert clicksend_simulator.base_url == f"http://127.0.0.1:{port}/http/v2/"
    assert clicksend_simulator.control_url == f"http://127.0.0.1:{port}/_sim/"
    async with session.get(
        f"{clicksend_simulator.base_url}balance.php",
        params={"username": DEMO_USERNAME, "key": DEMO_KEY},
    ) as response:
        assert "<balance>25.00</balance>" in await response.text()


def test_cli_arguments() -> None:
    """The command line has sensible defaults."""
    args = parse_args([])
    assert (args.host, args.port, args.mode, args.push_url) == (
        "127.0.0.1",
        8124,
        "queue",
        None,
    )
    args = parse_args(
        ["--port", "0", "--mode", "inbox", "--push-url", "http://h/x", "--quiet"]
    )
    assert (args.port, args.mode, args.push_url, args.quiet) == (
        0,
        "inbox",
        "http://h/x",
        True,
    )


async def test_cli_serve_in_process(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """serve() prints what to configure and stops when told."""
    stop = asyncio.Event()
    ready: list[ClickSendSimulator] = []
    args = parse_args(["--port", "0", "--mode", "inbox", "--throttle-seconds", "0"])
    task = asyncio.create_task(
        serve(args, stop=stop, on_ready=ready.append, handle_signals=False)
    )
    while not ready and not task.done():
        await asyncio.sleep(0)
    (sim,) = ready
    assert (sim.mode, sim.throttle_seconds) == ("inbox", 0.0)
    expected_banner = banner(sim)
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{sim.base_url}balance.php",
            params={"username": DEMO_USERNAME, "key": DEMO_KEY},
        ) as response,
    ):
        assert "<result>0000</result>" in await response.text()
    stop.set()
    await task
    out = capsys.readouterr().out
    assert out == f"{expected_banner}\nClickSend simulator stopped.\n"
    assert "Username:     demo" in out
    assert f"API key:      {DEMO_KEY}" in out
    assert "Mode: inbox; push URL: none" in out


async def test_cli_subprocess(socket_enabled: None) -> None:
    """Running the module serves until interrupted."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "clicksend_simulator",
        "--port",
        "0",
        "--quiet",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        lines: list[str] = []
        while not lines or lines[-1] != "Press Ctrl+C to stop.":
            line = await asyncio.wait_for(process.stdout.readline(), 20)
            assert line, f"the simulator exited: {lines}"
            lines.append(line.decode().strip())
        url = next(line.split()[-1] for line in lines if line.startswith("API URL:"))
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/http/v2/")
        assert f"Username:     {DEMO_USERNAME}" in lines
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{url}balance.php", data={"username": "demo", "key": DEMO_KEY}
            ) as response,
        ):
            assert "<balance>25.00</balance>" in await response.text()
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 20) == 0
        rest = await process.stdout.read()
        assert b"ClickSend simulator stopped." in rest
    finally:
        if process.returncode is None:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
