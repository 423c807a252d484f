"""Logbook lines for inbound SMS and delivery reports, on the account's activity.

Without them the sender and text of an SMS are three clicks deep, in the event
entity's attributes. Logbook lines are not translated by Home Assistant: they
are English, as core's are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .api import DeliveryKind, classify_delivery
from .api.statuses import status_code_of
from .const import DOMAIN, EVENT_DELIVERY_REPORT, EVENT_RECEIVED

# An SMS may be 960 characters: the line shows its start.
MAX_TEXT = 120

_KIND_WORDS = {
    DeliveryKind.DELIVERED: "Delivered",
    DeliveryKind.UNDELIVERED: "Not delivered",
    DeliveryKind.RETRYING: "Failed for now, ClickSend retries",
}


def _name(hass: HomeAssistant, data: dict[str, Any]) -> str:
    """Name the line after the account's device, as the user sees it."""
    device = dr.async_get(hass).async_get(str(data.get("device_id", "")))
    if device is not None and (name := device.name_by_user or device.name):
        return name
    return "ClickSend"


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else f"{text[: MAX_TEXT - 1]}…"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[
        [str, str, Callable[[Event[dict[str, Any]]], dict[str, str]]], None
    ],
) -> None:
    """Describe our bus events: "SMS from +614…: CLOSE", "Delivery report for …"."""

    @callback
    def _describe_received(event: Event[dict[str, Any]]) -> dict[str, str]:
        data = event.data
        return {
            LOGBOOK_ENTRY_NAME: _name(hass, data),
            LOGBOOK_ENTRY_MESSAGE: (
                f"SMS from {data.get('from', '')}: {_shorten(str(data.get('message', '')))}"
            ),
        }

    @callback
    def _describe_report(event: Event[dict[str, Any]]) -> dict[str, str]:
        data = event.data
        status = str(data.get("status") or "")
        code = status_code_of(data.get("status_code"))
        kind = classify_delivery(status, code).kind
        words = _KIND_WORDS.get(kind) or status or "Other"
        if code:
            words = f"{words} ({code})"
        return {
            LOGBOOK_ENTRY_NAME: _name(hass, data),
            LOGBOOK_ENTRY_MESSAGE: (
                f"Delivery report for {data.get('message_id', '')}: {words}"
            ),
        }

    async_describe_event(DOMAIN, EVENT_RECEIVED, _describe_received)
    async_describe_event(DOMAIN, EVENT_DELIVERY_REPORT, _describe_report)
