"""The automation blueprints, run by Home Assistant against the simulator."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from clicksend_simulator import DEMO_USERNAME, ClickSendSimulator
from custom_components.clicksend_sms.ask import async_get_asks
from custom_components.clicksend_sms.const import DOMAIN
from homeassistant.components import persistent_notification as pn
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import Blueprint
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict

from .conftest import WEBHOOK_ID, let_time_pass

BLUEPRINTS = Path(__file__).parent.parent / "blueprints" / "automation" / DOMAIN
SOURCE_URL = (
    "https://github.com/clicksend-sms-ha/clicksend_sms/blob/main/"
    "blueprints/automation/clicksend_sms/"
)
SENDER = "+61400000001"
ALEX = "+61411111111"


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """Give Home Assistant a configuration folder of its own, with the blueprints."""
    shutil.copytree(
        BLUEPRINTS, Path(hass_tmp_config_dir, "blueprints/automation", DOMAIN)
    )
    return hass_tmp_config_dir


async def _automation(hass: HomeAssistant, blueprint: str, **inputs: Any) -> None:
    """Set up one automation from a blueprint, and check it is on."""
    assert await async_setup_component(hass, "persistent_notification", {})
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "Under test",
                "use_blueprint": {"path": f"{DOMAIN}/{blueprint}", "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get("automation.under_test")
    assert state is not None, "the blueprint did not make an automation"
    assert state.state == "on"


async def _next_poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let one poll interval (60 s by default) pass and the poll finish."""
    await let_time_pass(hass, freezer, timedelta(seconds=61))


async def _push(hass_client_no_auth: ClientSessionGenerator, **fields: str) -> None:
    """Push a form to the webhook, as ClickSend's HTTP API v2 does."""
    client = await hass_client_no_auth()
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=fields)
    assert response.status == 200
    await client.close()


def _sent(simulator: ClickSendSimulator) -> list[tuple[str, str]]:
    return [(message.to, message.message) for message in simulator.sent]


@pytest.mark.parametrize(
    "path", sorted(BLUEPRINTS.glob("*.yaml")), ids=lambda path: path.name
)
def test_blueprint_metadata(path: Path) -> None:
    """Each blueprint is a valid automation blueprint that says where it lives."""
    blueprint = Blueprint(
        load_yaml_dict(str(path)),
        path=path.name,
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.name.startswith("ClickSend Two-Way SMS - ")
    assert blueprint.metadata["description"]
    assert blueprint.metadata["source_url"] == SOURCE_URL + path.name
    for name, spec in blueprint.inputs.items():
        assert spec["name"], name
        assert spec["selector"], name


def test_there_are_four_blueprints() -> None:
    """The four documented blueprints are shipped."""
    assert sorted(path.name for path in BLUEPRINTS.iterdir()) == [
        "alert_undelivered.yaml",
        "auto_reply_keyword.yaml",
        "confirm_by_sms.yaml",
        "forward_to_notify.yaml",
    ]


async def test_auto_reply_to_a_polled_sms(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An SMS starting with the keyword gets the reply; others get nothing."""
    await _automation(
        hass,
        "auto_reply_keyword.yaml",
        keyword="Status",
        reply="All is well at home.",
        account=loaded_entry.entry_id,
    )
    simulator.inject_reply(DEMO_USERNAME, from_number=SENDER, message="STATUS? please")
    simulator.inject_reply(
        DEMO_USERNAME, from_number="+61400000002", message="what is the status"
    )
    simulator.inject_reply(DEMO_USERNAME, from_number="+61400000003", message="")
    await _next_poll(hass, freezer)
    assert _sent(simulator) == [(SENDER, "All is well at home.")]
    request = next(r for r in simulator.requests if r.endpoint == "send.php")
    assert request.params["to"] == SENDER


async def test_auto_reply_to_a_pushed_sms_whole_message(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A push without "+" is answered on the right number; the whole SMS counts."""
    await _automation(
        hass,
        "auto_reply_keyword.yaml",
        keyword=" stop ",
        match="whole_message",
        reply="You will get no more texts.",
    )
    await _push(
        hass_client_no_auth,
        **{"from": "61400000009", "message": "stop now", "username": DEMO_USERNAME},
    )
    await hass.async_block_till_done()
    assert simulator.sent == []
    await _push(
        hass_client_no_auth,
        **{"from": "61400000009", "message": "  Stop!  ", "username": DEMO_USERNAME},
    )
    await hass.async_block_till_done()
    assert _sent(simulator) == [("+61400000009", "You will get no more texts.")]


async def test_auto_reply_only_on_the_chosen_account(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With another account chosen, an SMS to this one is not answered."""
    await _automation(
        hass,
        "auto_reply_keyword.yaml",
        keyword="status",
        reply="All is well.",
        account="01JSOMEOTHERACCOUNTENTRY00",
    )
    simulator.inject_reply(DEMO_USERNAME, from_number=SENDER, message="status")
    await _next_poll(hass, freezer)
    assert simulator.sent == []


async def test_forward_to_a_notify_entity(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Every SMS, polled or pushed, reaches the notify entity."""
    await _automation(hass, "forward_to_notify.yaml", notify_entity=["notify.alex"])
    simulator.inject_reply(DEMO_USERNAME, from_number=SENDER, message="Polled hello")
    await _next_poll(hass, freezer)
    await _push(
        hass_client_no_auth,
        **{"from": "+61400000002", "message": "42", "username": DEMO_USERNAME},
    )
    await hass.async_block_till_done()
    assert _sent(simulator) == [
        (ALEX, f"SMS from {SENDER}: Polled hello"),
        (ALEX, "SMS from +61400000002: 42"),
    ]


async def test_alert_undelivered_as_a_persistent_notification(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A final failure raises a notification naming it; a retried one does not."""
    await _automation(hass, "alert_undelivered.yaml", account=loaded_entry.entry_id)
    # The simulator reports numbers ending in 0 undelivered (301); ending in
    # 9, a temporary failure (300) then delivered; ending in 8, 300 then 301.
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "to": [SENDER, "+61400000010", "+61400000019", "+61400000018"],
            "message": "Hi",
            "custom_string": "door",
        },
        blocking=True,
        return_response=True,
    )
    delivered, undelivered, retried, failed = (
        m["message_id"] for m in response["messages"]
    )
    await _next_poll(hass, freezer)
    notifications = pn._async_get_or_create_notifications(hass)
    assert sorted(notifications) == sorted(
        [
            f"clicksend_sms_undelivered_{undelivered}",
            f"clicksend_sms_undelivered_{failed}",
        ]
    )
    notification = notifications[f"clicksend_sms_undelivered_{undelivered}"]
    assert notification["title"] == "SMS not delivered"
    assert notification["message"] == (
        f'ClickSend could not deliver SMS {undelivered} (custom string "door"): '
        "Undelivered, status code 301."
    )
    assert delivered not in notification["message"]
    assert retried not in str(notifications)


async def test_alert_undelivered_through_a_notify_entity(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Final failures go to the chosen notifier; a 300, which is retried, does not."""
    await _automation(hass, "alert_undelivered.yaml", notify_entity=["notify.alex"])
    for message_id, status, code in (
        ("M-OK", "Delivered", "201"),
        ("M-RETRY", "", "300"),
        ("M-BAD", "Undelivered", "301"),
        ("M-TEXT", "Undelivered", "0"),
        ("M-LATE", "Delivered", "0"),
    ):
        await _push(
            hass_client_no_auth,
            messageid=message_id,
            status=status,
            status_code=code,
            username=DEMO_USERNAME,
        )
    await hass.async_block_till_done()
    alert = "SMS not delivered\nClickSend could not deliver SMS {}: Undelivered, status code {}."
    assert _sent(simulator) == [
        (ALEX, alert.format("M-BAD", 301)),
        (ALEX, alert.format("M-TEXT", 0)),
    ]
    assert pn._async_get_or_create_notifications(hass) == {}


def _confirm_inputs(**inputs: Any) -> dict[str, Any]:
    """Ask Alex when the event test_door_open fires; notify what happened."""

    def notice(text: str) -> list[dict[str, Any]]:
        return [
            {
                "action": "persistent_notification.create",
                "data": {"notification_id": "door", "message": text},
            }
        ]

    return {
        "when": [{"trigger": "event", "event_type": "test_door_open"}],
        "recipient": "Alex",
        "question": "Close the garage? YES or NO",
        "yes_actions": notice("Closing, {{ reply.from }} said {{ reply.message }}"),
        "no_actions": notice("Left open: {{ reply.answer }}"),
        "timeout_actions": notice("Nobody answered {{ reply.message_id }}"),
        **inputs,
    }


async def _until_asked(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Let the automation send its question (over a socket) and start waiting.

    Not async_block_till_done: the automation's run waits for the answer.
    """
    asks = async_get_asks(hass, entry.entry_id)
    for _ in range(10_000):
        if asks.waiting:
            return
        await asyncio.sleep(0)
    raise AssertionError("the automation asked nothing")


async def _time_passes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move the clock on while an ask waits; let the poll and the run finish."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _notice(hass: HomeAssistant) -> str | None:
    notification = pn._async_get_or_create_notifications(hass).get("door")
    return None if notification is None else notification["message"]


async def test_confirm_by_sms_yes_by_push(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The question goes to the recipient; their yes runs the yes actions."""
    await _automation(
        hass, "confirm_by_sms.yaml", **_confirm_inputs(account=loaded_entry.entry_id)
    )
    hass.bus.async_fire("test_door_open")
    await _until_asked(hass, loaded_entry)
    assert _sent(simulator) == [(ALEX, "Close the garage? YES or NO")]
    question = simulator.sent[0].message_id
    await _push(hass_client_no_auth, **{"from": ALEX, "message": "What?"})
    assert _notice(hass) is None
    await _push(
        hass_client_no_auth,
        **{"from": ALEX, "message": "yes!", "originalmessageid": question},
    )
    await hass.async_block_till_done()
    assert _notice(hass) == f"Closing, {ALEX} said yes!"


async def test_confirm_by_sms_no_by_poll(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A polled no, within seconds, runs the no actions."""
    await _automation(
        hass,
        "confirm_by_sms.yaml",
        **_confirm_inputs(yes_answer="Close", no_answer="Leave"),
    )
    hass.bus.async_fire("test_door_open")
    await _until_asked(hass, loaded_entry)
    simulator.inject_reply(DEMO_USERNAME, from_number=ALEX, message="LEAVE it")
    await _time_passes(hass, freezer, timedelta(seconds=6))
    assert _notice(hass) == "Left open: Leave"


async def test_confirm_by_sms_timeout(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No answer within the timeout runs the timeout actions."""
    await _automation(
        hass, "confirm_by_sms.yaml", **_confirm_inputs(timeout={"minutes": 1})
    )
    hass.bus.async_fire("test_door_open")
    await _until_asked(hass, loaded_entry)
    question = simulator.sent[0].message_id
    await _time_passes(hass, freezer, timedelta(seconds=60))
    assert _notice(hass) == f"Nobody answered {question}"
