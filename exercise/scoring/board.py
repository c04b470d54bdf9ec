"""The scoreboard: expectation points (national and regional), responsiveness, ratings,
trust, escalation and regional stability, each with the events that made it."""

import math
from collections import defaultdict
from statistics import mean
from typing import Any

from exercise.catalogue import rung_of
from exercise.scoring import national
from exercise.scoring.explanations import decision_words, expectation_specs
from exercise.scoring.trust import trust_matrix

HSEEP_SCALE = {"P": 4, "S": 3, "M": 2, "U": 1}
MAX_RUNG = 5


def scoreboard(spec: dict[str, Any], teams: list[dict[str, str]], events: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [t["key"] for t in teams]
    trust, trust_breakdown = trust_matrix(events, keys, spec.get("scoring", {}).get("trust"))
    rows: dict[str, dict[str, Any]] = {
        t["key"]: {
            "key": t["key"],
            "name": t["name"],
            "total": 0,
            "national": 0,
            "regional": 0,
            "expectations": [],
            "escalation": 0,
            "escalation_events": [],
        }
        for t in teams
    }
    expected = expectation_specs(spec)
    peaks = dict.fromkeys(keys, 0)
    for event in events:
        if event["kind"] in ("expectation.met", "expectation.missed"):
            _count_decision(rows, event, expected.get(event["data"]["expectation"]))
        elif (moved := rung_of(event)) and moved[0] in rows:
            row = rows[moved[0]]
            row["escalation"] = moved[1]
            row["escalation_events"].append(event["seq"])
            peaks[moved[0]] = max(peaks[moved[0]], moved[1])
    responsiveness = _responsiveness(events, keys)
    ratings = _ratings(events)
    owned = national.national_objectives(spec)
    for key, row in rows.items():
        row["national"], row["regional"] = national.split_points(row, owned.get(key, []))
        row["responsiveness"] = responsiveness[key]
        row["ratings"] = ratings.get(key, {})
    steadiness = stability(trust, [row["escalation"] for row in rows.values()])
    return {
        "teams": list(rows.values()),
        "trust": trust,
        "trust_breakdown": trust_breakdown,
        "stability": steadiness,
        "region": national.region(spec, events, peaks, steadiness),
    }


def _count_decision(rows: dict[str, dict[str, Any]], event: dict[str, Any], expectation: dict[str, Any] | None) -> None:
    data = event["data"]
    # An `any` expectation is credited to the team that met it; one missed, or an `any`
    # restraint (kept or broken by the group), to every team of the group.
    credited = data["team"] or data["met_by"]
    entry = {
        "expectation": data["expectation"],
        "inject": data["inject"],
        "objective": data["objective"],
        "status": "met" if event["kind"] == "expectation.met" else "missed",
        "points": data["points"],
        "decided_by": data["decided_by"],
        "seq": event["seq"],
        "restraint": bool(data.get("restraint")),
        "explanation": decision_words(expectation, event),
    }
    for key in [credited] if credited else data["teams"]:
        if key in rows:
            rows[key]["expectations"].append(entry)
            rows[key]["total"] += entry["points"]


def _responsiveness(events: list[dict[str, Any]], teams: list[str]) -> dict[str, dict[str, Any]]:
    """Per team: for each inject sent to it, the exercise seconds until its first command."""
    waiting: dict[str, list[dict[str, Any]]] = defaultdict(list)
    items: dict[str, list[dict[str, Any]]] = {key: [] for key in teams}
    for event in events:
        if event["kind"] == "inject.released":
            for key in event["data"]["to"]:
                if key in items:
                    item = {
                        "inject": event["data"]["key"],
                        "released_seq": event["seq"],
                        "seconds": None,
                        "response_seq": None,
                        "released_at": event["exercise_time"],
                    }
                    items[key].append(item)
                    waiting[key].append(item)
        team = event.get("actor", {}).get("team")
        if waiting.get(team):
            for item in waiting.pop(team):
                item["seconds"] = event["exercise_time"] - item["released_at"]
                item["response_seq"] = event["seq"]
    result = {}
    for key, rows in items.items():
        answered = [item["seconds"] for item in rows if item["seconds"] is not None]
        result[key] = {"mean_seconds": mean(answered) if answered else None, "items": rows}
    return result


def _ratings(events: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per team and objective: each evaluator's latest rating, and how far they agree."""
    latest: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for event in events:
        if event["kind"] == "rating.given":
            data = event["data"]
            latest[(data["team"], data["objective"])][data["evaluator"]] = {
                "evaluator": data["evaluator"],
                "rating": data["value"],
                "note": data["note"],
                "seq": event["seq"],
            }
    result: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for (team, objective), by_evaluator in latest.items():
        values = [HSEEP_SCALE[r["rating"]] for r in by_evaluator.values()]
        result[team][objective] = {
            "ratings": list(by_evaluator.values()),
            "agreement": "agree" if len(set(values)) == 1 else f"differ by {max(values) - min(values)}",
            "spread": max(values) - min(values),
        }
    return result


def stability(trust: dict[str, dict[str, float]], rungs: list[int]) -> dict[str, Any]:
    """A 0–100 index: half from mutual trust, half from how low the teams stand on the ladder.

    Neutral trust and everyone at routine posture reads 75; docs/scoring.md explains it.
    """
    cells = [value for row in trust.values() for value in row.values()]
    mean_trust = mean(cells) if cells else 0.0
    mean_rung = mean(rungs) if rungs else 0.0
    trust_part = (math.tanh(mean_trust / 4) + 1) / 2
    calm_part = 1 - mean_rung / MAX_RUNG
    return {
        "index": round(100 * (trust_part + calm_part) / 2, 1),
        "mean_trust": mean_trust,
        "mean_escalation": mean_rung,
    }
