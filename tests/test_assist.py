"""Talk to Assist by SMS: who is answered, how often, and with what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from clicksend_simulator import DEMO_USERNAME, ClickSendSimulator
from custom_components.clicksend_sms.api import message_info
from custom_components.clicksend_sms.assist import ASSIST_CUSTOM_STRING, cut_to_parts
from custom_components.clicksend_sms.diagnostics import (
    async_get_config_entry_diagnostics,
)
from homeassistant.components import conversation
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import MATCH_ALL
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component

from .conftest import WEBHOOK_ID, let_time_pass
from .test_ask import _ask

ALEX = "+61411111111"
SAM = "+61422222222"
STRANGER = "+61400000007"
OWN_NUMBER = "+61400000999"
AGENT_ID = "01JTESTAGENTENTRY000000000"


class ScriptedAgent(conversation.AbstractConversationAgent):
    """A conversation agent that says what the test wants and remembers inputs."""

    def __init__(self) -> None:
        """Say "Done." until told otherwise."""
        self.speech = "Done."
        self.fail = False
        self.inputs: list[conversation.ConversationInput] = []

    @property
    def supported_languages(self) -> str:
        """Any language."""
        return MATCH_ALL

    async def async_process(
        self, user_input: conversation.ConversationInput
    ) -> conversation.ConversationResult:
        """Answer with the scripted speech, in the conversation asked for."""
        self.inputs.append(user_input)
        if self.fail:
            raise HomeAssistantError("The agent is out of order")
        response = intent.IntentResponse(language=user_input.language)
        response.async_set_speech(self.speech)
        return conversation.ConversationResult(
            response=response,
            conversation_id=user_input.conversation_id or f"c{len(self.inputs)}",
        )


def _recipient(
    name: str, number: str, *, sender_id: str | None = None, **assist: Any
) -> ConfigSubentryData:
    data: dict[str, Any] = {"phone_number": number}
    if sender_id:
        data["sender_id"] = sender_id
    if assist:
        data |= {
            "assist_allowed": True,
            "assist_agent": "conversation.home_assistant",
            "assist_max_parts": 2,
            "assist_max_per_hour": 10,
            **assist,
        }
    return ConfigSubentryData(
        data=data, subentry_type="recipient", title=name, unique_id=number
    )


@pytest.fixture
def recipients() -> list[ConfigSubentryData]:
    """Alex may talk to Assist; Sam may not; Bot is our own number."""
    return [
        _recipient("Alex", ALEX, assist_max_per_hour=3),
        _recipient("Sam", SAM, sender_id="SamsHome"),
        _recipient("Bot", OWN_NUMBER, assist_allowed=True),
    ]


@pytest.fixture
def options() -> dict[str, Any]:
    """Our own number sends the account's SMS."""
    return {"sender_id": OWN_NUMBER}


@pytest.fixture
async def agent(hass: HomeAssistant) -> ScriptedAgent:
    """Set up a scripted conversation agent, the one Assist uses here."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    scripted = ScriptedAgent()
    conversation.async_set_agent(
        hass, MockConfigEntry(domain="test", entry_id=AGENT_ID), scripted
    )
    return scripted


@pytest.fixture
def scripted_recipients(recipients: list[ConfigSubentryData]) -> None:
    """Alex talks to the scripted agent."""
    recipients[0] = _recipient(
        "Alex", ALEX, assist_agent=AGENT_ID, assist_max_per_hour=3
    )


async def _push(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    sender: str,
    message: str,
    **fields: str,
) -> None:
    """Push an SMS, and let Assist answer it."""
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}",
        data={"from": sender, "message": message, "username": DEMO_USERNAME, **fields},
    )
    assert response.status == 200
    await client.close()
    await hass.async_block_till_done(wait_background_tasks=True)


def _answers(simulator: ClickSendSimulator) -> list[tuple[str, str]]:
    return [
        (sent.to, sent.message)
        for sent in simulator.sent
        if sent.custom_string == ASSIST_CUSTOM_STRING
    ]


async def _assist_diagnostics(
    hass: HomeAssistant, entry: MockConfigEntry
) -> dict[str, Any]:
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert ALEX not in str(diagnostics)
    return diagnostics["assist"]


@pytest.fixture
async def kitchen_light(hass: HomeAssistant) -> str:
    """Set up a template light called Kitchen light, exposed to Assist."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"kitchen": {}}}
    )
    switch = {"entity_id": "input_boolean.kitchen"}
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": [
                {
                    "light": [
                        {
                            "name": "Kitchen light",
                            "state": "{{ is_state('input_boolean.kitchen', 'on') }}",
                            "turn_on": {
                                "action": "input_boolean.turn_on",
                                "target": switch,
                            },
                            "turn_off": {
                                "action": "input_boolean.turn_off",
                                "target": switch,
                            },
                        }
                    ]
                }
            ]
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("light.kitchen_light").state == "off"
    return "light.kitchen_light"


@pytest.mark.parametrize("source", ["push", "poll"])
async def test_allowed_recipient_turns_on_the_kitchen_light(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    kitchen_light: str,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
    source: str,
) -> None:
    """Home Assistant's own agent does what Alex texts, and texts back."""
    if source == "push":
        await _push(hass, hass_client_no_auth, ALEX, "turn on the kitchen light")
    else:
        simulator.inject_reply(
            DEMO_USERNAME, from_number=ALEX, message="Turn on the kitchen light"
        )
        await let_time_pass(hass, freezer, timedelta(seconds=61))
    assert hass.states.get(kitchen_light).state == "on"
    [(to, answer)] = _answers(simulator)
    assert to == ALEX
    assert answer.strip()
    assert simulator.sent[-1].sender_id == OWN_NUMBER


async def test_others_get_no_answer(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    kitchen_light: str,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A stranger, a recipient not allowed, and our own sender IDs get nothing."""
    for sender in (STRANGER, SAM, "SamsHome", OWN_NUMBER[1:], "Acme"):
        await _push(
            hass, hass_client_no_auth, sender, f"{sender}: turn on the kitchen light"
        )
    assert hass.states.get(kitchen_light).state == "off"
    assert simulator.sent == []
    assert await _assist_diagnostics(hass, loaded_entry) == {
        "allowed_recipients": ["Alex", "Bot"],
        "answered": 0,
        "failed": 0,
        "refused_not_allowed": 3,
        "refused_own_number": 2,
        "refused_rate_limited": 0,
    }


@pytest.mark.usefixtures("scripted_recipients")
async def test_answers_per_hour_are_bounded(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    agent: ScriptedAgent,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Beyond the answers per hour, texts go unanswered until the hour passes."""
    simulator.throttle_seconds = 0
    for number in range(5):
        await _push(hass, hass_client_no_auth, ALEX, f"question {number}")
    assert [text for _, text in _answers(simulator)] == ["Done."] * 3
    assert [user_input.text for user_input in agent.inputs] == [
        "question 0",
        "question 1",
        "question 2",
    ]
    diagnostics = await _assist_diagnostics(hass, loaded_entry)
    assert diagnostics["answered"] == 3
    assert diagnostics["refused_rate_limited"] == 2

    await let_time_pass(hass, freezer, timedelta(minutes=61))
    await _push(hass, hass_client_no_auth, ALEX, "question 5")
    assert len(_answers(simulator)) == 4


@pytest.mark.usefixtures("scripted_recipients")
async def test_follow_up_questions_continue_the_conversation(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    agent: ScriptedAgent,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Within minutes, a text continues the conversation; later, one starts anew."""
    simulator.throttle_seconds = 0
    await _push(hass, hass_client_no_auth, ALEX, "turn on the light")
    await let_time_pass(hass, freezer, timedelta(minutes=2))
    await _push(hass, hass_client_no_auth, ALEX, "and the fan")
    await let_time_pass(hass, freezer, timedelta(minutes=6))
    await _push(hass, hass_client_no_auth, ALEX, "hello")
    assert [user_input.conversation_id for user_input in agent.inputs] == [
        None,
        "c1",
        None,
    ]
    assert all(user_input.agent_id == AGENT_ID for user_input in agent.inputs)


@pytest.mark.usefixtures("scripted_recipients")
async def test_long_answers_are_cut_to_the_allowed_parts(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    agent: ScriptedAgent,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A long answer takes at most two parts and says it was cut; none is "OK"."""
    simulator.throttle_seconds = 0
    agent.speech = "All lights are on. " * 40
    await _push(hass, hass_client_no_auth, ALEX, "status")
    agent.speech = ""
    await _push(hass, hass_client_no_auth, ALEX, "quiet")
    (_, long), (_, empty) = _answers(simulator)
    assert long.endswith("...")
    assert long.startswith("All lights are on.")
    assert message_info(long).parts == 2
    assert simulator.sent[0].parts == 2
    assert empty == "OK"


@pytest.mark.usefixtures("scripted_recipients")
async def test_failures_are_texted_or_counted(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    agent: ScriptedAgent,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """An agent's error is texted back; ClickSend refusing the answer is counted."""
    simulator.throttle_seconds = 0
    agent.fail = True
    await _push(hass, hass_client_no_auth, ALEX, "status")
    assert _answers(simulator) == [(ALEX, "The agent is out of order")]
    agent.fail = False
    simulator.add_fault("http500", endpoint="send.php")
    await _push(hass, hass_client_no_auth, ALEX, "status again")
    assert len(_answers(simulator)) == 1
    diagnostics = await _assist_diagnostics(hass, loaded_entry)
    assert (diagnostics["failed"], diagnostics["answered"]) == (1, 1)


async def test_a_missing_agent_is_a_failure(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    agent: ScriptedAgent,
    loaded_entry: MockConfigEntry,
    recipients: list[ConfigSubentryData],
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """An agent that was removed answers nothing; it is counted as a failure."""
    alex = next(s for s in loaded_entry.subentries.values() if s.title == "Alex")
    hass.config_entries.async_update_subentry(
        loaded_entry, alex, data={**alex.data, "assist_agent": "conversation.gone"}
    )
    await hass.async_block_till_done()
    await _push(hass, hass_client_no_auth, ALEX, "status")
    assert simulator.sent == []
    diagnostics = await _assist_diagnostics(hass, loaded_entry)
    assert diagnostics["failed"] == 1


@pytest.mark.usefixtures("scripted_recipients")
async def test_an_answer_to_an_ask_is_no_command(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    agent: ScriptedAgent,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Alex answering the home's question does not talk to Assist."""
    task = await _ask(hass, loaded_entry, to="Alex", message="Home?")
    question = simulator.sent[0].message_id
    await _push(hass, hass_client_no_auth, ALEX, "yes", originalmessageid=question)
    assert (await task)["answer"] == "yes"
    assert agent.inputs == []


@pytest.mark.parametrize("recipients", [[]])
async def test_without_allowed_recipients_conversation_is_not_loaded(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Nobody may talk to Assist: the conversation integration is not set up."""
    assert "conversation" not in hass.config.components


def test_cut_to_parts() -> None:
    """Short texts stay; long ones end in "..." within the parts, Unicode too."""
    assert cut_to_parts(" Done. ", 1) == "Done."
    cut = cut_to_parts("x" * 400, 1)
    assert (cut, message_info(cut).parts) == ("x" * 157 + "...", 1)
    emoji = cut_to_parts("💡" * 100, 2)
    assert emoji.endswith("...")
    assert message_info(emoji).parts == 2


async def test_without_conversation_nobody_is_answered(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """If the conversation integration cannot set up, Assist by SMS stays off."""
    # Without the homeassistant integration (always there in a real Home
    # Assistant), conversation fails to set up.
    assert any(
        "Assist by SMS is off" in record.message
        for record in caplog.get_records("setup")
    )
    await _push(hass, hass_client_no_auth, ALEX, "turn on the kitchen light")
    assert simulator.sent == []
