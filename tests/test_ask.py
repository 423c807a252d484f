"""The ask action: a question by SMS, and the answer to that very question."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from clicksend_simulator import DEMO_USERNAME, ClickSendSimulator
from custom_components.clicksend_sms.ask import async_get_asks, first_word
from custom_components.clicksend_sms.const import (
    CONF_POLL_REPLIES,
    DOMAIN,
    EVENT_RECEIVED,
)
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .conftest import WEBHOOK_ID, let_time_pass

ALEX = "+61411111111"
SAM = "+61422222222"

type AskTask = asyncio.Task[ServiceResponse]


async def _ask(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> AskTask:
    """Start an ask and return once its question went out and it waits."""
    asks = async_get_asks(hass, entry.entry_id)
    before = asks.waiting
    task = asyncio.get_running_loop().create_task(
        hass.services.async_call(
            DOMAIN, "ask", data, blocking=True, return_response=True
        )
    )
    # The question goes out over a real socket: let the loop run until then.
    for _ in range(10_000):
        if asks.waiting > before or task.done():
            break
        await asyncio.sleep(0)
    if task.done():
        task.result()
    assert asks.waiting == before + 1
    return task


async def _push(hass_client_no_auth: ClientSessionGenerator, **fields: str) -> None:
    """Push a reply to the webhook as ClickSend's HTTP API v2 does."""
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data={"username": DEMO_USERNAME, **fields}
    )
    assert response.status == 200
    await client.close()


def _question_id(simulator: ClickSendSimulator, to: str) -> str:
    return [message for message in simulator.sent if message.to == to][-1].message_id


async def test_answer_by_poll_comes_within_seconds(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Polling runs every 5 s while an ask waits, and as configured afterwards."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    task = await _ask(
        hass,
        loaded_entry,
        to="Alex",
        message="Close the garage? Reply YES or NO",
        answers=["YES", "NO"],
    )
    question = _question_id(simulator, ALEX)
    assert simulator.sent[-1].message == "Close the garage? Reply YES or NO"
    simulator.inject_reply(
        DEMO_USERNAME,
        from_number=ALEX,
        message="yes please",
        original_message_id=question,
    )

    await let_time_pass(hass, freezer, timedelta(seconds=6))

    assert task.done()
    assert await task == {
        "answered": True,
        "answer": "YES",
        "message": "yes please",
        "from": ALEX,
        "message_id": question,
        "waited": 6.0,
    }
    # The answer still fires the usual event, naming the question.
    assert [event.data["message"] for event in received] == ["yes please"]
    assert received[0].data["answers_ask"] == question
    assert received[0].data["source"] == "poll"

    # Back to the configured 60 s: a later SMS waits for the next poll.
    simulator.inject_reply(DEMO_USERNAME, from_number=ALEX, message="thanks")
    await let_time_pass(hass, freezer, timedelta(seconds=6))
    assert len(received) == 1
    await let_time_pass(hass, freezer, timedelta(seconds=60))
    assert [event.data["message"] for event in received] == ["yes please", "thanks"]
    assert "answers_ask" not in received[1].data


async def test_pushed_reply_without_message_id_from_the_asked_number(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A reply that names no question counts when it comes from the asked number."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    task = await _ask(hass, loaded_entry, to=SAM, message="Where are you?")

    # Someone else's SMS, and one that names another message, do not answer.
    await _push(hass_client_no_auth, **{"from": "61400000009", "message": "Hi"})
    await _push(
        hass_client_no_auth,
        **{"from": SAM, "message": "old thread", "originalmessageid": "OTHER"},
    )
    assert not task.done()
    # The push spells the number without its "+".
    await _push(hass_client_no_auth, **{"from": SAM[1:], "message": " At work "})

    response = await task
    assert response["answered"] is True
    assert response["answer"] == "At work"
    assert response["message"] == "At work"
    assert response["from"] == SAM
    assert response["waited"] == 0.0
    assert [event.data.get("answers_ask") for event in received] == [
        None,
        None,
        response["message_id"],
    ]
    assert received[2].data["source"] == "push"


async def test_other_answers_do_not_end_the_wait(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """With answers, only a reply whose first word is one of them ends the wait."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    task = await _ask(
        hass, loaded_entry, to=ALEX, message="Arm the alarm?", answers=["Yes", "No"]
    )
    question = _question_id(simulator, ALEX)
    for text in ("Maybe later", "Yesterday I did"):
        await _push(
            hass_client_no_auth,
            **{"from": ALEX, "message": text, "originalmessageid": question},
        )
    assert not task.done()
    await _push(
        hass_client_no_auth,
        **{"from": ALEX, "message": "NO!", "originalmessageid": question},
    )
    response = await task
    assert (response["answer"], response["message"]) == ("No", "NO!")
    assert [event.data["message"] for event in received] == [
        "Maybe later",
        "Yesterday I did",
        "NO!",
    ]
    assert "answers_ask" not in received[0].data


async def test_timeout_is_an_answer_too(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No answer in time: answered is false, and polling slows down again."""
    task = await _ask(
        hass, loaded_entry, to=ALEX, message="Anyone home?", timeout={"minutes": 2}
    )
    question = _question_id(simulator, ALEX)
    await let_time_pass(hass, freezer, timedelta(seconds=119))
    assert not task.done()
    await let_time_pass(hass, freezer, timedelta(seconds=1))
    assert await task == {
        "answered": False,
        "answer": None,
        "message": None,
        "from": None,
        "message_id": question,
        "waited": 120.0,
    }
    assert loaded_entry.runtime_data.inbox.update_interval == timedelta(seconds=60)
    # A late reply is just an SMS.
    received = async_capture_events(hass, EVENT_RECEIVED)
    simulator.inject_reply(
        DEMO_USERNAME, from_number=ALEX, message="Yes", original_message_id=question
    )
    await let_time_pass(hass, freezer, timedelta(seconds=61))
    assert len(received) == 1
    assert "answers_ask" not in received[0].data


async def test_default_timeout_is_ten_minutes(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a timeout, the ask waits 10 minutes."""
    task = await _ask(hass, loaded_entry, to=ALEX, message="Still there?")
    await let_time_pass(hass, freezer, timedelta(seconds=599))
    assert not task.done()
    await let_time_pass(hass, freezer, timedelta(seconds=1))
    assert (await task)["waited"] == 600.0


async def test_several_asks_each_get_their_own_answer(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Asks to several people, and to the same one, are told apart."""
    simulator.throttle_seconds = 0
    door = await _ask(
        hass, loaded_entry, to=ALEX, message="Door?", answers=["OPEN", "SHUT"]
    )
    door_id = _question_id(simulator, ALEX)
    light = await _ask(
        hass, loaded_entry, to=ALEX, message="Light?", answers=["ON", "OFF"]
    )
    light_id = _question_id(simulator, ALEX)
    free = await _ask(hass, loaded_entry, to=ALEX, message="Dinner?")
    free_id = _question_id(simulator, ALEX)
    sam = await _ask(hass, loaded_entry, to="Sam", message="Dinner?")
    asks = async_get_asks(hass, loaded_entry.entry_id)
    assert asks.questions[:3] == [door_id, light_id, free_id]

    # ClickSend names the question: it picks, even the newer ask.
    await _push(
        hass_client_no_auth,
        **{"from": ALEX, "message": "Pizza", "originalmessageid": free_id},
    )
    assert (await free)["answer"] == "Pizza"
    assert not door.done()
    assert not light.done()
    # Without a name, the oldest ask whose answers match: the light's "off".
    await _push(hass_client_no_auth, **{"from": ALEX, "message": "off"})
    assert (await light)["message_id"] == light_id
    assert not door.done()
    await _push(hass_client_no_auth, **{"from": ALEX, "message": "Shut"})
    assert (await door)["answer"] == "SHUT"
    assert (await door)["message_id"] == door_id
    assert not sam.done()
    await _push(hass_client_no_auth, **{"from": SAM, "message": "Pasta"})
    assert (await sam)["from"] == SAM
    assert async_get_asks(hass, loaded_entry.entry_id).waiting == 0


@pytest.mark.parametrize("options", [{CONF_POLL_REPLIES: False}])
async def test_without_polled_replies_push_answers(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Inbound SMS not polled: the interval is left alone, the push answers."""
    inbox = loaded_entry.runtime_data.inbox
    interval = inbox.update_interval
    task = await _ask(hass, loaded_entry, to=ALEX, message="Hello?")
    assert inbox.update_interval == interval
    await _push(hass_client_no_auth, **{"from": ALEX, "message": "Hi"})
    assert (await task)["answer"] == "Hi"


async def test_an_ask_survives_a_reload(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Changing an option reloads the account; the waiting ask still hears."""
    task = await _ask(hass, loaded_entry, to=ALEX, message="Still there?")
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data.inbox.update_interval == timedelta(seconds=5)
    simulator.inject_reply(DEMO_USERNAME, from_number=ALEX, message="Yes")
    await let_time_pass(hass, freezer, timedelta(seconds=6))
    assert (await task)["answer"] == "Yes"


async def test_removing_the_account_ends_its_asks(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A removed account's ask fails: no answer can come any more."""
    task = await _ask(hass, loaded_entry, to=ALEX, message="Still there?")
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "ask_cancelled"


async def test_a_cancelled_ask_stops_waiting(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """An automation stopped while it waits lets go of its ask."""
    received = async_capture_events(hass, EVENT_RECEIVED)
    task = await _ask(hass, loaded_entry, to=ALEX, message="Still there?")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert async_get_asks(hass, loaded_entry.entry_id).waiting == 0
    assert loaded_entry.runtime_data.inbox.update_interval == timedelta(seconds=60)
    await _push(hass_client_no_auth, **{"from": ALEX, "message": "Yes"})
    assert "answers_ask" not in received[0].data


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"timeout": 5}, "invalid_timeout"),
        ({"timeout": {"hours": 25}}, "invalid_timeout"),
        ({"answers": ["YES", "NO WAY"]}, "invalid_answer"),
        ({"answers": ["?"]}, "invalid_answer"),
        ({"answers": ["Yes", "yes!"]}, "duplicate_answers"),
        ({"answers": [True, False]}, "answer_not_text"),
        ({"to": "Nobody"}, "unknown_recipient"),
    ],
)
async def test_mistakes_are_refused_before_sending(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """A wrong timeout, answer or recipient sends nothing and says why."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "ask",
            {"to": ALEX, "message": "Question?", **data},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == key
    assert simulator.sent == []


async def test_refused_question_is_an_error(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """ClickSend refusing the question fails the ask at once."""
    simulator.add_fault("http500", endpoint="send.php")
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            DOMAIN,
            "ask",
            {"to": ALEX, "message": "Question?"},
            blocking=True,
            return_response=True,
        )
    assert async_get_asks(hass, loaded_entry.entry_id).waiting == 0


def test_first_word_ignores_case_and_punctuation() -> None:
    """Yes!, ¡Sí! and " yes please" start with the same word as YES; ? has none."""
    assert first_word("¡Sí!") == "sí"
    assert first_word(" Yes! please") == "yes"
    assert first_word("¿NO?") == "no"
    assert first_word("   ") == ""


async def test_answers_may_be_numbers(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Choices 1 and 2 (YAML numbers) are matched as the words they are."""
    task = await _ask(
        hass, loaded_entry, to=ALEX, message="1 pizza or 2 pasta?", answers=[1, 2]
    )
    await _push(hass_client_no_auth, **{"from": ALEX, "message": "2."})
    assert (await task)["answer"] == "2"
