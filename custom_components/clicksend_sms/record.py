"""The exactly-once record: what was fired, counted per identity.

An inbound SMS has no identifier of ClickSend's in the HTTP API v2 (neither
reply.php nor the documented push carries one), so it is known by what it
says: sender, text, original message ID and custom string. Two SMS can say
the same ("STATUS" texted twice to the house), so the record counts how
many of each identity were fired and how many of those each source has yet
to meet from the other, instead of remembering a set of fingerprints.

Whether reply.php and delivery.php mark items read (hand each out once,
"queue") or return everything at every poll ("inbox") is not documented by
ClickSend; we support both and tell them apart from the answers (see
PollRecord.detect). A delivery report is known by message ID and status code,
so a 300 (retrying) followed by a 201 (delivered) are two reports, and goes
through the same rules.

Nothing here knows Home Assistant: times are given, the caller stores the
record as plain JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

type PollMode = Literal["unknown", "queue", "inbox"]
POLL_MODES: Final[tuple[PollMode, ...]] = ("unknown", "queue", "inbox")

# A push of the same identity within this many seconds of the last one that
# counted is ClickSend repeating itself (it retries a push it thinks failed);
# later, the same words are a new SMS. Our choice: the document says nothing
# about repeats; two minutes covers quick retries and is shorter than a
# person takes to text the same keyword again on purpose.
PUSH_REPEAT_WINDOW: Final = 120.0
# Identities remembered per kind, beyond those the latest poll returned
# (those are always kept: an inbox returning them at every poll must not
# make them fire again) and those still awaiting their other source.
MAX_IDENTITIES: Final = 10_000
# An identity untouched for this long is forgotten even under the bound.
MAX_AGE: Final = 30 * 24 * 3600.0
# A fired item whose other source (the push of a polled SMS, the poll of a
# pushed one) has not come yet is kept this long whatever the count, so a
# burst of pushes cannot evict what the next poll returns again. A day: the
# longest poll interval the options allow.
PENDING_AGE: Final = 24 * 3600.0
# Whatever happens, no more than this many identities per kind (memory).
HARD_LIMIT: Final = 50_000
# Queue-mode answers of at least this many different items that are all
# repeats (of the previous answer, or of what fired) are an inbox: a
# coincidence that large is implausible.
INBOX_EVIDENCE: Final = 3


@dataclass(slots=True)
class Tally:
    """What was fired of one identity."""

    # Items of this identity fired in total, from either source.
    fired: int = 0
    # Fired by a push, not yet met by a poll returning them (queue mode).
    pushes_unmatched: int = 0
    # Fired by a poll, not yet met by ClickSend's push of them.
    polls_unmatched: int = 0
    # When the last push that counted came (0: none), for the repeat window.
    pushed_at: float = 0.0
    # When any source last named it, for the bounds.
    seen_at: float = 0.0

    def as_list(self) -> list[float]:
        """Compact, for storage."""
        return [
            self.fired,
            self.pushes_unmatched,
            self.polls_unmatched,
            self.pushed_at,
            self.seen_at,
        ]

    @classmethod
    def from_list(cls, values: Sequence[Any]) -> Tally:
        """Read what as_list wrote; tolerate a damaged entry."""
        numbers = [float(value) for value in values[:5]] + [0.0] * (5 - len(values))
        return cls(
            fired=max(0, int(numbers[0])),
            pushes_unmatched=max(0, int(numbers[1])),
            polls_unmatched=max(0, int(numbers[2])),
            pushed_at=numbers[3],
            seen_at=numbers[4],
        )


class PollRecord:
    """The record of one kind (replies, or receipts) of one account."""

    def __init__(
        self,
        stored: Mapping[str, Any] | None = None,
        *,
        now: float = 0.0,
        polled: bool = True,
    ) -> None:
        """Start from what was stored, or from nothing.

        Unpolled, no fired push awaits a poll: none is kept for one.
        """
        stored = stored or {}
        self.polled = polled
        mode = stored.get("mode")
        self.mode: PollMode = mode if mode in POLL_MODES else "unknown"
        # Least recently seen first.
        self._tallies: dict[str, Tally] = {
            str(identity): Tally.from_list(values)
            for identity, values in dict(stored.get("tallies", {})).items()
        }
        # ClickSend's own IDs of pushed SMS, and when they came.
        self._ids: dict[str, float] = {
            str(key): float(value) for key, value in dict(stored.get("ids", {})).items()
        }
        # The latest poll answer, counted: to tell queue from inbox.
        self._previous: Counter[str] = Counter(
            {
                str(key): int(value)
                for key, value in dict(stored.get("previous", {})).items()
            }
        )
        # Changed since it was last stored.
        self.dirty = False
        for legacy in stored.get("legacy", ()):
            # A fingerprint of version 1 of the store: fired once, then.
            self._tallies.setdefault(str(legacy), Tally(fired=1, seen_at=now))

    def __len__(self) -> int:
        """How many identities are remembered."""
        return len(self._tallies)

    def _touch(self, identity: str, now: float) -> Tally:
        tally = self._tallies.pop(identity, None) or Tally()
        tally.seen_at = now
        self._tallies[identity] = tally
        return tally

    def detect(self, answer: Counter[str]) -> None:
        """Tell from the answers whether polls hand items out once.

        The previous answer wholly in this one is an inbox (everything
        returned again); most of it (more than half) gone from this one, an
        empty answer included, is a queue (items marked read): a keyword
        texted at every poll is in both. A queue seen once is kept unless a
        whole previous answer of INBOX_EVIDENCE different items or more comes
        again, or an answer of as many different items that all were polled
        before (as often): two answers of one "STATUS" each are an ordinary
        queue.
        Smaller losses (an inbox that drops its oldest items) change
        nothing.
        """
        previous = self._previous
        if (
            # Pushed and not polled yet is not polled before: with push on,
            # every queue answer holds only items that fired already.
            self.mode == "queue"
            and len(answer) >= INBOX_EVIDENCE
            and all(
                identity in self._tallies and self._polled(identity) >= count
                for identity, count in answer.items()
            )
        ):
            self.mode = "inbox"
        if not previous:
            return
        gone = (previous - answer).total()
        if not gone:
            if self.mode == "unknown" or len(previous) >= INBOX_EVIDENCE:
                self.mode = "inbox"
        elif 2 * gone > previous.total():
            self.mode = "queue"

    def _polled(self, identity: str) -> int:
        """How many of the identity a poll returned (or met) already."""
        tally = self._tallies[identity]
        return tally.fired - tally.pushes_unmatched

    def poll(self, identities: Sequence[str], now: float) -> list[bool]:
        """Take a poll answer; say, item by item, which ones fire.

        Queue: every item is new, except one that a push already fired (a
        push and a poll of one SMS cancel each other once). Inbox, and while
        the behaviour is not known yet: only the excess of what the answer
        holds over what was fired already, per identity. Not known is read as
        an inbox because the other reading would fire a whole inbox again.
        """
        answer = Counter(identities)
        mode = self.mode
        self.detect(answer)
        self.dirty = self.dirty or bool(identities) or self.mode != mode
        if answer != self._previous:
            self.dirty = True
            self._previous = answer
        fires: list[bool] = []
        if self.mode == "queue":
            for identity in identities:
                tally = self._touch(identity, now)
                if tally.pushes_unmatched:
                    tally.pushes_unmatched -= 1
                    fires.append(False)
                else:
                    tally.fired += 1
                    tally.polls_unmatched += 1
                    fires.append(True)
            return fires
        # The first occurrences stand for what was fired, the rest fire.
        skip = {
            identity: min(count, self._tallies[identity].fired)
            if identity in self._tallies
            else 0
            for identity, count in answer.items()
        }
        for identity in identities:
            if skip[identity]:
                skip[identity] -= 1
                fires.append(False)
            else:
                fires.append(True)
        for identity, count in answer.items():
            tally = self._touch(identity, now)
            excess = max(0, count - tally.fired)
            if self.mode == "inbox":
                # What was fired and the inbox does not show yet: pushes.
                tally.pushes_unmatched = tally.fired + excess - count
            else:
                # Not known yet: what was skipped met its push, as in a queue.
                tally.pushes_unmatched = max(
                    0, tally.pushes_unmatched - (count - excess)
                )
            tally.polls_unmatched += excess
            tally.fired += excess
        return fires

    def push(self, identity: str, now: float, clicksend_id: str = "") -> bool:
        """Take a push; say whether it fires.

        With ClickSend's own ID, that ID alone tells a repeat; without one,
        a push within PUSH_REPEAT_WINDOW of the last one of the same words.
        A push of what a poll fired and no push has met is that SMS.
        """
        self.dirty = True
        if clicksend_id:
            if clicksend_id in self._ids:
                del self._ids[clicksend_id]
                self._ids[clicksend_id] = now
                return False
            self._ids[clicksend_id] = now
            tally = self._touch(identity, now)
        else:
            tally = self._touch(identity, now)
            if tally.pushed_at and 0 <= now - tally.pushed_at < PUSH_REPEAT_WINDOW:
                return False
        tally.pushed_at = now
        if tally.polls_unmatched:
            tally.polls_unmatched -= 1
            return False
        tally.fired += 1
        tally.pushes_unmatched += 1
        return True

    def trim(self, now: float) -> None:
        """Forget what is old, then the least recently seen beyond the bound.

        Never what the latest poll returned, nor, within PENDING_AGE, a fired
        item still awaiting its other source: both would fire again. Pushes
        that fired and repeats mark the record changed.
        """
        tallies = self._tallies
        if len(tallies) > MAX_IDENTITIES or self._oldest_seen() < now - MAX_AGE:
            excess = len(tallies) - MAX_IDENTITIES
            for identity in list(tallies):
                tally = tallies[identity]
                old = tally.seen_at < now - MAX_AGE
                if not old and excess <= 0:
                    break
                if identity in self._previous:
                    continue
                pending = (
                    tally.pushes_unmatched and self.polled
                ) or tally.polls_unmatched
                if old or not pending or tally.seen_at < now - PENDING_AGE:
                    del tallies[identity]
                    excess -= 1
            # A flood of what must be kept: memory wins, oldest first.
            for identity in list(tallies)[: max(0, len(tallies) - HARD_LIMIT)]:
                del tallies[identity]
        ids = self._ids
        for key in list(ids)[: max(0, len(ids) - MAX_IDENTITIES)]:
            del ids[key]
        while ids and next(iter(ids.values())) < now - MAX_AGE:
            del ids[next(iter(ids))]

    def _oldest_seen(self) -> float:
        return next(iter(self._tallies.values())).seen_at if self._tallies else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON, for storage."""
        return {
            "mode": self.mode,
            "tallies": {key: tally.as_list() for key, tally in self._tallies.items()},
            "ids": dict(self._ids),
            "previous": dict(self._previous),
        }
