"""Fixtures for the end-to-end tests: real processes, reached only over HTTP.

One simulator and one Home Assistant serve the whole module; its tests run in
order, each a step a user takes, sharing what earlier steps made (the token,
the entry). The processes are stopped, and their ports freed, however the
module ends; a failing test shows the end of Home Assistant's log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
import subprocess
import sys
from typing import Any

import aiohttp
import pytest

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME
from tools.hass_harness import (
    ControlApi,
    HassClient,
    HassProcess,
    SimulatorProcess,
    free_port,
    hass_python,
    write_configuration,
)

DOMAIN = "clicksend_sms"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> Generator[None]:
    """Replace the suite's autouse fixture: no in-process Home Assistant here."""
    return


@dataclass
class Stack:
    """The processes of one module, and what the steps learned so far."""

    root: Path
    # Added to configuration.yaml: a module's CONFIGURATION.
    extra_configuration: str = ""
    simulator: SimulatorProcess | None = None
    hass: HassProcess | None = None
    token: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    reports_seen: set[str] = field(default_factory=set)

    async def start(self, session: aiohttp.ClientSession) -> None:
        """Start the simulator, then Home Assistant on a free port."""
        self.simulator = SimulatorProcess(self.root / "simulator.out")
        await self.simulator.start_and_wait()
        port = free_port()
        config_dir = self.root / "config"
        write_configuration(config_dir, port, self.extra_configuration)
        # The newest Home Assistant starts as a user's does, installing what
        # it loads (our manifest's pins too, absent from its venv): a pin it
        # cannot install next to its own fails here. The pinned one's venv
        # has everything (requirements_test.txt), so it skips pip to be quick.
        self.hass = HassProcess(
            config_dir, port, skip_pip=hass_python() == sys.executable
        )
        await self.hass.start_and_wait(session)

    def close(self) -> None:
        """Stop Home Assistant (gracefully if it can), then the simulator."""
        for process in (self.hass, self.simulator):
            if process is not None:
                process.stop_sync(timeout=30)

    def new_deprecation_reports(self) -> list[str]:
        """Return the log's deprecation reports not returned before."""
        if self.hass is None:
            return []
        # Lines, not a count: a restart moves the old log to .log.1.
        new = [
            line
            for line in self.hass.deprecation_reports()
            if line not in self.reports_seen
        ]
        self.reports_seen.update(new)
        return new

    def log_tail(self) -> str:
        """Return the end of Home Assistant's log, for a failure report."""
        if self.hass is None:
            return "(Home Assistant was not started)"
        return self.hass.log_tail(80)


@dataclass
class E2E:
    """What a test works with: the processes, a client of each, shared facts."""

    stack: Stack
    session: aiohttp.ClientSession
    client: HassClient
    sim: ControlApi

    @property
    def hass(self) -> HassProcess:
        """The Home Assistant process."""
        assert self.stack.hass is not None
        return self.stack.hass

    @property
    def simulator(self) -> SimulatorProcess:
        """The simulator process."""
        assert self.stack.simulator is not None
        return self.stack.simulator

    @property
    def facts(self) -> dict[str, Any]:
        """What earlier steps learned (entry ID, webhook ID, message IDs)."""
        return self.stack.facts

    def fact(self, name: str) -> Any:
        """Return what an earlier step learned, failing clearly if it did not."""
        assert name in self.facts, f"an earlier step did not record {name!r}"
        return self.facts[name]

    async def add_demo_account(self) -> dict[str, Any]:
        """Add the simulator's demo account through the config flow, as a user would.

        Returns the flow's last step; each test asserts what it needs of it.
        """
        form = await self.client.flow("flow", DOMAIN)
        return await self.client.flow_step(
            "flow",
            form["flow_id"],
            {
                "username": DEMO_USERNAME,
                "api_key": DEMO_KEY,
                "advanced": {"url": self.simulator.base_url},
            },
        )


@pytest.fixture(scope="module")
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Own the module's processes: stopped and ports freed whatever happens."""
    processes = Stack(
        tmp_path_factory.mktemp("e2e"), getattr(request.module, "CONFIGURATION", "")
    )
    try:
        yield processes
    finally:
        processes.close()


@pytest.fixture
async def e2e(stack: Stack, socket_enabled: None) -> AsyncIterator[E2E]:
    """Give a test the running processes and clients of them.

    The first test to ask starts the processes (sockets are allowed only
    within a test, so the module-scoped fixture cannot).
    """
    async with aiohttp.ClientSession() as session:
        if stack.hass is None:
            await stack.start(session)
        assert stack.hass is not None
        assert stack.simulator is not None
        client = HassClient(session, stack.hass.base_url)
        client.token = stack.token
        yield E2E(
            stack, session, client, ControlApi(session, stack.simulator.control_url)
        )
        stack.token = client.token


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the end of Home Assistant's log to a failed step's report."""
    report = yield
    processes = getattr(item, "funcargs", {}).get("stack")
    if not isinstance(processes, Stack):
        return report
    if call.when == "teardown" and report.outcome != "failed":
        # The real Home Assistant's log, as tests/conftest.py checks the
        # in-process one: a deprecation report fails the step it came in.
        new = processes.new_deprecation_reports()
        if new:
            report.outcome = "failed"
            report.longrepr = (
                "Home Assistant reported deprecated or wrong API use by "
                "clicksend_sms:\n" + "\n".join(f"  {line}" for line in new)
            )
    if report.failed:
        report.sections.append(("Home Assistant log (tail)", processes.log_tail()))
    return report


def pytest_report_header(config: pytest.Config) -> str:
    """Say which Home Assistant the end-to-end tests start (there are two)."""
    python = hass_python()
    version = subprocess.run(  # noqa: S603 - our own venv's Python
        [
            python,
            "-c",
            "from homeassistant.const import __version__; print(__version__)",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"end-to-end Home Assistant: {version or 'not found'} ({python})"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show the figures a test measured (its "figures" property), pass or fail."""
    lines = [
        f"{report.nodeid}: {value}"
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if report.when == "call"
        for name, value in report.user_properties
        if name == "figures"
    ]
    if lines:
        terminalreporter.section("end-to-end figures")
        for line in lines:
            terminalreporter.write_line(line)
