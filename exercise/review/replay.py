"""The exercise as it stood at a moment of exercise time, and what one team knew then."""

from typing import Any

from exercise.catalogue import sentence
from exercise.review.loading import seen_by
from exercise.scoring import scoreboard

FEED_LENGTH = 30


def until(events: list[dict[str, Any]], moment: float) -> list[dict[str, Any]]:
    """The events that had happened by exercise time ``moment``.

    Filtered rather than cut at one index: concurrent writers may stamp neighbouring
    events a millisecond out of seq order.
    """
    return [e for e in events if e["exercise_time"] <= moment]


def feed_row(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "seq": event["seq"],
        "exercise_time": event["exercise_time"],
        "kind": event["kind"],
        "text": sentence(event),
    }


def state_at(
    spec: dict[str, Any],
    teams: list[dict[str, Any]],
    events: list[dict[str, Any]],
    moment: float,
    team: str | None,
    *,
    whole_board: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``whole_board``, the scoreboard of all ``events`` if the caller has it, is reused
    when the moment is past the last event."""
    happened = until(events, moment)
    board = (
        whole_board if whole_board is not None and len(happened) == len(events) else scoreboard(spec, teams, happened)
    )
    state: dict[str, Any] = {
        "exercise_time": moment,
        "last_seq": happened[-1]["seq"] if happened else 0,
        "teams": [
            {"key": row["key"], "name": row["name"], "total": row["total"], "escalation": row["escalation"]}
            for row in board["teams"]
        ],
        "trust": board["trust"],
        "stability": board["stability"],
        "feed": [feed_row(e) for e in reversed(happened[-FEED_LENGTH:])],
    }
    if team is not None:
        knew = [e for e in happened if seen_by(e, team)]
        state["team"] = {
            "key": team,
            "seen": len(knew),
            "of": len(happened),
            "feed": [feed_row(e) for e in reversed(knew[-FEED_LENGTH:])],
        }
    return state
