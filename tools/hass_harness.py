"""A real Home Assistant and the ClickSend simulator as child processes.

Shared by the end-to-end tests (tests/e2e), the browser test (tests/browser)
and the fault soak (scripts/soak): they start the simulator
(`python -m clicksend_simulator`) and a real Home Assistant
(`python -m homeassistant --config DIR`, with `--skip-pip` unless a test wants
Home Assistant to install requirements as for a user) on free 127.0.0.1
ports, then act only as a user's client does, over Home Assistant's REST and
WebSocket APIs and the simulator's control API. The Home Assistant may be
another venv's ($CLICKSEND_SMS_HASS_PYTHON): scripts/test runs the end-to-end
and browser tests again with the newest release.

Each child runs in a process group of its own: it is stopped with SIGTERM
(Home Assistant's graceful stop) and, if it does not exit in time, killed with
its whole group. Children also die with the process that started them (Linux
PR_SET_PDEATHSIG), so not even a killed test run leaves Home Assistant behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import contextlib
import ctypes
import json
import os
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Final, Self

import aiohttp

REPO_DIR: Final = Path(__file__).resolve().parent.parent
LOCALHOST: Final = "127.0.0.1"

OWNER_NAME: Final = "Owner"
OWNER_USERNAME: Final = "owner"
OWNER_PASSWORD: Final = "e2e-owner-password"  # noqa: S105 - a throw-away instance

EVENT_RECEIVED: Final = "clicksend_sms_received"
EVENT_DELIVERY_REPORT: Final = "clicksend_sms_delivery_report"

# Integrations the tests and the soak use, on top of what Home Assistant
# always loads. No default_config: nothing that would need other packages.
BASE_CONFIGURATION: Final = """\
homeassistant:
  name: ClickSend E2E
  latitude: -33.87
  longitude: 151.21
  elevation: 0
  unit_system: metric
  time_zone: UTC
  currency: AUD
  country: AU
  internal_url: "http://{host}:{port}"
  # Where ClickSend's push reaches Home Assistant (the simulator, here).
  external_url: "http://{host}:{port}"
# No http: block: Home Assistant 2026.10 takes one as a new HTTP configuration
# to confirm (a dialog and a repair); write_http_settings() stores the address.
api:
config:
diagnostics:
onboarding:
websocket_api:
logger:
  default: warning
  logs:
    custom_components.clicksend_sms: debug
"""

# The Python of the venv whose Home Assistant the tests start (default: ours).
HASS_PYTHON_VARIABLE: Final = "CLICKSEND_SMS_HASS_PYTHON"

# What Home Assistant logs when our code uses something deprecated or misuses
# an API (helpers/frame.py's report_usage, helpers/deprecation.py): each one
# breaks in a coming release, so the tests fail on any (tests/conftest.py for
# the in-process tests, deprecation_reports() for a real Home Assistant's log).
DEPRECATION_REPORT: Final = re.compile(
    r"Detected that custom integration 'clicksend_sms'"
    r"|deprecated \S+ \S+ was \w+ from clicksend_sms"
)

_PR_SET_PDEATHSIG: Final = 1
# A child is measured by no test run's coverage: the gate's 100 % must come
# from the unit tests alone.
_COVERAGE_VARIABLES: Final = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")
_REQUEST_TIMEOUT: Final = aiohttp.ClientTimeout(total=60)


class HarnessError(RuntimeError):
    """A child process or an API did not behave as the harness needs."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


async def wait_until[T](
    check: Callable[[], Awaitable[T | None]],
    *,
    timeout: float,
    what: str,
    interval: float = 0.1,
) -> T:
    """Retry `check` every `interval` s until it returns a truthy value; return it.

    An AssertionError, OSError or aiohttp.ClientError from `check` counts as
    "not yet"; at the deadline the last one is raised as the cause.
    """
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            if result := await check():
                return result
        except (AssertionError, OSError, aiohttp.ClientError, HarnessError) as err:
            last_error = err
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Timed out after {timeout:g} s: {what}") from last_error
        await asyncio.sleep(interval)


def _die_with_parent() -> None:
    """Ask Linux to kill this child when its parent dies (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def tail(path: Path, lines: int = 60) -> str:
    """Return the last lines of a text file, or a note that there is none."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:])


class ChildProcess:
    """A child in a process group of its own, its output in a file."""

    def __init__(
        self,
        args: list[str],
        *,
        output: Path,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """Prepare; nothing runs until start()."""
        self.args = args
        self.output = output
        self.env = {
            key: value
            for key, value in (os.environ if env is None else env).items()
            if key not in _COVERAGE_VARIABLES and not key.startswith("COV_CORE_")
        }
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process ID while running."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether the child was started and has not exited."""
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit status once exited."""
        return self._process.poll() if self._process is not None else None

    def start(self) -> None:
        """Start the child, appending its output to the output file."""
        if self.running:
            raise HarnessError(f"{self.args[:3]} is already running")
        self.output.parent.mkdir(parents=True, exist_ok=True)
        with self.output.open("ab") as output:
            self._process = subprocess.Popen(  # noqa: S603 - our own command line
                self.args,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=REPO_DIR,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only calls prctl
            )

    def _signal_group(self, signum: signal.Signals) -> None:
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, signum)

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM to the child only)."""
        if self.running and self._process is not None:
            self._process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Kill the child's whole process group and reap the child."""
        if self._process is None or self._process.poll() is not None:
            # Reaped: its process group ID may belong to someone else now.
            return
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=10)

    async def wait_exit(self, timeout: float) -> int | None:
        """Wait, without blocking the event loop, for the child to exit."""
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return self.returncode

    async def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM and wait; SIGKILL the process group if it does not exit.

        Returns the exit status of a graceful exit, None if it had to be killed.
        """
        if self._process is None or self._process.poll() is not None:
            return self.returncode
        self.terminate()
        code = await self.wait_exit(timeout)
        if code is None:
            self.kill()
        return code

    def stop_sync(self, timeout: float = 60.0) -> int | None:
        """stop(), for finalizers that have no event loop."""
        if self._process is None or not self.running:
            return self.returncode
        self.terminate()
        try:
            return self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def log_tail(self, lines: int = 60) -> str:
        """Return the end of the child's output."""
        return tail(self.output, lines)


class SimulatorProcess(ChildProcess):
    """python -m clicksend_simulator on a free 127.0.0.1 port."""

    def __init__(self, output: Path, *extra_args: str) -> None:
        """Prepare the command line; extra_args go to the simulator."""
        super().__init__(
            [
                sys.executable,
                "-m",
                "clicksend_simulator",
                "--host",
                LOCALHOST,
                "--port",
                "0",
                "--quiet",
                *extra_args,
            ],
            output=output,
        )
        self.base_url = ""
        self.control_url = ""

    def _banner_url(self) -> str | None:
        for line in tail(self.output, 200).splitlines():
            if line.strip().startswith("API URL:"):
                return line.split()[-1]
        return None

    async def start_and_wait(self, timeout: float = 30.0) -> None:
        """Start and wait for the banner that names the API URL."""
        self.output.unlink(missing_ok=True)
        self.start()

        async def banner() -> str | None:
            if not self.running:
                raise HarnessError(f"The simulator exited:\n{self.log_tail()}")
            return self._banner_url()

        self.base_url = await wait_until(
            banner, timeout=timeout, what="the simulator's banner"
        )
        root = self.base_url.removesuffix("/http/v2/")
        self.control_url = f"{root}/_sim/"


class ControlApi:
    """The simulator's JSON control API under /_sim/."""

    def __init__(self, session: aiohttp.ClientSession, control_url: str) -> None:
        """Keep the session and the URL."""
        self.session = session
        self.control_url = control_url

    async def call(self, method: str, name: str, body: object = None) -> Any:
        """Call the control API; raise unless it answers 200."""
        async with self.session.request(
            method, f"{self.control_url}{name}", json=body
        ) as response:
            data = await response.json()
            if response.status != 200:
                raise HarnessError(f"{method} /_sim/{name}: {response.status} {data}")
            return data


def write_configuration(
    config_dir: Path, port: int, extra: str = "", host: str = LOCALHOST
) -> None:
    """Write configuration.yaml for a throw-away Home Assistant."""
    config_dir.mkdir(parents=True, exist_ok=True)
    text = BASE_CONFIGURATION.format(host=host, port=port)
    (config_dir / "configuration.yaml").write_text(text + extra, encoding="utf-8")
    write_http_settings(config_dir, port, host)


def write_http_settings(config_dir: Path, port: int, host: str = LOCALHOST) -> None:
    """Store the HTTP server's address, unless the configuration has one already.

    Since 2026.10 Home Assistant keeps its HTTP settings in .storage/http and
    takes an http: block in YAML as a new configuration the user must confirm
    (a "Confirm new HTTP server configuration" dialog and a repair, and a
    restart back to the old one five minutes later if nobody does). Written in
    the store's first format (version 1, what releases before 2026.10 saved),
    the settings are migrated by Home Assistant itself into the current one as
    the confirmed ("stable") configuration: nothing to confirm, and no guess at
    a newer format.
    """
    path = config_dir / ".storage" / "http"
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = {
        "version": 1,
        "minor_version": 1,
        "key": "http",
        "data": {"server_host": [host], "server_port": port},
    }
    path.write_text(json.dumps(stored, indent=2), encoding="utf-8")


DEVELOP_CONFIG_DIR: Final = REPO_DIR / "config"
# Files configuration.yaml includes, as a new Home Assistant creates them:
# the automation, script and scene editors save into them.
_INCLUDED_FILES: Final = {
    "automations.yaml": "[]\n",
    "scripts.yaml": "{}\n",
    "scenes.yaml": "[]\n",
}


def prepare_develop_configuration(config_dir: Path, port: int) -> None:
    """Make config_dir what scripts/develop runs: config/configuration.yaml.

    scripts/develop calls this for config/ itself; tests/browser for a copy in
    a temporary folder (on a free port), so that the browser test runs the
    very configuration a developer does.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    source = DEVELOP_CONFIG_DIR / "configuration.yaml"
    if config_dir.resolve() != DEVELOP_CONFIG_DIR.resolve():
        (config_dir / "configuration.yaml").write_text(
            source.read_text(encoding="utf-8"), encoding="utf-8"
        )
    for name, empty in _INCLUDED_FILES.items():
        if not (config_dir / name).exists():
            (config_dir / name).write_text(empty, encoding="utf-8")
    write_http_settings(config_dir, port)


def hass_python() -> str:
    """Return the Python that runs Home Assistant (see HassProcess)."""
    return os.environ.get(HASS_PYTHON_VARIABLE) or sys.executable


class HassProcess(ChildProcess):
    """A real Home Assistant with this repository's custom_components."""

    def __init__(self, config_dir: Path, port: int, *, skip_pip: bool = True) -> None:
        """Prepare the command line; configuration.yaml must exist by start().

        With skip_pip False Home Assistant installs (or checks) the
        requirements of what it loads, ours included, as for a user: a pin
        that cannot be installed next to that Home Assistant fails there.
        The Python that runs Home Assistant is $CLICKSEND_SMS_HASS_PYTHON's
        (another venv's: scripts/test runs the end-to-end tests again with
        the newest Home Assistant), else this one.
        """
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(REPO_DIR), os.environ.get("PYTHONPATH")])
            ),
        }
        super().__init__(
            [
                hass_python(),
                "-m",
                "homeassistant",
                "--config",
                str(config_dir),
                *(["--skip-pip"] if skip_pip else []),
            ],
            output=config_dir / "hass.out",
            env=env,
        )
        self.config_dir = config_dir
        self.port = port
        self.base_url = f"http://{LOCALHOST}:{port}"

    async def start_and_wait(
        self, session: aiohttp.ClientSession, timeout: float = 60.0
    ) -> float:
        """Start and wait until the HTTP server answers; return the seconds taken."""
        started = time.monotonic()
        self.start()

        async def answering() -> bool:
            if not self.running:
                raise HarnessError(
                    f"Home Assistant exited with {self.returncode}:\n{self.log_tail()}"
                )
            # Any answer will do: the server is up. (No token yet: asking
            # /api/ would log a failed login.)
            async with session.get(f"{self.base_url}/manifest.json"):
                return True

        await wait_until(answering, timeout=timeout, what="Home Assistant's HTTP API")
        return time.monotonic() - started

    def log_tail(self, lines: int = 60) -> str:
        """Return the end of home-assistant.log (of stdout/stderr if it crashed)."""
        log = self.config_dir / "home-assistant.log"
        if not log.exists() or not self.running:
            # Before logging starts, or after a crash, stderr tells more.
            return f"--- stdout/stderr (last {lines} lines) ---\n{tail(self.output, lines)}"
        return f"--- home-assistant.log (last {lines} lines) ---\n{tail(log, lines)}"

    def deprecation_reports(self) -> list[str]:
        """Return the lines of home-assistant.log that report our deprecations."""
        log = self.config_dir / "home-assistant.log"
        if not log.exists():
            return []
        text = log.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if DEPRECATION_REPORT.search(line)]

    def stored_config_entries(self) -> list[dict[str, Any]]:
        """Read .storage/core.config_entries, as a person with file access would."""
        path = self.config_dir / ".storage" / "core.config_entries"
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        entries: list[dict[str, Any]] = data["data"]["entries"]
        return entries


class HassClient:
    """Home Assistant's REST API, as a user's client calls it."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Keep the session; onboard() or set token before other calls."""
        self.session = session
        self.base_url = base_url
        self.token = ""
        self.tokens: dict[str, Any] = {}

    @property
    def client_id(self) -> str:
        """The OAuth client ID: a URL, as the frontend's is."""
        return f"{self.base_url}/"

    async def onboard(self) -> str:
        """Create the owner in onboarding and exchange the code for a token."""
        async with self.session.post(
            f"{self.base_url}/api/onboarding/users",
            json={
                "client_id": self.client_id,
                "name": OWNER_NAME,
                "username": OWNER_USERNAME,
                "password": OWNER_PASSWORD,
                "language": "en",
            },
        ) as response:
            body = await response.json()
            if response.status != 200:
                raise HarnessError(f"Onboarding refused the owner: {body}")
        async with self.session.post(
            f"{self.base_url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": body["auth_code"],
                "client_id": self.client_id,
            },
        ) as response:
            tokens = await response.json()
            if response.status != 200:
                raise HarnessError(f"No token for the auth code: {tokens}")
        self.token = str(tokens["access_token"])
        self.tokens = tokens
        await self.confirm_http_config()
        return self.token

    async def confirm_http_config(self) -> bool:
        """Confirm the HTTP settings on trial, as the user would in the UI.

        Home Assistant 2026.10 moves the `http:` YAML into storage as a
        pending trial on the first start, and reverts it with a restart
        unless `http/config/promote` confirms it within five minutes. Return
        whether one was pending (older versions have no such command).
        """
        async with await self.websocket() as ws:
            try:
                await ws.command("http/config/promote")
            except HarnessError:
                return False
        return True

    async def finish_onboarding(self) -> None:
        """Take onboarding's other steps, as a person clicking "Next" does.

        After them the frontend opens the dashboard rather than onboarding.
        """
        await self.post("/api/onboarding/core_config")
        await self.post("/api/onboarding/analytics")
        await self.post(
            "/api/onboarding/integration",
            {"client_id": self.client_id, "redirect_uri": f"{self.base_url}/"},
        )

    def browser_tokens(self) -> dict[str, Any]:
        """Return the tokens as the frontend keeps them in localStorage["hassTokens"].

        A browser given these is logged in as the owner, as after the login form.
        """
        return {
            "access_token": self.tokens["access_token"],
            "token_type": "Bearer",
            "expires_in": self.tokens["expires_in"],
            "refresh_token": self.tokens["refresh_token"],
            "hassUrl": self.base_url,
            "clientId": self.client_id,
            "expires": int((time.time() + self.tokens["expires_in"]) * 1000),
        }

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def request(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        expected: int | None = 200,
    ) -> Any:
        """Call the API with the token; check the status unless expected is None."""
        async with self.session.request(
            method,
            f"{self.base_url}{path}",
            json=body,
            headers=self._headers,
            timeout=_REQUEST_TIMEOUT,
        ) as response:
            text = await response.text()
            if expected is not None and response.status != expected:
                raise HarnessError(
                    f"{method} {path}: HTTP {response.status}, expected {expected}: "
                    f"{text[:500]}"
                )
            try:
                return json.loads(text) if text else None
            except ValueError:
                return text

    async def get(self, path: str) -> Any:
        """GET, expecting 200."""
        return await self.request("GET", path)

    async def post(self, path: str, body: object = None) -> Any:
        """POST, expecting 200."""
        return await self.request("POST", path, body)

    async def wait_running(self, timeout: float = 60.0) -> None:
        """Wait until Home Assistant reports that it has started."""

        async def running() -> bool:
            config = await self.get("/api/config")
            return bool(config["state"] == "RUNNING")

        await wait_until(running, timeout=timeout, what="Home Assistant RUNNING")

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """Return an entity's state, or None if it has none."""
        result = await self.request("GET", f"/api/states/{entity_id}", expected=None)
        return result if isinstance(result, dict) and "state" in result else None

    async def entries(self, domain: str) -> list[dict[str, Any]]:
        """Return the config entries of a domain."""
        entries: list[dict[str, Any]] = await self.get(
            f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    async def wait_entry_loaded(
        self, domain: str, timeout: float = 60.0
    ) -> dict[str, Any]:
        """Wait until the domain's only entry is loaded; return it."""

        async def loaded() -> dict[str, Any] | None:
            entries = await self.entries(domain)
            if len(entries) == 1 and entries[0]["state"] == "loaded":
                return entries[0]
            return None

        return await wait_until(loaded, timeout=timeout, what=f"{domain} loaded")

    async def flow(self, kind: str, handler: object, **start: Any) -> dict[str, Any]:
        """Start a flow: kind is "flow", "options/flow" or "subentries/flow"."""
        result: dict[str, Any] = await self.post(
            f"/api/config/config_entries/{kind}", {"handler": handler, **start}
        )
        return result

    async def flow_step(
        self, kind: str, flow_id: str, user_input: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Submit a step of a flow."""
        result: dict[str, Any] = await self.post(
            f"/api/config/config_entries/{kind}/{flow_id}", dict(user_input)
        )
        return result

    async def diagnostics(self, entry_id: str) -> dict[str, Any]:
        """Return the config entry's diagnostics (their "data" part)."""
        result = await self.get(f"/api/diagnostics/config_entry/{entry_id}")
        data: dict[str, Any] = result["data"]
        return data

    async def websocket(self) -> HassWebSocket:
        """Connect and authenticate a WebSocket."""
        ws = HassWebSocket(self.session, self.base_url, self.token)
        await ws.connect()
        return ws


class HassWebSocket:
    """Home Assistant's WebSocket API: commands and event subscriptions."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, token: str
    ) -> None:
        """Prepare; connect() opens it."""
        self._session = session
        self._url = f"{base_url}/api/websocket"
        self._token = token
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._subscriptions: dict[int, asyncio.Queue[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    async def connect(self) -> None:
        """Connect, authenticate and start reading."""
        ws = await self._session.ws_connect(self._url, heartbeat=None)
        try:
            await self._authenticate(ws)
        except BaseException:
            await ws.close()
            raise
        self._ws = ws
        self._reader = asyncio.create_task(self._read(ws), name="hass websocket")

    async def _authenticate(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        hello = await ws.receive_json(timeout=30)
        if hello.get("type") != "auth_required":
            raise HarnessError(f"Unexpected WebSocket greeting: {hello}")
        await ws.send_json({"type": "auth", "access_token": self._token})
        answer = await ws.receive_json(timeout=30)
        if answer.get("type") != "auth_ok":
            raise HarnessError(f"WebSocket authentication failed: {answer}")

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        try:
            async for message in ws:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                for item in payload if isinstance(payload, list) else [payload]:
                    self._dispatch(item)
        finally:
            self.closed.set()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(HarnessError("The WebSocket closed"))

    def _dispatch(self, item: dict[str, Any]) -> None:
        msg_id = item.get("id")
        if item.get("type") == "event" and msg_id in self._subscriptions:
            self._subscriptions[msg_id].put_nowait(item["event"])
        elif item.get("type") in ("result", "pong") and (
            future := self._pending.pop(msg_id, None)  # type: ignore[arg-type]
        ):
            if item["type"] == "pong" or item.get("success"):
                future.set_result(item.get("result"))
            else:
                future.set_exception(HarnessError(f"Command failed: {item}"))

    async def command(self, command_type: str, **data: Any) -> Any:
        """Send a command and return its result."""
        return await self._call(command_type, data, None)

    async def ping(self) -> float:
        """Send a ping; return the seconds until its pong came."""
        started = time.monotonic()
        await self._call("ping", {}, None)
        return time.monotonic() - started

    async def subscribe_events(
        self, event_type: str, queue: asyncio.Queue[dict[str, Any]] | None = None
    ) -> asyncio.Queue[dict[str, Any]]:
        """Subscribe to one event type; its events arrive in the (given) queue."""
        if queue is None:
            queue = asyncio.Queue()
        await self._call("subscribe_events", {"event_type": event_type}, queue)
        return queue

    async def subscribe_entities(self) -> asyncio.Queue[dict[str, Any]]:
        """Subscribe to every entity's state, as the frontend does.

        The first message holds every state ("a": added); each later one
        what changed ("c") or went ("r"), in Home Assistant's compressed form.
        """
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        await self._call("subscribe_entities", {}, queue)
        return queue

    async def _call(
        self,
        command_type: str,
        data: Mapping[str, Any],
        queue: asyncio.Queue[dict[str, Any]] | None,
    ) -> Any:
        if self._ws is None or self.closed.is_set():
            raise HarnessError("The WebSocket is not connected")
        self._next_id += 1
        msg_id = self._next_id
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = future
        if queue is not None:
            # Registered before sending: an event may follow the result at once.
            self._subscriptions[msg_id] = queue
        await self._ws.send_json({"id": msg_id, "type": command_type, **data})
        return await asyncio.wait_for(future, 30)

    async def close(self) -> None:
        """Close the connection and stop reading."""
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def __aenter__(self) -> Self:
        """Use as an async context manager (already connected)."""
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        """Close."""
        await self.close()


async def next_event(
    queue: asyncio.Queue[dict[str, Any]],
    predicate: Callable[[dict[str, Any]], bool],
    *,
    timeout: float,
    what: str,
) -> dict[str, Any]:
    """Wait for the first event in the queue that matches; drop others."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            event = await asyncio.wait_for(queue.get(), remaining)
        except TimeoutError:
            break
        if predicate(event):
            return event
    raise TimeoutError(f"No event within {timeout:g} s: {what}")


def drain(queue: asyncio.Queue[dict[str, Any]]) -> list[dict[str, Any]]:
    """Take every event waiting in the queue."""
    events = []
    while not queue.empty():
        events.append(queue.get_nowait())
    return events
