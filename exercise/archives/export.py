"""An ended exercise written out as one zip: its scenario, teams, log and everything staff
and players wrote about it, with a manifest that vouches for each file (docs/archives.md)."""

import hashlib
import io
import json
import zipfile
from typing import Any

from django.db import connection
from django.utils.text import slugify

from exercise import chain, clock
from exercise.archives import layout
from exercise.errors import InvalidState
from exercise.models import Exercise, ExerciseInject, ParticipantFeedback
from exercise.roles import Caller, Role, require_role
from exercise.scenario_document import export_document
from exercise.scenarios import scenario_spec


def archive(*, caller: Caller, exercise: Exercise) -> tuple[str, bytes]:
    """The archive's file name and bytes; only an ended exercise, whose log is complete."""
    require_role(caller, Role.FACILITATOR)
    if exercise.status != Exercise.Status.ENDED:
        raise InvalidState(f"Only an ended exercise can be archived; this one is {exercise.status}.")
    lines = _event_lines(exercise)
    documents: dict[str, Any] = {
        "exercise.json": exercise_fields(exercise),
        "scenario.json": export_document(scenario_spec(exercise.scenario)),
        "teams.json": _teams(exercise),
        "injects.json": _injects(exercise),
        "media.json": _media(exercise),
        "ratings.json": _ratings(exercise),
        "notes.json": _notes(lines),
        "findings.json": _findings(exercise),
        "hotwash.json": _hotwash(exercise),
        "improvements.json": _improvements(exercise),
        "feedback.json": _feedback(exercise),
        "audit.json": _audit(exercise),
    }
    contents = {name: _json_bytes(value) for name, value in documents.items()}
    contents[layout.EVENTS] = "".join(line + "\n" for line in lines).encode()
    counts = {count: len(documents[name]) for name, count in layout.COUNTED.items() if name != layout.EVENTS}
    counts["events"] = len(lines)
    manifest = {
        "format": layout.FORMAT,
        "version": layout.VERSION,
        "exercise": documents["exercise.json"],
        "counts": counts,
        "files": {name: hashlib.sha256(contents[name]).hexdigest() for name in layout.FILES},
        "chain": {"events": len(lines), "head": chain.head(exercise)},
        "written_at": clock.now().isoformat(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(layout.MANIFEST, _json_bytes(manifest))
        for name in layout.FILES:
            zipped.writestr(name, contents[name])
    filename = f"parley-{slugify(exercise.name)[:60] or 'exercise'}-{exercise.pk}.zip"
    return filename, buffer.getvalue()


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


def exercise_fields(exercise: Exercise) -> dict[str, Any]:
    """What the archive keeps of the exercise row itself (the manifest repeats it)."""
    return {
        "name": exercise.name,
        "status": exercise.status,
        "speed": exercise.speed,
        "started_at": exercise.started_at.isoformat() if exercise.started_at else None,
        "ended_at": exercise.ended_at.isoformat() if exercise.ended_at else None,
        "exercise_time": exercise.clock_base,
        "last_seq": exercise.last_seq,
    }


# PostgreSQL writes each event's line, so that ``data`` and ``actor`` leave as the jsonb the
# chain hashed, and an import reads them back into the same jsonb. Keys in the order a
# person reads them; ``exercise_time`` as float8's shortest exact text.
_EVENT_LINES = """
SELECT json_build_object(
    'seq', e.seq,
    'kind', e.kind,
    'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
    'exercise_time', e.exercise_time,
    'actor', e.actor,
    'audience', e.audience,
    'recipients', coalesce((
        SELECT json_agg(t.key ORDER BY t."order")
        FROM exercise_event_recipients r JOIN exercise_team t ON t.id = r.team_id
        WHERE r.event_id = e.id
    ), '[]'::json),
    'data', e.data,
    'hash', e.hash
)::text
FROM exercise_event e WHERE e.exercise_id = %(exercise)s ORDER BY e.seq
"""


def _event_lines(exercise: Exercise) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_EVENT_LINES, {"exercise": exercise.pk})
        return [row[0] for row in cursor.fetchall()]


def _teams(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "name": t.name,
            "order": t.order,
            "escalation": t.escalation,
            "last_visible_seq": t.last_visible_seq,
            "players": [{"name": p.name, "joined_at": p.joined_at.isoformat()} for p in t.players.all()],
        }
        for t in exercise.teams.prefetch_related("players")
    ]


def _injects(exercise: Exercise) -> list[dict[str, Any]]:
    rows: list[ExerciseInject] = list(exercise.injects.all())
    return [
        {
            "key": i.key,
            "title": i.title,
            "scripted": i.inject_id is not None,
            "status": i.status,
            "due_at": i.due_at,
            "released_at": i.released_at.isoformat() if i.released_at else None,
            "skip_reason": i.skip_reason,
            "body_override": i.body_override,
            "severity_override": i.severity_override,
        }
        for i in rows
    ]


def _media(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "key": m.key,
            "scripted": m.item_id is not None,
            "source": m.source,
            "status": m.status,
            "due_at": m.due_at,
            "published_at": m.published_at.isoformat() if m.published_at else None,
            "persona": m.persona,
            "headline": m.headline,
            "body": m.body,
            "to": m.to,
        }
        for m in exercise.media.all()
    ]


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _ratings(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "team": r.team.key,
            "objective": r.objective.key,
            "rating": r.rating,
            "note": r.note,
            "evaluator": _username(r.evaluator),
            "given_at": r.given_at.isoformat(),
        }
        for r in exercise.ratings.select_related("team", "objective", "evaluator")
    ]


def _notes(lines: list[str]) -> list[dict[str, Any]]:
    """The evaluators' observations, as the log holds them (note.added): a reader's copy."""
    events = (json.loads(line) for line in lines)
    return [
        {"seq": e["seq"], "exercise_time": e["exercise_time"], "actor": e["actor"], **e["data"]}
        for e in events
        if e["kind"] == "note.added"
    ]


def _findings(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "objective": f.objective.key,
            "strengths": f.strengths,
            "areas": f.areas,
            "updated_by": _username(f.updated_by),
            "updated_at": f.updated_at.isoformat(),
        }
        for f in exercise.findings.select_related("objective", "updated_by").order_by("objective__key")
    ]


def _hotwash(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {"text": n.text, "author": _username(n.author), "created_at": n.created_at.isoformat()}
        for n in exercise.hotwash_notes.select_related("author")
    ]


def _improvements(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "area": i.area,
            "action": i.action,
            "objective": i.objective.key if i.objective else None,
            "organisation": i.organisation,
            "owner": i.owner,
            "start": i.start.isoformat() if i.start else None,
            "due": i.due.isoformat(),
            "status": i.status,
            "created_by": _username(i.created_by),
            "created_at": i.created_at.isoformat(),
        }
        for i in exercise.improvements.select_related("objective", "created_by").order_by("created_at", "id")
    ]


def _feedback(exercise: Exercise) -> list[dict[str, Any]]:
    # Ordered by what the answers say, never by when: as the review lists them (anonymity).
    answers: list[ParticipantFeedback] = list(
        exercise.feedback.select_related("team").order_by(
            "team__order", "name", "realism", "usefulness", "went_well", "to_improve"
        )
    )
    return [
        {
            "team": a.team.key if a.team else None,
            "name": a.name,
            "realism": a.realism,
            "usefulness": a.usefulness,
            "went_well": a.went_well,
            "to_improve": a.to_improve,
            "created_on": a.created_on.isoformat(),
        }
        for a in answers
    ]


def _audit(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "who": entry.who_name,
            "at": entry.at.isoformat(),
            "subject": entry.subject,
            "target": entry.target,
            "action": entry.action,
            "before": entry.before,
            "after": entry.after,
        }
        for entry in exercise.audit.all()
    ]
