"""Expectation decisions recomputed from the log, to check (and explain) the live ones."""

from typing import Any

from exercise.expectation_rules import acting_teams, concerned_teams, is_past, meets, on_act, on_deadline


def recompute(spec: dict[str, Any], events: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    """Every decision the log implies, in the order the live engine takes them.

    ``spec`` is the scenario's normal form; ``now`` is the exercise time the log has
    reached (deadlines before it are missed).
    """
    expected = {inject["key"]: inject["expect"] for inject in spec["injects"]}
    open_checks: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []

    def decide(check: dict[str, Any], status: str, decided_by: int | None = None, by: str | None = None) -> None:
        open_checks.remove(check)
        restraint = check["restraint"]
        decisions.append(
            {
                "expectation": check["key"],
                "team": check["team"],
                "status": status,
                "decided_by": decided_by,
                "met_by": None if restraint else by,
                "broken_by": by if restraint else None,
            }
        )

    def deadline(check: dict[str, Any]) -> None:
        decide(check, on_deadline(check["restraint"]))

    for event in events:
        for check in _by_deadline(c for c in open_checks if is_past(c["deadline"], event["exercise_time"])):
            deadline(check)
        if event["kind"] == "inject.released":
            for exp in expected.get(event["data"]["key"], []):
                teams = concerned_teams(exp["teams"], event["data"]["to"])
                groups = [[t] for t in teams] if exp["mode"] == "each" else [teams]
                for group in groups:
                    open_checks.append(
                        {
                            "key": exp["key"],
                            "team": group[0] if exp["mode"] == "each" else None,
                            "teams": group,
                            "event": exp["event"],
                            "restraint": exp.get("restraint", False),
                            "where": exp["where"],
                            "opens_at": event["exercise_time"],
                            "deadline": event["exercise_time"] + exp["within"],
                        }
                    )
        elif acting_teams(event):
            for check in list(open_checks):
                rule = {"event_kind": check["event"], "where": check["where"], "teams": check["teams"]}
                by = meets(**rule, opens_at=check["opens_at"], deadline=check["deadline"], event=event)
                if by:
                    decide(check, on_act(check["restraint"]), event["seq"], by)
        elif event["kind"] == "exercise.ended":
            for check in _by_deadline(open_checks):
                deadline(check)
    for check in _by_deadline(c for c in open_checks if is_past(c["deadline"], now)):
        deadline(check)
    return decisions


def _by_deadline(checks: Any) -> list[dict[str, Any]]:
    # The live engine sweeps overdue checks earliest deadline first, then in opening order.
    return sorted(checks, key=lambda check: check["deadline"])


def logged(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The decisions the live run appended, in the same shape as ``recompute``."""
    return [
        {
            "expectation": e["data"]["expectation"],
            "team": e["data"]["team"],
            "status": "met" if e["kind"] == "expectation.met" else "missed",
            "decided_by": e["data"]["decided_by"],
            "met_by": e["data"]["met_by"],
            "broken_by": e["data"].get("broken_by"),
        }
        for e in events
        if e["kind"] in ("expectation.met", "expectation.missed")
    ]
