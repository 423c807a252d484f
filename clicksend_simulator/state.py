# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""What the simulated ClickSend remembers, and the rules it answers by.

Nothing here does I/O, so the rules can be read (and reasoned about) apart
from the HTTP plumbing in app.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import itertools
import random
import time
from typing import TYPE_CHECKING
import uuid

from .const import (
    BANNED,
    BANNED_USERNAME,
    DEFAULT_FAULT_DELAY_SECONDS,
    DEFAULT_THROTTLE_SECONDS,
    DELIVERED,
    DEMO_BALANCE,
    DEMO_KEY,
    DEMO_USERNAME,
    EMPTY_MESSAGE,
    ENDPOINTS,
    FAULT_KINDS,
    INTERNAL_ERROR,
    INTERNAL_ERROR_CODES,
    INVALID_CREDENTIALS,
    INVALID_RECIPIENT,
    INVALID_SENDER_ID,
    LOW_CREDIT,
    MAX_MESSAGE_LENGTH,
    MAX_RECIPIENTS,
    MESSAGE_TOO_LONG,
    MISSING_CREDENTIALS,
    NOCREDIT_USERNAME,
    NOT_ACTIVATED,
    NOTACTIVE_USERNAME,
    PRICE_PER_PART,
    RANDOM_FAULT_KINDS,
    RETRYING,
    SUCCESS,
    TEST_ACCOUNT_KEY,
    TEST_NUMBERS,
    THROTTLED,
    TOO_MANY_RECIPIENTS,
    UNDELIVERED,
    Mode,
)
from .sms import UNICODE, message_parts, normalise_number, valid_sender_id

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


class ApiError(Exception):
    """A request-level refusal: one result code for the whole request."""

    def __init__(self, code_text: tuple[str, str]) -> None:
        """Keep the code and ClickSend's text for it."""
        super().__init__(f"{code_text[0]} {code_text[1]}")
        self.code, self.error_text = code_text


class ManualClock:
    """A clock that only moves when told, so tests never sleep."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        """Start at a fixed, recognisable time."""
        self.now = now

    def __call__(self) -> float:
        """Read the time, like time.time()."""
        return self.now

    def advance(self, seconds: float) -> float:
        """Move forward and return the new time."""
        self.now += seconds
        return self.now


@dataclass(slots=True)
class Account:
    """A ClickSend account (or subaccount): credentials, credit, standing."""

    username: str
    key: str
    balance: float = DEMO_BALANCE
    account_type: str = "Prepay"
    currency_symbol: str = "$"
    currency: str = "USD"
    active: bool = True
    banned: bool = False
    # A subaccount's parent: its replies and receipts show in the parent's
    # polls too, with the subaccount's username (our model: undocumented).
    parent: str = ""


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One API request exactly as received, for tests to assert on."""

    endpoint: str
    method: str
    query: dict[str, str]
    form: dict[str, str]
    params: dict[str, str]
    time: float


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message ClickSend accepted for one recipient."""

    username: str
    to: str
    message: str
    sender_id: str
    schedule: int | None
    custom_string: str
    message_id: str
    parts: int
    price: float
    encoding: str
    date: int
    test_number: bool
    seq: int = field(default=0, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class RecipientOutcome:
    """send.php's answer for one recipient."""

    to: str
    message_id: str
    code: str
    error_text: str
    price: float


@dataclass(slots=True)
class InboundItem:
    """A reply someone sent to the account."""

    username: str
    from_number: str
    message: str
    original_message: str
    original_message_id: str
    original_sender_id: str
    custom_string: str
    message_id: str
    date: int
    polled: bool = False
    seq: int = field(default=0, repr=False, compare=False)

    def push_fields(self) -> dict[str, str]:
        """Return the form fields ClickSend POSTs for a reply."""
        return {
            "from": self.from_number,
            "message": self.message,
            "originalmessage": self.original_message,
            "originalmessageid": self.original_message_id,
            "originalsenderid": self.original_sender_id,
            "customstring": self.custom_string,
            "username": self.username,
        }


@dataclass(slots=True)
class ReceiptItem:
    """A delivery report for a sent message."""

    username: str
    message_id: str
    status: str
    status_code: int
    custom_string: str
    date: int
    polled: bool = False

    def push_fields(self) -> dict[str, str]:
        """Return the form fields ClickSend POSTs for a delivery report."""
        return {
            "messageid": self.message_id,
            "status": self.status,
            "status_code": str(self.status_code),
            "customstring": self.custom_string,
            "username": self.username,
        }


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One <item> of history.php."""

    message_id: str
    direction: str
    date: int
    to: str
    message: str
    status: str
    sender_id: str
    schedule: str
    custom_string: str
    from_email: str


@dataclass(slots=True)
class Fault:
    """A misbehaviour for the next `remaining` matching requests."""

    kind: str
    remaining: int = 1
    endpoint: str | None = None
    seconds: float = 0.0
    code: str = "2101"
    error_text: str = "Internal error"


@dataclass(frozen=True, slots=True)
class RandomFaults:
    """Random misbehaviour: each API request faults with probability `rate`.

    The kind is drawn evenly from `kinds`; a "delay" lasts `delay_seconds`
    and a "code" is drawn from 2100-2199. The same seed and the same
    requests give the same faults.
    """

    rate: float = 0.0
    kinds: frozenset[str] = RANDOM_FAULT_KINDS
    seed: int | None = None
    delay_seconds: float = DEFAULT_FAULT_DELAY_SECONDS

    def __post_init__(self) -> None:
        """Refuse what cannot be drawn from."""
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("The fault rate is a probability, from 0 to 1")
        if not self.kinds:
            raise ValueError("Random faults need at least one kind")
        if unknown := self.kinds - FAULT_KINDS:
            raise ValueError(
                f"Unknown fault kinds {sorted(unknown)}; use {sorted(FAULT_KINDS)}"
            )
        if self.delay_seconds < 0:
            raise ValueError("A delay cannot be negative")


@dataclass(slots=True)
class FaultRecord:
    """A fault that hit one API request, queued or drawn at random.

    `handed_out` names the replies (their message_id) or delivery reports
    (the sent message's ID) that reply.php or delivery.php marked as polled
    in an answer the fault then delayed or cut short.
    """

    request: int
    endpoint: str
    kind: str
    source: str
    time: float
    seconds: float = 0.0
    code: str = ""
    handed_out: list[str] = field(default_factory=list)


def receipts_for(number: str) -> list[tuple[str, int]]:
    """Apply the simulator's rule, as README's simulator section states it.

    Numbers ending in 0 bounce (301); ending in 9, a temporary failure (300)
    then delivered (201); ending in 8, 300 then 301; others arrive (201).
    """
    if number.endswith("9"):
        return [RETRYING, DELIVERED]
    if number.endswith("8"):
        return [RETRYING, UNDELIVERED]
    return [UNDELIVERED if number.endswith("0") else DELIVERED]


def normalise_endpoint(endpoint: str) -> str:
    """Accept "send" as well as "send.php"."""
    name = endpoint if endpoint.endswith(".php") else f"{endpoint}.php"
    if name not in ENDPOINTS:
        raise ValueError(f"Unknown endpoint {endpoint!r}")
    return name


def new_message_id() -> str:
    """Make an ID in ClickSend's style: an upper-case UUID."""
    return str(uuid.uuid4()).upper()


class SimulatorState:
    """Accounts, traffic and faults of one simulated ClickSend."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        throttle_seconds: float = DEFAULT_THROTTLE_SECONDS,
        mode: Mode = "queue",
    ) -> None:
        """Start with the demo and test accounts and nothing else."""
        self.clock = clock
        self.throttle_seconds = throttle_seconds
        self.mode: Mode = mode
        # Called for every new reply or receipt, so they can be pushed.
        self.on_item: Callable[[InboundItem | ReceiptItem], None] | None = None
        self.accounts: dict[str, Account] = {}
        self.requests: list[RecordedRequest] = []
        self.sent: list[SentMessage] = []
        self.replies: list[InboundItem] = []
        self.receipts: list[ReceiptItem] = []
        self.faults: list[Fault] = []
        self.fault_log: list[FaultRecord] = []
        self.random_faults = RandomFaults()
        self._rng = random.Random()  # noqa: S311 - faults, not secrets
        # What the latest reply.php or delivery.php answer handed out.
        self.last_handed_out: list[str] = []
        self._last_sent: dict[tuple[str, str, str], float] = {}
        self._seq = itertools.count(1)
        self.clear()

    def clear(self) -> None:
        """Forget everything but the default accounts."""
        self.accounts = {}
        self.requests = []
        self.sent = []
        self.replies = []
        self.receipts = []
        self.faults = []
        self.fault_log = []
        self.last_handed_out = []
        self._last_sent = {}
        self.add_account(Account(DEMO_USERNAME, DEMO_KEY))
        self.add_account(Account(NOCREDIT_USERNAME, TEST_ACCOUNT_KEY, balance=0.0))
        self.add_account(Account(NOTACTIVE_USERNAME, TEST_ACCOUNT_KEY, active=False))
        self.add_account(Account(BANNED_USERNAME, TEST_ACCOUNT_KEY, banned=True))

    def now(self) -> int:
        """Unix time by the injected clock, as ClickSend writes dates."""
        return int(self.clock())

    # Accounts

    def add_account(self, account: Account) -> Account:
        """Add or replace an account."""
        self.accounts[account.username] = account
        return account

    def account(self, username: str) -> Account:
        """Look an account up for the control API; KeyError if unknown."""
        try:
            return self.accounts[username]
        except KeyError:
            raise KeyError(f"Unknown account {username!r}") from None

    def authenticate(self, params: dict[str, str]) -> Account:
        """Check credentials and standing, as every endpoint does first."""
        username = params.get("username", "")
        key = params.get("key", "")
        if not username or not key:
            raise ApiError(MISSING_CREDENTIALS)
        account = self.accounts.get(username)
        if account is None or account.key != key:
            raise ApiError(INVALID_CREDENTIALS)
        if account.banned:
            raise ApiError(BANNED)
        if not account.active:
            raise ApiError(NOT_ACTIVATED)
        return account

    # Requests and faults

    def record(
        self,
        endpoint: str,
        method: str,
        query: dict[str, str],
        form: dict[str, str],
    ) -> dict[str, str]:
        """Log a request and return its parameters (the form wins)."""
        params = {**query, **form}
        self.requests.append(
            RecordedRequest(
                endpoint=endpoint,
                method=method,
                query=query,
                form=form,
                params=params,
                time=self.clock(),
            )
        )
        return params

    def add_fault(self, fault: Fault) -> Fault:
        """Validate and queue a fault."""
        if fault.kind not in FAULT_KINDS:
            raise ValueError(
                f"Unknown fault kind {fault.kind!r}; use one of {sorted(FAULT_KINDS)}"
            )
        if fault.remaining < 1:
            raise ValueError("A fault needs a count of at least 1")
        if fault.seconds < 0:
            raise ValueError("A delay cannot be negative")
        if fault.endpoint is not None:
            fault.endpoint = normalise_endpoint(fault.endpoint)
        self.faults.append(fault)
        return fault

    def take_fault(self, endpoint: str) -> Fault | None:
        """Use up one fault that applies to this request, oldest first."""
        for fault in self.faults:
            if fault.endpoint in {None, endpoint}:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def set_random_faults(self, faults: RandomFaults, *, reseed: bool) -> None:
        """Draw faults by these settings; reseed to start the sequence over."""
        self.random_faults = faults
        if reseed:
            self._rng.seed(faults.seed)

    def draw_fault(self, endpoint: str) -> Fault | None:
        """Draw whether this request faults, and how; one draw per request."""
        faults = self.random_faults
        if faults.rate <= 0 or self._rng.random() >= faults.rate:
            return None
        kind = self._rng.choice(sorted(faults.kinds))
        code, error_text = INTERNAL_ERROR
        if kind == "code":
            code = str(self._rng.choice(INTERNAL_ERROR_CODES))
        return Fault(
            kind=kind,
            endpoint=endpoint,
            seconds=faults.delay_seconds if kind == "delay" else 0.0,
            code=code,
            error_text=error_text,
        )

    def log_fault(self, endpoint: str, fault: Fault, source: str) -> FaultRecord:
        """Remember that the latest request met this fault."""
        record = FaultRecord(
            request=len(self.requests),
            endpoint=endpoint,
            kind=fault.kind,
            source=source,
            time=self.clock(),
            seconds=fault.seconds if fault.kind == "delay" else 0.0,
            code=fault.code if fault.kind == "code" else "",
        )
        self.fault_log.append(record)
        return record

    # send.php

    def send(self, account: Account, params: dict[str, str]) -> list[RecipientOutcome]:
        """Send one message to each recipient, each judged on its own."""
        message = params.get("message", "")
        if not message.strip():
            raise ApiError(EMPTY_MESSAGE)
        if len(message) > MAX_MESSAGE_LENGTH:
            raise ApiError(MESSAGE_TOO_LONG)
        recipients = [
            part.strip() for part in params.get("to", "").split(",") if part.strip()
        ]
        if not recipients:
            raise ApiError(INVALID_RECIPIENT)
        if len(recipients) > MAX_RECIPIENTS:
            raise ApiError(TOO_MANY_RECIPIENTS)
        sender_id = params.get("senderid", "").strip()
        sender_ok = not sender_id or valid_sender_id(sender_id)
        schedule_text = params.get("schedule", "").strip()
        schedule = int(schedule_text) if schedule_text.isdigit() else None
        custom_string = params.get("customstring", "")
        unicode = params.get("messagetype", "").strip().lower() == UNICODE.lower()
        info = message_parts(message, unicode=unicode)
        country = params.get("country", "")
        return [
            self._send_one(
                account,
                raw,
                normalise_number(raw, country),
                message=message,
                sender_id=sender_id,
                sender_ok=sender_ok,
                schedule=schedule,
                custom_string=custom_string,
                parts=info.parts,
                encoding=info.encoding,
            )
            for raw in recipients
        ]

    def _send_one(
        self,
        account: Account,
        raw: str,
        number: str | None,
        *,
        message: str,
        sender_id: str,
        sender_ok: bool,
        schedule: int | None,
        custom_string: str,
        parts: int,
        encoding: str,
    ) -> RecipientOutcome:
        def refused(code_text: tuple[str, str], to: str) -> RecipientOutcome:
            return RecipientOutcome(to, "", code_text[0], code_text[1], 0.0)

        if number is None:
            return refused(INVALID_RECIPIENT, raw)
        if not sender_ok:
            return refused(INVALID_SENDER_ID, number)
        now = self.clock()
        throttle_key = (account.username, number, message)
        last = self._last_sent.get(throttle_key)
        if last is not None and now - last < self.throttle_seconds:
            return refused(THROTTLED, number)
        test_number = number in TEST_NUMBERS
        price = 0.0 if test_number else round(parts * PRICE_PER_PART, 4)
        # "A success response will be returned ... This won't use any of your
        # credit": a test number succeeds even on an account without credit.
        if not test_number and (account.balance <= 0 or account.balance < price):
            return refused(LOW_CREDIT, number)
        account.balance = round(account.balance - price, 4)
        self._last_sent[throttle_key] = now
        sent = SentMessage(
            username=account.username,
            to=number,
            message=message,
            sender_id=sender_id,
            schedule=schedule,
            custom_string=custom_string,
            message_id=new_message_id(),
            parts=parts,
            price=price,
            encoding=encoding,
            date=int(now),
            test_number=test_number,
            seq=next(self._seq),
        )
        self.sent.append(sent)
        if not test_number:
            for status, status_code in receipts_for(number):
                self.add_receipt(
                    ReceiptItem(
                        username=account.username,
                        message_id=sent.message_id,
                        status=status,
                        status_code=status_code,
                        custom_string=custom_string,
                        date=int(now),
                    )
                )
        return RecipientOutcome(number, sent.message_id, *SUCCESS, price)

    # Replies and receipts

    def find_sent(self, message_id: str) -> SentMessage | None:
        """Find the sent message with this ID, if any."""
        return next((s for s in self.sent if s.message_id == message_id), None)

    def add_reply(self, item: InboundItem) -> InboundItem:
        """Store an inbound reply and announce it."""
        item.seq = next(self._seq)
        self.replies.append(item)
        if self.on_item is not None:
            self.on_item(item)
        return item

    def add_receipt(self, item: ReceiptItem) -> ReceiptItem:
        """Store a delivery report and announce it."""
        self.receipts.append(item)
        if self.on_item is not None:
            self.on_item(item)
        return item

    def poll_replies(self, account: Account) -> list[InboundItem]:
        """reply.php: new replies (queue) or all of them (inbox)."""
        return self._poll([r for r in self.replies if self._owns(account, r.username)])

    def poll_receipts(self, account: Account) -> list[ReceiptItem]:
        """delivery.php: new receipts (queue) or all of them (inbox)."""
        return self._poll([r for r in self.receipts if self._owns(account, r.username)])

    def _owns(self, account: Account, username: str) -> bool:
        """Tell whether the account polls this username's items: its own, a subaccount's."""
        owner = self.accounts.get(username)
        return username == account.username or (
            owner is not None and owner.parent == account.username
        )

    def _poll[T: (InboundItem, ReceiptItem)](self, items: list[T]) -> list[T]:
        if self.mode == "inbox":
            self._hand_out(items)
            return items
        fresh = [item for item in items if not item.polled]
        for item in fresh:
            item.polled = True
        self._hand_out(fresh)
        return fresh

    def _hand_out(self, items: Iterable[InboundItem | ReceiptItem]) -> None:
        self.last_handed_out = [item.message_id for item in items]

    # history.php

    def history(self, account: Account, from_email: str = "") -> list[HistoryEntry]:
        """Both directions, oldest first."""
        rows: list[tuple[int, int, HistoryEntry]] = [
            (
                sent.date,
                sent.seq,
                HistoryEntry(
                    message_id=sent.message_id,
                    direction="out",
                    date=sent.date,
                    to=sent.to,
                    message=sent.message,
                    status="Sent",
                    sender_id=sent.sender_id,
                    schedule=str(
                        sent.schedule if sent.schedule is not None else sent.date
                    ),
                    custom_string=sent.custom_string,
                    from_email="",
                ),
            )
            for sent in self.sent
            if sent.username == account.username
        ]
        rows.extend(
            (
                reply.date,
                reply.seq,
                HistoryEntry(
                    message_id=reply.message_id,
                    direction="in",
                    date=reply.date,
                    to=reply.original_sender_id,
                    message=reply.message,
                    status="Received",
                    sender_id=reply.from_number,
                    schedule="",
                    custom_string=reply.custom_string,
                    from_email="",
                ),
            )
            for reply in self.replies
            if reply.username == account.username
        )
        rows.sort(key=lambda row: (row[0], row[1]))
        return [
            entry
            for _, _, entry in rows
            if not from_email or entry.from_email == from_email
        ]
