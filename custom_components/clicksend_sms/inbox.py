"""Inbound SMS and delivery reports, fired exactly once.

Items reach us by polling reply.php and delivery.php and by ClickSend's push
to our webhook; either way they pass through InboxCoordinator.async_process,
which fires an item only if its fingerprint has not been seen. Fingerprints
are kept in a bounded, persisted record, so a restart fires nothing twice.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
import hashlib
import logging
import re
from typing import TYPE_CHECKING, Any, Final, Literal, override

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import ClickSendAuthError, ClickSendError, DeliveryReceipt, InboundReply
from .api.statuses import classify_delivery
from .const import (
    CONF_POLL_DELIVERY_REPORTS,
    CONF_POLL_INTERVAL,
    CONF_POLL_REPLIES,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
)
from .coordinator import ClickSendConfigEntry

if TYPE_CHECKING:
    from .webhook import PushListener

_LOGGER = logging.getLogger(__name__)

EVENT_RECEIVED: Final = "clicksend_sms_received"
EVENT_DELIVERY_REPORT: Final = "clicksend_sms_delivery_report"

STORAGE_VERSION: Final = 1
# How many fingerprints of each kind are remembered.
MAX_FINGERPRINTS: Final = 10_000
# Fired items are written to disk within this delay (and at shutdown).
SAVE_DELAY: Final = 1.0

type Source = Literal["poll", "push"]

_NUMBER = re.compile(r"\+?[0-9]+")


def signal_received(entry_id: str) -> str:
    """Dispatcher signal for the inbound SMS event entity."""
    return f"{DOMAIN}_{entry_id}_received"


def signal_delivery_report(entry_id: str) -> str:
    """Dispatcher signal for the delivery report event entity."""
    return f"{DOMAIN}_{entry_id}_delivery_report"


def storage_key(entry_id: str) -> str:
    """Where an entry's fingerprints are stored."""
    return f"{DOMAIN}.{entry_id}.fired"


async def async_remove_fired_record(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the stored fingerprints of a removed entry."""
    await Store[dict[str, list[str]]](
        hass, STORAGE_VERSION, storage_key(entry_id)
    ).async_remove()


def _digest(*parts: str) -> str:
    # A form push may keep the CRLF line endings that XML parsing turns to LF.
    joined = "\x1f".join(part.replace("\r\n", "\n").strip() for part in parts)
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


def international(number: str) -> str:
    """Write a number as "+digits", however it came; leave names alone."""
    text = number.strip()
    if _NUMBER.fullmatch(text):
        return "+" + text.removeprefix("+")
    return text


def _digits(number: str) -> str:
    # Push and poll may spell a number with or without "+": compare digits.
    return "".join(char for char in number if char.isdigit())


def reply_fingerprint(reply: InboundReply) -> str:
    """Identify a reply: sender, text, original message and custom string."""
    return _digest(
        _digits(reply.from_number),
        reply.message,
        reply.original_message_id,
        reply.custom_string,
    )


def receipt_fingerprint(receipt: DeliveryReceipt) -> str:
    """Identify a receipt: message ID and status code."""
    return _digest(receipt.message_id, str(receipt.status_code))


class FingerprintRecord:
    """Fingerprints of fired items of one kind, least recently seen first."""

    def __init__(self, fingerprints: Iterable[str] = ()) -> None:
        """Start from what was stored."""
        self._seen: OrderedDict[str, None] = OrderedDict.fromkeys(fingerprints)
        # What was kept for the last poll before a restart is kept still.
        self._keep = max(MAX_FINGERPRINTS, len(self._seen))

    def __len__(self) -> int:
        """How many are remembered."""
        return len(self._seen)

    def seen(self, fingerprint: str) -> bool:
        """Whether the item was fired already; it is then kept the longest."""
        if fingerprint in self._seen:
            self._seen.move_to_end(fingerprint)
            return True
        return False

    def add(self, fingerprint: str) -> None:
        """Remember a fired item."""
        self._seen[fingerprint] = None

    def keep_whole_poll(self, size: int) -> None:
        """Keep the latest poll's items on top of the bound.

        An inbox returned in full on every poll, larger than the bound, must
        not evict the very items it returns (they would all fire again), nor
        may the pushes between two polls.
        """
        self._keep = MAX_FINGERPRINTS + size

    def trim(self) -> None:
        """Forget the least recently seen beyond the bound."""
        while len(self._seen) > self._keep:
            self._seen.popitem(last=False)

    def as_list(self) -> list[str]:
        """Least recently seen first, for storage."""
        return list(self._seen)


@dataclass
class InboxStats:
    """What the coordinator did, for diagnostics."""

    replies_fired: int = 0
    receipts_fired: int = 0
    duplicates_skipped: int = 0


class InboxCoordinator(DataUpdateCoordinator[InboxStats]):
    """Polls for replies and receipts and fires each new one once."""

    config_entry: ClickSendConfigEntry

    def __init__(self, hass: HomeAssistant, config_entry: ClickSendConfigEntry) -> None:
        """Read the polling options; with both off, nothing is polled."""
        options = config_entry.options
        self.poll_replies: bool = options.get(CONF_POLL_REPLIES, True)
        self.poll_receipts: bool = options.get(CONF_POLL_DELIVERY_REPORTS, True)
        interval = int(options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL))
        self._configured_interval = timedelta(seconds=interval)
        super().__init__(
            hass,
            _LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} inbox {config_entry.title}",
            update_interval=(
                timedelta(seconds=interval)
                if self.poll_replies or self.poll_receipts
                else None
            ),
            always_update=False,
        )
        self.data = InboxStats()
        self._store: Store[dict[str, list[str]]] = Store(
            hass, STORAGE_VERSION, storage_key(config_entry.entry_id)
        )
        self._replies = FingerprintRecord()
        self._receipts = FingerprintRecord()
        self._device_id: str | None = None
        # Set by ask.py: the extra event fields of a reply that answers an ask.
        self.answer_hook: Callable[[InboundReply], dict[str, Any]] = lambda _: {}

    @callback
    def async_poll_faster(self, interval: timedelta | None) -> None:
        """Poll at this shorter interval while asks wait; None: as configured.

        Nothing changes when inbound SMS are not polled: only pushes answer.
        """
        if not self.poll_replies:
            return
        wanted = self._configured_interval
        if interval is not None:
            wanted = min(interval, wanted)
        if wanted == self.update_interval:
            return
        self.update_interval = wanted
        if self._unsub_refresh is not None:
            # Polling has started: the next poll comes after the new interval.
            self._schedule_refresh()

    async def async_load(self) -> None:
        """Read what was fired before the last restart."""
        stored = await self._store.async_load() or {}
        self._replies = FingerprintRecord(stored.get("replies", []))
        self._receipts = FingerprintRecord(stored.get("receipts", []))

    async def async_start(self, pushes: PushListener) -> None:
        """Fire what was pushed while waiting, then poll for the first time.

        Not before Home Assistant has started: automations are not listening.
        """
        entry = self.config_entry
        if (
            entry.state
            not in (
                ConfigEntryState.SETUP_IN_PROGRESS,
                ConfigEntryState.LOADED,
            )
            or getattr(entry, "runtime_data", None) is None
        ):
            # The entry went before Home Assistant started.
            return
        pushes.attach(self)
        self.config_entry.async_on_unload(pushes.detach)
        if self.update_interval is not None:
            # Poll from now on, whether or not an entity listens.
            self.config_entry.async_on_unload(self.async_add_listener(lambda: None))
            await self.async_refresh()

    async def async_flush(self) -> None:
        """Write what was fired now, before an unload or a restart."""
        await self._store.async_save(self._data_to_save())

    @property
    def device_id(self) -> str:
        """The account device, named in every event."""
        if self._device_id is None:
            self._device_id = (
                dr.async_get_device_id_by_identifier(
                    self.hass,
                    (DOMAIN, self.config_entry.entry_id),
                    config_entry_id=self.config_entry.entry_id,
                )
                or ""
            )
        return self._device_id

    @override
    async def _async_update_data(self) -> InboxStats:
        """Poll each endpoint; one failing does not hold back the other's items."""
        client = self.config_entry.runtime_data.client
        failures: list[str] = []
        refused: ClickSendAuthError | None = None
        if self.poll_replies:
            try:
                replies = await client.get_replies()
            except ClickSendAuthError as err:
                refused = err
            except ClickSendError as err:
                failures.append(f"reply.php: {err}")
            else:
                self.async_process(replies, (), "poll")
        if self.poll_receipts:
            try:
                receipts = await client.get_delivery_receipts()
            except ClickSendAuthError as err:
                refused = err
            except ClickSendError as err:
                failures.append(f"delivery.php: {err}")
            else:
                self.async_process((), receipts, "poll")
        if refused is not None:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from refused
        if failures:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="poll_failed",
                translation_placeholders={"error": "; ".join(failures)},
            )
        return self.data

    @callback
    def async_process(
        self,
        replies: Iterable[InboundReply],
        receipts: Iterable[DeliveryReceipt],
        source: Source,
    ) -> int:
        """Fire each item not seen before, in order; return how many fired."""
        replies = list(replies)
        receipts = list(receipts)
        if source == "poll":
            if replies:
                self._replies.keep_whole_poll(len(replies))
            if receipts:
                self._receipts.keep_whole_poll(len(receipts))
        fired = 0
        for reply in replies:
            if self._replies.seen(fingerprint := reply_fingerprint(reply)):
                self.data.duplicates_skipped += 1
                continue
            self._replies.add(fingerprint)
            self._fire_reply(reply, source)
            fired += 1
        self._replies.trim()
        for receipt in receipts:
            if self._receipts.seen(fingerprint := receipt_fingerprint(receipt)):
                self.data.duplicates_skipped += 1
                continue
            self._receipts.add(fingerprint)
            self._fire_receipt(receipt, source)
            fired += 1
        self._receipts.trim()
        if fired:
            self._store.async_delay_save(self._data_to_save, SAVE_DELAY)
        return fired

    def _data_to_save(self) -> dict[str, list[str]]:
        return {
            "replies": self._replies.as_list(),
            "receipts": self._receipts.as_list(),
        }

    def _fire_reply(self, reply: InboundReply, source: Source) -> None:
        attributes: dict[str, Any] = {
            "from": international(reply.from_number),
            "message": reply.message,
            "original_message": reply.original_message,
            "original_message_id": reply.original_message_id,
            "original_sender_id": reply.original_sender_id,
            "custom_string": reply.custom_string,
            "username": reply.username,
            "source": source,
        }
        attributes.update(self.answer_hook(reply))
        self.data.replies_fired += 1
        self.hass.bus.async_fire(
            EVENT_RECEIVED,
            {
                "config_entry_id": self.config_entry.entry_id,
                "device_id": self.device_id,
                **attributes,
            },
        )
        async_dispatcher_send(
            self.hass, signal_received(self.config_entry.entry_id), attributes
        )

    def _fire_receipt(self, receipt: DeliveryReceipt, source: Source) -> None:
        attributes: dict[str, Any] = {
            "message_id": receipt.message_id,
            "status": receipt.status,
            "status_code": receipt.status_code,
            # Whether ClickSend will say more of this message (api/statuses.py).
            "final": classify_delivery(receipt.status, receipt.status_code).final,
            "custom_string": receipt.custom_string,
            "username": receipt.username,
            "source": source,
        }
        self.data.receipts_fired += 1
        self.hass.bus.async_fire(
            EVENT_DELIVERY_REPORT,
            {
                "config_entry_id": self.config_entry.entry_id,
                "device_id": self.device_id,
                **attributes,
            },
        )
        async_dispatcher_send(
            self.hass, signal_delivery_report(self.config_entry.entry_id), attributes
        )

    @property
    def remembered(self) -> dict[str, int]:
        """How many fingerprints of each kind are kept, for diagnostics."""
        return {"replies": len(self._replies), "receipts": len(self._receipts)}
