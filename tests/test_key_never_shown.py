"""The API key never goes back to the browser, nor into an action's error."""

from __future__ import annotations

import json

from clicksend_simulator import DEMO_USERNAME, ClickSendSimulator
from custom_components.clicksend_sms.const import (
    CONF_API_KEY,
    CONF_URL,
    CONF_USERNAME,
    DOMAIN,
)
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

TYPED_KEY = "7F3A9C21-TYPED-BY-THE-USER"


async def test_form_after_an_error_does_not_suggest_the_key(
    hass: HomeAssistant, simulator: ClickSendSimulator
) -> None:
    """The form shown again keeps the username, not the key just typed."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_USERNAME: DEMO_USERNAME,
            CONF_API_KEY: TYPED_KEY,
            "advanced": {CONF_URL: simulator.base_url},
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    suggested = {
        str(key): (key.description or {}).get("suggested_value")
        for key in result["data_schema"].schema
    }
    assert suggested[CONF_USERNAME] == DEMO_USERNAME
    assert suggested[CONF_API_KEY] is None
    # Nothing of the form as the browser gets it holds the key.
    assert TYPED_KEY not in json.dumps(str(result["data_schema"].schema))
