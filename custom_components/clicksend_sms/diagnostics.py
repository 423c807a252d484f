"""Diagnostics: what a bug report needs, without secrets or whole phone numbers."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .ask import async_get_asks
from .const import (
    CONF_API_KEY,
    CONF_ASSIST_ALLOWED,
    CONF_PHONE_NUMBER,
    CONF_SENDER_ID,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
)
from .coordinator import AccountCoordinator
from .data import ClickSendConfigEntry
from .inbox import InboxCoordinator

TO_REDACT = {CONF_API_KEY, CONF_USERNAME, CONF_WEBHOOK_ID}


def mask_number(number: str) -> str:
    """Keep only the last three digits of a phone number."""
    return f"**REDACTED**{number[-3:]}"


def mask_sender_id(sender_id: str | None) -> str | None:
    """Mask a sender ID that is a phone number; keep a name."""
    if sender_id and sender_id.lstrip("+").isdigit():
        return mask_number(sender_id)
    return sender_id


def _polling(poller: AccountCoordinator | InboxCoordinator) -> dict[str, Any]:
    """How the polling of the balance, or of the inbox, goes."""
    return {
        "last_update_success": poller.last_update_success,
        "last_exception": repr(poller.last_exception)
        if poller.last_exception
        else None,
        "update_interval": str(poller.update_interval),
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ClickSendConfigEntry
) -> dict[str, Any]:
    """Describe the entry, its recipients and what the coordinators know."""
    diagnostics: dict[str, Any] = {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": {
                key: mask_sender_id(value) if key == CONF_SENDER_ID else value
                for key, value in entry.options.items()
            },
        },
        "recipients": [
            {
                "subentry_type": subentry.subentry_type,
                "phone_number": mask_number(str(subentry.data[CONF_PHONE_NUMBER])),
                "sender_id": mask_sender_id(subentry.data.get(CONF_SENDER_ID)),
                "assist_allowed": bool(subentry.data.get(CONF_ASSIST_ALLOWED)),
            }
            for subentry in entry.subentries.values()
        ],
        "state": entry.state.value,
    }
    if entry.state is not ConfigEntryState.LOADED:
        # Most needed when the account does not load: tell what is known.
        return diagnostics
    account = entry.runtime_data.account
    inbox = entry.runtime_data.inbox
    balance = account.data
    return {
        **diagnostics,
        "account": {
            **_polling(account),
            "balance": balance.balance,
            "currency_symbol": balance.currency_symbol,
            "account_type": balance.account_type,
            "low_balance_threshold": account.low_balance_threshold,
        },
        "inbox": {
            **_polling(inbox),
            "poll_replies": inbox.poll_replies,
            "poll_delivery_reports": inbox.poll_receipts,
            **asdict(inbox.stats),
            "remembered": inbox.remembered,
            "polling_behaviour": inbox.polling_behaviour,
        },
        "asks_waiting": async_get_asks(hass, entry.entry_id).waiting,
        "assist": entry.runtime_data.assist_diagnostics(),
    }
