"""The account coordinator: balance and account type, and the low-credit repair."""

from __future__ import annotations

import logging
from typing import override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    AccountNotActiveError,
    Balance,
    ClickSendAuthError,
    ClickSendClient,
    ClickSendError,
)
from .const import (
    BALANCE_UPDATE_INTERVAL,
    CONF_LOW_BALANCE_THRESHOLD,
    DEFAULT_LOW_BALANCE_THRESHOLD,
    DOMAIN,
)
from .currency import currency_unit
from .issues import async_update_low_credit_issue

_LOGGER = logging.getLogger(__name__)


class AccountCoordinator(DataUpdateCoordinator[Balance]):
    """Polls the balance; entities go unavailable while ClickSend is out of reach."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: ConfigEntry,
        client: ClickSendClient,
    ) -> None:
        """Keep the client."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} account {client.username}",
            update_interval=BALANCE_UPDATE_INTERVAL,
        )
        self.client = client
        # The balance after a send failed for lack of credit: the repair
        # stays until the balance rises above it, even above the threshold.
        self._exhausted_at: float | None = None
        self._exhausted_pending = False
        # A refresh asked for after a send and not yet begun: the sends
        # after it need no task of their own to ask again.
        self._refresh_requested = False

    @property
    def low_balance_threshold(self) -> float:
        """The balance at or below which the low-credit repair is raised."""
        return float(
            self.config_entry.options.get(
                CONF_LOW_BALANCE_THRESHOLD, DEFAULT_LOW_BALANCE_THRESHOLD
            )
        )

    @override
    async def _async_update_data(self) -> Balance:
        """Fetch the balance and raise or clear the low-credit repair."""
        self._refresh_requested = False
        try:
            balance = await self.client.get_balance()
        except ClickSendAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except AccountNotActiveError as err:
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="account_not_active",
                translation_placeholders={
                    "code": err.code,
                    "error_text": err.error_text,
                },
            ) from err
        except ClickSendError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        if self._exhausted_pending:
            self._exhausted_pending = False
            # The lower of the balances before and after the failed send: a
            # top-up in between clears the repair below.
            self._exhausted_at = min(self.data.balance, balance.balance)
        if self._exhausted_at is not None and balance.balance > self._exhausted_at:
            self._exhausted_at = None
        self._update_issue(balance.balance, balance.currency_symbol)
        return balance

    def balance_changed(self) -> None:
        """Fetch the balance again after a send, debounced as HA's refreshes are."""
        if not self._refresh_requested:
            self._refresh_requested = True
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), "clicksend_sms balance"
            )

    def credit_exhausted(self) -> None:
        """Raise the repair after ClickSend refused a send for lack of credit.

        The balance is fetched again: the one known may predate the send.
        """
        self._exhausted_pending = True
        self._exhausted_at = self.data.balance
        self._update_issue(self._exhausted_at, self.data.currency_symbol)
        self.config_entry.async_create_background_task(
            self.hass, self.async_request_refresh(), "clicksend_sms balance"
        )

    def _update_issue(self, balance: float, symbol: str) -> None:
        low = balance <= self.low_balance_threshold or self._exhausted_at is not None
        currency = currency_unit(symbol, self.hass.config.currency)
        async_update_low_credit_issue(
            self.hass, self.config_entry, balance, currency, low=low
        )
