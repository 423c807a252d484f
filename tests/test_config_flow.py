"""The config flow, its reauth and reconfigure steps, options and recipients."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any
from unittest.mock import patch

import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from clicksend_simulator import (
    DEMO_KEY,
    DEMO_USERNAME,
    TEST_ACCOUNT_KEY,
    ClickSendSimulator,
)
from custom_components.clicksend_sms.const import (
    CONF_API_KEY,
    CONF_URL,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.setup import async_setup_component

from .conftest import WEBHOOK_ID


def _account_input(
    simulator: ClickSendSimulator,
    username: str = DEMO_USERNAME,
    key: str = DEMO_KEY,
    url: str | None = None,
) -> dict[str, Any]:
    return {
        CONF_USERNAME: username,
        CONF_API_KEY: key,
        "advanced": {CONF_URL: url or simulator.base_url},
    }


async def test_user_flow_creates_entry(
    hass: HomeAssistant, simulator: ClickSendSimulator
) -> None:
    """User flow creates entry."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, username=" demo ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "demo"
    entry = result["result"]
    assert entry.unique_id == "demo"
    assert entry.data[CONF_USERNAME] == "demo"
    assert entry.data[CONF_API_KEY] == DEMO_KEY
    assert entry.data[CONF_URL] == simulator.base_url
    # 256 random bits for the webhook.
    assert len(entry.data[CONF_WEBHOOK_ID]) == 64
    int(entry.data[CONF_WEBHOOK_ID], 16)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The flow validated the key with a balance call.
    assert [request.endpoint for request in simulator.requests][0] == "balance.php"


@pytest.mark.parametrize(
    ("username", "key", "fault", "error"),
    [
        (DEMO_USERNAME, "wrong-key", None, {"base": "invalid_auth"}),
        ("notactive", TEST_ACCOUNT_KEY, None, {"base": "account_not_active"}),
        ("banned", TEST_ACCOUNT_KEY, None, {"base": "account_not_active"}),
        (DEMO_USERNAME, DEMO_KEY, "http500", {"base": "cannot_connect"}),
        (DEMO_USERNAME, DEMO_KEY, "drop", {"base": "cannot_connect"}),
        (DEMO_USERNAME, DEMO_KEY, "malformed", {"base": "cannot_connect"}),
        (DEMO_USERNAME, DEMO_KEY, "code", {"base": "unknown"}),
    ],
)
async def test_user_flow_errors_then_recovers(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    username: str,
    key: str,
    fault: str | None,
    error: dict[str, str],
) -> None:
    """User flow errors then recovers."""
    if fault == "code":
        simulator.add_fault("code", code="2999", error_text="Something odd")
    elif fault:
        simulator.add_fault(fault)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, username, key)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == error
    if fault == "code":
        assert result["description_placeholders"] == {
            "error_text": "Something odd (2999)"
        }
    # A refused account is told ClickSend's own words, banned or not activated.
    if username == "notactive":
        assert result["description_placeholders"] == {
            "error_text": "Account not activated (2007)"
        }
    if username == "banned":
        assert result["description_placeholders"] == {
            "error_text": "Account banned (2007)"
        }

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_failed_try_does_not_block_another(
    hass: HomeAssistant, simulator: ClickSendSimulator
) -> None:
    """A wrong key, then a page reload (a new flow): the account can be added."""
    first = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        first["flow_id"], _account_input(simulator, key="wrong-key")
    )
    assert result["errors"] == {"base": "invalid_auth"}

    second = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        second["flow_id"], _account_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    # The abandoned flow went with the account's creation.
    assert hass.config_entries.flow.async_progress() == []
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_user_flow_refuses_plain_http_to_other_hosts(
    hass: HomeAssistant, simulator: ClickSendSimulator
) -> None:
    """User flow refuses plain http to other hosts."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _account_input(simulator, url="http://api-mapper.clicksend.com/http/v2/"),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_url"}
    assert simulator.requests == []


async def test_user_flow_aborts_for_the_same_account(
    hass: HomeAssistant, simulator: ClickSendSimulator, config_entry: MockConfigEntry
) -> None:
    """User flow aborts for the same account."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, username="DEMO")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_flow(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Reauth flow."""
    simulator.add_account(DEMO_USERNAME, "NEW-KEY")
    result = await loaded_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["username"] == DEMO_USERNAME

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "NEW-KEY"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_entry.data[CONF_API_KEY] == "NEW-KEY"
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    # The reloaded entry uses the new key.
    assert simulator.requests[-1].params["key"] == "NEW-KEY"


async def test_reauth_with_the_same_key_reloads(
    hass: HomeAssistant, simulator: ClickSendSimulator, config_entry: MockConfigEntry
) -> None:
    """A key that ClickSend takes again loads the entry, though nothing changed."""
    simulator.add_account(DEMO_USERNAME, "OTHER")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    simulator.add_account(DEMO_USERNAME, DEMO_KEY)
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: DEMO_KEY}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED


async def test_reauth_of_an_entry_that_failed_to_load(
    hass: HomeAssistant, simulator: ClickSendSimulator, config_entry: MockConfigEntry
) -> None:
    """A revoked key at start-up: the new key loads the entry, without a restart."""
    simulator.add_account(DEMO_USERNAME, "NEW-KEY")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "NEW-KEY"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert config_entry.data[CONF_API_KEY] == "NEW-KEY"


async def test_reconfigure_flow(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The username is shown, not asked; a wrong key is a form error."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"username": DEMO_USERNAME}
    assert [str(key) for key in result["data_schema"].schema] == [
        CONF_API_KEY,
        "advanced",
    ]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "wrong", "advanced": {CONF_URL: simulator.base_url}},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert result["description_placeholders"] == {"username": DEMO_USERNAME}
    simulator.add_account(DEMO_USERNAME, "ROTATED")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_API_KEY: " ROTATED ",
            "advanced": {CONF_URL: simulator.base_url.rstrip("/")},
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_API_KEY] == "ROTATED"
    assert loaded_entry.data[CONF_URL] == simulator.base_url
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_only_the_url_keeps_the_key(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Changing only the URL needs no key; a bad URL stays in the form to fix."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"advanced": {CONF_URL: "http://example.com/http/v2/"}}
    )
    assert result["errors"] == {"base": "invalid_url"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: "", "advanced": {CONF_URL: f"{simulator.base_url}"}},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.data[CONF_API_KEY] == DEMO_KEY
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_options_flow_applies_without_restart(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Options flow applies without restart."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "sender_id": "has space",
            "country": "Narnia",
            "poll_interval": 30,
            "poll_replies": True,
            "poll_delivery_reports": False,
            "low_balance_threshold": 5,
        },
    )
    assert result["errors"] == {
        "sender_id": "invalid_sender_id",
        "country": "invalid_country",
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "sender_id": "MyHome",
            "country": "au",
            "poll_interval": 30.0,
            "poll_replies": True,
            "poll_delivery_reports": False,
            "low_balance_threshold": 5,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.options == {
        "sender_id": "MyHome",
        "country": "AU",
        "poll_interval": 30,
        "poll_replies": True,
        "poll_delivery_reports": False,
        "low_balance_threshold": 5,
    }
    assert loaded_entry.state is ConfigEntryState.LOADED

    # Clearing the defaults removes them.
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "sender_id": " ",
            "country": "",
            "poll_interval": 60,
            "poll_replies": True,
            "poll_delivery_reports": True,
            "low_balance_threshold": 1,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "sender_id" not in loaded_entry.options
    assert "country" not in loaded_entry.options


async def test_add_and_change_recipient(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Add and change recipient."""
    hass.config_entries.async_update_entry(loaded_entry, options={"country": "AU"})
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "recipient"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "alex", "phone_number": "0422 222 222", "sender_id": "bad id"},
    )
    assert result["errors"] == {
        "name": "name_exists",
        "phone_number": "number_exists",
        "sender_id": "invalid_sender_id",
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "123", "phone_number": "12"}
    )
    assert result["errors"] == {
        "name": "invalid_name",
        "phone_number": "invalid_phone_number",
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": " Kim ", "phone_number": "0433 333 333", "sender_id": "KimHouse"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    kim = next(s for s in loaded_entry.subentries.values() if s.title == "Kim")
    # The name is the title only, as the UI's Rename changes it.
    assert dict(kim.data) == {"phone_number": "+61433333333", "sender_id": "KimHouse"}
    assert hass.states.get("notify.kim") is not None

    result = await loaded_entry.start_subentry_reconfigure_flow(hass, kim.subentry_id)
    assert result["step_id"] == "reconfigure"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if str(key) != "assist"
    }
    assert suggested == {
        "name": "Kim",
        "phone_number": "+61433333333",
        "sender_id": "KimHouse",
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Kim", "phone_number": "+61444444444"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert dict(loaded_entry.subentries[kim.subentry_id].data) == {
        "phone_number": "+61444444444"
    }


async def test_renamed_recipient_is_reached_by_its_new_name(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The UI's Rename (the subentry title) renames the device and the target."""
    alex = next(s for s in loaded_entry.subentries.values() if s.title == "Alex")
    hass.config_entries.async_update_subentry(loaded_entry, alex, title="Alexandra")
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{loaded_entry.entry_id}_{alex.subentry_id}"),
        config_entry_id=loaded_entry.entry_id,
    )
    assert device is not None
    assert device.name == "Alexandra"

    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"to": ["alexandra"], "message": "Renamed"},
        blocking=True,
    )
    assert [(sent.to, sent.message) for sent in simulator.sent] == [
        ("+61411111111", "Renamed")
    ]
    # The old name is no recipient any more, and no number either.
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "send_sms", {"to": ["Alex"], "message": "Old"}, blocking=True
        )
    assert err.value.translation_key == "unknown_recipient"
    # The recipient form offers the new name, and checks names against it.
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "recipient"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "ALEXANDRA", "phone_number": "+61455555555"}
    )
    assert result["errors"] == {"name": "name_exists"}


async def test_webhook_url_is_shown(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The whole push URL when one is known, else the path and how to complete it."""
    hass.config.external_url = "https://home.example.com"
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["step_id"] == "init"
    assert result["description_placeholders"] == {
        "webhook_url": f"https://home.example.com/api/webhook/{WEBHOOK_ID}"
    }
    # Without any URL the internet reaches, the path, and the text that says
    # to put the address in front of it.
    hass.config.external_url = None
    hass.config.internal_url = "http://192.168.1.2:8123"
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["step_id"] == "init_path"
    assert result["description_placeholders"] == {
        "webhook_url": f"/api/webhook/{WEBHOOK_ID}"
    }
    # The same form: it saves the options.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "poll_interval": 60,
            "poll_replies": True,
            "poll_delivery_reports": True,
            "low_balance_threshold": 2,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options["low_balance_threshold"] == 2

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    simulator.add_account("other", "OTHER-KEY")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, "other", "OTHER-KEY")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    webhook_id = result["result"].data[CONF_WEBHOOK_ID]
    assert result["description"] == "push_path"
    assert result["description_placeholders"] == {
        "webhook_url": f"/api/webhook/{webhook_id}"
    }

    hass.config.external_url = "https://home.example.com"
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    simulator.add_account("third", "THIRD-KEY")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, "third", "THIRD-KEY")
    )
    webhook_id = result["result"].data[CONF_WEBHOOK_ID]
    assert result["description"] == "default"
    assert result["description_placeholders"] == {
        "webhook_url": f"https://home.example.com/api/webhook/{webhook_id}"
    }


async def test_options_show_the_currency(
    hass: HomeAssistant, simulator: ClickSendSimulator, config_entry: MockConfigEntry
) -> None:
    """The threshold is in the account's currency, once ClickSend has named it."""
    hass.config.currency = "AUD"
    simulator.add_account(DEMO_USERNAME, "OTHER")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    # Not loaded: Home Assistant's own currency.
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    threshold = result["data_schema"].schema["low_balance_threshold"]
    assert threshold.config["unit_of_measurement"] == "AUD"

    simulator.add_account(DEMO_USERNAME, DEMO_KEY, currency_symbol="£")
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    threshold = result["data_schema"].schema["low_balance_threshold"]
    assert threshold.config["unit_of_measurement"] == "GBP"


class _FakeCloud(ModuleType):
    """Home Assistant Cloud, which cannot be reached from here."""

    class CloudNotAvailable(Exception):
        """As the cloud raises it."""

    def __init__(self, *, connected: bool, logged_in: bool = True) -> None:
        super().__init__("homeassistant.components.cloud")
        self.connected = connected
        self.logged_in = logged_in
        self.hooks: dict[str, str] = {}

    def async_active_subscription(self, hass: HomeAssistant) -> bool:
        return self.logged_in

    def async_is_logged_in(self, hass: HomeAssistant) -> bool:
        return self.logged_in

    async def async_get_or_create_cloudhook(
        self, hass: HomeAssistant, webhook_id: str
    ) -> str:
        if not self.connected:
            raise self.CloudNotAvailable
        return self.hooks.setdefault(
            webhook_id, f"https://hooks.nabu.casa/{webhook_id[:8]}"
        )

    async def async_delete_cloudhook(
        self, hass: HomeAssistant, webhook_id: str
    ) -> None:
        if not self.connected:
            raise self.CloudNotAvailable
        if webhook_id not in self.hooks:
            # As hass_nabucasa does.
            raise ValueError("Hook is not enabled for the cloud.")
        del self.hooks[webhook_id]


@pytest.mark.parametrize(
    ("connected", "logged_in", "url"),
    [
        # With Home Assistant Cloud, ClickSend pushes to a cloudhook.
        (True, True, f"https://hooks.nabu.casa/{WEBHOOK_ID[:8]}"),
        # While the cloud is not connected, or logged out: the local URL.
        (False, True, f"https://home.example.com/api/webhook/{WEBHOOK_ID}"),
        (True, False, f"https://home.example.com/api/webhook/{WEBHOOK_ID}"),
    ],
)
async def test_cloudhook_with_home_assistant_cloud(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    connected: bool,
    logged_in: bool,
    url: str,
) -> None:
    """The push URL is a cloudhook when the cloud can give one; it goes with the entry."""
    cloud = _FakeCloud(connected=connected, logged_in=logged_in)
    hass.config.components.add("cloud")
    hass.config.external_url = "https://home.example.com"
    with patch.dict(sys.modules, {"homeassistant.components.cloud": cloud}):
        result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
        assert result["description_placeholders"] == {"webhook_url": url}
        await hass.config_entries.async_remove(loaded_entry.entry_id)
    assert cloud.hooks == {}
    assert hass.config_entries.async_get_entry(loaded_entry.entry_id) is None


async def test_removal_without_a_cloudhook(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """An entry made before the cloud was set up has no cloudhook to delete."""
    cloud = _FakeCloud(connected=True)
    hass.config.components.add("cloud")
    with patch.dict(sys.modules, {"homeassistant.components.cloud": cloud}):
        await hass.config_entries.async_remove(loaded_entry.entry_id)
    assert hass.config_entries.async_get_entry(loaded_entry.entry_id) is None


async def test_unexpected_error_is_shown_as_unknown(
    hass: HomeAssistant, simulator: ClickSendSimulator
) -> None:
    """A failure nobody foresaw still leaves the user a form to try again."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with patch(
        "custom_components.clicksend_sms.config_flow.ClickSendClient.get_balance",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _account_input(simulator)
        )
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, key=f" {DEMO_KEY}\n")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # A key pasted with white space around it is taken without it.
    assert result["result"].data[CONF_API_KEY] == DEMO_KEY


async def test_reconfigure_to_another_server_needs_the_key(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The stored key is never sent to a server it was not entered for."""
    other = ClickSendSimulator()
    await other.start("127.0.0.1", 0)
    try:
        result = await loaded_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_API_KEY: "", "advanced": {CONF_URL: other.base_url}},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_API_KEY: "key_required_for_new_host"}
        assert other.requests == []
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_API_KEY: DEMO_KEY, "advanced": {CONF_URL: other.base_url}},
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert loaded_entry.data[CONF_URL] == other.base_url
        await hass.async_block_till_done()
    finally:
        await other.stop()


async def test_recipient_may_talk_to_assist(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The recipient form's Assist section is off by default and kept only when on."""
    assert await async_setup_component(hass, "homeassistant", {})
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "recipient"), context={"source": SOURCE_USER}
    )
    assist = next(key for key in result["data_schema"].schema if str(key) == "assist")
    section_schema = result["data_schema"].schema[assist].schema
    assert section_schema({}) == {
        "assist_allowed": False,
        "assist_agent": "conversation.home_assistant",
        "assist_max_parts": 2,
        "assist_max_per_hour": 10,
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Kim",
            "phone_number": "+61433333333",
            "assist": {
                "assist_allowed": True,
                "assist_agent": "conversation.home_assistant",
                "assist_max_parts": 3.0,
                "assist_max_per_hour": 5.0,
            },
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    kim = next(s for s in loaded_entry.subentries.values() if s.title == "Kim")
    assert dict(kim.data) == {
        "phone_number": "+61433333333",
        "assist_allowed": True,
        "assist_agent": "conversation.home_assistant",
        "assist_max_parts": 3,
        "assist_max_per_hour": 5,
    }
    assert "conversation" in hass.config.components

    result = await loaded_entry.start_subentry_reconfigure_flow(hass, kim.subentry_id)
    schema = result["data_schema"].schema
    assist = next(key for key in schema if str(key) == "assist")
    assert {
        str(key): key.description["suggested_value"]
        for key in schema[assist].schema.schema
    } == {
        "assist_allowed": True,
        "assist_agent": "conversation.home_assistant",
        "assist_max_parts": 3,
        "assist_max_per_hour": 5,
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Kim",
            "phone_number": "+61433333333",
            "assist": {"assist_allowed": False},
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert dict(loaded_entry.subentries[kim.subentry_id].data) == {
        "phone_number": "+61433333333"
    }


def _form_start(result: Any) -> dict[str, Any]:
    """Return what the frontend's form starts with, for this step's schema.

    As the frontend's computeInitialHaFormData does with the JSON it gets: a
    field's suggested value, else its default, else (a section) its fields'.
    """
    fields = probatio.to_field_list(
        result["data_schema"], custom_serializer=cv.custom_serializer
    )

    def start(fields: list[dict[str, Any]]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in fields:
            description = field.get("description") or {}
            if description.get("suggested_value") is not None:
                data[field["name"]] = description["suggested_value"]
            elif "default" in field:
                data[field["name"]] = field["default"]
            elif field.get("type") == "expandable":
                data[field["name"]] = start(field["schema"])
        return data

    return start(fields)


async def test_recipient_form_shows_the_assist_settings(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The browser's form starts from the Assist defaults, or the saved settings.

    A default for the section itself would make the frontend start it empty:
    no agent, and Assist off on a recipient allowed, saved so by a submit.
    """
    assert await async_setup_component(hass, "homeassistant", {})
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, "recipient"), context={"source": SOURCE_USER}
    )
    assert _form_start(result)["assist"] == {
        "assist_allowed": False,
        "assist_agent": "conversation.home_assistant",
        "assist_max_parts": 2,
        "assist_max_per_hour": 10,
    }
    assist = {
        "assist_allowed": True,
        "assist_agent": "conversation.home_assistant",
        "assist_max_parts": 3,
        "assist_max_per_hour": 5,
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Kim", "phone_number": "+61433333333", "assist": assist},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    kim = next(s for s in loaded_entry.subentries.values() if s.title == "Kim")
    result = await loaded_entry.start_subentry_reconfigure_flow(hass, kim.subentry_id)
    start = _form_start(result)
    assert start["assist"] == assist
    # Submitted as it starts, the form keeps Kim's settings.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], start
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert dict(loaded_entry.subentries[kim.subentry_id].data) == {
        "phone_number": "+61433333333",
        **assist,
    }


async def test_rename_cannot_send_to_the_wrong_person(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Rename skips the form's checks: a shared name or a number as a name is refused."""
    alex = next(s for s in loaded_entry.subentries.values() if s.title == "Alex")
    sam = next(s for s in loaded_entry.subentries.values() if s.title == "Sam")
    hass.config_entries.async_update_subentry(loaded_entry, alex, title="Alexandra")
    hass.config_entries.async_update_subentry(loaded_entry, sam, title="alexandra ")
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "send_sms", {"to": ["Alexandra"], "message": "Hi"}, blocking=True
        )
    assert err.value.translation_key == "ambiguous_recipient"
    assert err.value.translation_placeholders == {"name": "Alexandra", "count": "2"}

    # Sam renamed to Alex's number is no name: the number reaches Alex.
    hass.config_entries.async_update_subentry(
        loaded_entry, loaded_entry.subentries[sam.subentry_id], title="+61411111111"
    )
    await hass.async_block_till_done()
    await hass.services.async_call(
        DOMAIN, "send_sms", {"to": ["+61411111111"], "message": "Hi"}, blocking=True
    )
    assert [sent.to for sent in simulator.sent] == ["+61411111111"]
    # And it no longer shares Alex's new name.
    await hass.services.async_call(
        DOMAIN, "send_sms", {"to": ["Alexandra"], "message": "Hi, Alex"}, blocking=True
    )
    assert [sent.to for sent in simulator.sent] == ["+61411111111"] * 2
