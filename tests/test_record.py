"""The exactly-once record: the same words twice are two SMS.

And a crash fires again at most what fired in its last second.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed_exact,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from clicksend_simulator import DEMO_USERNAME, ClickSendSimulator
from custom_components.clicksend_sms import record as record_module
from custom_components.clicksend_sms.api import (
    InboundReply,
    receipt_from_fields,
    reply_from_fields,
)
from custom_components.clicksend_sms.const import EVENT_DELIVERY_REPORT, EVENT_RECEIVED
from custom_components.clicksend_sms.inbox import (
    FIRE_BATCH,
    receipt_fingerprint,
    reply_fingerprint,
    storage_key,
)
from custom_components.clicksend_sms.record import (
    MAX_AGE,
    PENDING_AGE,
    PUSH_REPEAT_WINDOW,
    PollRecord,
    Tally,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .conftest import WEBHOOK_ID, let_time_pass

REAL = "+61400000001"
MODES = ["queue", "inbox"]


async def _next_poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await let_time_pass(hass, freezer, timedelta(seconds=61))


async def _push(hass_client_no_auth: ClientSessionGenerator, **fields: Any) -> int:
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data={"username": DEMO_USERNAME, **fields}
    )
    return response.status


def _messages(events: list[Event]) -> list[str]:
    return [event.data["message"] for event in events]


async def _restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("mode", MODES)
async def test_the_same_words_polled_are_each_an_sms(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    mode: str,
) -> None:
    """Three "STATUS" in one answer fire three times; a fourth later, once more."""
    simulator.set_mode(mode)
    received = async_capture_events(hass, EVENT_RECEIVED)
    for _ in range(3):
        simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="STATUS")
    await _next_poll(hass, freezer)
    assert _messages(received) == ["STATUS"] * 3
    await _next_poll(hass, freezer)
    assert len(received) == 3
    inbox = loaded_entry.runtime_data.inbox
    assert inbox.polling_behaviour["replies"] == mode

    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="STATUS")
    await _next_poll(hass, freezer)
    assert len(received) == 4

    # The counts and the behaviour are stored: a restart fires nothing again.
    await _restart(hass, loaded_entry)
    await _next_poll(hass, freezer)
    assert len(received) == 4
    assert loaded_entry.runtime_data.inbox.polling_behaviour["replies"] == mode
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="STATUS")
    await _next_poll(hass, freezer)
    assert len(received) == 5


@pytest.mark.parametrize("mode", MODES)
async def test_push_and_poll_of_one_sms_cancel_once(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    mode: str,
) -> None:
    """Pushed and polled, an SMS fires once; the same words later fire again."""
    simulator.set_mode(mode)
    received = async_capture_events(hass, EVENT_RECEIVED)
    # Learn the behaviour first, as an account does in its first minutes.
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="hello")
    await _next_poll(hass, freezer)
    await _next_poll(hass, freezer)

    # The push comes first, ClickSend repeats it, the poll returns it.
    assert await _push(hass_client_no_auth, **{"from": REAL, "message": "YES"}) == 200
    freezer.tick(timedelta(seconds=30))
    assert await _push(hass_client_no_auth, **{"from": REAL, "message": "YES"}) == 200
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="YES")
    await _next_poll(hass, freezer)
    assert _messages(received) == ["hello", "YES"]

    # Minutes later the same words are a new SMS: the poll may come first.
    freezer.tick(PUSH_REPEAT_WINDOW)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="YES")
    await _next_poll(hass, freezer)
    assert _messages(received) == ["hello", "YES", "YES"]
    assert [event.data["source"] for event in received][-1] == "poll"
    assert await _push(hass_client_no_auth, **{"from": REAL, "message": "YES"}) == 200
    assert len(received) == 3

    # Across a restart, a pushed SMS still meets its poll.
    freezer.tick(PUSH_REPEAT_WINDOW)
    assert await _push(hass_client_no_auth, **{"from": REAL, "message": "YES"}) == 200
    assert len(received) == 4
    await _restart(hass, loaded_entry)
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="YES")
    await _next_poll(hass, freezer)
    await _next_poll(hass, freezer)
    assert len(received) == 4


@pytest.mark.parametrize(
    "options", [{"poll_replies": False, "poll_delivery_reports": False}]
)
async def test_pushes_alone_repeat_within_the_window(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Without polling, a repeat within two minutes is one SMS; later, two."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    for _ in range(3):
        assert (
            await _push(hass_client_no_auth, **{"from": REAL, "message": "ON"}) == 200
        )
        freezer.tick(timedelta(seconds=50))
    assert len(received) == 1
    freezer.tick(PUSH_REPEAT_WINDOW)
    assert await _push(hass_client_no_auth, **{"from": REAL, "message": "ON"}) == 200
    assert len(received) == 2


async def test_clicksend_id_of_a_push_is_its_identity(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """REST-style pushes with message_id and timestamp: the ID tells repeats."""
    received = async_capture_events(hass, EVENT_RECEIVED)

    async def rest_push(message_id: str) -> None:
        client = await hass_client_no_auth()
        response = await client.post(
            f"/api/webhook/{WEBHOOK_ID}",
            json={
                "timestamp": 1767225600,
                "from": REAL,
                "body": "STATUS",
                "message_id": message_id,
            },
        )
        assert response.status == 200

    await rest_push("IN-1")
    await rest_push("IN-2")
    await rest_push("IN-1")
    assert _messages(received) == ["STATUS", "STATUS"]


@pytest.mark.parametrize("mode", MODES)
async def test_delivery_reports_counted_by_message_and_status(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    mode: str,
) -> None:
    """A 300 then a 201 are two reports; pushed and polled, each fires once."""
    simulator.set_mode(mode)
    reports = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    simulator.inject_receipt(
        DEMO_USERNAME, message_id="M1", status="Undelivered", status_code=300
    )
    await _next_poll(hass, freezer)
    assert await _push(hass_client_no_auth, messageid="M1", status_code="201") == 200
    simulator.inject_receipt(DEMO_USERNAME, message_id="M1", status_code=201)
    await _next_poll(hass, freezer)
    await _next_poll(hass, freezer)
    assert [(event.data["status_code"], event.data["source"]) for event in reports] == [
        (300, "poll"),
        (201, "push"),
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_a_steady_stream_is_saved_within_a_second(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    mode: str,
) -> None:
    """Four pushes a second for five seconds: the file never lags a second."""
    simulator.set_mode(mode)
    key = storage_key(loaded_entry.entry_id)
    start = dt_util.utcnow()
    fired_at: list[float] = []
    for n in range(20):
        now = start + timedelta(seconds=n / 4)
        freezer.move_to(now)
        async_fire_time_changed_exact(hass, now)
        await hass.async_block_till_done()
        stored = hass_storage.get(key, {}).get("data", {"replies": {"tallies": {}}})
        saved = sum(t[0] for t in stored["replies"]["tallies"].values())
        # Whatever fired more than SAVE_DELAY ago is on disk.
        assert saved >= sum(1 for at in fired_at if at <= n / 4 - 1.0)
        status = await _push(hass_client_no_auth, **{"from": REAL, "message": f"m{n}"})
        assert status == 200
        fired_at.append(n / 4)
    assert len(fired_at) == 20


async def test_the_first_store_is_read_as_fired_once(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """An upgrade keeps what version 1 of the record fired."""
    simulator.set_mode("inbox")
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="old")
    simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message="old")
    received = async_capture_events(hass, EVENT_RECEIVED)
    config_entry.add_to_hass(hass)
    # What the fingerprint of "old" from REAL was in version 1.
    fingerprint = record_fingerprint(REAL, "old")
    hass_storage[storage_key(config_entry.entry_id)] = {
        "version": 1,
        "minor_version": 1,
        "key": storage_key(config_entry.entry_id),
        "data": {"replies": [fingerprint], "receipts": []},
    }
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # One of the two was fired by the old version; the other is new.
    assert _messages(received) == ["old"]


def record_fingerprint(number: str, message: str) -> str:
    """Identify a reply with only a sender and a text."""
    return reply_fingerprint(
        InboundReply(
            from_number=number,
            message=message,
            original_message="",
            original_message_id="",
            original_sender_id="",
            custom_string="",
            username="",
        )
    )


# Fingerprints as the previous version (before api.number_digits and
# api.status_code_of) computed them: a stored record must still know them.
_REPLY_FINGERPRINTS = {
    "+61411111111": "205d109bb6914549e20a4960112d4171",
    "0061411111111": "205d109bb6914549e20a4960112d4171",
    "61411111111.0": "205d109bb6914549e20a4960112d4171",
    "\u0666\u0661\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661": (
        "205d109bb6914549e20a4960112d4171"
    ),
    "ClickSend": "c9ed21b395541e031961410c01264fe7",
    # Digits that are not decimal digits, in a sender left as it came.
    "Shop\u00b2": "5b1d1bab42975e4aaf1d63fe182c0fe9",
    "\u2460\u2461": "8a0c9dfc895efc41fe8b7f19c7f8dd95",
}
_RECEIPT_FINGERPRINTS = {
    "201": "981b8c3f760919873a4366119643dee5",
    "201.0": "981b8c3f760919873a4366119643dee5",
    # Beyond a float's precision: the code as written.
    "12345678901234567890": "a435e1cafbe0f99b2b7a62f3e4d93fb4",
}


@pytest.mark.parametrize(("sender", "fingerprint"), _REPLY_FINGERPRINTS.items())
def test_reply_fingerprints_are_those_stored_before(
    sender: str, fingerprint: str
) -> None:
    """An upgrade re-fires nothing that the previous version recorded."""
    fields = {
        "from": sender,
        "message": "Yes",
        "originalmessageid": "M1",
        "customstring": "c",
    }
    assert reply_fingerprint(reply_from_fields(fields)) == fingerprint


@pytest.mark.parametrize(("code", "fingerprint"), _RECEIPT_FINGERPRINTS.items())
def test_receipt_fingerprints_are_those_stored_before(
    code: str, fingerprint: str
) -> None:
    """The same for delivery reports, whatever their code."""
    fields = {"messageid": "M1", "status": "Delivered", "status_code": code}
    assert receipt_fingerprint(receipt_from_fields(fields)) == fingerprint


def test_behaviour_detected_from_two_answers() -> None:
    """Everything again: an inbox; nothing of it again: a queue."""
    record = PollRecord()
    assert record.poll(["a", "b"], 1.0) == [True, True]
    assert record.mode == "unknown"
    # A partial overlap (an inbox dropping its oldest) proves nothing.
    assert record.poll(["b", "c"], 2.0) == [False, True]
    assert record.mode == "unknown"
    assert record.poll(["b", "c", "c"], 3.0) == [False, False, True]
    assert record.mode == "inbox"
    assert record.poll([], 4.0) == []
    assert record.mode == "queue"
    # In a queue, one "c" again is a new SMS, not proof of an inbox...
    assert record.poll(["c"], 5.0) == [True]
    assert record.poll(["c"], 6.0) == [True]
    assert record.mode == "queue"
    assert record.poll(["c", "c", "c"], 6.5) == [True, True, True]
    assert record.mode == "queue"
    # ...but three different items again, word for word, are.
    assert record.poll(["x", "y", "z"], 7.0) == [True, True, True]
    assert record.poll(["x", "y", "z", "w"], 8.0) == [False, False, False, True]
    assert record.mode == "inbox"
    # So is an answer of three different items that all were polled before;
    # pushed and not yet polled is not enough (every answer is, with push on).
    assert record.poll([], 9.0) == []
    assert record.mode == "queue"
    for pushed in ("p1", "p2", "p3"):
        assert record.push(pushed, 9.5)
    assert record.poll(["p1", "p2", "p3"], 9.6) == [False, False, False]
    assert record.poll([], 9.7) == []
    assert record.mode == "queue"
    assert record.poll(["w", "x", "y"], 10.0) == [False, False, False]
    assert record.mode == "inbox"


def test_record_survives_its_storage() -> None:
    """Stored and read back, the record decides the same; damage is tolerated."""
    record = PollRecord()
    record.poll(["a"], 1.0)
    record.poll([], 2.0)
    assert record.push("b", 3.0)
    assert record.push("c", 3.0, "ID-1")
    reloaded = PollRecord(record.as_dict())
    assert reloaded.as_dict() == record.as_dict()
    assert not reloaded.push("c", 4.0, "ID-1")
    assert reloaded.poll(["b", "a"], 5.0) == [False, True]
    damaged = PollRecord({"mode": "nonsense", "tallies": {"a": [2]}})
    assert damaged.mode == "unknown"
    assert damaged.as_dict()["tallies"]["a"] == Tally(fired=2).as_list()


def test_record_is_bounded_by_count_and_age(monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst cannot evict what the next poll returns, nor pending pushes."""
    monkeypatch.setattr(record_module, "MAX_IDENTITIES", 3)
    monkeypatch.setattr(record_module, "HARD_LIMIT", 6)
    record = PollRecord()
    record.poll(["inbox-1", "inbox-2"], 0.0)
    record.poll(["inbox-1", "inbox-2"], 0.0)
    for n in range(4):
        record.push(f"push-{n}", 1.0)
    record.trim(1.0)
    # All kept: the latest answer, and pushes the next poll may return.
    assert len(record) == 6
    record.push("push-4", 2.0)
    record.trim(2.0)
    # Beyond the hard limit, the oldest goes whatever it was.
    assert len(record) == 6
    assert "inbox-1" not in record.as_dict()["tallies"]
    # Pending pushes are kept a day, then only the count bound holds.
    record.trim(2.0 + PENDING_AGE + 1)
    assert sorted(record.as_dict()["tallies"]) == ["inbox-2", "push-3", "push-4"]
    # A month untouched, and only the latest answer stays.
    record.trim(2.0 + MAX_AGE + 1)
    assert list(record.as_dict()["tallies"]) == ["inbox-2"]

    for n in range(5):
        record.push("same", 10.0 + n, f"ID-{n}")
    # Unpolled, pushes await nothing: the count bound holds at once.
    unpolled = PollRecord(polled=False)
    for n in range(5):
        unpolled.push(f"push-{n}", 1.0)
    unpolled.trim(1.0)
    assert list(unpolled.as_dict()["tallies"]) == ["push-2", "push-3", "push-4"]
    record.trim(20.0)
    assert list(record.as_dict()["ids"]) == ["ID-2", "ID-3", "ID-4"]
    record.trim(20.0 + MAX_AGE)
    assert record.as_dict()["ids"] == {}


def test_inbox_answer_counts_pushes_not_shown_yet() -> None:
    """In an inbox, a push the answer does not show yet is still owed to it."""
    record = PollRecord()
    record.poll(["a"], 0.0)
    record.poll(["a"], 1.0)
    assert record.mode == "inbox"
    # The push of the SMS the first poll fired is that SMS.
    assert not record.push("a", 2.0)
    # Later, the same words pushed are a new SMS, owed to the next answer.
    assert record.push("a", 2.0 + PUSH_REPEAT_WINDOW)
    assert record.poll(["a"], 3.0 + PUSH_REPEAT_WINDOW) == [False]
    assert record.poll(["a", "a"], 4.0 + PUSH_REPEAT_WINDOW) == [False, False]
    assert Counter(record.as_dict()["previous"]) == Counter({"a": 2})


def test_a_keyword_in_every_answer_is_still_a_queue() -> None:
    """A keyword in every poll: the rest is gone each time, so it is a queue."""
    record = PollRecord()
    assert record.push("S", 0.0)
    assert record.poll(["u1", "S", "S"], 1.0) == [True, False, True]
    assert record.poll(["u2", "u3", "S"], 2.0) == [True, True, True]
    assert record.mode == "queue"
    assert record.poll(["S", "u4"], 3.0) == [True, True]


async def test_a_backlog_fires_in_batches(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """1,200 waiting replies fire in order, Home Assistant running in between."""
    for n in range(1200):
        simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message=f"b{n}")
    received = async_capture_events(hass, EVENT_RECEIVED)
    loop_ran_at: list[int] = []

    @callback
    def on_first(event: Event) -> None:
        if not loop_ran_at and len(received) == 1:
            loop_ran_at.append(-1)

            hass.loop.call_soon(lambda: loop_ran_at.append(len(received)))

    hass.bus.async_listen(EVENT_RECEIVED, on_first)
    await _next_poll(hass, freezer)
    assert _messages(received) == [f"b{n}" for n in range(1200)]
    assert loop_ran_at[1] == FIRE_BATCH
    key = storage_key(loaded_entry.entry_id)
    await let_time_pass(hass, freezer, timedelta(seconds=2))
    assert len(hass_storage[key]["data"]["replies"]["tallies"]) == 1200


async def test_a_save_while_a_backlog_fires_keeps_the_record_before_it(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Mid-backlog, a save stores none of it as fired.

    A crash then fires it again rather than losing what had not fired yet.
    """
    for n in range(FIRE_BATCH + 1):
        simulator.inject_reply(DEMO_USERNAME, from_number=REAL, message=f"b{n}")
    inbox = loaded_entry.runtime_data.inbox
    key = storage_key(loaded_entry.entry_id)
    stored_mid: list[int] = []

    async def flush_and_look() -> None:
        await inbox.async_flush()
        stored_mid.append(len(hass_storage[key]["data"]["replies"]["tallies"]))

    @callback
    def on_last_of_first_batch(event: Event) -> None:
        if event.data["message"] == f"b{FIRE_BATCH - 1}":
            hass.loop.call_soon(lambda: hass.async_create_task(flush_and_look()))

    hass.bus.async_listen(EVENT_RECEIVED, on_last_of_first_batch)
    await _next_poll(hass, freezer)
    assert stored_mid == [0]
