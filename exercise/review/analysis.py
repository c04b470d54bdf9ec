"""The review's analysis per objective and per inject, and the first draft of its findings."""

from typing import Any

from exercise.durations import format_duration
from exercise.scoring.explanations import asked, expectation_specs

# With no expectation to measure it against, a first response within this many exercise
# seconds counts as on time.
DEFAULT_RESPONSE_TARGET = 15 * 60


def objectives(spec: dict[str, Any], board: dict[str, Any], saved: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Per objective: each team's ratings, the expectations decided under it, and the findings.

    ``saved`` holds the facilitator's findings by objective key; an objective without
    them gets a draft written from the decisions and ratings.
    """
    expected = expectation_specs(spec)
    result = []
    for objective in spec["objectives"]:
        key = objective["key"]
        ratings = {row["key"]: row["ratings"].get(key) for row in board["teams"]}
        decisions = [
            entry | {"team": row["key"]}
            for row in board["teams"]
            for entry in row["expectations"]
            if entry["objective"] == key
        ]
        decisions.sort(key=lambda d: d["seq"])
        findings = saved.get(key)
        result.append(
            {
                "key": key,
                "text": objective["text"],
                "ratings": ratings,
                "expectations": decisions,
                "met": sum(1 for d in decisions if d["status"] == "met"),
                "missed": sum(1 for d in decisions if d["status"] == "missed"),
                "findings": findings | {"drafted": False}
                if findings
                else draft_findings(decisions, ratings, expected) | {"drafted": True},
            }
        )
    return result


def draft_findings(
    decisions: list[dict[str, Any]], ratings: dict[str, Any], expected: dict[str, dict[str, Any]]
) -> dict[str, str]:
    strengths, areas = [], []
    for decision in decisions:
        spec = expected.get(decision["expectation"])
        act = asked(spec) if spec else "the expected act"
        window = format_duration(spec["within"] if spec else 0)
        line = f"- {decision['team']}: {act} within {window} of inject {decision['inject']}"
        if decision["status"] == "met":
            strengths.append(f"{line} (met, {decision['points']} points).")
        else:
            areas.append(f"{line}: missed.")
    for team, rated in ratings.items():
        for rating in (rated or {}).get("ratings", []):
            note = f": {rating['note']}" if rating["note"] else "."
            line = f"- {team} rated {rating['rating']} by {rating['evaluator']}{note}"
            (strengths if rating["rating"] in ("P", "S") else areas).append(line)
    return {"strengths": "\n".join(strengths), "areas": "\n".join(areas)}


def response_target(inject: dict[str, Any] | None) -> float:
    # A restraint's window is how long to hold back, not how soon to answer.
    windows = [e["within"] for e in (inject or {}).get("expect", []) if not e.get("restraint")]
    return min(windows) if windows else DEFAULT_RESPONSE_TARGET


def pace(seconds: float | None, target: float) -> str:
    """How a first response compares with the inject's shortest expectation window."""
    if seconds is None:
        return "none"
    if seconds <= target / 2:
        return "prompt"
    return "on-time" if seconds <= target else "late"


def inject_responses(spec: dict[str, Any], board: dict[str, Any], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every released inject with each targeted team's time to its first response."""
    scripted = {i["key"]: i for i in spec["injects"]}
    by_release: dict[int, dict[str, Any]] = {}
    for event in events:
        if event["kind"] == "inject.released":
            data = event["data"]
            target = response_target(scripted.get(data["key"]))
            by_release[event["seq"]] = {
                "key": data["key"],
                "title": data["title"],
                "severity": data.get("severity", ""),
                "released_at": event["exercise_time"],
                "seq": event["seq"],
                "target": target,
                "responses": {},
            }
    for row in board["teams"]:
        for item in row["responsiveness"]["items"]:
            release = by_release.get(item["released_seq"])
            if release is not None:
                release["responses"][row["key"]] = {
                    "seconds": item["seconds"],
                    "seq": item["response_seq"],
                    "pace": pace(item["seconds"], release["target"]),
                }
    return list(by_release.values())
