"""Inbound SMS and delivery reports, fired exactly once.

Items reach us by polling reply.php and delivery.php and by ClickSend's push
to our webhook; either way they pass through InboxCoordinator.async_process,
which fires an item only if its fingerprint has not been seen. Fingerprints
are kept in a bounded, persisted record, so a restart fires nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
import hashlib
import logging
from typing import Any, Final, Literal, override

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    ClickSendAuthError,
    ClickSendError,
    DeliveryReceipt,
    InboundReply,
    for_account,
    inbound_number,
)
from .api.statuses import classify_delivery
from .const import (
    CONF_POLL_DELIVERY_REPORTS,
    CONF_POLL_INTERVAL,
    CONF_POLL_REPLIES,
    CONF_USERNAME,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
)
from .data import ClickSendConfigEntry
from .record import MAX_IDENTITIES, PollRecord

_LOGGER = logging.getLogger(__name__)

EVENT_RECEIVED: Final = "clicksend_sms_received"
EVENT_DELIVERY_REPORT: Final = "clicksend_sms_delivery_report"

STORAGE_VERSION: Final = 2
MAX_FINGERPRINTS: Final = MAX_IDENTITIES
# What fired is written to disk at most this long after it fired, however
# many follow (and at shutdown). Fire first, then save: a crash in between
# fires again what fired in its last second, and loses nothing; saving
# first would lose what had not fired yet when the crash came.
SAVE_DELAY: Final = 1.0
# A poll answer is identified, then fired, this many items at a time, the
# loop running in between. Each item costs Home Assistant some 0.2 to 0.4 ms
# (its event, the event entity's state, their WebSocket subscribers), and a
# WebSocket answer needs a few turns of the loop: 100 keeps those answers
# within a few hundred ms while 20,000 fire (tests/e2e/test_backlog.py).
FIRE_BATCH: Final = 100

type Source = Literal["poll", "push"]


def signal_received(entry_id: str) -> str:
    """Dispatcher signal for the inbound SMS event entity."""
    return f"{DOMAIN}_{entry_id}_received"


def signal_delivery_report(entry_id: str) -> str:
    """Dispatcher signal for the delivery report event entity."""
    return f"{DOMAIN}_{entry_id}_delivery_report"


def storage_key(entry_id: str) -> str:
    """Where an entry's fingerprints are stored."""
    return f"{DOMAIN}.{entry_id}.fired"


class FiredStore(Store[dict[str, Any]]):
    """The stored record; version 1 held a list of fingerprints per kind."""

    @override
    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> dict[str, Any]:
        """Each old fingerprint was fired once: keep it, counted."""
        return {
            kind: {"legacy": list(old_data.get(kind, []))}
            for kind in ("replies", "receipts")
        }


async def async_remove_fired_record(hass: HomeAssistant, entry_id: str) -> None:
    """Delete the stored record of a removed entry."""
    await FiredStore(hass, STORAGE_VERSION, storage_key(entry_id)).async_remove()


def _digest(*parts: str) -> str:
    # A form push may keep the CRLF line endings that XML parsing turns to LF.
    joined = "\x1f".join(part.replace("\r\n", "\n").strip() for part in parts)
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


def international(number: str) -> str:
    """Write a number in E.164, however it came; leave names alone.

    The one reading of numbers, the client's (api.inbound_number): spaces,
    "00", floats and other scripts' digits, by libphonenumber.
    """
    return inbound_number(number)


def _digits(number: str) -> str:
    # Push and poll may spell a number with or without "+": compare digits.
    return "".join(char for char in number if char.isdigit())


def reply_fingerprint(reply: InboundReply) -> str:
    """Identify a reply: sender, text, original message and custom string.

    Not unique: the same words twice are two SMS, counted by the record.
    """
    return _digest(
        _digits(international(reply.from_number)),
        reply.message,
        reply.original_message_id,
        reply.custom_string,
    )


def receipt_fingerprint(receipt: DeliveryReceipt) -> str:
    """Identify a receipt: message ID and status code."""
    return _digest(receipt.message_id, str(receipt.status_code))


@dataclass
class InboxStats:
    """What the coordinator did, for diagnostics."""

    replies_fired: int = 0
    receipts_fired: int = 0
    duplicates_skipped: int = 0
    # Polled items of another username (a subaccount's): not fired.
    other_username_skipped: int = 0


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
        self._store = FiredStore(
            hass, STORAGE_VERSION, storage_key(config_entry.entry_id)
        )
        self._replies = PollRecord()
        self._receipts = PollRecord()
        self._save_pending = False
        # The record as it was before a poll answer still firing in batches.
        self._frozen: dict[str, Any] | None = None
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
        now = dt_util.utcnow().timestamp()
        self._replies = PollRecord(
            stored.get("replies"), now=now, polled=self.poll_replies
        )
        self._receipts = PollRecord(
            stored.get("receipts"), now=now, polled=self.poll_receipts
        )

    def can_start(self) -> bool:
        """Whether the entry is still there to start: it may have gone meanwhile."""
        entry = self.config_entry
        return entry.state in (
            ConfigEntryState.SETUP_IN_PROGRESS,
            ConfigEntryState.LOADED,
        ) and (getattr(entry, "runtime_data", None) is not None)

    async def async_start(self) -> None:
        """Poll for the first time, and from then on."""
        if self.update_interval is not None:
            # Poll from now on, whether or not an entity listens.
            self.config_entry.async_on_unload(self.async_add_listener(lambda: None))
            await self.async_refresh()

    async def async_flush(self) -> None:
        """Write what was fired now, before an unload or a restart."""
        await self._store.async_save(self._data_to_save())

    @property
    def polling_behaviour(self) -> dict[str, str]:
        """Queue, inbox or unknown per kind, as detected, for diagnostics."""
        return {"replies": self._replies.mode, "receipts": self._receipts.mode}

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
                await self._async_take_polled(
                    self._replies,
                    self._for_account(replies),
                    reply_fingerprint,
                    self._fire_reply,
                )
        if self.poll_receipts:
            try:
                receipts = await client.get_delivery_receipts()
            except ClickSendAuthError as err:
                refused = err
            except ClickSendError as err:
                failures.append(f"delivery.php: {err}")
            else:
                await self._async_take_polled(
                    self._receipts,
                    self._for_account(receipts),
                    receipt_fingerprint,
                    self._fire_receipt,
                )
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

    def _for_account[T: (InboundReply, DeliveryReceipt)](
        self, items: Iterable[T]
    ) -> list[T]:
        """Leave out polled items of another username, as pushes are refused."""
        username = self.config_entry.data[CONF_USERNAME]
        items = list(items)
        kept = [item for item in items if for_account(item, username)]
        self.data.other_username_skipped += len(items) - len(kept)
        return kept

    @callback
    def async_process(
        self,
        replies: Iterable[InboundReply],
        receipts: Iterable[DeliveryReceipt],
        source: Literal["push"],
    ) -> int:
        """Fire each pushed item the record counts as new; return how many."""
        now = dt_util.utcnow().timestamp()
        return self._take_pushed(
            self._replies, list(replies), reply_fingerprint, self._fire_reply, now
        ) + self._take_pushed(
            self._receipts, list(receipts), receipt_fingerprint, self._fire_receipt, now
        )

    def _take_pushed[T: (InboundReply, DeliveryReceipt)](
        self,
        record: PollRecord,
        items: list[T],
        identify: Callable[[T], str],
        fire: Callable[[T, Source], None],
        now: float,
    ) -> int:
        fired = 0
        for item in items:
            clicksend_id = item.message_id if isinstance(item, InboundReply) else ""
            if record.push(identify(item), now, clicksend_id):
                fire(item, "push")
                fired += 1
        if items:
            self._settle(record, len(items) - fired, now)
        return fired

    async def _async_take_polled[T: (InboundReply, DeliveryReceipt)](
        self,
        record: PollRecord,
        items: list[T],
        identify: Callable[[T], str],
        fire: Callable[[T, Source], None],
    ) -> None:
        """Fire what a poll answer holds that is new, FIRE_BATCH at a time.

        A backlog of thousands would otherwise be identified (libphonenumber)
        and fired in one go, Home Assistant answering nothing meanwhile, and
        the frontend's WebSocket drops a client that cannot keep up. Between
        batches the loop runs; a save meanwhile writes the record as it was
        before this answer, so that a crash fires again rather than loses
        what had not fired yet. An empty answer counts too (see record).
        """
        now = dt_util.utcnow().timestamp()
        identities: list[str] = []
        for start in range(0, len(items), FIRE_BATCH):
            if start:
                await asyncio.sleep(0)
            identities += [identify(item) for item in items[start : start + FIRE_BATCH]]
        batched = len(items) > FIRE_BATCH
        if batched and self._frozen is None:
            self._frozen = self._records()
        decisions = record.poll(identities, now)
        new = [item for item, fires in zip(items, decisions, strict=True) if fires]
        for start in range(0, len(new), FIRE_BATCH):
            if start:
                await asyncio.sleep(0)
            for item in new[start : start + FIRE_BATCH]:
                fire(item, "poll")
        if batched:
            self._frozen = None
        self._settle(record, len(items) - len(new), now)

    def _settle(self, record: PollRecord, skipped: int, now: float) -> None:
        self.data.duplicates_skipped += skipped
        record.trim(now)
        if record.dirty:
            self._schedule_save()

    def _schedule_save(self) -> None:
        """Write within SAVE_DELAY of the first unsaved item, not re-debounced.

        Store.async_delay_save postpones its write at every call: a steady
        stream would keep it from ever writing. It is called only when no
        write is pending; the record is read when the write happens, so it
        holds everything fired until then. The Store also writes at
        Home Assistant's final write.
        """
        if not self._save_pending:
            self._save_pending = True
            self._store.async_delay_save(self._data_to_save, SAVE_DELAY)

    def _data_to_save(self) -> dict[str, Any]:
        self._save_pending = False
        if self._frozen is not None:
            # Mid-answer: the record before it; saved again once it fired.
            return self._frozen
        self._replies.dirty = self._receipts.dirty = False
        return self._records()

    def _records(self) -> dict[str, Any]:
        return {
            "replies": self._replies.as_dict(),
            "receipts": self._receipts.as_dict(),
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
        """How many identities of each kind are kept, for diagnostics."""
        return {"replies": len(self._replies), "receipts": len(self._receipts)}
