"""The rule that decides an expectation, shared by the live engine and the recompute.

Pure functions of plain values, so that replaying the log decides exactly as the live
run did: an event meets an open expectation when it is of the expected kind, by one of
the teams it concerns, its data equal to every ``where`` constraint, and no later than
the deadline; an expectation with no such event is missed once the clock passes it.

A restraint (``none:``) reads the same rule the other way round: the first matching
event misses it, and the clock passing the deadline with none meets it.
"""

from typing import Any


def acting_teams(event: dict[str, Any]) -> list[str]:
    """The teams an event is the act of: its actor, or every signatory of an adopted
    statement (adoption is the last endorsement, logged by the system for all of them)."""
    if event["kind"] == "statement.adopted":
        return list(event["data"].get("endorsed_by", []))
    team = event.get("actor", {}).get("team")
    return [team] if team else []


def meets(
    *, event_kind: str, where: dict[str, Any], teams: list[str], opens_at: float, deadline: float, event: dict[str, Any]
) -> str | None:
    """The team whose act (an event envelope) meets the expectation, or None."""
    if event["kind"] != event_kind:
        return None
    by = next((team for team in acting_teams(event) if team in teams), None)
    if by is None:
        return None
    if not opens_at <= event["exercise_time"] <= deadline:
        return None
    data = event.get("data", {})
    return by if all(key in data and data[key] == value for key, value in where.items()) else None


def on_act(restraint: bool) -> str:
    """What a matching event decides: it meets an expectation and breaks a restraint."""
    return "missed" if restraint else "met"


def on_deadline(restraint: bool) -> str:
    """What the clock passing the deadline (or the exercise ending first) decides: the act
    can no longer happen in the window, so an expectation is missed and a restraint met."""
    return "met" if restraint else "missed"


def is_past(deadline: float, exercise_time: float) -> bool:
    """A deadline has passed once the clock is beyond it: an event at the deadline still counts."""
    return exercise_time > deadline


def concerned_teams(mode_teams: Any, released_to: list[str]) -> list[str]:
    """The teams an expectation is about: its list, or the inject's targets for ``all``."""
    return list(released_to) if mode_teams == "all" else list(mode_teams)
