"""Rules for priority polls: what staff may type, when a poll takes answers, how an answer is
built tap by tap, and how the results are counted. Plain functions of data and a clock.

Two kinds. "choose": a participant ticks any number of options; an option's count is the number
of participants who ticked it and its share is that count over the participants. "rank": a
participant taps options in order of priority (the first tap is the most important); an option's
count is its Borda score (with n options, first place gives n points, second n-1, ...; options
left unranked give nothing) and its share is that score over all the points given.

One answer per user: a participant may change the ticks as long as the answer is not sent; once
sent, it is final and a second answer is refused (it does not replace the first), so results
shown to staff never move backwards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.rules.validation import Invalid, clean_text

KINDS = ("choose", "rank")
QUESTION_MIN, QUESTION_MAX = 5, 300
OPTION_MIN, OPTION_MAX = 3, 100
OPTIONS_MIN, OPTIONS_MAX = 2, 12
QUICK_CLOSING_DAYS = (3, 7, 14)


def question(text: str | None) -> str:
    return clean_text(text, minimum=QUESTION_MIN, maximum=QUESTION_MAX)


def new_option(text: str | None, existing: Iterable[str]) -> str:
    """A new issue staff add to the poll besides the municipality's topics."""
    value = clean_text(text, minimum=OPTION_MIN, maximum=OPTION_MAX)
    if value.casefold() in {item.casefold() for item in existing}:
        raise Invalid("poll-invalid-duplicate-option")
    return value


def check_options(count: int) -> None:
    if count < OPTIONS_MIN:
        raise Invalid("poll-invalid-too-few-options", {"minimum": OPTIONS_MIN})
    if count > OPTIONS_MAX:
        raise Invalid("poll-invalid-too-many-options", {"maximum": OPTIONS_MAX})


def is_open(*, status: str, closes_at: datetime, now: datetime) -> bool:
    """A poll takes answers until its closing moment, even before the job has closed it."""
    return status == "open" and now < closes_at


def toggle(choices: Sequence[int], option_id: int) -> list[int]:
    """A tap on an option: added at the end (the next rank), or taken out if already there."""
    if option_id in choices:
        return [choice for choice in choices if choice != option_id]
    return [*choices, option_id]


@dataclass(frozen=True)
class OptionResult:
    option_id: int
    count: int
    share: float  # 0..1


@dataclass(frozen=True)
class Results:
    participants: int
    options: list[OptionResult]  # best first; ties keep the poll's order


def tally(kind: str, option_ids: Sequence[int], answers: Iterable[Sequence[int]]) -> Results:
    """Counts and shares per option from the submitted answers (see the module)."""
    if kind not in KINDS:
        raise ValueError(f"unknown poll kind {kind!r}")
    known = set(option_ids)
    counts = dict.fromkeys(option_ids, 0)
    participants = 0
    for answer in answers:
        # Options that no longer exist, and repeats, are ignored; the order is kept.
        chosen = [option for option in dict.fromkeys(answer) if option in known]
        if not chosen:
            continue
        participants += 1
        for place, option in enumerate(chosen):
            counts[option] += len(option_ids) - place if kind == "rank" else 1
    total = participants if kind == "choose" else sum(counts.values())
    order = {option: index for index, option in enumerate(option_ids)}
    results = [
        OptionResult(option, count, count / total if total else 0.0)
        for option, count in counts.items()
    ]
    results.sort(key=lambda result: (-result.count, order[result.option_id]))
    return Results(participants=participants, options=results)
