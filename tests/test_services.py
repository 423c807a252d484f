"""The send_sms and get_history actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from clicksend_simulator import ClickSendSimulator
from custom_components.clicksend_sms import api
from custom_components.clicksend_sms.api import RecipientResult
from custom_components.clicksend_sms.const import DOMAIN
from custom_components.clicksend_sms.sending import _summarise
from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.generated.countries import COUNTRIES as HA_COUNTRIES
from homeassistant.setup import async_setup_component

REAL_NUMBER = "+61400000001"
OTHER_REAL_NUMBER = "+61400000002"


async def _send(
    hass: HomeAssistant, *, response: bool = True, **data: object
) -> object:
    return await hass.services.async_call(
        DOMAIN, "send_sms", data, blocking=True, return_response=response
    )


async def test_send_to_numbers_and_names_returns_results(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Send to numbers and names returns results."""
    response = await _send(
        hass,
        to=["Alex", REAL_NUMBER, "sam", "+61 400-000-001"],
        message="Garage door open",
        custom_string="garage",
    )
    assert response["recipient_count"] == 3
    assert response["currency"] == "USD"
    assert response["total_price"] == pytest.approx(0.0282)
    assert [m["to"] for m in response["messages"]] == [
        "+61411111111",
        REAL_NUMBER,
        "+61422222222",
    ]
    assert all(m["status"] == "queued" for m in response["messages"])
    assert all(m["result_code"] == "0000" for m in response["messages"])
    assert all(m["message_id"] for m in response["messages"])
    # Sam has a sender ID of their own: a request of their own.
    sent = {message.to: message for message in simulator.sent}
    assert sent["+61422222222"].sender_id == "SamsHome"
    assert sent[REAL_NUMBER].sender_id in (None, "")
    assert sent[REAL_NUMBER].custom_string == "garage"


async def test_sender_id_falls_back_to_option(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Sender id falls back to option."""
    hass.config_entries.async_update_entry(
        loaded_entry, options={"sender_id": "MyHome", "country": "AU"}
    )
    await hass.async_block_till_done()
    await _send(hass, response=False, to=["0400 000 001", "Sam"], message="Hi")
    sent = {message.to: message.sender_id for message in simulator.sent}
    assert sent == {REAL_NUMBER: "MyHome", "+61422222222": "SamsHome"}

    await _send(
        hass, response=False, to=["Sam"], message="Hi again", sender_id="Override"
    )
    assert simulator.sent[-1].sender_id == "Override"


async def test_schedule_is_sent_as_unix_time(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Schedule is sent as unix time."""
    when = datetime.now(UTC) + timedelta(hours=2)
    await _send(hass, to=[REAL_NUMBER], message="Later", schedule=when.isoformat())
    assert simulator.requests[-1].endpoint == "send.php"
    assert simulator.requests[-1].params["schedule"] == str(int(when.timestamp()))


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"to": ["Nobody"], "message": "x"}, "unknown_recipient"),
        # Letters of other scripts make a name too.
        ({"to": ["Zoë"], "message": "x"}, "unknown_recipient"),
        ({"to": ["12"], "message": "x"}, "invalid_number"),
        ({"to": ["0400000001"], "message": "x"}, "invalid_number"),
        ({"to": [REAL_NUMBER], "message": "  "}, "empty_message"),
        ({"to": [REAL_NUMBER], "message": "x" * 961}, "message_too_long"),
        (
            {"to": [REAL_NUMBER], "message": "x", "sender_id": "two words"},
            "invalid_sender_id",
        ),
        ({"to": [REAL_NUMBER], "message": "x", "country": "XX"}, "invalid_country"),
        (
            {"to": [REAL_NUMBER], "message": "x", "custom_string": "c" * 51},
            "custom_string_too_long",
        ),
        (
            {"to": [REAL_NUMBER], "message": "x", "schedule": "2001-01-01 00:00:00"},
            "invalid_schedule",
        ),
        ({"to": [], "message": "x"}, "no_recipients"),
        (
            {"to": [REAL_NUMBER], "message": "x", ATTR_CONFIG_ENTRY_ID: "nope"},
            "config_entry_not_found",
        ),
    ],
)
async def test_bad_input_is_refused_before_any_request(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    data: dict[str, object],
    key: str,
) -> None:
    """Bad input is refused before any request."""
    before = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, **data)
    assert err.value.translation_key == key
    assert len(simulator.requests) == before


async def test_partly_rejected_raises_unless_response_asked(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Partly rejected raises unless response asked."""
    await _send(hass, response=False, to=[REAL_NUMBER], message="Same text")
    # Sending the identical text again within seconds is throttled (2016).
    with pytest.raises(HomeAssistantError) as err:
        await _send(
            hass,
            response=False,
            to=[REAL_NUMBER, OTHER_REAL_NUMBER],
            message="Same text",
        )
    assert err.value.translation_key == "recipients_rejected"
    assert REAL_NUMBER in str(err.value)
    assert "2016" in str(err.value)

    response = await _send(hass, to=[REAL_NUMBER, "+61400000003"], message="Same text")
    assert [m["status"] for m in response["messages"]] == ["failed", "queued"]
    assert response["messages"][0]["result_code"] == "2016"
    assert response["messages"][0]["message_id"] is None
    assert response["messages"][0]["price"] == 0

    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, to=[REAL_NUMBER], message="Same text")
    assert err.value.translation_key == "all_recipients_rejected"


async def test_api_failures_are_translated(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Api failures are translated."""
    simulator.add_fault("http500", endpoint="send.php")
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "bad_response"

    simulator.add_fault("drop", endpoint="send.php")
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "cannot_connect"

    simulator.add_fault(
        "code", endpoint="send.php", code="2101", error_text="Internal error"
    )
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "clicksend_internal_error"

    simulator.add_fault("code", endpoint="send.php", code="2999", error_text="Odd")
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "unknown_result"
    assert "2999" in str(err.value)


async def test_account_must_be_chosen_when_several(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """Account must be chosen when several."""
    simulator.add_account("second", "KEY2")
    second = MockConfigEntry(
        domain=DOMAIN,
        title="second",
        unique_id="second",
        data={
            **loaded_entry.data,
            "username": "second",
            "api_key": "KEY2",
            "webhook_id": "1" * 64,
        },
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "config_entry_required"

    await _send(hass, to=[REAL_NUMBER], message="x", config_entry_id=second.entry_id)
    assert simulator.sent[-1].username == "second"

    await hass.config_entries.async_unload(second.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _send(
            hass, to=[REAL_NUMBER], message="x", config_entry_id=second.entry_id
        )
    assert err.value.translation_key == "config_entry_not_loaded"
    # An account that is not loaded still counts: no silent choice of the other.
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "config_entry_required"

    await hass.config_entries.async_remove(second.entry_id)
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "config_entry_not_loaded"
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, to=[REAL_NUMBER], message="x")
    assert err.value.translation_key == "no_loaded_entry"


async def test_get_history(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Get history."""
    await _send(hass, to=[REAL_NUMBER], message="Out", custom_string="ref-1")
    simulator.inject_reply("demo", from_number=REAL_NUMBER, message="In")
    response = await hass.services.async_call(
        DOMAIN, "get_history", {}, blocking=True, return_response=True
    )
    items = response["items"]
    assert [(item["direction"], item["message"]) for item in items] == [
        ("out", "Out"),
        ("in", "In"),
    ]
    assert items[0]["custom_string"] == "ref-1"
    assert datetime.fromisoformat(items[0]["date"]).tzinfo is not None

    simulator.add_fault("drop", endpoint="history.php")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "get_history", {}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "cannot_connect"


async def test_a_failed_sender_group_does_not_hide_the_others(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Sam's own sender ID needs a request of its own; when it fails, Alex's went."""
    # Sam's request goes first and meets the fault; Alex's goes through.
    simulator.add_fault(
        "code", endpoint="send.php", code="2101", error_text="Internal error"
    )
    response = await _send(hass, to=["Sam", "Alex"], message="Both")
    assert [(m["to"], m["status"], m["result_code"]) for m in response["messages"]] == [
        ("+61422222222", "failed", "2101"),
        ("+61411111111", "queued", "0000"),
    ]
    simulator.add_fault(
        "code", endpoint="send.php", code="2101", error_text="Internal error"
    )
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, response=False, to=["Sam", "Alex"], message="Again")
    assert err.value.translation_key == "recipients_rejected"
    assert "+61422222222: Internal error (2101)" in str(err.value)
    # A failure without a code from ClickSend (a lost connection) says so.
    simulator.add_fault("drop", endpoint="send.php")
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, response=False, to=["Sam", "Alex"], message="Third")
    assert "+61422222222: Could not reach ClickSend" in str(err.value)


async def test_naive_schedule_is_read_in_home_assistant_time_zone(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The UI's date and time is local time."""
    await hass.config.async_set_time_zone("Australia/Sydney")
    await _send(
        hass, to=[REAL_NUMBER], message="New year", schedule="2030-01-01 10:00:00"
    )
    sydney = datetime(2030, 1, 1, 10, tzinfo=ZoneInfo("Australia/Sydney"))
    assert simulator.requests[-1].params["schedule"] == str(int(sydney.timestamp()))


async def test_templated_numbers_keep_their_plus(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A template rendering "+61400000001" gives a number; it is still that phone."""
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "reply": {
                    "sequence": [
                        {
                            "action": "clicksend_sms.send_sms",
                            "data": {
                                "to": ["{{ sender }}"],
                                "message": "Got it",
                            },
                        }
                    ]
                }
            }
        },
    )
    await hass.services.async_call(
        "script", "reply", {"sender": REAL_NUMBER}, blocking=True
    )
    await hass.async_block_till_done()
    assert [(m.to, m.message) for m in simulator.sent] == [(REAL_NUMBER, "Got it")]


@pytest.mark.parametrize("options", [{"country": "AU"}])
async def test_numbers_that_came_as_numbers(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A number starting with the country's code is international; else ask."""
    await _send(hass, to=[61400000001], message="Intl")
    assert simulator.sent[-1].to == REAL_NUMBER
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, to=[2025550123], message="Ambiguous")
    assert err.value.translation_key == "ambiguous_number"


def test_country_selector_offers_libphonenumbers_countries() -> None:
    """The action's country selector lists the countries numbers can be read for."""
    services = yaml.safe_load(
        (Path(api.__file__).parent.parent / "services.yaml").read_text()
    )
    selector = services["send_sms"]["fields"]["country"]["selector"]["country"]
    assert selector["countries"] == sorted(api.COUNTRIES & set(HA_COUNTRIES))


@pytest.mark.parametrize(
    ("to", "country", "expected"),
    [
        # How Australians dial out, and how Americans do.
        ("0011 61 400 000 002", "AU", OTHER_REAL_NUMBER),
        ("011 61 400 000 002", "US", OTHER_REAL_NUMBER),
        ("0400 000 002", "AU", OTHER_REAL_NUMBER),
    ],
)
async def test_numbers_are_read_as_dialled_in_the_country(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    to: str,
    country: str,
    expected: str,
) -> None:
    """Each country's exit and trunk codes, by libphonenumber."""
    await _send(hass, to=[to], message="Dialled", country=country)
    assert simulator.sent[-1].to == expected


async def test_an_impossible_number_is_refused_before_sending(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A number no country has is named in the error; nothing is sent."""
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, to=[REAL_NUMBER, "+61 400 000 00123"], message="Hi")
    assert err.value.translation_key == "invalid_number"
    assert err.value.translation_placeholders["number"] == "+61 400 000 00123"
    assert "length" in str(err.value)
    assert not [r for r in simulator.requests if r.endpoint == "send.php"]


async def _run_script(
    hass: HomeAssistant, action: str, data: dict[str, object]
) -> None:
    assert await async_setup_component(
        hass,
        "script",
        {"script": {"go": {"sequence": [{"action": action, "data": data}]}}},
    )
    await hass.services.async_call("script", "go", blocking=True)
    await hass.async_block_till_done()


@pytest.mark.parametrize("options", [{"country": "AU"}])
@pytest.mark.parametrize(
    "to",
    [
        "{{ 61400000001 | float }}",
        ["{{ 61400000001 | float }}"],
        "{{ 61400000001 }}",
        "{{ '+61400000001' }}",
    ],
)
async def test_numbers_from_templates_as_int_or_float(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    to: object,
) -> None:
    """A float is read as its whole digits, never with its ".0" as digits."""
    await _run_script(hass, "clicksend_sms.send_sms", {"to": to, "message": "Float"})
    assert [m.to for m in simulator.sent] == [REAL_NUMBER]


@pytest.mark.parametrize("options", [{"country": "AU"}])
@pytest.mark.parametrize(
    "to",
    [
        # An AU mobile without its 0, or +49 823 8160 in Germany.
        "{{ '+498238160' }}",
        "{{ 498238160.0 }}",
        "{{ 61400000001.5 }}",
        "{{ 2025550123 }}",
    ],
)
async def test_numbers_from_templates_that_could_be_two(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
    to: str,
) -> None:
    """Refused with ambiguous_number: nothing is sent to a guess."""
    with pytest.raises(ServiceValidationError) as err:
        await _run_script(
            hass, "clicksend_sms.send_sms", {"to": to, "message": "Which?"}
        )
    assert err.value.translation_key == "ambiguous_number"
    assert not simulator.sent


async def test_a_boolean_is_no_number(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """True is text ("True"), not the number 1."""
    with pytest.raises(ServiceValidationError) as err:
        await _send(hass, to=[True], message="Yes")
    assert err.value.translation_key == "unknown_recipient"


async def test_a_row_that_is_neither_text_nor_a_number_is_named(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A mapping among the rows of "to" (from YAML) is refused, naming its row."""
    with pytest.raises(probatio.Invalid) as err:
        await _send(hass, to=["Alex", {"name": "Sam"}], message="Hi")
    assert err.value.path == ["to", 1]
    assert str(err.value) == "value should be a string at 'to[1]'"
    assert not simulator.sent


async def test_thousands_of_refusals_are_summarised(
    hass: HomeAssistant,
    simulator: ClickSendSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """3,000 refused recipients: the first few named, the rest counted."""
    simulator.set_balance("demo", 1000.0)
    numbers = [f"+614000{index:05d}" for index in range(3000)]
    await _send(hass, response=False, to=numbers, message="Storm warning")
    # The same text again within seconds: every one is throttled (2016).
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, response=False, to=numbers, message="Storm warning")
    assert err.value.translation_key == "all_recipients_rejected"
    text = str(err.value)
    assert len(text) < 500
    assert text.startswith(
        "ClickSend refused every recipient: +61400000000: Throttled (2016); "
    )
    assert text.endswith(
        "+61400000004: Throttled (2016); "
        "and 2,995 more (in all: 3,000 × Throttled (2016))"
    )


def test_refusals_with_many_reasons_are_counted_by_the_commonest() -> None:
    """A hostile answer with a reason per recipient stays short too."""
    rejected = [
        RecipientResult(f"+614000{i:05d}", None, str(2100 + i % 50), "Odd", 0.0, "")
        for i in range(3000)
    ]
    summary = _summarise(rejected)
    assert summary.endswith(", 47 other reasons)")
    assert len(summary) < 500


async def test_half_an_emoji_is_refused_with_a_translated_error(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A lone surrogate (a template can make one) cannot be sent."""
    for data in (
        {"message": "Hi \ud83d"},
        {"message": "Hi", "custom_string": "\udc00"},
    ):
        with pytest.raises(ServiceValidationError) as err:
            await _send(hass, to=[REAL_NUMBER], **data)
        assert err.value.translation_key == "invalid_text"
        assert "half of a character" in str(err.value)
    assert not simulator.sent


async def test_a_schedule_past_2038_is_refused(
    hass: HomeAssistant, simulator: ClickSendSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Year 9999 is refused, naming the latest time accepted."""
    with pytest.raises(ServiceValidationError) as err:
        await _send(
            hass, to=[REAL_NUMBER], message="Far", schedule="9999-12-31 23:00:00+00:00"
        )
    assert err.value.translation_key == "schedule_too_late"
    assert "2038-01-19T03:14:07+00:00" in str(err.value)
    assert not simulator.sent
