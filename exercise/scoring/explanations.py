"""Expectations and their decisions in words: what one asks (the control room's inject
plan, the review's draft findings) and why a decision went the way it did (the
scoreboard's entries, which the review and the debrief print).

Everything here reads the scenario's normal form of an expectation (``event``,
``restraint``, ``where``, ``within``, ``mode``, ``teams``) and a decision as the
scoreboard keeps it, so it is a pure function like the rest of the scoring.
"""

from typing import Any

from exercise.durations import format_duration
from exercise.steps import action_label


def expectation_specs(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The scenario's expectations by key, each with its inject's key."""
    return {e["key"]: e | {"inject": i["key"]} for i in spec["injects"] for e in i["expect"]}


def act_words(event: str, where: dict[str, Any]) -> str:
    """The act an expectation waits for or a restraint forbids: 'hotline requested',
    'deploy forces' (an action of one kind), 'jointop proposed with kind joint patrol'."""
    rest = dict(where)
    if event == "action.taken" and isinstance(rest.get("kind"), str):
        words = action_label(rest.pop("kind"))
    else:
        words = event.replace(".", " ").replace("_", " ")
    if rest:
        words += " with " + ", ".join(f"{key} {_value(value)}" for key, value in rest.items())
    return words


def _value(value: Any) -> str:
    return value.replace("_", " ") if isinstance(value, str) else str(value)


def asked(expectation: dict[str, Any]) -> str:
    """What is expected in a few words: the act, or 'no' and the act for a restraint."""
    act = act_words(expectation["event"], expectation.get("where") or {})
    return f"no {act}" if expectation.get("restraint") else act


def plan_words(expectation: dict[str, Any]) -> str:
    """One expectation as the control room's inject plan lists it."""
    teams = expectation["teams"]
    listed = "every team it goes to" if teams == "all" else ", ".join(teams)
    who = f"each of {listed}" if expectation["mode"] == "each" else f"any of {listed}"
    points = f" · {expectation['points']} pts" if expectation["points"] else ""
    within = format_duration(expectation["within"])
    return f"{expectation['key']}: {who}, {asked(expectation)} within {within}{points}"


def decision_words(expectation: dict[str, Any] | None, decision: dict[str, Any]) -> str:
    """Why a decision (an expectation.met or .missed event's data, with its exercise time)
    went as it did: 'no deploy forces by ARC within 30m of inject I1'; 'deploy forces by
    ARC (event 42), within 30m of inject I1'. ``expectation`` is None for one the scenario
    no longer has (an imported log); the words then name the expectation alone."""
    data = decision["data"]
    if expectation is None:
        return f"expectation {data['expectation']} of inject {data['inject']}"
    act = act_words(expectation["event"], expectation.get("where") or {})
    window = f"within {format_duration(expectation['within'])} of inject {data['inject']}"
    group = " or ".join(data["teams"]) or "no team"
    acted = data.get("broken_by") if expectation.get("restraint") else data.get("met_by") or data.get("team")
    if data["decided_by"] is not None:  # an act decided it: met it, or broke the restraint
        return f"{act} by {acted or group} (event {data['decided_by']}), {window}"
    ended = " (the exercise ended first)" if decision["exercise_time"] <= data["deadline"] else ""
    return f"no {act} by {data['team'] or group} {window}{ended}"
