"""The log as flat rows for events.csv: one row per event, columns in a fixed order.

docs/facilitator-guide.md documents each column; add new ones at the end only. The
scenario's marking is a column of every row rather than a line above the header: the file
stays one table for the tools that read it, and a row copied or filtered out of it keeps
its marking.
"""

import json
from collections.abc import Iterator
from typing import Any

from exercise.catalogue import sentence
from exercise.models import Exercise
from exercise.review.loading import events_in_chunks
from exercise.roles import Caller, require_staff

COLUMNS = (
    "seq",
    "at",
    "exercise_time",
    "exercise_clock",
    "kind",
    "audience",
    "recipients",
    "actor_team",
    "actor_player",
    "actor_user",
    "text",
    "data",
    "classification",
)

# A spreadsheet runs a cell that starts with one of these as a formula; player text must
# never become one, so such cells get a leading apostrophe (shown by spreadsheets as text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# One encoder for every row's data: json.dumps with options builds a new one per call,
# which was a third of the cost of a row (bench/review). Data parsed from JSON holds no
# cycles to look for.
_data_text = json.JSONEncoder(ensure_ascii=False, sort_keys=True, check_circular=False).encode


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _inert(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def row(event: dict[str, Any], marking: str = "") -> list[Any]:
    """An event's row; ``marking`` is the classification cell as written (``_inert``),
    the same in every row."""
    actor = event["actor"]
    seconds = event["exercise_time"]
    return [
        event["seq"],
        event["at"],
        f"{seconds:.3f}",
        clock_text(seconds),
        event["kind"],
        event["audience"],
        " ".join(event["recipients"]),
        actor.get("team", ""),
        _inert(actor.get("player", "")),
        _inert(actor.get("user", "")),
        _inert(sentence(event)),
        _data_text(event["data"]),
        marking,
    ]


def rows_in_chunks(*, caller: Caller, exercise: Exercise) -> Iterator[list[list[Any]]]:
    """The header alone, then one row per event in seq order, a chunk at a time, for a file
    sent while the log is still being read. The caller is checked now, not when the first
    chunk is asked for."""
    require_staff(caller)
    return _chunks(exercise, exercise.scenario.classification)


def _chunks(exercise: Exercise, classification: str) -> Iterator[list[list[Any]]]:
    yield [list(COLUMNS)]
    marking = _inert(classification)
    for events in events_in_chunks(exercise):
        yield [row(event, marking) for event in events]
