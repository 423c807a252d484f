"""Shared fixtures: a real ClickSend simulator on 127.0.0.1 and an account on it."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from clicksend_simulator import DEMO_KEY, DEMO_USERNAME, ClickSendSimulator

# Importing the package first lets the test harness find the custom integration.
from custom_components.clicksend_sms.const import (
    CONF_API_KEY,
    CONF_URL,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryData
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from tools.hass_harness import DEPRECATION_REPORT

pytest_plugins = ["clicksend_simulator.pytest_plugin"]


class _DeprecationReports(logging.Handler):
    """Keep what Home Assistant reports of our deprecated or wrong API use."""

    def __init__(self) -> None:
        """Listen to every level; keep only the reports."""
        super().__init__(logging.DEBUG)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's message if it is a report about us."""
        message = record.getMessage()
        if DEPRECATION_REPORT.search(message):
            self.reports.append(message)


_REPORTS = _DeprecationReports()


def pytest_configure(config: pytest.Config) -> None:
    """Listen on the root logger for the whole run."""
    logging.getLogger().addHandler(_REPORTS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None]:
    """Start each test with no reports.

    frame.py reports each use once per test (the plugin resets its memory
    between tests), so each test that makes one is failed.
    """
    _REPORTS.reports.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Fail a test in whose run (setup to teardown) our code was reported.

    Home Assistant logs "Detected that custom integration 'clicksend_sms' ..."
    (or a deprecated constant or class used from clicksend_sms) for what
    stops working in a coming release; such a report must not pass unseen.
    """
    report = yield
    if call.when == "teardown" and _REPORTS.reports and report.outcome != "failed":
        report.outcome = "failed"
        report.longrepr = (
            "Home Assistant reported deprecated or wrong API use by clicksend_sms:\n"
            + "\n".join(f"  {message}" for message in _REPORTS.reports)
        )
    return report


WEBHOOK_ID = "0" * 64


@pytest.fixture(autouse=True)
def freeze_time_before_home_assistant(request: pytest.FixtureRequest) -> None:
    """Freeze time before Home Assistant starts, for tests that run it.

    The event loop's clock follows the frozen clock: timers set before the
    freeze would all fire at once when it starts.
    """
    if "hass" in request.fixturenames:
        request.getfixturevalue("freezer")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    enable_custom_integrations: None,
) -> Generator[None]:
    """Let Home Assistant load custom_components/clicksend_sms."""
    return


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable the entities that start disabled, to snapshot them all."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def simulator(clicksend_simulator: ClickSendSimulator) -> ClickSendSimulator:
    """Give the simulator a shorter name."""
    return clicksend_simulator


@pytest.fixture
def recipients() -> list[ConfigSubentryData]:
    """Return the saved recipients of the test account."""
    return [
        ConfigSubentryData(
            data={"name": "Alex", "phone_number": "+61411111111"},
            subentry_type="recipient",
            title="Alex",
            unique_id="+61411111111",
        ),
        ConfigSubentryData(
            data={
                "name": "Sam",
                "phone_number": "+61422222222",
                "sender_id": "SamsHome",
            },
            subentry_type="recipient",
            title="Sam",
            unique_id="+61422222222",
        ),
    ]


@pytest.fixture
def options() -> dict[str, Any]:
    """Options of the test account."""
    return {}


@pytest.fixture
def config_entry(
    simulator: ClickSendSimulator,
    recipients: list[ConfigSubentryData],
    options: dict[str, Any],
) -> MockConfigEntry:
    """Return the demo account of the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_USERNAME,
        unique_id=DEMO_USERNAME,
        data={
            CONF_USERNAME: DEMO_USERNAME,
            CONF_API_KEY: DEMO_KEY,
            CONF_URL: simulator.base_url,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
        options=options,
        subentries_data=recipients,
        entry_id="01JCLICKSENDDEMOENTRY00000",
    )


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the demo account."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def setup_with_platforms(
    hass: HomeAssistant, entry: MockConfigEntry, platforms: list[Platform]
) -> None:
    """Set up the entry with only these platforms, to snapshot them alone."""
    entry.add_to_hass(hass)
    with patch("custom_components.clicksend_sms.PLATFORMS", platforms):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


async def let_time_pass(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move the clock on, and let what that starts (polls over sockets) finish.

    Nothing may be in flight while time jumps, or its timeout would fire.
    """
    await hass.async_block_till_done(wait_background_tasks=True)
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def set_up_while_clicksend_fails(
    hass: HomeAssistant, simulator: ClickSendSimulator, entry: MockConfigEntry
) -> None:
    """Add the entry while balance.php fails: it waits to retry."""
    simulator.add_fault("http500", endpoint="balance.php")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
