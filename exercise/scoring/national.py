"""National and regional results: which points a team earned for its own nation (the
objectives of its brief) and which for the region, what became of each national objective,
the red lines a team crossed, and how the region as a whole fared.

Pure functions of the scenario's normal form and the scoreboard's rows, so the live
scores, the review and the debrief read the same figures. docs/scoring.md explains them.
"""

from typing import Any

from exercise.scenario_briefs import brief_shape


def national_objectives(spec: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Each team's national objectives (its brief's), by team key; empty without a brief."""
    return {team["key"]: list((team.get("brief") or {}).get("objectives", [])) for team in spec.get("teams", [])}


def split_points(row: dict[str, Any], own: list[dict[str, str]]) -> tuple[int, int]:
    """A scoreboard row's points as (national, regional): national are the points of met
    expectations that serve one of the team's own objectives, regional all the others."""
    keys = {objective["key"] for objective in own}
    national = sum(e["points"] for e in row["expectations"] if e["status"] == "met" and e["objective"] in keys)
    return national, row["total"] - national


def _expectations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["key"]: e for inject in spec.get("injects", []) for e in inject.get("expect", [])}


def objective_results(row: dict[str, Any], own: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Each national objective with what the team's decided expectations made of it:
    missed if any serving it was missed, met if at least one was met and none missed,
    open while none is decided (or none serves it)."""
    results = []
    for objective in own:
        decided = [e for e in row["expectations"] if e["objective"] == objective["key"]]
        statuses = {e["status"] for e in decided}
        status = "missed" if "missed" in statuses else "met" if "met" in statuses else "open"
        results.append(
            {
                "key": objective["key"],
                "text": objective["text"],
                "status": status,
                "points": sum(e["points"] for e in decided),
                "expectations": decided,
            }
        )
    return results


def red_lines_crossed(spec: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
    """The team's restraint expectations (`none:`) it missed: what it had been asked not to
    do, and did, with the event that crossed the line."""
    expectations = _expectations(spec)
    crossed = []
    for decision in row["expectations"]:
        expectation = expectations.get(decision["expectation"])
        if decision["status"] == "missed" and expectation is not None and expectation.get("restraint"):
            crossed.append(
                {
                    "expectation": decision["expectation"],
                    "inject": decision["inject"],
                    "objective": decision["objective"],
                    "forbidden": expectation["event"],
                    "where": expectation.get("where", {}),
                    "decided_by": decision["decided_by"],
                    "seq": decision["seq"],
                }
            )
    return crossed


def region(
    spec: dict[str, Any], events: list[dict[str, Any]], peaks: dict[str, int], stability: dict[str, Any]
) -> dict[str, Any]:
    """How the region fared: the points of regional expectations earned of those at stake
    (every decided one counts its scenario points once), the highest rung any team reached,
    and the stability index with its mean trust."""
    national = {o["key"] for objectives in national_objectives(spec).values() for o in objectives}
    expectations = _expectations(spec)
    earned = possible = 0
    for event in events:
        if event["kind"] not in ("expectation.met", "expectation.missed") or event["data"]["objective"] in national:
            continue
        expectation = expectations.get(event["data"]["expectation"])
        possible += expectation["points"] if expectation is not None else event["data"]["points"]
        earned += event["data"]["points"] if event["kind"] == "expectation.met" else 0
    peak = max(peaks.values(), default=0)
    return {
        "earned": earned,
        "possible": possible,
        "peak_rung": peak,
        "peak_teams": [key for key, rung in peaks.items() if rung == peak and peak > 0],
        "mean_trust": stability["mean_trust"],
        "index": stability["index"],
    }


def nations(spec: dict[str, Any], board: dict[str, Any]) -> list[dict[str, Any]]:
    """Per team, its brief beside what it achieved for its nation: national and regional
    points, each national objective's status, and the red lines it crossed."""
    owned = national_objectives(spec)
    briefs = {team["key"]: team.get("brief") for team in spec.get("teams", [])}
    return [
        {
            "key": row["key"],
            "name": row["name"],
            "brief": brief_shape(row["key"], briefs.get(row["key"])),
            "national": row["national"],
            "regional": row["regional"],
            "total": row["total"],
            "objectives": objective_results(row, owned.get(row["key"], [])),
            "red_lines_crossed": red_lines_crossed(spec, row),
        }
        for row in board["teams"]
    ]
