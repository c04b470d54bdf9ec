"""What the review's charts draw: each a pure function of the log."""

from collections import Counter
from typing import Any

from exercise.catalogue import contacts, rung_of
from exercise.scoring.trust import trust_snapshots

TRUST_SNAPSHOTS = 6


def end_time(events: list[dict[str, Any]]) -> float:
    return max((e["exercise_time"] for e in events), default=0.0)


def score_series(events: list[dict[str, Any]], teams: list[str]) -> dict[str, list[tuple[float, int]]]:
    """Per team, its running total of expectation points, a step at each decision."""
    totals = dict.fromkeys(teams, 0)
    series: dict[str, list[tuple[float, int]]] = {key: [(0.0, 0)] for key in teams}
    for event in events:
        if event["kind"] not in ("expectation.met", "expectation.missed"):
            continue
        data = event["data"]
        credited = data.get("team") or data.get("met_by")
        for key in [credited] if credited else data.get("teams", []):
            if key in totals:
                totals[key] += data["points"]
                series[key].append((event["exercise_time"], totals[key]))
    return series


def escalation_series(events: list[dict[str, Any]], teams: list[str]) -> dict[str, list[tuple[float, int]]]:
    """Per team, its rung on the escalation ladder after each of its actions."""
    series: dict[str, list[tuple[float, int]]] = {key: [(0.0, 0)] for key in teams}
    for event in events:
        moved = rung_of(event)
        if moved and moved[0] in series:
            series[moved[0]].append((event["exercise_time"], moved[1]))
    return series


def trust_evolution(
    events: list[dict[str, Any]], teams: list[str], overrides: dict[str, float] | None = None
) -> list[dict[str, Any]]:
    """The trust matrix at evenly spaced moments from the start to the last event."""
    last = end_time(events)
    times = [last * n / (TRUST_SNAPSHOTS - 1) for n in range(TRUST_SNAPSHOTS)]
    return trust_snapshots(events, teams, times, overrides)


def network(events: list[dict[str, Any]], teams: list[str]) -> list[dict[str, Any]]:
    """Who talked to whom, how often, and through which instrument (pairs unordered)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    rank = {key: position for position, key in enumerate(teams)}  # keys are unique: as teams.index, without its scan
    for event in events:
        for a, b, instrument in contacts(event):
            if a in rank and b in rank:
                pair = (a, b) if rank[a] <= rank[b] else (b, a)
                counts[(*pair, instrument)] += 1
    return [
        {"teams": [a, b], "instrument": instrument, "count": count}
        for (a, b, instrument), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
