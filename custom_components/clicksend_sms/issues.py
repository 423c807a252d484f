"""The low-credit repair issue: raised by the account coordinator, never fixable here."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DASHBOARD_URL, DOMAIN, ISSUE_LOW_CREDIT


def low_credit_issue_id(entry_id: str) -> str:
    """Name the repair of one account."""
    return f"{ISSUE_LOW_CREDIT}_{entry_id}"


@callback
def async_update_low_credit_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    balance: float,
    currency: str,
    *,
    low: bool,
) -> None:
    """Raise the repair while credit is low; remove it once it has recovered.

    The currency is an ISO code, as the balance sensor and the threshold show it.
    """
    issue_id = low_credit_issue_id(entry.entry_id)
    if not low:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        learn_more_url=DASHBOARD_URL,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_LOW_CREDIT,
        translation_placeholders={
            "account": entry.title,
            "balance": f"{balance:.2f} {currency}",
        },
    )


@callback
def async_delete_low_credit_issue(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the repair of a removed account."""
    ir.async_delete_issue(hass, DOMAIN, low_credit_issue_id(entry_id))
