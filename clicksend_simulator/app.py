# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The simulator: an aiohttp server speaking ClickSend's HTTP API v2.

Tests drive it in-process through ClickSendSimulator's methods; scripts and
end-to-end tests drive the same state over JSON under /_sim/.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
import contextlib
import dataclasses
import json
import time
from typing import Any, Self, cast

import aiohttp
from aiohttp import web

from . import render
from .const import (
    API_PATH,
    CONTROL_PATH,
    DEFAULT_FAULT_DELAY_SECONDS,
    DEFAULT_THROTTLE_SECONDS,
    DEMO_USERNAME,
    ENDPOINTS,
    INTERNAL_ERROR,
    RANDOM_FAULT_KINDS,
    Mode,
)
from .state import (
    Account,
    ApiError,
    Fault,
    FaultRecord,
    InboundItem,
    RandomFaults,
    ReceiptItem,
    RecordedRequest,
    SentMessage,
    SimulatorState,
    new_message_id,
)

PUSH_TIMEOUT = aiohttp.ClientTimeout(total=10)
MODES: tuple[Mode, ...] = ("queue", "inbox")
XML_CONTENT_TYPE = "text/xml"
# Endpoints whose answers mark items as polled.
POLLED_ENDPOINTS = frozenset({"reply.php", "delivery.php"})
_UNSET: Any = object()

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclasses.dataclass(frozen=True, slots=True)
class PushRecord:
    """One push POSTed to the configured URL; status 0 if it never arrived."""

    kind: str
    url: str
    data: dict[str, str]
    status: int


# aiohttp's default is 1 MiB; 20,000 replies in JSON are about 1.3 MB.
MAX_REQUEST_BYTES = 32 * 1024 * 1024


class ClickSendSimulator:
    """A fake ClickSend on a real socket, with knobs for tests."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        throttle_seconds: float = DEFAULT_THROTTLE_SECONDS,
        mode: Mode = "queue",
        push_url: str | None = None,
        fault_rate: float = 0.0,
        fault_kinds: Iterable[str] = RANDOM_FAULT_KINDS,
        fault_seed: int | None = None,
        fault_delay_seconds: float = DEFAULT_FAULT_DELAY_SECONDS,
    ) -> None:
        """Prepare the state; nothing listens until start().

        With a fault_rate above 0, API requests fault at random: see
        set_random_faults().
        """
        self._state = SimulatorState(
            clock=clock, throttle_seconds=throttle_seconds, mode=mode
        )
        self._state.on_item = self._announce
        random_faults = RandomFaults(
            rate=fault_rate,
            kinds=frozenset(fault_kinds),
            seed=fault_seed,
            delay_seconds=fault_delay_seconds,
        )
        self._state.set_random_faults(random_faults, reseed=True)
        self._initial_config = (throttle_seconds, mode, push_url, random_faults)
        self.push_url = push_url
        # Answers without the layout's line breaks and indentation (see
        # render.compact): a big backlog then fits the client's size cap.
        self.compact_xml = False
        self.pushes: list[PushRecord] = []
        self._push_tasks: list[asyncio.Task[PushRecord]] = []
        self._push_lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._address: tuple[str, int] | None = None
        self._stopping = asyncio.Event()

    # Life cycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (port 0 picks a free one)."""
        if self._runner is not None:
            raise RuntimeError("The simulator is already running")
        self._stopping.clear()
        runner = web.AppRunner(self.make_app(), shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self._address = (str(bound_host), int(bound_port))

    async def stop(self) -> None:
        """Stop listening, abandon pushes in flight, end delayed answers."""
        self._stopping.set()
        tasks, self._push_tasks = self._push_tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._address = None

    async def __aenter__(self) -> Self:
        """Start on a free loopback port."""
        await self.start()
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        """Stop."""
        await self.stop()

    @property
    def address(self) -> tuple[str, int]:
        """The host and port listened on."""
        if self._address is None:
            raise RuntimeError("The simulator is not running")
        return self._address

    @property
    def root_url(self) -> str:
        """For example http://127.0.0.1:41234."""
        host, port = self.address
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """The API URL a client is configured with, ending in /http/v2/."""
        return f"{self.root_url}{API_PATH}"

    @property
    def control_url(self) -> str:
        """Where the JSON control API lives, ending in /_sim/."""
        return f"{self.root_url}{CONTROL_PATH}"

    # State, for in-process tests

    @property
    def clock(self) -> Callable[[], float]:
        """The time source for dates and throttling."""
        return self._state.clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self._state.clock = clock

    @property
    def throttle_seconds(self) -> float:
        """How long an identical message to the same number is refused."""
        return self._state.throttle_seconds

    @throttle_seconds.setter
    def throttle_seconds(self, seconds: float) -> None:
        self._state.throttle_seconds = seconds

    @property
    def mode(self) -> Mode:
        """How reply.php and delivery.php hand out items."""
        return self._state.mode

    @property
    def accounts(self) -> dict[str, Account]:
        """All accounts by username."""
        return self._state.accounts

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every API request received, oldest first."""
        return self._state.requests

    @property
    def sent(self) -> list[SentMessage]:
        """Every message accepted, one per recipient, oldest first."""
        return self._state.sent

    @property
    def replies(self) -> list[InboundItem]:
        """Every reply injected, oldest first."""
        return self._state.replies

    @property
    def receipts(self) -> list[ReceiptItem]:
        """Every delivery report, made or injected, oldest first."""
        return self._state.receipts

    @property
    def faults(self) -> list[Fault]:
        """Faults still waiting for requests."""
        return self._state.faults

    @property
    def random_faults(self) -> RandomFaults:
        """How requests fault at random (a rate of 0: never)."""
        return self._state.random_faults

    @property
    def fault_log(self) -> list[FaultRecord]:
        """Every fault that hit a request, queued or random, oldest first."""
        return self._state.fault_log

    def add_account(
        self,
        username: str,
        key: str,
        *,
        balance: float = 25.0,
        account_type: str = "Prepay",
        currency_symbol: str = "$",
        currency: str = "USD",
        active: bool = True,
        banned: bool = False,
        parent: str = "",
    ) -> Account:
        """Add an account, or replace the one with this username.

        With a parent, a subaccount: its items show in the parent's polls.
        """
        return self._state.add_account(
            Account(
                username=username,
                key=key,
                balance=balance,
                account_type=account_type,
                currency_symbol=currency_symbol,
                currency=currency,
                active=active,
                banned=banned,
                parent=parent,
            )
        )

    def set_balance(self, username: str, balance: float) -> None:
        """Set an account's credit; KeyError if there is no such account."""
        self._state.account(username).balance = balance

    def inject_reply(
        self,
        username: str,
        *,
        from_number: str,
        message: str,
        original_message: str = "",
        original_message_id: str = "",
        original_sender_id: str = "",
        custom_string: str = "",
    ) -> InboundItem:
        """Receive an SMS reply for an account (and push it, if configured).

        Fields left empty are filled from the sent message named by
        original_message_id, as ClickSend would know them.
        """
        self._state.account(username)
        original = self._state.find_sent(original_message_id)
        if original is not None:
            original_message = original_message or original.message
            original_sender_id = original_sender_id or original.sender_id
            custom_string = custom_string or original.custom_string
        return self._state.add_reply(
            InboundItem(
                username=username,
                from_number=from_number,
                message=message,
                original_message=original_message,
                original_message_id=original_message_id,
                original_sender_id=original_sender_id,
                custom_string=custom_string,
                message_id=new_message_id(),
                date=self._state.now(),
            )
        )

    def inject_receipt(
        self,
        username: str,
        *,
        message_id: str,
        status: str = "Delivered",
        status_code: int = 201,
        custom_string: str = "",
    ) -> ReceiptItem:
        """Receive a delivery report for an account (and push it, if configured).

        An empty custom string is filled from the sent message, if known.
        """
        self._state.account(username)
        original = self._state.find_sent(message_id)
        if original is not None:
            custom_string = custom_string or original.custom_string
        return self._state.add_receipt(
            ReceiptItem(
                username=username,
                message_id=message_id,
                status=status,
                status_code=status_code,
                custom_string=custom_string,
                date=self._state.now(),
            )
        )

    def set_mode(self, mode: Mode) -> None:
        """Choose queue (each item once) or inbox (everything, every poll)."""
        if mode not in MODES:
            raise ValueError(f"Unknown mode {mode!r}; use queue or inbox")
        self._state.mode = mode

    def set_push_url(self, url: str | None) -> None:
        """POST new replies and receipts to this URL (None: poll only)."""
        self.push_url = url or None

    def add_fault(
        self,
        kind: str,
        *,
        count: int = 1,
        endpoint: str | None = None,
        seconds: float = 0.0,
        code: str = INTERNAL_ERROR[0],
        error_text: str = INTERNAL_ERROR[1],
    ) -> None:
        """Misbehave on the next `count` requests (to one endpoint, or any)."""
        self._state.add_fault(
            Fault(
                kind=kind,
                remaining=count,
                endpoint=endpoint,
                seconds=seconds,
                code=code,
                error_text=error_text,
            )
        )

    def set_random_faults(
        self,
        *,
        rate: float | None = None,
        kinds: Iterable[str] | None = None,
        seed: int | None = _UNSET,
        delay_seconds: float | None = None,
    ) -> RandomFaults:
        """Make each API request fault with probability `rate`.

        The kind is drawn evenly from `kinds` (any of FAULT_KINDS; by default
        delay, http500, malformed, truncated, drop and code). A "delay" lasts
        `delay_seconds` (by default 35 s, past the integration's 30 s
        timeout) before the request's work is done and answered; a "code"
        answers a code drawn from 2100-2199. Queued faults (add_fault) come
        first. Giving a seed (None: unpredictable) starts the draws over, so
        the same requests meet the same faults. What is not given is kept.
        """
        faults = self._random_faults(rate, kinds, seed, delay_seconds)
        self._state.set_random_faults(faults, reseed=seed is not _UNSET)
        return faults

    def _random_faults(
        self,
        rate: float | None,
        kinds: Iterable[str] | None,
        seed: int | None,
        delay_seconds: float | None,
    ) -> RandomFaults:
        """Validate new settings, keeping what is not given."""
        current = self._state.random_faults
        return RandomFaults(
            rate=current.rate if rate is None else rate,
            kinds=current.kinds if kinds is None else frozenset(kinds),
            seed=current.seed if seed is _UNSET else seed,
            delay_seconds=(
                current.delay_seconds if delay_seconds is None else delay_seconds
            ),
        )

    def clear_faults(self) -> None:
        """Behave again: drop queued faults and stop random ones (rate 0)."""
        self._state.faults.clear()
        self.set_random_faults(rate=0.0)

    def reset(self) -> None:
        """Back to the start: default accounts, no traffic, initial config."""
        self._state.clear()
        throttle_seconds, mode, push_url, random_faults = self._initial_config
        self._state.throttle_seconds = throttle_seconds
        self._state.mode = mode
        self._state.set_random_faults(random_faults, reseed=True)
        self.push_url = push_url
        self.compact_xml = False
        self.pushes = []

    # Pushes

    def _announce(self, item: InboundItem | ReceiptItem) -> None:
        if self.push_url is None:
            return
        kind = "reply" if isinstance(item, InboundItem) else "receipt"
        task = asyncio.get_running_loop().create_task(
            self._push(kind, self.push_url, item.push_fields())
        )
        self._push_tasks.append(task)

    async def _push(self, kind: str, url: str, data: dict[str, str]) -> PushRecord:
        # One at a time, so pushes arrive in the order they happened.
        async with self._push_lock:
            if self._session is None:
                self._session = aiohttp.ClientSession(timeout=PUSH_TIMEOUT)
            try:
                async with self._session.post(url, data=data) as response:
                    await response.read()
                    status = response.status
            except aiohttp.ClientError, TimeoutError:
                status = 0
        record = PushRecord(kind=kind, url=url, data=data, status=status)
        self.pushes.append(record)
        return record

    async def wait_for_pushes(self) -> list[int]:
        """Await every push not yet awaited; their HTTP statuses, in order."""
        statuses: list[int] = []
        while self._push_tasks:
            tasks, self._push_tasks = self._push_tasks, []
            statuses.extend(record.status for record in await asyncio.gather(*tasks))
        return statuses

    # HTTP

    def make_app(self) -> web.Application:
        """Build the aiohttp application serving the API and the control API."""
        # Room for a backlog seeded in one control request (replies/bulk).
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        for endpoint in ENDPOINTS:
            path = f"{API_PATH}{endpoint}"
            app.router.add_get(path, self._handle_api, allow_head=False)
            app.router.add_post(path, self._handle_api)
        control: list[tuple[str, str, Handler]] = [
            ("GET", "accounts", self._get_accounts),
            ("POST", "accounts", self._post_accounts),
            ("POST", "balance", self._post_balance),
            ("GET", "replies", self._get_replies),
            ("POST", "replies", self._post_replies),
            ("POST", "replies/bulk", self._post_replies_bulk),
            ("GET", "receipts", self._get_receipts),
            ("POST", "receipts", self._post_receipts),
            ("GET", "faults", self._get_faults),
            ("POST", "faults", self._post_faults),
            ("DELETE", "faults", self._delete_faults),
            ("GET", "fault_log", self._get_fault_log),
            ("GET", "config", self._get_config),
            ("POST", "config", self._post_config),
            ("GET", "requests", self._get_requests),
            ("GET", "sent", self._get_sent),
            ("GET", "pushes", self._get_pushes),
            ("POST", "reset", self._post_reset),
        ]
        for method, name, handler in control:
            app.router.add_route(method, f"{CONTROL_PATH}{name}", _json_errors(handler))
        return app

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        endpoint = request.path.rsplit("/", 1)[-1]
        form: dict[str, str] = {}
        if request.method == "POST":
            form = {
                k: v for k, v in (await request.post()).items() if isinstance(v, str)
            }
        params = self._state.record(
            endpoint, request.method, dict(request.query.items()), form
        )
        source = "queued"
        if (fault := self._state.take_fault(endpoint)) is None:
            source = "random"
            fault = self._state.draw_fault(endpoint)
        if fault is None:
            return _xml(self._answer(endpoint, params))
        record = self._state.log_fault(endpoint, fault, source)
        return await self._misbehave(fault, request, endpoint, params, record)

    async def _misbehave(
        self,
        fault: Fault,
        request: web.Request,
        endpoint: str,
        params: dict[str, str],
        record: FaultRecord,
    ) -> web.StreamResponse:
        # Only delay and truncated do the request's work; the rest fail first.
        match fault.kind:
            case "delay":
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), fault.seconds)
                return _xml(self._answer_recorded(endpoint, params, record))
            case "http500":
                return web.Response(
                    status=500, text=render.HTML_500, content_type="text/html"
                )
            case "html":
                return web.Response(text=render.HTML_PAGE, content_type="text/html")
            case "json":
                return web.Response(
                    text=render.JSON_BODY, content_type="application/json"
                )
            case "malformed":
                return _xml(render.MALFORMED)
            case "truncated":
                # ClickSend did the work; only the answer was cut short.
                text = self._answer_recorded(endpoint, params, record)
                return _xml(text[: len(text) // 2])
            case "drop":
                if request.transport is not None:
                    request.transport.close()
                return web.Response()
            case _:  # "code"
                return _xml(_error(endpoint, fault.code, fault.error_text))

    def _answer_recorded(
        self, endpoint: str, params: dict[str, str], record: FaultRecord
    ) -> str:
        """Answer, noting in the fault's record which items were handed out."""
        self._state.last_handed_out = []
        text = self._answer(endpoint, params)
        if endpoint in POLLED_ENDPOINTS:
            record.handed_out = list(self._state.last_handed_out)
        return text

    def _answer(self, endpoint: str, params: dict[str, str]) -> str:
        text = self._render(endpoint, params)
        return render.compact(text) if self.compact_xml else text

    def _render(self, endpoint: str, params: dict[str, str]) -> str:
        try:
            account = self._state.authenticate(params)
            match endpoint:
                case "balance.php":
                    return render.balance(account)
                case "send.php":
                    return render.send(account, self._state.send(account, params))
                case "reply.php":
                    return render.replies(self._state.poll_replies(account))
                case "delivery.php":
                    return render.receipts(self._state.poll_receipts(account))
                case _:  # "history.php"
                    return render.history(
                        self._state.history(account, params.get("from_email", ""))
                    )
        except ApiError as err:
            return _error(endpoint, err.code, err.error_text)

    # Control API handlers: JSON in, JSON out.

    async def _get_accounts(self, _request: web.Request) -> web.Response:
        return _json([_to_json(a) for a in self.accounts.values()])

    async def _post_accounts(self, request: web.Request) -> web.Response:
        body = await _body(request)
        account = self.add_account(
            _get(body, "username", str),
            _get(body, "key", str),
            balance=_get(body, "balance", float, default=25.0),
            account_type=_get(body, "account_type", str, default="Prepay"),
            currency_symbol=_get(body, "currency_symbol", str, default="$"),
            currency=_get(body, "currency", str, default="USD"),
            active=_get(body, "active", bool, default=True),
            banned=_get(body, "banned", bool, default=False),
            parent=_get(body, "parent", str, default=""),
        )
        return _json(_to_json(account))

    async def _post_balance(self, request: web.Request) -> web.Response:
        body = await _body(request)
        username = _get(body, "username", str, default=DEMO_USERNAME)
        self.set_balance(username, _get(body, "balance", float))
        return _json(_to_json(self._state.account(username)))

    async def _get_replies(self, _request: web.Request) -> web.Response:
        return _json([_to_json(r) for r in self.replies])

    async def _post_replies(self, request: web.Request) -> web.Response:
        return _json(_to_json(self._inject_reply(await _body(request))))

    async def _post_replies_bulk(self, request: web.Request) -> web.Response:
        """Inject many replies in one request: {"replies": [reply, ...]}.

        Each is what POST replies takes; all are checked before any is
        injected. Answers how many, not the items (a backlog is large).
        """
        replies = _get(await _body(request), "replies", list)
        if not all(isinstance(body, dict) for body in replies):
            raise TypeError("'replies' must be a list of objects")
        for body in replies:
            self._state.account(self._reply_fields(body)["username"])
        for body in replies:
            self._inject_reply(body)
        return _json({"count": len(replies)})

    @staticmethod
    def _reply_fields(body: dict[str, Any]) -> dict[str, Any]:
        from_number = body.get("from_number", body.get("from"))
        if not isinstance(from_number, str):
            raise TypeError("'from_number' must be a string")
        return {
            "username": _get(body, "username", str, default=DEMO_USERNAME),
            "from_number": from_number,
            "message": _get(body, "message", str),
            "original_message": _get(body, "original_message", str, default=""),
            "original_message_id": _get(body, "original_message_id", str, default=""),
            "original_sender_id": _get(body, "original_sender_id", str, default=""),
            "custom_string": _get(body, "custom_string", str, default=""),
        }

    def _inject_reply(self, body: dict[str, Any]) -> InboundItem:
        fields = self._reply_fields(body)
        return self.inject_reply(fields.pop("username"), **fields)

    async def _get_receipts(self, _request: web.Request) -> web.Response:
        return _json([_to_json(r) for r in self.receipts])

    async def _post_receipts(self, request: web.Request) -> web.Response:
        body = await _body(request)
        item = self.inject_receipt(
            _get(body, "username", str, default=DEMO_USERNAME),
            message_id=_get(body, "message_id", str),
            status=_get(body, "status", str, default="Delivered"),
            status_code=_get(body, "status_code", int, default=201),
            custom_string=_get(body, "custom_string", str, default=""),
        )
        return _json(_to_json(item))

    async def _get_faults(self, _request: web.Request) -> web.Response:
        return _json([_to_json(f) for f in self.faults])

    async def _post_faults(self, request: web.Request) -> web.Response:
        body = await _body(request)
        endpoint = body.get("endpoint")
        if endpoint is not None and not isinstance(endpoint, str):
            raise TypeError("'endpoint' must be a string or null")
        self.add_fault(
            _get(body, "kind", str),
            count=_get(body, "count", int, default=1),
            endpoint=endpoint,
            seconds=_get(body, "seconds", float, default=0.0),
            code=_get(body, "code", str, default=INTERNAL_ERROR[0]),
            error_text=_get(body, "error_text", str, default=INTERNAL_ERROR[1]),
        )
        return _json([_to_json(f) for f in self.faults])

    async def _delete_faults(self, _request: web.Request) -> web.Response:
        self.clear_faults()
        return _json([])

    async def _get_fault_log(self, _request: web.Request) -> web.Response:
        return _json([_to_json(record) for record in self.fault_log])

    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "mode": self.mode,
            "push_url": self.push_url,
            "throttle_seconds": self.throttle_seconds,
        }
        if self.compact_xml:
            config["compact_xml"] = True
        # Shown while random faults are on (the keys POST /_sim/config takes).
        if (faults := self.random_faults).rate > 0:
            config |= {
                "fault_rate": faults.rate,
                "fault_kinds": sorted(faults.kinds),
                "fault_seed": faults.seed,
                "fault_delay_seconds": faults.delay_seconds,
            }
        return config

    async def _get_config(self, _request: web.Request) -> web.Response:
        return _json(self._config())

    async def _post_config(self, request: web.Request) -> web.Response:
        body = await _body(request)
        # Checked before anything changes; applied last.
        random_faults = self._read_random_faults(body)
        if "mode" in body:
            mode = _get(body, "mode", str)
            if mode not in MODES:
                raise ValueError(f"Unknown mode {mode!r}; use queue or inbox")
            self.set_mode(mode)
        if "push_url" in body:
            push_url = body["push_url"]
            if push_url is not None and not isinstance(push_url, str):
                raise TypeError("'push_url' must be a string or null")
            self.set_push_url(push_url)
        if "throttle_seconds" in body:
            self.throttle_seconds = _get(body, "throttle_seconds", float)
        if "compact_xml" in body:
            self.compact_xml = _get(body, "compact_xml", bool)
        if random_faults is not None:
            faults, reseed = random_faults
            self._state.set_random_faults(faults, reseed=reseed)
        return _json(self._config())

    def _read_random_faults(
        self, body: dict[str, Any]
    ) -> tuple[RandomFaults, bool] | None:
        """Read the fault_* keys: the settings, and whether to reseed."""
        if not any(key.startswith("fault_") for key in body):
            return None
        kinds: list[str] | None = None
        if "fault_kinds" in body:
            kinds = _get(body, "fault_kinds", list)
            if not all(isinstance(kind, str) for kind in kinds):
                raise TypeError("'fault_kinds' must be a list of strings")
        seed = body.get("fault_seed", _UNSET)
        if seed is not _UNSET and seed is not None:
            seed = _get(body, "fault_seed", int)
        faults = self._random_faults(
            _get(body, "fault_rate", float, default=None),
            kinds,
            seed,
            _get(body, "fault_delay_seconds", float, default=None),
        )
        return faults, seed is not _UNSET

    async def _get_requests(self, _request: web.Request) -> web.Response:
        return _json([_to_json(r) for r in self.requests])

    async def _get_sent(self, _request: web.Request) -> web.Response:
        return _json([_to_json(s) for s in self.sent])

    async def _get_pushes(self, _request: web.Request) -> web.Response:
        await self.wait_for_pushes()
        return _json([_to_json(p) for p in self.pushes])

    async def _post_reset(self, _request: web.Request) -> web.Response:
        self.reset()
        return _json(self._config())


def _error(endpoint: str, code: str, error_text: str) -> str:
    if endpoint == "history.php":
        return render.history_error(code, error_text)
    return render.error(code, error_text)


def _xml(text: str) -> web.Response:
    return web.Response(text=text, content_type=XML_CONTENT_TYPE, charset="utf-8")


def _json(data: object) -> web.Response:
    return web.json_response(data)


def _to_json(item: object) -> dict[str, Any]:
    data = dataclasses.asdict(cast("Any", item))
    data.pop("seq", None)
    return data


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except json.JSONDecodeError as err:
        raise ValueError(f"The body is not JSON: {err}") from None
    if not isinstance(body, dict):
        raise TypeError("The body must be a JSON object")
    return cast("dict[str, Any]", body)


_MISSING = object()


def _get[T](
    body: dict[str, Any], name: str, kind: type[T], *, default: Any = _MISSING
) -> T:
    """Read one typed field of a control request."""
    if name not in body:
        if default is _MISSING:
            raise ValueError(f"{name!r} is required")
        return cast("T", default)
    value = body[name]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise TypeError(f"{name!r} must be of type {kind.__name__}")
    return value


def _json_errors(handler: Handler) -> Handler:
    """Bad control requests get 400/404 with a JSON reason, not a traceback."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except KeyError as err:
            return web.json_response({"error": str(err.args[0])}, status=404)
        except (TypeError, ValueError) as err:
            return web.json_response({"error": str(err)}, status=400)

    return wrapped
