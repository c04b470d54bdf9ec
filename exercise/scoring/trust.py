"""The trust matrix: how far each team trusts each other, moved by what they do.

Weights follow the spirit of the Goldstein conflict-cooperation scale: cooperative acts
between two states raise trust, hostile or refusing ones lower it, in proportion to how
much they cost the actor. ``trust[A][B]`` is A's trust in B. A scenario overrides any
weight in its ``scoring.trust`` section; docs/scoring.md explains each rule. Which teams
an event moves, and by which rule, is its kind's entry in the catalogue.
"""

import copy
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from exercise.catalogue import trust_moves

DEFAULT_WEIGHTS: dict[str, float] = {
    "hotline.requested": 0.5,  # the callee's trust in the caller: reaching out
    "hotline.accepted": 1.0,  # the caller's trust in the callee: the line was answered
    "hotline.declined": -1.0,  # the caller's trust in the callee: the line was refused
    "statement.adopted": 1.0,  # every signatory's trust in every other
    "jointop.accepted": 1.0,  # the proposer's trust in the partner who joined
    "jointop.declined": -0.5,  # the proposer's trust in the partner who refused
    "jointop.succeeded": 2.0,  # mutual, among the proposer and the partners who joined
    "jointop.partial": 0.5,
    "jointop.failed": -1.0,
    "action.raise_alert": -0.5,  # every other team's trust in the actor
    "action.deploy_forces": -1.5,
    "action.lower_alert": 0.5,
    "action.withdraw_forces": 1.0,
    "action.public_statement": 0.0,
    # Confidence-building measures: transparency about one's own forces, which the others
    # can check. Notice of an exercise is cheap (a letter); opening one's forces to foreign
    # observers, or one's holdings and movements to the neighbours, costs what it shows.
    "action.notify_exercise": 0.5,
    "action.invite_observers": 1.0,
    "action.exchange_data": 1.0,
}
RULES = tuple(DEFAULT_WEIGHTS)


def _movements(
    events: Iterable[dict[str, Any]], teams: list[str], overrides: dict[str, float] | None
) -> Iterator[tuple[dict[str, Any], str, str, str, float]]:
    """(event, rule, truster, trusted, weight) for every move that changes a cell."""
    weights = DEFAULT_WEIGHTS | (overrides or {})
    known = set(teams)
    for event in events:
        for rule, truster, trusted in trust_moves(event, teams):
            weight = weights.get(rule, 0.0)
            if weight and truster in known and trusted in known and truster != trusted:
                yield event, rule, truster, trusted, weight


def _empty(teams: list[str]) -> dict[str, dict[str, float]]:
    return {a: {b: 0.0 for b in teams if b != a} for a in teams}


def trust_matrix(
    events: list[dict[str, Any]], teams: list[str], overrides: dict[str, float] | None = None
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, list[dict[str, Any]]]]]:
    """The matrix and, for every cell, the events that moved it and by how much."""
    matrix = _empty(teams)
    breakdown: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for event, rule, truster, trusted, weight in _movements(events, teams, overrides):
        matrix[truster][trusted] += weight
        breakdown[truster][trusted].append({"seq": event["seq"], "rule": rule, "weight": weight})
    return matrix, {a: dict(cells) for a, cells in breakdown.items()}


def trust_snapshots(
    events: list[dict[str, Any]], teams: list[str], times: list[float], overrides: dict[str, float] | None = None
) -> list[dict[str, Any]]:
    """The matrix as it stood at each of the ascending exercise ``times``, in one pass."""
    matrix = _empty(teams)
    snapshots: list[dict[str, Any]] = []
    pending = iter(times)
    due = next(pending, None)
    for event, _rule, truster, trusted, weight in _movements(events, teams, overrides):
        while due is not None and event["exercise_time"] > due:
            snapshots.append({"exercise_time": due, "trust": copy.deepcopy(matrix)})
            due = next(pending, None)
        matrix[truster][trusted] += weight
    while due is not None:
        snapshots.append({"exercise_time": due, "trust": copy.deepcopy(matrix)})
        due = next(pending, None)
    return snapshots
