"""Errors of the actions as a person meets them in the UI's action form."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from clicksend_simulator import ClickSendSimulator
from custom_components.clicksend_sms.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import translation


async def _message(hass: HomeAssistant, err: ServiceValidationError) -> str:
    """Render a translated error as the UI shows it."""
    strings = await translation.async_get_translations(
        hass, "en", "exceptions", [DOMAIN]
    )
    text = strings[f"component.{DOMAIN}.exceptions.{err.translation_key}.message"]
    return text.format(**(err.translation_placeholders or {}))


async def test_blank_rows_of_to_are_left_out(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The empty last row the UI adds to "To" does not spoil the send."""
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"to": ["Alex", "", "  "], "message": "Hi"},
        blocking=True,
    )
    assert [sent.to for sent in simulator.sent] == ["+61411111111"]


async def test_only_blank_rows_say_so(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Blank rows alone are no recipient, and the error says that plainly."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "send_sms", {"to": ["", " "], "message": "Hi"}, blocking=True
        )
    assert err.value.translation_key == "no_recipients"
    assert await _message(hass, err.value) == (
        'No recipient was given: "To" is empty or has only blank rows.'
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "notify",
            "clicksend_sms_demo",
            {"message": "Hi", "target": [""]},
            blocking=True,
        )
    assert err.value.translation_key == "target_required"
    assert simulator.sent == []


async def test_several_accounts_name_the_field_as_the_form_does(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Call config_entry_id "Account", as the action form does."""
    simulator.add_account("other", "OTHER-KEY")
    other = MockConfigEntry(
        domain=DOMAIN,
        title="other",
        unique_id="other",
        data={**loaded_entry.data, "username": "other", "api_key": "OTHER-KEY"},
    )
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "send_sms", {"to": ["Alex"], "message": "Hi"}, blocking=True
        )
    assert await _message(hass, err.value) == (
        "Several ClickSend accounts are set up: choose one under Account "
        "(config_entry_id)."
    )
