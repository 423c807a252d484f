# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""The input checks, which run before any request."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

from phonenumbers.phonemetadata import PhoneMetadata
import pytest

from custom_components.clicksend_sms import api
from custom_components.clicksend_sms.api import (
    COUNTRIES,
    AmbiguousNumberError,
    EmptyMessageError,
    Encoding,
    InvalidBaseUrlError,
    InvalidCountryError,
    InvalidCustomStringError,
    InvalidNumberError,
    InvalidScheduleError,
    InvalidSenderIdError,
    InvalidTextError,
    MessageInfo,
    MessageTooLongError,
    NoRecipientsError,
    ScheduleTooLateError,
    inbound_number,
    message_info,
    normalize_number,
    normalize_recipients,
    number_from_digits,
    validate_base_url,
    validate_country,
    validate_custom_string,
    validate_schedule,
    validate_sender_id,
)
from custom_components.clicksend_sms.api.validation import GSM7_BASIC, GSM7_EXTENSION
from homeassistant.generated.countries import COUNTRIES as HA_COUNTRIES

API_DIR = Path(api.__file__).parent


def test_api_imports_nothing_from_home_assistant() -> None:
    """The client stays usable outside Home Assistant."""
    for path in API_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.startswith("homeassistant") for name in names), path


def test_exports() -> None:
    """Everything in __all__ exists, once."""
    assert sorted(api.__all__) == sorted(set(api.__all__))
    for name in api.__all__:
        assert hasattr(api, name)


def test_countries_are_libphonenumbers() -> None:
    """Every country with a numbering plan of its own, and only those."""
    # Territories without a plan of their own use another country's.
    assert set(HA_COUNTRIES) - COUNTRIES == {"AQ", "BV", "GS", "HM", "PN", "TF", "UM"}
    assert COUNTRIES - set(HA_COUNTRIES) == {"AC", "TA", "XK"}


# Countries


@pytest.mark.parametrize(
    ("country", "expected"), [("AU", "AU"), ("au", "AU"), (" gB ", "GB"), ("xk", "XK")]
)
def test_validate_country(country: str, expected: str) -> None:
    """Codes are accepted in any case, trimmed."""
    assert validate_country(country) == expected


@pytest.mark.parametrize(
    "country",
    # "ß".upper() is "SS" and "ſ".upper() is "S": real codes, but not ASCII.
    ["", "A", "AUS", "ZZ", "1A", "ß", "ſſ", "Ａ Ｕ", "AQ"],
)
def test_validate_country_refuses(country: str) -> None:
    """Unknown or non-ASCII codes are refused."""
    with pytest.raises(InvalidCountryError) as err:
        validate_country(country)
    assert err.value.country == country


# Numbers


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("+61411111111", None, "+61411111111"),
        ("+61 411 111 111", None, "+61411111111"),
        ("+61 (0) 411-111.111", None, "+61411111111"),
        ("+44 (0)20 7946 0958", None, "+442079460958"),
        ("+1 (212) 555-0100", None, "+12125550100"),
        ("(02) 9876 5432", "AU", "+61298765432"),
        ("0061411111111", None, "+61411111111"),
        ("+44\u00a07700\u2013900123", None, "+447700900123"),
        # Digits of other scripts are read as digits; E.164 is ASCII.
        ("+٦١٤١١١١١١١١", None, "+61411111111"),
        ("０４１１ １１１ １１１", "AU", "+61411111111"),
        # An international number ignores the country.
        ("+61411111111", "GB", "+61411111111"),
        ("+61411111111", "", "+61411111111"),
        # National numbers: the trunk 0 gives way to the calling code.
        ("0411 111 111", "AU", "+61411111111"),
        ("411111111", "au", "+61411111111"),
        ("07700 900123", "GB", "+447700900123"),
        # Italy keeps its 0; NANP's trunk is 1 before ten digits.
        ("06 1234 5678", "IT", "+390612345678"),
        ("1 (212) 555-0100", "US", "+12125550100"),
        ("212-555-0100", "CA", "+12125550100"),
        ("876 555 0100", "JM", "+18765550100"),
        # Russia's trunk is 8 before ten digits; 812 is an area code.
        ("8 912 345 67 89", "RU", "+79123456789"),
        ("812 123 45 67", "RU", "+78121234567"),
        ("06 30 123 4567", "HU", "+36301234567"),
        # Each country's exit code: AU dials out with 0011, the US with 011.
        ("0011 61 411 111 111", "AU", "+61411111111"),
        ("011 44 7700 900123", "US", "+447700900123"),
        ("0011 1 212 555 0100", "AU", "+12125550100"),
        # "00" is read as "+" where the country does not dial out with it.
        ("0044 7700 900123", "US", "+447700900123"),
        ("0044 7700 900123", "DE", "+447700900123"),
        ("0061 411 111 111", "AU", "+61411111111"),
        # The calling code typed without "+" before a national number.
        ("61 411 111 111", "AU", "+61411111111"),
        # ClickSend's test numbers (+61411111111 is the first case).
        ("+61422222222", None, "+61422222222"),
        ("+61433333333", None, "+61433333333"),
        ("+61444444444", None, "+61444444444"),
        ("+14055555555", None, "+14055555555"),
        ("+14055555666", None, "+14055555666"),
        ("+447777777777", None, "+447777777777"),
        ("+8615555555555", None, "+8615555555555"),
    ],
)
def test_normalize_number(number: str, country: str | None, expected: str) -> None:
    """International and national numbers, with separators."""
    assert normalize_number(number, country) == expected


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("0411111111", None),
        ("61411111111", None),
        ("", None),
        ("+", None),
        ("00", None),
        ("+61 411 abc", None),
        ("+61411111111x", None),
        ("++61411111111", None),
        ("+61,411111111", None),
        ("+0611111111", None),
        ("+61411", None),
        ("+6141111111111111", None),
        ("0", "AU"),
        ("0411 111 111#", "AU"),
        ("0411 111 111 x12", "AU"),
        # Letters are not read off a keypad.
        ("1300 FLOWERS", "AU"),
        # Impossible numbers: too long for AU, an unknown calling code, the
        # wrong length, the old reading of AU's exit code.
        ("+6161411111111", None),
        ("+999123456789", None),
        ("+1161411111111", None),
        ("+44 20 7946 09", None),
        # A US number without its area code cannot be texted.
        ("555 0100", "US"),
        # E.164 has at most 15 digits.
        ("0119 44 7911 123456", "JP"),
        # No NANP area code starts with 0 or 1.
        ("0411 111 111", "US"),
        ("+1 041 111 1111", None),
    ],
)
def test_normalize_number_refuses(number: str, country: str | None) -> None:
    """What is not a number ClickSend can send to."""
    with pytest.raises(InvalidNumberError) as err:
        normalize_number(number, country)
    assert err.value.number == number
    assert err.value.reason


def test_normalize_number_checks_the_country_even_when_unused() -> None:
    """A bad country is reported even if the number needs none."""
    with pytest.raises(InvalidCountryError):
        normalize_number("+61411111111", "XX")


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("+61411", "too short"),
        ("+61411111111111111", "too long"),
        ("+999123456789", "no country has this calling code"),
        ("+6161411111111", "no number of its country has this length"),
        ("555 0100", "the area code is missing"),
        ("0411 abc", "use digits, spaces, dashes, dots and parentheses"),
        ("0411111111", "not international (+ or 00): give the country"),
        ("+1 415 555 0123 x12", "an extension cannot be texted"),
        ("+1 415 555 0123 #12", "an extension cannot be texted"),
        ("+1 415 555 0123 ext. 12", "an extension cannot be texted"),
        ("+1 041 111 1111", "no number of its country starts this way"),
        ("+81 119 44 7911 123456", "too long"),
    ],
)
def test_normalize_number_says_why(number: str, reason: str) -> None:
    """The error names the number and what is wrong with it."""
    with pytest.raises(InvalidNumberError) as err:
        normalize_number(number, "US" if number == "555 0100" else None)
    assert err.value.reason.startswith(reason)
    assert number in str(err.value)


@pytest.mark.parametrize(
    ("digits", "country", "expected"),
    [
        ("61411111111", None, "+61411111111"),
        ("61411111111", "AU", "+61411111111"),
        # Valid only as a national number of the country.
        ("2025550123", "US", "+12025550123"),
        ("447911123456", "GB", "+447911123456"),
        # Both readings possible, only the national one valid.
        ("4912345678", "DE", "+494912345678"),
        ("12125550100", "AU", "+12125550100"),
        # The UK's numbers for drama are possible, not valid; as national
        # digits they are impossible, so the international reading is taken.
        ("447700900123", "GB", "+447700900123"),
    ],
)
def test_number_from_digits(digits: str, country: str | None, expected: str) -> None:
    """Digits that lost their "+": the one valid reading."""
    assert number_from_digits(digits, country) == expected


@pytest.mark.parametrize(
    ("digits", "country"),
    [
        # Neither reading is a valid number.
        ("2025550123", "AU"),
        ("614444444440", "AU"),
        # Both readings are valid: an AU mobile without its 0, or a number in
        # Germany (+49 823 8160); a London number, or one in Egypt.
        ("498238160", "AU"),
        ("2030877087", "GB"),
        # Without a country a possible number is not enough: valid only.
        ("2079460958", None),
        ("611111111", None),
        ("7", "AU"),
        ("61444444444.5", "AU"),
        ("-61411111111", "AU"),
    ],
)
def test_number_from_digits_refuses_to_guess(digits: str, country: str) -> None:
    """Anything that could be two numbers, or none, is refused."""
    with pytest.raises(AmbiguousNumberError) as err:
        number_from_digits(digits, country)
    assert err.value.number == digits


def test_number_from_digits_without_country_must_be_possible() -> None:
    """Without a country the digits are international, and checked."""
    with pytest.raises(InvalidNumberError):
        number_from_digits("61411")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+61411111111", "+61411111111"),
        ("61411111111", "+61411111111"),
        (" +61 411 111 111 ", "+61411111111"),
        ("0061411111111", "+61411111111"),
        ("61411111111.0", "+61411111111"),
        ("٦١٤١١١١١١١١", "+61411111111"),
        # Names and short codes stay as they came.
        ("ClickSend", "ClickSend"),
        ("12345", "12345"),
        ("+", "+"),
        ("+999123456789", "+999123456789"),
        ("", ""),
    ],
)
def test_inbound_number(number: str, expected: str) -> None:
    """The sender of an inbound SMS, in E.164 where it is a number."""
    assert inbound_number(number) == expected


def test_normalize_recipients() -> None:
    """Normalised, repeats dropped, the first kept."""
    assert normalize_recipients(
        ["+61 411 111 111", "0422222222", "+61411111111", "0061 422 222 222"], "AU"
    ) == ("+61411111111", "+61422222222")
    # One string is one number.
    assert normalize_recipients("+61411111111") == ("+61411111111",)
    with pytest.raises(NoRecipientsError):
        normalize_recipients([])
    with pytest.raises(InvalidNumberError):
        normalize_recipients(["+61411111111", "0411"], None)


# Sender IDs


@pytest.mark.parametrize(
    ("sender_id", "expected"),
    [
        ("MyCompany", "MyCompany"),
        (" Home ", "Home"),
        ("A", "A"),
        ("ABCDEFGHIJK", "ABCDEFGHIJK"),
        ("61411111111", "61411111111"),
        ("+61 411 111 111", "+61411111111"),
        ("0061411111111", "+61411111111"),
        # The document's rule: 1-11 ASCII letters and digits, or a number.
        ("Home2", "Home2"),
        ("+12", "+12"),
        ("614111111112345", "614111111112345"),
    ],
)
def test_validate_sender_id(sender_id: str, expected: str) -> None:
    """Up to 11 letters or digits, or a number."""
    assert validate_sender_id(sender_id) == expected


@pytest.mark.parametrize(
    "sender_id",
    [
        "",
        " ",
        "ABCDEFGHIJKL",
        "My Company",
        "My\tCo",
        "001 2",
        "6141111111123456",
        "Bell\x07",
        "Home\ud83d",
        "📱",
        "Ünïcødé",
        "ＡＢＣ",
        "<script>",
        "A-B_C.D!",
        "Café",
        "My-Co",
        "+",
    ],
)
def test_validate_sender_id_refuses(sender_id: str) -> None:
    """Anything else is refused."""
    with pytest.raises(InvalidSenderIdError) as err:
        validate_sender_id(sender_id)
    assert err.value.sender_id == sender_id


# Messages


def test_gsm_tables() -> None:
    # 128 characters less the escape; ten behind the escape.
    """The GSM 03.38 tables are complete."""
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Hello", MessageInfo(Encoding.GSM7, 5, 1)),
        ("a" * 160, MessageInfo(Encoding.GSM7, 160, 1)),
        ("a" * 161, MessageInfo(Encoding.GSM7, 161, 2)),
        ("a" * 306, MessageInfo(Encoding.GSM7, 306, 2)),
        ("a" * 307, MessageInfo(Encoding.GSM7, 307, 3)),
        ("é à ü ñ Ç Ø Å Δ £ ¥ § ¿ ¡", MessageInfo(Encoding.GSM7, 25, 1)),
        # Extension characters take two septets.
        ("€", MessageInfo(Encoding.GSM7, 2, 1)),
        ("{[~]}|^\\\f€", MessageInfo(Encoding.GSM7, 20, 1)),
        ("€" * 80, MessageInfo(Encoding.GSM7, 160, 1)),
        ("€" * 81, MessageInfo(Encoding.GSM7, 162, 2)),
        # An escape and its character stay in one part: 152 + 2 does not fit.
        ("a" * 152 + "€" + "a" * 152, MessageInfo(Encoding.GSM7, 306, 3)),
        ("a" * 151 + "€" + "a" * 153, MessageInfo(Encoding.GSM7, 306, 2)),
        # Anything else is Unicode, counted in UTF-16 code units.
        ("ç", MessageInfo(Encoding.UNICODE, 1, 1)),
        ("Привет", MessageInfo(Encoding.UNICODE, 6, 1)),
        ("ж" * 70, MessageInfo(Encoding.UNICODE, 70, 1)),
        ("ж" * 71, MessageInfo(Encoding.UNICODE, 71, 2)),
        ("ж" * 134, MessageInfo(Encoding.UNICODE, 134, 2)),
        ("😀" * 35, MessageInfo(Encoding.UNICODE, 70, 1)),
        ("😀" * 36, MessageInfo(Encoding.UNICODE, 72, 2)),
        # A surrogate pair is never split between parts.
        ("ж" * 66 + "😀" + "ж" * 66, MessageInfo(Encoding.UNICODE, 134, 3)),
        ("Hi 👋", MessageInfo(Encoding.UNICODE, 5, 1)),
        ("a" * 960, MessageInfo(Encoding.GSM7, 960, 7)),
        # 33 emoji fill 66 of a part's 67 units.
        ("😀" * 960, MessageInfo(Encoding.UNICODE, 1920, 30)),
    ],
    ids=lambda value: ascii(value)[:24] if isinstance(value, str) else "",
)
def test_message_info(message: str, expected: MessageInfo) -> None:
    """Encoding, length and parts, as the network splits them."""
    assert message_info(message) == expected


@pytest.mark.parametrize("message", ["", " ", "\n\t ", "\u3000"])
def test_message_info_refuses_empty(message: str) -> None:
    """White space alone is no message."""
    with pytest.raises(EmptyMessageError):
        message_info(message)


@pytest.mark.parametrize("message", ["Hi \ud83d", "\udc00 there", "😀\ud83d"])
def test_message_info_refuses_lone_surrogates(message: str) -> None:
    """Half an emoji is no text any encoding can carry."""
    with pytest.raises(InvalidTextError) as err:
        message_info(message)
    assert err.value.field == "message"


def test_message_info_refuses_long() -> None:
    """Over 960 characters is refused."""
    with pytest.raises(MessageTooLongError) as err:
        message_info("€" * 961)
    assert (err.value.length, err.value.maximum) == (961, 960)


# Schedules


NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class _Unknown(tzinfo):
    """A zone that does not know its offset: as good as naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


def test_validate_schedule() -> None:
    """A future, aware time becomes unix seconds."""
    when = NOW + timedelta(hours=1, microseconds=500)
    assert validate_schedule(when, NOW) == int(NOW.timestamp()) + 3600
    sydney = timezone(timedelta(hours=11))
    assert validate_schedule(datetime(2026, 1, 2, tzinfo=sydney), NOW) == int(
        datetime(2026, 1, 1, 13, tzinfo=UTC).timestamp()
    )
    # Without a now, the clock's.
    assert validate_schedule(datetime(2030, 1, 1, tzinfo=UTC)) == 1893456000
    # The last second a signed 32-bit unix timestamp holds.
    latest = datetime(2038, 1, 19, 3, 14, 7, tzinfo=UTC)
    assert validate_schedule(latest, NOW) == 2**31 - 1


@pytest.mark.parametrize(
    "when",
    [
        datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    ],
)
def test_validate_schedule_refuses_past_2038(when: datetime) -> None:
    """Later than a 32-bit unix time holds: our bound, named in the error."""
    with pytest.raises(ScheduleTooLateError) as err:
        validate_schedule(when, NOW)
    assert err.value.latest == datetime(2038, 1, 19, 3, 14, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 1, 1, 13, 0),  # noqa: DTZ001
        datetime(2026, 1, 1, 13, 0, tzinfo=_Unknown()),
        NOW,
        NOW - timedelta(seconds=1),
    ],
)
def test_validate_schedule_refuses(when: datetime) -> None:
    """Naive, unknown-zone, present and past times are refused."""
    with pytest.raises(InvalidScheduleError):
        validate_schedule(when, NOW)


def test_validate_schedule_refuses_the_past_by_default() -> None:
    """Without a now, the clock decides."""
    with pytest.raises(InvalidScheduleError):
        validate_schedule(datetime(2000, 1, 1, tzinfo=UTC))


# Custom strings


def test_validate_custom_string() -> None:
    """Up to 50 characters."""
    assert validate_custom_string("x" * 50) == "x" * 50
    assert validate_custom_string("") == ""
    with pytest.raises(InvalidCustomStringError) as err:
        validate_custom_string("x" * 51)
    assert err.value.maximum == 50
    with pytest.raises(InvalidTextError):
        validate_custom_string("ref-\ud83d")


# Base URLs


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (api.DEFAULT_BASE_URL, api.DEFAULT_BASE_URL),
        ("https://api-mapper.clicksend.com/http/v2", api.DEFAULT_BASE_URL),
        (" HTTPS://API-Mapper.ClickSend.com/http/v2/ ", api.DEFAULT_BASE_URL),
        ("https://proxy.example:8443", "https://proxy.example:8443/"),
        ("http://127.0.0.1:8080/http/v2", "http://127.0.0.1:8080/http/v2/"),
        ("http://127.9.9.9/", "http://127.9.9.9/"),
        ("http://localhost:1234/x/", "http://localhost:1234/x/"),
        ("http://LOCALHOST/", "http://localhost/"),
        ("http://[::1]:8080/http/v2/", "http://[::1]:8080/http/v2/"),
    ],
)
def test_validate_base_url(url: str, expected: str) -> None:
    """HTTPS anywhere, HTTP to loopback; a trailing / added."""
    assert validate_base_url(url) == expected


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://api-mapper.clicksend.com/http/v2/", None),
        ("http://192.168.1.10:8080/", None),
        ("http://128.0.0.1/", None),
        ("http://[::2]/", None),
        ("http://localhost.example.com/", None),
        ("ftp://127.0.0.1/", None),
        ("api-mapper.clicksend.com/http/v2/", None),
        ("/http/v2/", None),
        ("", None),
        ("https://", None),
        ("https://host:99999/", None),
        ("https://[::1/", None),
        ("https://user:secret@example.com/", "https://***@example.com/"),
        ("https://example.com/?key=secret", "https://example.com/"),
        ("https://example.com/#secret", "https://example.com/"),
    ],
)
def test_validate_base_url_refuses(url: str, shown: str | None) -> None:
    """Other URLs are refused without quoting secrets."""
    with pytest.raises(InvalidBaseUrlError) as err:
        validate_base_url(url)
    assert err.value.url == (shown if shown is not None else url)
    assert "secret" not in str(err.value)


def test_libphonenumber_metadata_is_loaded_at_import() -> None:
    """No number ever makes libphonenumber read its files (on the event loop)."""
    # A loader left in these maps would import a module at the first number
    # of its country.
    assert not any(PhoneMetadata._region_available.values())  # noqa: SLF001
    assert not any(PhoneMetadata._country_code_available.values())  # noqa: SLF001
