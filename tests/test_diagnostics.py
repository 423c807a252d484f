"""Diagnostics."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from clicksend_simulator import DEMO_KEY, ClickSendSimulator
from homeassistant.core import HomeAssistant

from .conftest import set_up_while_clicksend_fails


@pytest.mark.parametrize("options", [{"sender_id": "+61400000999", "country": "AU"}])
async def test_diagnostics_redact_secrets_and_numbers(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Diagnostics redact secrets and numbers."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, loaded_entry
    )
    # The simulator's port changes from run to run.
    assert diagnostics == snapshot(exclude=props("url"))
    text = str(diagnostics)
    assert DEMO_KEY not in text
    assert "+61411111111" not in text
    assert "**REDACTED**111" in text
    # A sender ID that is a number is a phone number too; a name is kept.
    assert "+61400000999" not in text
    assert "**REDACTED**999" in text
    assert "SamsHome" in text
    assert loaded_entry.data["webhook_id"] not in text


async def test_diagnostics_of_an_account_that_does_not_load(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
) -> None:
    """Diagnostics are most needed when the account does not load."""
    await set_up_while_clicksend_fails(hass, simulator, config_entry)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, config_entry
    )
    assert diagnostics["state"] == "setup_retry"
    assert "account" not in diagnostics
    assert len(diagnostics["recipients"]) == 2
    assert DEMO_KEY not in str(diagnostics)
