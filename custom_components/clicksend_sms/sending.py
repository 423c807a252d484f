"""One way to send an SMS, for the action and both kinds of notify.

Resolve recipients, validate, send, report: the action, the notify entities
and the legacy notify service behave alike because they share this.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
import re
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import (
    AmbiguousNumberError,
    ClickSendError,
    ClickSendInputError,
    InsufficientCreditError,
    RecipientResult,
    SendResult,
    normalize_number,
    number_from_digits,
    validate_country,
)
from .api.const import CODE_LOW_CREDIT
from .const import CONF_COUNTRY, CONF_PHONE_NUMBER, CONF_SENDER_ID, DOMAIN
from .data import ClickSendConfigEntry
from .errors import api_error, input_error

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from homeassistant.config_entries import ConfigSubentry

# How many refused recipients an error names, and how many reasons it counts.
LISTED_REJECTIONS = 5
LISTED_REASONS = 3
_ASCII_LETTER: Final = re.compile("[A-Za-z]")


class NumberFromTemplate(str):
    """Digits that came as a number, not text: their "+" may have been lost."""

    __slots__ = ()


def _read_template_number(digits: NumberFromTemplate, country: str | None) -> str:
    """Read a phone number that came as a number, with care.

    "+61400000001" rendered by a template arrives as 61400000001: the client
    reads such digits both ways (international, national) and refuses them
    when it cannot tell, and the user is asked to write the number as text.
    """
    try:
        return number_from_digits(str(digits), country)
    except AmbiguousNumberError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ambiguous_number",
            translation_placeholders={"number": err.number},
        ) from err


@dataclass(slots=True, kw_only=True)
class SmsRequest:
    """What the user asked to send (made for each send, and never changed)."""

    to: list[str]
    message: str
    title: str | None = None
    sender_id: str | None = None
    schedule: datetime | None = None
    country: str | None = None
    custom_string: str | None = None


def _has_letter(text: str) -> bool:
    """Whether any character is a letter (as str.isalpha says)."""
    if text.isascii():
        return _ASCII_LETTER.search(text) is not None
    return any(char.isalpha() for char in text)


def _resolve_recipients(
    entry: ClickSendConfigEntry, to: list[str], country: str | None
) -> dict[str, str | None]:
    """Turn names of saved recipients and raw numbers into international numbers.

    Return each number (repeats dropped) with the saved recipient's sender
    ID, if any. Text with a letter is a name, anything else a number: a
    name's key always holds a letter, so no number could be read as one.
    """
    subentries = entry.subentries.values()
    # Made when first needed: most sends name no saved recipient by name.
    by_name: dict[str, list[tuple[str, str | None]]] | None = None
    by_number: dict[str, str | None] | None = None
    resolved: dict[str, str | None] = {}
    for item in to:
        if isinstance(item, NumberFromTemplate):
            # Never a name, even when it renders as "inf".
            number = _read_template_number(item, country)
        elif _has_letter(text := str(item).strip()):
            if by_name is None:
                by_name = _names(subentries)
            named = by_name.get(text.casefold())
            if named is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="unknown_recipient",
                    translation_placeholders={"name": text},
                )
            if len(named) > 1:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="ambiguous_recipient",
                    translation_placeholders={"name": text, "count": str(len(named))},
                )
            resolved.setdefault(*named[0])
            continue
        else:
            number = normalize_number(text, country)
        if number not in resolved:
            if by_number is None:
                # A saved recipient's number, however it is given, brings
                # its sender ID.
                by_number = {
                    subentry.data[CONF_PHONE_NUMBER]: sender_id
                    for subentry in subentries
                    if (sender_id := subentry.data.get(CONF_SENDER_ID))
                }
            resolved[number] = by_number.get(number)
    if not resolved:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_recipients"
        )
    return resolved


def _names(
    subentries: Iterable[ConfigSubentry],
) -> dict[str, list[tuple[str, str | None]]]:
    """Index the saved recipients' numbers and sender IDs by name.

    The title is the name: the UI's Rename changes only the title, and
    skips the form's checks. So a title without a letter is no name (it
    could be someone else's number), and a name two recipients share sends
    to neither.
    """
    by_name: dict[str, list[tuple[str, str | None]]] = {}
    for subentry in subentries:
        if _has_letter(subentry.title):
            by_name.setdefault(subentry.title.strip().casefold(), []).append(
                (subentry.data[CONF_PHONE_NUMBER], subentry.data.get(CONF_SENDER_ID))
            )
    return by_name


def _aware(when: datetime) -> datetime:
    """Read a naive schedule in Home Assistant's time zone, as the UI means it."""
    if when.tzinfo is None:
        return when.replace(tzinfo=dt_util.get_default_time_zone())
    return when


def _reason(result: RecipientResult) -> str:
    text = result.error_text or "rejected"
    return f"{text} ({result.result_code})" if result.result_code else text


def _describe(result: RecipientResult) -> str:
    return f"{result.to}: {_reason(result)}"


def _summarise(rejected: Sequence[RecipientResult]) -> str:
    """Name the first few refused recipients, and count the rest by reason.

    3,000 refusals listed in full make an error (and a log line) of 100 KB.
    """
    listed = "; ".join(_describe(result) for result in rejected[:LISTED_REJECTIONS])
    rest = len(rejected) - LISTED_REJECTIONS
    if rest <= 0:
        return listed
    reasons = Counter(_reason(result) for result in rejected).most_common()
    counted = ", ".join(
        f"{count:,} × {reason}" for reason, count in reasons[:LISTED_REASONS]
    )
    if len(reasons) > LISTED_REASONS:
        counted += f", {len(reasons) - LISTED_REASONS:,} other reasons"
    return f"{listed}; and {rest:,} more (in all: {counted})"


async def async_send_sms(
    hass: HomeAssistant,
    entry: ClickSendConfigEntry,
    request: SmsRequest,
    *,
    partial_ok: bool = False,
) -> dict[str, Any]:
    """Send the request; return the per-recipient results, the action's response."""
    return sms_response(await async_send(hass, entry, request, partial_ok=partial_ok))


async def async_send(
    hass: HomeAssistant,
    entry: ClickSendConfigEntry,
    request: SmsRequest,
    *,
    partial_ok: bool = False,
) -> SendResult:
    """Send the request and return the client's result.

    When some recipients were refused, raise unless partial_ok (the caller
    asked for the response); raise in any case when none was accepted.
    """
    runtime = entry.runtime_data
    options = entry.options
    message = request.message
    if request.title:
        message = f"{request.title}\n{message}"
    try:
        country = request.country or options.get(CONF_COUNTRY) or None
        if country:
            country = validate_country(country)
        recipients = _resolve_recipients(entry, request.to, country)
        # The action's sender ID, else the recipient's, else the account's;
        # the client checks them all, with the rest, before sending.
        sent = await runtime.client.send_sms(
            list(recipients),
            message,
            sender_id=request.sender_id or options.get(CONF_SENDER_ID),
            sender_ids=None
            if request.sender_id
            else {number: sender for number, sender in recipients.items() if sender},
            schedule=_aware(request.schedule) if request.schedule else None,
            custom_string=request.custom_string,
        )
    except ClickSendInputError as err:
        raise input_error(err) from err
    except ClickSendError as err:
        if isinstance(err, InsufficientCreditError):
            runtime.account.credit_exhausted()
        raise api_error(err) from err

    rejected = sent.rejected
    accepted = len(rejected) < len(sent.recipients)
    if accepted:
        runtime.account.balance_changed()
    if rejected and any(result.result_code == CODE_LOW_CREDIT for result in rejected):
        runtime.account.credit_exhausted()
    if rejected and (not partial_ok or not accepted):
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=(
                "recipients_rejected" if accepted else "all_recipients_rejected"
            ),
            translation_placeholders={
                "count": f"{len(rejected):,}",
                "rejected": _summarise(rejected),
            },
        )
    return sent


def sms_response(sent: SendResult) -> dict[str, Any]:
    """Build the action's response: what each recipient's message became."""
    ordered = sent.recipients
    return {
        "recipient_count": len(ordered),
        "total_price": sent.total_price,
        "currency": sent.currency,
        "messages": [
            {
                "to": result.to,
                "message_id": result.message_id,
                "result_code": result.result_code,
                "error_text": result.error_text,
                "price": result.price,
                "status": "queued" if result.accepted else "failed",
            }
            for result in ordered
        ],
    }
