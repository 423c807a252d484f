"""Setting up, refreshing and unloading an account."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from clicksend_simulator import DEMO_USERNAME, TEST_ACCOUNT_KEY, ClickSendSimulator
from custom_components.clicksend_sms.const import DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)

from .conftest import let_time_pass

BALANCE = "sensor.demo_balance"


async def _next_balance_update(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Let the 15 minutes between balance updates pass."""
    await let_time_pass(hass, freezer, timedelta(minutes=15, seconds=1))


@pytest.mark.parametrize(
    ("fault", "state"),
    [
        ("drop", ConfigEntryState.SETUP_RETRY),
        ("malformed", ConfigEntryState.SETUP_RETRY),
    ],
)
async def test_setup_retries_while_clicksend_is_out_of_reach(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    fault: str,
    state: ConfigEntryState,
) -> None:
    """Setup retries while clicksend is out of reach."""
    simulator.add_fault(fault)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is state
    assert config_entry.reason is not None


async def test_setup_with_a_refused_key_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Setup with a refused key starts reauth."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, "api_key": "revoked"}
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.parametrize(
    ("username", "words"), [("notactive", "not activated"), ("banned", "banned")]
)
async def test_setup_of_an_inactive_account_fails_with_a_reason(
    hass: HomeAssistant, config_entry: MockConfigEntry, username: str, words: str
) -> None:
    """The reason is in ClickSend's words: a banned account is not "not activated"."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry,
        data={
            **config_entry.data,
            "username": username,
            "api_key": TEST_ACCOUNT_KEY,
        },
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert config_entry.reason == (
        f"ClickSend does not let the account send: Account {words} (2007)"
    )


async def test_balance_goes_unavailable_and_back_logging_once(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Balance goes unavailable and back logging once."""
    assert hass.states.get(BALANCE).state == "25.0"
    simulator.add_fault("drop", count=2, endpoint="balance.php")
    caplog.set_level(logging.INFO)
    for _ in range(2):
        await _next_balance_update(hass, freezer)
        assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    simulator.set_balance(DEMO_USERNAME, 12.5)
    await _next_balance_update(hass, freezer)
    assert hass.states.get(BALANCE).state == "12.5"
    errors = [r for r in caplog.records if "Error fetching" in r.getMessage()]
    recovered = [r for r in caplog.records if "recovered" in r.getMessage()]
    assert len(errors) == 1
    assert len(recovered) == 1


async def test_revoked_key_during_updates_starts_reauth(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Revoked key during updates starts reauth."""
    simulator.add_account(DEMO_USERNAME, "ROTATED-ELSEWHERE")
    await _next_balance_update(hass, freezer)
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_low_credit_repair_appears_and_clears(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Low credit repair appears and clears."""
    issue_id = f"low_credit_{loaded_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    simulator.set_balance(DEMO_USERNAME, 0.5)
    await _next_balance_update(hass, freezer)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    # In the currency the balance sensor shows: "$" of a home outside the dollar
    # currencies is ClickSend's default, USD.
    assert issue.translation_placeholders == {
        "account": "demo",
        "balance": "0.50 USD",
    }

    simulator.set_balance(DEMO_USERNAME, 30)
    await _next_balance_update(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_failed_send_for_credit_raises_repair_until_topped_up(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Failed send for credit raises repair until topped up."""
    issue_id = f"low_credit_{loaded_entry.entry_id}"
    # Above the threshold, but below the price of a message.
    simulator.set_balance(DEMO_USERNAME, 1.01)
    await _next_balance_update(hass, freezer)
    simulator.set_balance(DEMO_USERNAME, 0.01)
    hass.config_entries.async_update_entry(
        loaded_entry, options={"low_balance_threshold": 0}
    )
    await hass.async_block_till_done()
    with pytest.raises(Exception) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"to": ["+61400000001"], "message": "x"},
            blocking=True,
        )
    assert err.value.translation_key == "insufficient_credit"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    # The same balance again does not clear it; a top-up does.
    await _next_balance_update(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    simulator.set_balance(DEMO_USERNAME, 20)
    await _next_balance_update(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_unload_and_remove_leave_nothing_behind(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: ClickSendSimulator,
    issue_registry: ir.IssueRegistry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unload and remove leave nothing behind."""
    assert hass.services.has_service("notify", "clicksend_sms_demo")
    simulator.set_balance(DEMO_USERNAME, 0)
    await _next_balance_update(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, f"low_credit_{loaded_entry.entry_id}")

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert not hass.services.has_service("notify", "clicksend_sms_demo")
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    assert not issue_registry.async_get_issue(
        DOMAIN, f"low_credit_{loaded_entry.entry_id}"
    )

    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert not issue_registry.async_get_issue(
        DOMAIN, f"low_credit_{loaded_entry.entry_id}"
    )
    assert not er.async_entries_for_config_entry(entity_registry, loaded_entry.entry_id)
    assert not dr.async_entries_for_config_entry(device_registry, loaded_entry.entry_id)
    assert hass.states.get(BALANCE) is None


async def test_partly_refused_for_credit_raises_the_repair(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Credit for one message of two: the second is refused, the repair appears."""
    simulator.set_balance(DEMO_USERNAME, 0.03)
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"to": ["+61400000001", "+61400000002"], "message": "x"},
        blocking=True,
        return_response=True,
    )
    assert [m["result_code"] for m in response["messages"]] == ["0000", "2018"]
    assert issue_registry.async_get_issue(DOMAIN, f"low_credit_{loaded_entry.entry_id}")
