"""ClickSend Two-Way SMS: send SMS from Home Assistant, and hear back."""

from __future__ import annotations

from homeassistant.const import CONF_NAME, Platform
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    discovery,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType

from .api import ClickSendClient
from .ask import FAST_POLL_INTERVAL, async_get_asks, async_remove_asks
from .assist import AssistBySms
from .const import (
    CONF_API_KEY,
    CONF_ENTRY,
    CONF_URL,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from .coordinator import AccountCoordinator
from .data import ClickSendConfigEntry, ClickSendRuntimeData
from .entity import account_device_info
from .inbox import InboxCoordinator, async_remove_fired_record
from .issues import async_delete_low_credit_issue
from .services import async_setup_services
from .webhook import (
    async_register_webhook,
    async_remove_cloudhook,
    async_unregister_webhook,
)

PLATFORMS: list[Platform] = [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, and take in pushes before the accounts load.

    Home Assistant answers 200 to a webhook nobody registered, and discards
    the body: every account's webhook is registered here, before the entries
    are set up, so what ClickSend pushes meanwhile waits for its entry.
    """
    async_setup_services(hass)
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.disabled_by is None:
            async_register_webhook(hass, entry)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ClickSendConfigEntry) -> bool:
    """Connect to the account; refuse to load until ClickSend answers."""
    # Pushes are taken in from the start, even while ClickSend's API fails.
    pushes = async_register_webhook(hass, entry)
    client = ClickSendClient(
        async_get_clientsession(hass),
        entry.data[CONF_USERNAME],
        entry.data[CONF_API_KEY],
        base_url=entry.data[CONF_URL],
    )
    account = AccountCoordinator(hass, entry, client)
    # Raises ConfigEntryNotReady, ConfigEntryAuthFailed (reauth) or, for an
    # account that is not active, ConfigEntryError.
    await account.async_config_entry_first_refresh()
    inbox = InboxCoordinator(hass, entry, client)
    await inbox.async_load()
    entry.async_on_unload(inbox.async_flush)
    # Asks waiting for their answers poll faster and learn of each reply.
    asks = async_get_asks(hass, entry.entry_id)
    inbox.answer_hook = asks.async_answer
    entry.async_on_unload(
        asks.attach(
            lambda faster: inbox.async_poll_faster(
                FAST_POLL_INTERVAL if faster else None
            )
        )
    )
    assist = AssistBySms(hass, entry)
    entry.runtime_data = ClickSendRuntimeData(
        client=client,
        account=account,
        inbox=inbox,
        assist_diagnostics=assist.diagnostics,
    )
    await assist.async_start()
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **account_device_info(entry)
    )

    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)

    async def _async_start(_: HomeAssistant) -> None:
        """Hand pushes to the inbox, what waited first, then poll.

        Not before Home Assistant has started: automations are not listening.
        Pushes go one way, webhook to inbox; the inbox knows no webhook.
        """
        if not inbox.can_start():
            return
        pushes.attach(inbox)
        entry.async_on_unload(pushes.detach)
        await inbox.async_start()

    if hass.state is CoreState.running:
        await _async_start(hass)
    else:
        # Fire and poll once Home Assistant has started: automations are not
        # listening before.
        entry.async_on_unload(async_at_started(hass, _async_start))
    # The legacy notify service, for alert: and notify groups.
    entry.async_create_task(
        hass,
        discovery.async_load_platform(
            hass,
            Platform.NOTIFY,
            DOMAIN,
            {CONF_NAME: f"{DOMAIN}_{entry.data[CONF_USERNAME]}", CONF_ENTRY: entry},
            {},
        ),
        "clicksend_sms legacy notify",
    )
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


async def _async_update_listener(
    hass: HomeAssistant, entry: ClickSendConfigEntry
) -> None:
    """Apply new options and recipients without a restart."""
    hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: ClickSendConfigEntry) -> bool:
    """Unload the platforms; the legacy service and the repair go too.

    The webhook stays, pushes waiting, unless the entry is being disabled:
    a reload must not answer ClickSend's pushes with "unknown webhook".
    """
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    async_delete_low_credit_issue(hass, entry.entry_id)
    if entry.disabled_by is not None:
        async_unregister_webhook(hass, entry)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: ClickSendConfigEntry) -> None:
    """Leave nothing behind of a removed account."""
    async_delete_low_credit_issue(hass, entry.entry_id)
    async_remove_asks(hass, entry.entry_id)
    # An entry that never loaded kept its webhook through its failed set-ups.
    async_unregister_webhook(hass, entry)
    await async_remove_fired_record(hass, entry.entry_id)
    await async_remove_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
