"""Inbound SMS and delivery reports, fired exactly once.

Items reach us by polling reply.php and delivery.php and by ClickSend's push
to our webhook (which hands them to InboxCoordinator.async_process); either
way an item fires only if its fingerprint has not been seen. Fingerprints
are kept in a bounded, persisted record, so a restart fires nothing twice.

Polling is a plain interval timer, not a DataUpdateCoordinator: no entity
shows what it fetches, it fires events whether or not an entity listens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
import hashlib
import logging
from typing import Any, Final, Literal, override

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    ClickSendAuthError,
    ClickSendClient,
    ClickSendError,
    DeliveryReceipt,
    InboundReply,
    classify_delivery,
    for_account,
    number_digits,
)
from .const import (
    CONF_POLL_DELIVERY_REPORTS,
    CONF_POLL_INTERVAL,
    CONF_POLL_REPLIES,
    CONF_USERNAME,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    EVENT_DELIVERY_REPORT,
    EVENT_RECEIVED,
    signal_delivery_report,
    signal_received,
)
from .record import MAX_IDENTITIES, PollRecord

_LOGGER = logging.getLogger(__name__)

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


def reply_fingerprint(reply: InboundReply) -> str:
    """Identify a reply: sender, text, original message and custom string.

    Not unique: the same words twice are two SMS, counted by the record.
    """
    # Push and poll may spell a number with or without "+": its digits.
    return _digest(
        number_digits(reply.from_number),
        reply.message,
        reply.original_message_id,
        reply.custom_string,
    )


def receipt_fingerprint(receipt: DeliveryReceipt) -> str:
    """Identify a receipt: message ID and status code."""
    return _digest(receipt.message_id, str(receipt.status_code))


@dataclass
class InboxStats:
    """What the inbox did, for diagnostics."""

    replies_fired: int = 0
    receipts_fired: int = 0
    duplicates_skipped: int = 0
    # Polled items of another username (a subaccount's): not fired.
    other_username_skipped: int = 0


class InboxCoordinator:
    """Polls for replies and receipts, takes pushes, and fires each new one once."""

    def __init__(
        self, hass: HomeAssistant, config_entry: ConfigEntry, client: ClickSendClient
    ) -> None:
        """Read the polling options; with both off, nothing is polled."""
        self.hass = hass
        self.config_entry = config_entry
        self.client = client
        options = config_entry.options
        self.poll_replies: bool = options.get(CONF_POLL_REPLIES, True)
        self.poll_receipts: bool = options.get(CONF_POLL_DELIVERY_REPORTS, True)
        interval = int(options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL))
        self._configured_interval = timedelta(seconds=interval)
        self.update_interval: timedelta | None = (
            self._configured_interval
            if self.poll_replies or self.poll_receipts
            else None
        )
        # How the last poll went, for diagnostics.
        self.last_update_success = True
        self.last_exception: Exception | None = None
        self.stats = InboxStats()
        self._stop_timer: CALLBACK_TYPE | None = None
        self._polling = False
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
        if wanted != self.update_interval:
            self.update_interval = wanted
            if self._stop_timer is not None:
                # Polling has started: the next poll comes after the new interval.
                self._async_set_timer(wanted)

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
        return self.config_entry.state in (
            ConfigEntryState.SETUP_IN_PROGRESS,
            ConfigEntryState.LOADED,
        )

    async def async_start(self) -> None:
        """Poll now, then every update_interval until the entry unloads.

        No timer, as for Home Assistant's coordinators, when the entry's
        system options turn polling off.
        """
        if self.update_interval is not None:
            if not self.config_entry.pref_disable_polling:
                self._async_set_timer(self.update_interval)
            self.config_entry.async_on_unload(lambda: self._async_set_timer(None))
            # Cancelled with the entry, as the timer's polls are: a reload
            # while it waits for ClickSend must not let it fire afterwards
            # (the reloaded entry, its record read already, would fire again).
            poll = self._async_poll_in_background()
            await asyncio.wait((poll,))
            if not poll.cancelled():
                poll.result()

    @callback
    def _async_set_timer(self, interval: timedelta | None) -> None:
        """Poll every interval from now on; None: no more."""
        if self._stop_timer is not None:
            self._stop_timer()
        self._stop_timer = None
        if interval is not None:
            self._stop_timer = async_track_time_interval(
                self.hass,
                self._async_tick,
                interval,
                name=f"{DOMAIN} inbox {self.config_entry.title}",
                cancel_on_shutdown=True,
            )

    @callback
    def _async_tick(self, _now: datetime) -> None:
        self._async_poll_in_background()

    @callback
    def _async_poll_in_background(self) -> asyncio.Task[None]:
        # Cancelled with the entry, as a coordinator's refresh is.
        return self.config_entry.async_create_background_task(
            self.hass, self.async_poll(), f"{DOMAIN} inbox poll", eager_start=True
        )

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

    async def async_poll(self) -> None:
        """Poll each endpoint; one failing does not hold back the other's items.

        A refused key stops polling and asks for a new one; other failures
        are retried at the next interval, logged once until polling recovers.
        A poll still waiting for ClickSend is not joined by another.
        """
        if self._polling:
            return
        self._polling = True
        failures: list[str] = []
        try:
            if self.poll_replies:
                await self._async_take_polled(
                    "reply.php",
                    self.client.get_replies,
                    self._replies,
                    reply_fingerprint,
                    self._fire_reply,
                    failures,
                )
            if self.poll_receipts:
                await self._async_take_polled(
                    "delivery.php",
                    self.client.get_delivery_receipts,
                    self._receipts,
                    receipt_fingerprint,
                    self._fire_receipt,
                    failures,
                )
        except ClickSendAuthError as err:
            self._async_set_timer(None)
            self._failed(err)
            self.config_entry.async_start_reauth(self.hass)
            return
        finally:
            self._polling = False
        if failures:
            self._failed(
                HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="poll_failed",
                    translation_placeholders={"error": "; ".join(failures)},
                )
            )
        elif not self.last_update_success:
            self.last_update_success = True
            _LOGGER.info("Polling %s recovered", self.config_entry.title)

    def _failed(self, err: Exception) -> None:
        if self.last_update_success:
            _LOGGER.error("Polling %s failed: %s", self.config_entry.title, err)
        self.last_update_success = False
        self.last_exception = err

    def _for_account[T: (InboundReply, DeliveryReceipt)](
        self, items: Iterable[T]
    ) -> list[T]:
        """Leave out polled items of another username, as pushes are refused."""
        username = self.config_entry.data[CONF_USERNAME]
        items = list(items)
        kept = [item for item in items if for_account(item, username)]
        self.stats.other_username_skipped += len(items) - len(kept)
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
        endpoint: str,
        fetch: Callable[[], Awaitable[Iterable[T]]],
        record: PollRecord,
        identify: Callable[[T], str],
        fire: Callable[[T, Source], None],
        failures: list[str],
    ) -> None:
        """Fetch, then fire what the answer holds that is new, FIRE_BATCH at a time.

        A backlog of thousands would otherwise be identified (libphonenumber)
        and fired in one go, Home Assistant answering nothing meanwhile, and
        the frontend's WebSocket drops a client that cannot keep up. Between
        batches the loop runs; a save meanwhile writes the record as it was
        before this answer, so that a crash fires again rather than loses
        what had not fired yet. An empty answer counts too (see record).
        """
        try:
            answer = await fetch()
        except ClickSendAuthError:
            raise
        except ClickSendError as err:
            failures.append(f"{endpoint}: {err}")
            return
        items = self._for_account(answer)
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
        self.stats.duplicates_skipped += skipped
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
            "from": reply.from_number,
            "message": reply.message,
            "original_message": reply.original_message,
            "original_message_id": reply.original_message_id,
            "original_sender_id": reply.original_sender_id,
            "custom_string": reply.custom_string,
            "username": reply.username,
            "source": source,
        }
        attributes.update(self.answer_hook(reply))
        self.stats.replies_fired += 1
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
        self.stats.receipts_fired += 1
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
