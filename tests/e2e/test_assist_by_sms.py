"""Text your home: Assist by SMS in a real Home Assistant, step by step.

A saved recipient allowed to talk to Assist texts "turn on the kitchen
light"; the light (a template light) turns on and the answer reaches the
simulator, pushed and, separately, polled. A stranger texting the same gets
nothing. The steps share one Home Assistant (see conftest.py).
"""

from __future__ import annotations

from typing import Any

from tools.hass_harness import wait_until

from .conftest import E2E

DOMAIN = "clicksend_sms"
POLL_INTERVAL = 15
POLL_WAIT = POLL_INTERVAL + 10
ALEX = "+61400000001"
STRANGER = "+61400000005"
LIGHT = "light.kitchen_light"
ASSIST_CUSTOM_STRING = "clicksend_sms_assist"

# Assist needs the conversation integration; the light is what Alex asks for.
CONFIGURATION = """
conversation:
input_boolean:
  kitchen:
    name: Kitchen power
template:
  - light:
      - name: Kitchen light
        state: "{{ is_state('input_boolean.kitchen', 'on') }}"
        turn_on:
          action: input_boolean.turn_on
          target:
            entity_id: input_boolean.kitchen
        turn_off:
          action: input_boolean.turn_off
          target:
            entity_id: input_boolean.kitchen
"""


async def _light(e2e: E2E) -> str:
    state = await e2e.client.state(LIGHT)
    assert state is not None, f"{LIGHT} has no state"
    return str(state["state"])


async def _assist_answers(e2e: E2E) -> list[dict[str, Any]]:
    return [
        sent
        for sent in await e2e.sim.call("GET", "sent")
        if sent["custom_string"] == ASSIST_CUSTOM_STRING
    ]


async def _assist_counts(e2e: E2E) -> dict[str, Any]:
    diagnostics = await e2e.client.diagnostics(e2e.fact("entry_id"))
    counts: dict[str, Any] = diagnostics["assist"]
    return counts


async def _turn_light_on_by_sms(e2e: E2E, text: str, timeout: float) -> None:
    """Alex texts the home; the light turns on and the answer goes to Alex."""
    await e2e.client.post("/api/services/light/turn_off", {"entity_id": LIGHT})
    assert await _light(e2e) == "off"
    before = len(await _assist_answers(e2e))
    await e2e.sim.call("POST", "replies", {"from": ALEX, "message": text})

    async def light_on() -> bool:
        return await _light(e2e) == "on"

    await wait_until(light_on, timeout=timeout, what="the kitchen light to turn on")

    async def answered() -> list[dict[str, Any]] | None:
        answers = await _assist_answers(e2e)
        return answers if len(answers) > before else None

    answers = await wait_until(answered, timeout=10, what="Assist's answer by SMS")
    assert [answer["to"] for answer in answers[before:]] == [ALEX]
    assert answers[-1]["message"].strip()


async def test_set_up_an_account_and_a_recipient_allowed_to_talk_to_assist(
    e2e: E2E,
) -> None:
    """Onboard, add the account, and add Alex with Assist by SMS allowed."""
    await e2e.client.onboard()
    await e2e.client.wait_running()
    result = await e2e.add_demo_account()
    assert result["type"] == "create_entry"
    entry_id = e2e.facts["entry_id"] = result["result"]["entry_id"]
    e2e.facts["webhook_url"] = result["description_placeholders"]["webhook_url"]
    form = await e2e.client.flow("options/flow", entry_id)
    await e2e.client.flow_step(
        "options/flow",
        form["flow_id"],
        {
            "poll_interval": POLL_INTERVAL,
            "poll_replies": True,
            "poll_delivery_reports": True,
            "low_balance_threshold": 1.0,
        },
    )
    await e2e.client.wait_entry_loaded(DOMAIN)

    form = await e2e.client.flow("subentries/flow", [entry_id, "recipient"])
    assert [field["name"] for field in form["data_schema"]] == [
        "name",
        "phone_number",
        "sender_id",
        "assist",
    ]
    result = await e2e.client.flow_step(
        "subentries/flow",
        form["flow_id"],
        {
            "name": "Alex",
            "phone_number": ALEX,
            "assist": {
                "assist_allowed": True,
                "assist_agent": "conversation.home_assistant",
                "assist_max_parts": 2,
                "assist_max_per_hour": 10,
            },
        },
    )
    assert (result["type"], result["title"]) == ("create_entry", "Alex")

    async def allowed() -> bool:
        (entry,) = await e2e.client.entries(DOMAIN)
        if entry["state"] != "loaded":
            return False
        return (await _assist_counts(e2e))["allowed_recipients"] == ["Alex"]

    await wait_until(allowed, timeout=20, what="the entry reloaded with Alex")


async def test_a_pushed_sms_turns_on_the_kitchen_light(e2e: E2E) -> None:
    """ClickSend pushes Alex's SMS: the light turns on within seconds."""
    await e2e.sim.call("POST", "config", {"push_url": e2e.fact("webhook_url")})
    await _turn_light_on_by_sms(e2e, "turn on the kitchen light", timeout=10)


async def test_a_stranger_gets_nothing(e2e: E2E) -> None:
    """The same SMS from a number that is no allowed recipient does nothing."""
    await e2e.client.post("/api/services/light/turn_off", {"entity_id": LIGHT})
    refused = (await _assist_counts(e2e))["refused_not_allowed"]
    await e2e.sim.call(
        "POST", "replies", {"from": STRANGER, "message": "turn on the kitchen light"}
    )

    async def counted() -> bool:
        return (await _assist_counts(e2e))["refused_not_allowed"] == refused + 1

    await wait_until(counted, timeout=10, what="the refusal to be counted")
    assert await _light(e2e) == "off"
    assert STRANGER not in [sent["to"] for sent in await e2e.sim.call("GET", "sent")]


async def test_a_polled_sms_turns_on_the_kitchen_light(e2e: E2E) -> None:
    """Without push, the next poll brings Alex's SMS, and the light turns on."""
    await e2e.sim.call("POST", "config", {"push_url": None})
    await _turn_light_on_by_sms(e2e, "Turn on the kitchen light", timeout=POLL_WAIT)
    counts = await _assist_counts(e2e)
    assert counts["answered"] == 2
    assert counts["failed"] == 0
