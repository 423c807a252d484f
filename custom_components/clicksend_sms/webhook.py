"""ClickSend's push: inbound SMS and delivery reports POSTed to our webhook.

Only HTTP is done here: the size, the decoding and the username. The fields
are read by the client (api.parse_push), in the v2 and the REST v3 spelling.
ClickSend's document is silent on the content type: forms and JSON are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aiohttp import hdrs, web

from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util.hass_dict import HassKey

from .api import DeliveryReceipt, InboundReply, for_account, parse_push
from .const import CONF_USERNAME, CONF_WEBHOOK_ID, DOMAIN

if TYPE_CHECKING:
    from .data import ClickSendConfigEntry
    from .inbox import InboxCoordinator

_LOGGER = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
# Pushes kept for an entry that is not running, at most.
MAX_WAITING = 1000

DATA_PUSH: HassKey[dict[str, PushListener]] = HassKey(f"{DOMAIN}_push")


def _decode(body: bytes | bytearray, content_type: str) -> Mapping[str, Any] | None:
    """Read a form or a JSON object of strings and numbers; None otherwise.

    ClickSend pushes flat fields: a list, an object or a boolean is not one
    of its values (nor is it turned into text like "['+61…']"); null is
    taken as a missing field.
    """
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not all(
            value is None
            or (isinstance(value, str | int | float) and not isinstance(value, bool))
            for value in data.values()
        ):
            return None
        return data
    return dict(parse_qsl(text, keep_blank_values=True))


@dataclass
class PushListener:
    """Where the webhook of one entry hands what ClickSend pushes."""

    inbox: InboxCoordinator | None = None
    # Pushes that came while the entry was not running: before Home
    # Assistant started, during a failed set-up, during a reload. They are
    # kept in memory: a restart meanwhile loses those polling cannot fetch.
    waiting: list[InboundReply | DeliveryReceipt] = field(default_factory=list)

    def hand_over(self, item: InboundReply | DeliveryReceipt) -> bool:
        """Fire the item, or keep it until the entry's inbox runs.

        False when it can be neither: too many are waiting already.
        """
        if self.inbox is None:
            if len(self.waiting) >= MAX_WAITING:
                return False
            self.waiting.append(item)
        elif isinstance(item, InboundReply):
            self.inbox.async_process((item,), (), "push")
        else:
            self.inbox.async_process((), (item,), "push")
        return True

    def attach(self, inbox: InboxCoordinator) -> None:
        """Let the inbox take over, with what waited."""
        self.inbox = inbox
        waiting, self.waiting = self.waiting, []
        for item in waiting:
            self.hand_over(item)

    def detach(self) -> None:
        """Keep pushes waiting again, as the entry stops."""
        self.inbox = None


async def _async_handle_push(
    hass: HomeAssistant, entry_id: str, request: web.Request
) -> web.Response:
    """Fire what ClickSend pushed; refuse what is not for this account.

    Cloudhooks hand over a MockRequest: only its headers and one content
    stream are to be relied on.
    """
    length = request.headers.get(hdrs.CONTENT_LENGTH, "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    stream = request.content
    body = bytearray()
    # read() returns what has arrived: read on to the end, or past the cap.
    while chunk := await stream.read(MAX_BODY_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    payload = _decode(body, request.headers.get(hdrs.CONTENT_TYPE, ""))
    item = parse_push(payload) if payload is not None else None
    if item is None:
        _LOGGER.debug("Ignored a push that is neither a reply nor a receipt")
        return web.Response(status=HTTPStatus.BAD_REQUEST)
    # Looked up only now: the entry may have gone while the body came in.
    entry = hass.config_entries.async_get_entry(entry_id)
    listener = hass.data.get(DATA_PUSH, {}).get(entry_id)
    if entry is None or listener is None:
        return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
    if entry.disabled_by is not None:
        # Disabled before it ever loaded: stop listening for it.
        async_unregister_webhook(hass, entry)
        return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
    if not for_account(item, entry.data[CONF_USERNAME]):
        # Another account's push, or a forgery: say so without its content.
        _LOGGER.debug("Ignored a push for another ClickSend username")
        return web.Response(status=HTTPStatus.FORBIDDEN)
    if not listener.hand_over(item):
        # Said, not only logged: ClickSend sees that the push failed.
        _LOGGER.warning(
            "Refused a push for %s: %d are waiting for the account to load",
            entry.title,
            MAX_WAITING,
        )
        return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
    return web.Response(status=HTTPStatus.OK)


@callback
def async_register_webhook(
    hass: HomeAssistant, entry: ClickSendConfigEntry
) -> PushListener:
    """Listen for ClickSend's push from the first set-up on.

    The webhook stays through failed set-ups, until the entry is unloaded or
    removed, so that pushes wait rather than vanish.
    """
    listeners = hass.data.setdefault(DATA_PUSH, {})
    if (listener := listeners.get(entry.entry_id)) is not None:
        return listener
    listener = listeners[entry.entry_id] = PushListener()
    entry_id = entry.entry_id

    async def _async_handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        return await _async_handle_push(hass, entry_id, request)

    webhook.async_register(
        hass,
        DOMAIN,
        f"ClickSend SMS {entry.title}",
        entry.data[CONF_WEBHOOK_ID],
        _async_handle,
        allowed_methods=["POST"],
    )
    return listener


@callback
def async_unregister_webhook(hass: HomeAssistant, entry: ClickSendConfigEntry) -> None:
    """Stop listening for an entry's push."""
    if hass.data.get(DATA_PUSH, {}).pop(entry.entry_id, None) is not None:
        webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID])


async def async_webhook_url(hass: HomeAssistant, webhook_id: str) -> str:
    """Give the URL for ClickSend: a cloudhook with Home Assistant Cloud."""
    if "cloud" in hass.config.components:
        # Imported only when loaded: the cloud brings heavy requirements.
        from homeassistant.components import cloud  # noqa: PLC0415

        if cloud.async_active_subscription(hass):
            try:
                return await cloud.async_get_or_create_cloudhook(hass, webhook_id)
            except cloud.CloudNotAvailable:
                _LOGGER.debug("No cloudhook while the cloud is not connected")
    try:
        # ClickSend calls from the internet: a LAN address would not do.
        return webhook.async_generate_url(hass, webhook_id, allow_internal=False)
    except NoURLAvailableError:
        # No URL is configured: the path, to append to the external URL.
        return webhook.async_generate_path(webhook_id)


async def async_remove_cloudhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Delete the cloudhook of a removed entry, if there is one."""
    if "cloud" not in hass.config.components:
        return
    from homeassistant.components import cloud  # noqa: PLC0415

    if cloud.async_is_logged_in(hass):
        try:
            await cloud.async_delete_cloudhook(hass, webhook_id)
        except cloud.CloudNotAvailable:
            _LOGGER.debug("The cloudhook could not be deleted now")
        except ValueError:
            # The cloud raises this when no cloudhook was made for the webhook.
            _LOGGER.debug("There was no cloudhook to delete")
