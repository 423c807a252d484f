"""Config flow: the account, its options and its saved recipients."""

from __future__ import annotations

from collections.abc import Mapping
import logging
import secrets
from typing import Any, override
from urllib.parse import urlsplit

import probatio

from homeassistant.components.conversation import HOME_ASSISTANT_AGENT
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    ConversationAgentSelector,
    CountrySelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import (
    DEFAULT_BASE_URL,
    AccountNotActiveError,
    ClickSendApiError,
    ClickSendAuthError,
    ClickSendClient,
    ClickSendError,
    ClickSendInputError,
    normalize_number,
    validate_base_url,
    validate_country,
    validate_sender_id,
)
from .const import (
    CONF_API_KEY,
    CONF_ASSIST,
    CONF_ASSIST_AGENT,
    CONF_ASSIST_ALLOWED,
    CONF_ASSIST_MAX_PARTS,
    CONF_ASSIST_MAX_PER_HOUR,
    CONF_COUNTRY,
    CONF_LOW_BALANCE_THRESHOLD,
    CONF_NAME,
    CONF_PHONE_NUMBER,
    CONF_POLL_DELIVERY_REPORTS,
    CONF_POLL_INTERVAL,
    CONF_POLL_REPLIES,
    CONF_SENDER_ID,
    CONF_URL,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    DEFAULT_ASSIST_MAX_PARTS,
    DEFAULT_ASSIST_MAX_PER_HOUR,
    DEFAULT_LOW_BALANCE_THRESHOLD,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    MAX_ASSIST_MAX_PARTS,
    MAX_ASSIST_MAX_PER_HOUR,
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
    SUBENTRY_TYPE_RECIPIENT,
)
from .currency import currency_unit
from .data import ClickSendConfigEntry
from .webhook import async_webhook_url

_LOGGER = logging.getLogger(__name__)

SECTION_ADVANCED = "advanced"

_USERNAME_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.TEXT, autocomplete="username")
)
_API_KEY_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _advanced_section(url: str) -> section:
    """Tuck the API URL away: only the simulator or a proxy needs another."""
    return section(
        probatio.Schema(
            {probatio.Required(CONF_URL, default=url): _URL_SELECTOR},
        ),
        {"collapsed": True},
    )


def _account_schema(*, url: str = DEFAULT_BASE_URL) -> probatio.Schema:
    return probatio.Schema(
        {
            probatio.Required(CONF_USERNAME): _USERNAME_SELECTOR,
            probatio.Required(CONF_API_KEY): _API_KEY_SELECTOR,
            probatio.Required(SECTION_ADVANCED): _advanced_section(url),
        }
    )


def _reconfigure_schema(url: str) -> probatio.Schema:
    """Ask for no username (the same account) and the key only if it changes."""
    return probatio.Schema(
        {
            probatio.Optional(CONF_API_KEY): _API_KEY_SELECTOR,
            probatio.Required(SECTION_ADVANCED): _advanced_section(url),
        }
    )


REAUTH_SCHEMA = probatio.Schema({probatio.Required(CONF_API_KEY): _API_KEY_SELECTOR})


async def _async_validate_account(
    hass: HomeAssistant, username: str, api_key: str, url: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Try the credentials with a balance call; return form errors and placeholders."""
    try:
        client = ClickSendClient(
            async_get_clientsession(hass), username, api_key, base_url=url
        )
        await client.get_balance()
    except ClickSendInputError:
        return {"base": "invalid_url"}, {}
    except ClickSendAuthError:
        return {"base": "invalid_auth"}, {}
    except AccountNotActiveError as err:
        # ClickSend's own words: "not activated" and "banned" share a code.
        return {"base": "account_not_active"}, {
            "error_text": f"{err.error_text} ({err.code})"
        }
    except ClickSendApiError as err:
        return {"base": "unknown"}, {"error_text": f"{err.error_text} ({err.code})"}
    except ClickSendError:
        _LOGGER.debug("Could not reach ClickSend", exc_info=True)
        return {"base": "cannot_connect"}, {}
    except Exception:
        _LOGGER.exception("Unexpected error while checking the ClickSend account")
        return {"base": "unknown"}, {"error_text": "an unexpected error"}
    return {}, {}


def _url_of(user_input: Mapping[str, Any]) -> str:
    url = str(user_input.get(SECTION_ADVANCED, {}).get(CONF_URL) or DEFAULT_BASE_URL)
    try:
        return validate_base_url(url)
    except ClickSendInputError:
        return url


class ClickSendConfigFlow(ConfigFlow, domain=DOMAIN):
    """Adds a ClickSend account."""

    VERSION = 1

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> ClickSendOptionsFlow:
        """Options of an account."""
        return ClickSendOptionsFlow()

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Offer saved recipients."""
        return {SUBENTRY_TYPE_RECIPIENT: RecipientSubentryFlow}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the account's username and API key."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            username = user_input[CONF_USERNAME].strip()
            # Not raise_on_progress: a flow left open after a failed try (a
            # page reload) must not block adding the account.
            await self.async_set_unique_id(username.casefold(), raise_on_progress=False)
            self._abort_if_unique_id_configured()
            url = _url_of(user_input)
            api_key = user_input[CONF_API_KEY].strip()
            errors, placeholders = await _async_validate_account(
                self.hass, username, api_key, url
            )
            if not errors:
                # 256 random bits: the webhook URL is the push's only secret.
                webhook_id = secrets.token_hex(32)
                webhook_url = await async_webhook_url(self.hass, webhook_id)
                return self.async_create_entry(
                    title=username,
                    data={
                        CONF_USERNAME: username,
                        CONF_API_KEY: api_key,
                        CONF_URL: url,
                        CONF_WEBHOOK_ID: webhook_id,
                    },
                    description=_push_step(webhook_url, "default", "push_path"),
                    description_placeholders={"webhook_url": webhook_url},
                )
        return self.async_show_form(
            step_id="user",
            # The key just typed is never sent back to the browser.
            data_schema=self.add_suggested_values_to_schema(
                _account_schema(),
                {k: v for k, v in (user_input or {}).items() if k != CONF_API_KEY},
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """ClickSend refused the key: ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the new key of the same account."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {CONF_USERNAME: entry.data[CONF_USERNAME]}
        if user_input is not None:
            api_key = user_input[CONF_API_KEY].strip()
            errors, extra = await _async_validate_account(
                self.hass, entry.data[CONF_USERNAME], api_key, entry.data[CONF_URL]
            )
            placeholders |= extra
            if not errors:
                return self._async_update_and_abort(
                    entry, api_key, entry.data[CONF_URL]
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the key or the API URL of the same account.

        The username names the account, so it is shown, not asked; a blank key
        keeps the stored one, which is never sent back to the browser.
        """
        entry = self._get_reconfigure_entry()
        username: str = entry.data[CONF_USERNAME]
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            url = _url_of(user_input)
            typed_key = str(user_input.get(CONF_API_KEY) or "").strip()
            if not typed_key and _is_another_server(url, entry.data[CONF_URL]):
                # The stored key goes only where it went before: whoever can
                # open this form must not learn it by pointing it elsewhere.
                errors = {CONF_API_KEY: "key_required_for_new_host"}
            else:
                api_key = typed_key or entry.data[CONF_API_KEY]
                errors, placeholders = await _async_validate_account(
                    self.hass, username, api_key, url
                )
                if not errors:
                    return self._async_update_and_abort(entry, api_key, url)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_reconfigure_schema(
                _url_of(user_input) if user_input else entry.data[CONF_URL]
            ),
            errors=errors,
            description_placeholders={CONF_USERNAME: username, **placeholders},
        )

    def _async_update_and_abort(
        self, entry: ConfigEntry, api_key: str, url: str
    ) -> ConfigFlowResult:
        """Store the checked key and URL; the update listener reloads the entry.

        The listener fires only for changed data of a loaded entry. Otherwise
        (the same key that works again, or an entry that failed to set up and
        so registered no listener) the entry is reloaded here.
        """
        unchanged = entry.data[CONF_API_KEY] == api_key and entry.data[CONF_URL] == url
        reload = unchanged or not entry.update_listeners
        result = self.async_update_and_abort(
            entry, data_updates={CONF_API_KEY: api_key, CONF_URL: url}
        )
        if reload:
            # After the update: the reload starts at once and reads the data.
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return result


def _is_another_server(url: str, stored_url: str) -> bool:
    """Whether a valid URL sends requests, and so the key, to another server.

    Scheme, host and port decide; an invalid URL is left to the check that
    refuses it before anything is sent.
    """
    try:
        new = urlsplit(validate_base_url(url))
    except ClickSendInputError:
        return False
    old = urlsplit(stored_url)
    return (new.scheme, new.hostname, new.port) != (old.scheme, old.hostname, old.port)


def _push_step(webhook_url: str, full: str, path_only: str) -> str:
    """Choose the text for a push URL: full, or a path to put an address before."""
    return path_only if webhook_url.startswith("/") else full


class ClickSendOptionsFlow(OptionsFlow):
    """Defaults for sending, and how to hear back; the entry reloads to apply them."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and check the options."""
        errors: dict[str, str] = {}
        if user_input is not None:
            options = dict(user_input)
            try:
                if sender_id := options.get(CONF_SENDER_ID, "").strip():
                    options[CONF_SENDER_ID] = validate_sender_id(sender_id)
                else:
                    options.pop(CONF_SENDER_ID, None)
            except ClickSendInputError:
                errors[CONF_SENDER_ID] = "invalid_sender_id"
            try:
                if country := options.get(CONF_COUNTRY, "").strip():
                    options[CONF_COUNTRY] = validate_country(country)
                else:
                    options.pop(CONF_COUNTRY, None)
            except ClickSendInputError:
                errors[CONF_COUNTRY] = "invalid_country"
            if not errors:
                options[CONF_POLL_INTERVAL] = int(options[CONF_POLL_INTERVAL])
                return self.async_create_entry(data=options)
        schema = probatio.Schema(
            {
                probatio.Optional(CONF_SENDER_ID): TextSelector(),
                probatio.Optional(CONF_COUNTRY): CountrySelector(),
                probatio.Required(
                    CONF_POLL_INTERVAL, default=DEFAULT_POLL_INTERVAL
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_POLL_INTERVAL,
                        max=MAX_POLL_INTERVAL,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="s",
                    )
                ),
                probatio.Required(CONF_POLL_REPLIES, default=True): BooleanSelector(),
                probatio.Required(
                    CONF_POLL_DELIVERY_REPORTS, default=True
                ): BooleanSelector(),
                probatio.Required(
                    CONF_LOW_BALANCE_THRESHOLD, default=DEFAULT_LOW_BALANCE_THRESHOLD
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        step=0.01,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement=self._currency(),
                    )
                ),
            }
        )
        webhook_url = await async_webhook_url(
            self.hass, self.config_entry.data[CONF_WEBHOOK_ID]
        )
        return self.async_show_form(
            # The same form; its description says how to complete a bare path.
            step_id=_push_step(webhook_url, "init", "init_path"),
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self.config_entry.options
            ),
            errors=errors,
            description_placeholders={"webhook_url": webhook_url},
        )

    def _currency(self) -> str:
        """Name the account's currency as the balance sensor does, once it is known."""
        entry: ClickSendConfigEntry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return self.hass.config.currency
        return currency_unit(
            entry.runtime_data.account.data.currency_symbol, self.hass.config.currency
        )

    async def async_step_init_path(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the options form when only the push URL's path is known."""
        return await self.async_step_init(user_input)


_ASSIST_SECTION = section(
    probatio.Schema(
        {
            probatio.Optional(CONF_ASSIST_ALLOWED, default=False): BooleanSelector(),
            probatio.Optional(
                CONF_ASSIST_AGENT, default=HOME_ASSISTANT_AGENT
            ): ConversationAgentSelector(),
            probatio.Optional(
                CONF_ASSIST_MAX_PARTS, default=DEFAULT_ASSIST_MAX_PARTS
            ): NumberSelector(
                NumberSelectorConfig(
                    min=1,
                    max=MAX_ASSIST_MAX_PARTS,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                )
            ),
            probatio.Optional(
                CONF_ASSIST_MAX_PER_HOUR, default=DEFAULT_ASSIST_MAX_PER_HOUR
            ): NumberSelector(
                NumberSelectorConfig(
                    min=1,
                    max=MAX_ASSIST_MAX_PER_HOUR,
                    step=1,
                    mode=NumberSelectorMode.BOX,
                )
            ),
        }
    ),
    {"collapsed": True},
)
_ASSIST_KEYS = (
    CONF_ASSIST_ALLOWED,
    CONF_ASSIST_AGENT,
    CONF_ASSIST_MAX_PARTS,
    CONF_ASSIST_MAX_PER_HOUR,
)


def _assist_data(assist: Mapping[str, Any]) -> dict[str, Any]:
    """Keep a recipient's Assist options only while Assist is allowed."""
    if not assist.get(CONF_ASSIST_ALLOWED):
        return {}
    return {
        CONF_ASSIST_ALLOWED: True,
        CONF_ASSIST_AGENT: str(assist[CONF_ASSIST_AGENT]),
        CONF_ASSIST_MAX_PARTS: int(assist[CONF_ASSIST_MAX_PARTS]),
        CONF_ASSIST_MAX_PER_HOUR: int(assist[CONF_ASSIST_MAX_PER_HOUR]),
    }


class RecipientSubentryFlow(ConfigSubentryFlow):
    """Adds or changes a saved recipient: a name, a phone number, Assist by SMS."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a recipient."""
        return await self._async_step_recipient("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a recipient."""
        return await self._async_step_recipient("reconfigure", user_input)

    async def _async_step_recipient(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        entry = self._get_entry()
        current = self._get_reconfigure_subentry() if step_id == "reconfigure" else None
        errors: dict[str, str] = {}
        if user_input is not None:
            name, data, errors = self._check_recipient(
                entry, user_input, current.subentry_id if current else None
            )
            if not errors:
                data.update(_assist_data(user_input.get(CONF_ASSIST, {})))
                # The name is the title alone, as the UI's Rename changes it.
                if current is not None:
                    return self.async_update_and_abort(
                        entry,
                        current,
                        data=data,
                        title=name,
                        unique_id=data[CONF_PHONE_NUMBER],
                    )
                return self.async_create_entry(
                    data=data, title=name, unique_id=data[CONF_PHONE_NUMBER]
                )
        schema = probatio.Schema(
            {
                probatio.Required(CONF_NAME): TextSelector(),
                probatio.Required(CONF_PHONE_NUMBER): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.TEL)
                ),
                probatio.Optional(CONF_SENDER_ID): TextSelector(),
                # Who may text the home in plain words (assist.py). Optional
                # fields with defaults: the frontend refuses to submit a form
                # whose required fields are empty. No default for the section
                # itself: the frontend would start it from that default ({})
                # and skip its fields' defaults and suggested values, showing
                # no agent, empty numbers, and Assist off on a recipient allowed
                # to talk to it (saved so by a submit). Without it the frontend
                # sends the whole section.
                probatio.Optional(CONF_ASSIST): _ASSIST_SECTION,
            }
        )
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None and current is not None:
            suggested = {
                **{
                    key: value
                    for key, value in current.data.items()
                    if key not in _ASSIST_KEYS
                },
                CONF_NAME: current.title,
                CONF_ASSIST: {
                    key: current.data[key]
                    for key in _ASSIST_KEYS
                    if key in current.data
                },
            }
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
        )

    @staticmethod
    def _check_recipient(
        entry: ConfigEntry, user_input: dict[str, Any], subentry_id: str | None
    ) -> tuple[str, dict[str, Any], dict[str, str]]:
        """Validate and normalise a recipient; numbers are stored internationally.

        Return the name (the subentry's title), the data and the form errors.
        """
        errors: dict[str, str] = {}
        name = str(user_input[CONF_NAME]).strip()
        data: dict[str, Any] = {}
        others = [
            subentry
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_TYPE_RECIPIENT
            and subentry.subentry_id != subentry_id
        ]
        # A name needs a letter: targets without one are read as numbers.
        if not any(char.isalpha() for char in name):
            errors[CONF_NAME] = "invalid_name"
        elif any(other.title.casefold() == name.casefold() for other in others):
            errors[CONF_NAME] = "name_exists"
        try:
            data[CONF_PHONE_NUMBER] = normalize_number(
                str(user_input[CONF_PHONE_NUMBER]),
                entry.options.get(CONF_COUNTRY) or None,
            )
        except ClickSendInputError:
            errors[CONF_PHONE_NUMBER] = "invalid_phone_number"
        else:
            if any(
                other.data[CONF_PHONE_NUMBER] == data[CONF_PHONE_NUMBER]
                for other in others
            ):
                errors[CONF_PHONE_NUMBER] = "number_exists"
        if sender_id := str(user_input.get(CONF_SENDER_ID) or "").strip():
            try:
                data[CONF_SENDER_ID] = validate_sender_id(sender_id)
            except ClickSendInputError:
                errors[CONF_SENDER_ID] = "invalid_sender_id"
        return name, data, errors
