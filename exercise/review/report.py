"""The after-action review of one exercise, assembled from the log and what staff wrote.

Everything but the written parts is computed from the scenario and the log, so the
review can be shown at any moment, live or long after the end.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from exercise import audit, chain, clock
from exercise.catalogue import actor_name, is_key_move, rung_of, sentence
from exercise.errors import InvalidState
from exercise.models import Exercise
from exercise.review import analysis, feedback, plan, series
from exercise.review.loading import review_events, seen_by
from exercise.review.replay import state_at
from exercise.review.statements import joint_statements
from exercise.roles import Caller, require_in_exercise, require_player, require_staff
from exercise.scenarios import scenario_spec
from exercise.scoring import national, scoreboard


def timeline_row(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "seq": event["seq"],
        "at": event["at"],
        "exercise_time": event["exercise_time"],
        "kind": event["kind"],
        "actor": event["actor"],
        "by": actor_name(event["actor"]),
        "audience": event["audience"],
        "recipients": event["recipients"],
        "text": sentence(event),
        "data": event["data"],
    }


def _teams(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {"key": t.key, "name": t.name, "players": [p.name for p in t.players.all()]}
        for t in exercise.teams.prefetch_related("players")
    ]


@dataclass
class Source:
    """What the review is computed from, read once for all the parts a request draws."""

    last_seq: int
    spec: dict[str, Any]
    teams: list[dict[str, Any]]
    events: list[dict[str, Any]]
    _board: dict[str, Any] | None = None

    @property
    def board(self) -> dict[str, Any]:
        """The scoreboard of the whole log, computed on first use."""
        if self._board is None:
            self._board = scoreboard(self.spec, self.teams, self.events)
        return self._board


def source(exercise: Exercise) -> Source:
    """The review's inputs, kept on the exercise object while its log stays as read, so the
    page's review, timeline and replay share one read of the log and one scoreboard."""
    held: Source | None = vars(exercise).get("_review_source")
    if held is None or held.last_seq != exercise.last_seq:
        held = Source(exercise.last_seq, scenario_spec(exercise.scenario), _teams(exercise), review_events(exercise))
        vars(exercise)["_review_source"] = held  # on the instance, as functools.cached_property keeps its value
    return held


def written_parts(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    """What the review holds that is not in the log: written by staff (findings, the
    hotwash, the plan, the audit trail of their changes) and by players (feedback)."""
    require_staff(caller)
    return {
        "findings": plan.saved_findings(exercise),
        "hotwash": plan.hotwash_notes(exercise),
        "improvements": plan.improvements(caller=caller, exercise=exercise),
        "feedback": feedback.summary(exercise),
        "audit": audit.trail(caller=caller, exercise=exercise),
    }


def printed_from(*, caller: Caller, exercise: Exercise) -> tuple[int, str]:
    """What a printed review shows, short of the log itself: the last seq of the log, and
    a digest of everything else it is made of (the exercise, its scenario and teams, and
    the written parts), so that a print can be kept until one of them changes. The clock
    is part of it: a running exercise's review changes as its time passes."""
    require_staff(caller)
    outside_the_log = {
        "exercise": [exercise.name, exercise.status, exercise.speed, str(exercise.started_at), str(exercise.ended_at)],
        "duration": clock.exercise_time(exercise),
        "scenario": scenario_spec(exercise.scenario),
        "teams": _teams(exercise),
        "written": written_parts(caller=caller, exercise=exercise),
    }
    text = json.dumps(outside_the_log, sort_keys=True, default=str)
    return exercise.last_seq, hashlib.sha256(text.encode()).hexdigest()


def review(*, caller: Caller, exercise: Exercise, timeline: bool = True) -> dict[str, Any]:
    """Everything the review page shows; the timeline may be left out for pages that page it."""
    require_staff(caller)
    read = source(exercise)
    spec, events, board = read.spec, read.events, read.board
    teams = [
        team | {key: row[key] for key in ("total", "national", "regional", "escalation")}
        for team, row in zip(read.teams, board["teams"], strict=True)
    ]
    keys = [t["key"] for t in teams]
    overrides = spec.get("scoring", {}).get("trust")
    written = written_parts(caller=caller, exercise=exercise)
    result = {
        # The marking first, as on the first line of every exercise document; None for none.
        "classification": spec["classification"] or None,
        "exercise": {
            "id": exercise.pk,
            "name": exercise.name,
            "status": exercise.status,
            "speed": exercise.speed,
            "started_at": exercise.started_at.isoformat() if exercise.started_at else None,
            "ended_at": exercise.ended_at.isoformat() if exercise.ended_at else None,
            "duration": clock.exercise_time(exercise),
            "events": len(events),
        },
        "scenario": {"key": spec["key"], "title": spec["title"], "summary": spec["summary"]},
        "teams": teams,
        "objectives": analysis.objectives(spec, board, written["findings"]),
        "injects": analysis.inject_responses(spec, board, events),
        "scores": board,
        # Staff only, as the whole review: every team's brief beside its national results.
        "nations": national.nations(spec, board),
        "charts": {
            "end": max(series.end_time(events), clock.exercise_time(exercise)),
            "score": series.score_series(events, keys),
            "escalation": series.escalation_series(events, keys),
            "trust": series.trust_evolution(events, keys, overrides),
            "network": series.network(events, keys),
        },
        "statements": joint_statements(events),
        "notes": [timeline_row(e) for e in events if e["kind"] == "note.added"],
        "hotwash": written["hotwash"],
        "improvements": written["improvements"],
        "feedback": written["feedback"],
        # The log's hash chain as it stands: its head vouches for every event up to it.
        "chain": {"head": chain.head(exercise), "events": len(events)},
        "audit": written["audit"],
    }
    if timeline:
        result["timeline"] = [timeline_row(e) for e in events]
    return result


def timeline_in_chunks(*, caller: Caller, exercise: Exercise, size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    """The whole timeline as ``review`` gives it, ``size`` rows at a time."""
    require_staff(caller)
    events = source(exercise).events
    return ([timeline_row(e) for e in events[start : start + size]] for start in range(0, len(events), size))


def timeline(
    *,
    caller: Caller,
    exercise: Exercise,
    team: str | None = None,
    kind: str | None = None,
    after: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """The log filtered by a team (events it took part in or saw) and a kind or family:
    how many events match, and the first ``limit`` of them as rows."""
    require_staff(caller)
    matching = [
        event
        for event in source(exercise).events
        if event["seq"] > after
        and (not kind or event["kind"] == kind or event["kind"].split(".")[0] == kind)
        and (not team or event["actor"].get("team") == team or seen_by(event, team))
    ]
    return {"total": len(matching), "rows": [timeline_row(e) for e in matching[:limit]]}


# The printed report lists the moves (the catalogue's key moves), not every word of every
# channel, which stay in events.csv and on the review page.
PRINTED_EVENTS = 400


def key_events(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    """The moves the printed report lists: up to PRINTED_EVENTS of them, and how many more
    there were. An action counts when it moved its team on the ladder."""
    require_staff(caller)
    rungs: dict[str, int] = {}
    moves = []
    for event in source(exercise).events:
        if not is_key_move(event):
            continue
        if moved := rung_of(event):
            team, rung = moved
            if rungs.get(team, 0) == rung:
                continue
            rungs[team] = rung
        moves.append(event)
    return {
        "rows": [timeline_row(e) for e in moves[:PRINTED_EVENTS]],
        "left_out": max(len(moves) - PRINTED_EVENTS, 0),
    }


def replay(*, caller: Caller, exercise: Exercise, moment: float, team: str | None = None) -> dict[str, Any]:
    require_staff(caller)
    read = source(exercise)
    if team is not None and team not in {t["key"] for t in read.teams}:
        team = None
    return state_at(read.spec, read.teams, read.events, moment, team, whole_board=read.board)


def _as_seen(entry: dict[str, Any], events: list[dict[str, Any]], team: str) -> dict[str, Any]:
    """A decision as a team may read it: an `any` restraint broken by another team of the
    group was decided by an act this team may not have seen (a hotline message of others),
    whose words it is not told."""
    decided_by = entry["decided_by"]
    if decided_by is None or any(e["seq"] == decided_by and seen_by(e, team) for e in events):
        return entry
    return entry | {"explanation": "broken by another team of the group"}


def debrief(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    """A team's own review once the exercise has ended: what it saw, its expectations and ratings."""
    team = require_player(caller).team
    require_in_exercise(caller, exercise)
    if exercise.status != Exercise.Status.ENDED:
        raise InvalidState("The debrief opens when the exercise has ended.")
    key = team.key
    read = source(exercise)
    events = read.events
    row = next(r for r in read.board["teams"] if r["key"] == key)
    # The team's own brief and national results, never another team's.
    [own] = [nation for nation in national.nations(read.spec, read.board) if nation["key"] == key]
    objectives = {o["key"]: o["text"] for o in [*read.spec["objectives"], *own["brief"]["objectives"]]}
    return {
        "team": {"key": key, "name": team.name},
        "total": row["total"],
        "national": own,
        "expectations": [_as_seen(entry, events, key) for entry in row["expectations"]],
        "responsiveness": row["responsiveness"],
        "ratings": [
            {"objective": objective, "text": objectives.get(objective, ""), **rated}
            for objective, rated in row["ratings"].items()
        ],
        "timeline": [timeline_row(e) for e in events if seen_by(e, key)],
    }
