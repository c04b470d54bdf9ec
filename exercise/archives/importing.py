"""An archive imported as a new ended exercise: checked against its manifest and its hash
chain, then written in one transaction, so that a refused archive leaves nothing behind."""

import hashlib
import json
from typing import Any

from django.db import transaction

from exercise import exercises
from exercise.archives import fields as f
from exercise.archives import layout, log_import
from exercise.archives.unzipping import unpacked_files
from exercise.archives.written_parts import Restorer
from exercise.errors import Invalid, Problem
from exercise.models import Exercise, Scenario
from exercise.roles import Caller, Role, require_role
from exercise.scenario_document import export_document, validate_document
from exercise.scenarios import import_scenario, scenario_spec

IMPORTED_KEY = "-imported"


def import_archive(*, caller: Caller, body: bytes) -> Exercise:
    require_role(caller, Role.FACILITATOR)
    files = unpacked_files(body)
    manifest = f.mapping(f.parsed(files[layout.MANIFEST], "manifest"), "manifest")
    _check_format(manifest)
    hashes = f.mapping(manifest.get("files"), "manifest/files")
    for name in layout.FILES:
        if name != layout.EVENTS:
            _check_file(files, hashes, name)
    documents = {name: f.parsed(files[name], name) for name in layout.FILES if name != layout.EVENTS}
    events = log_import.read_lines(files[layout.EVENTS])
    with transaction.atomic():
        exercise = _new_exercise(caller, documents, len(events))
        head = log_import.write(exercise, events)
        _check_file(files, hashes, layout.EVENTS)
        _check_manifest(manifest, documents, events, head)
        _restore(exercise, documents)
    return exercise


def _check_format(manifest: dict[str, Any]) -> None:
    if manifest.get("format") != layout.FORMAT:
        raise f.problem("manifest/format", f"not {layout.FORMAT}")
    if manifest.get("version") != layout.VERSION:
        raise f.problem("manifest/version", f"this Parley reads version {layout.VERSION}")


def _check_file(files: dict[str, bytes], hashes: dict[str, Any], name: str) -> None:
    if hashlib.sha256(files[name]).hexdigest() != hashes.get(name):
        raise f.problem(f"manifest/files/{name}", f"{name} does not match the SHA-256 the manifest records for it")


def _check_manifest(
    manifest: dict[str, Any], documents: dict[str, Any], events: list[tuple[str, dict[str, Any]]], head: str | None
) -> None:
    """Every figure of the manifest against what the archive holds."""
    written = f.mapping(manifest.get("chain"), "manifest/chain")
    if written.get("head") != head:
        raise f.problem("manifest/chain/head", "not the head of the log's hash chain")
    if written.get("events") != len(events):
        raise f.problem("manifest/chain/events", "not the number of events in the log")
    counts = f.mapping(manifest.get("counts"), "manifest/counts")
    for name, count in layout.COUNTED.items():
        listed = documents.get(name)
        actual = len(events) if name == layout.EVENTS else len(listed) if isinstance(listed, list) else None
        if counts.get(count) != actual:
            raise f.problem(f"manifest/counts/{count}", f"{name} holds {actual}")
    described = f.mapping(manifest.get("exercise"), "manifest/exercise")
    exercise = documents["exercise.json"]
    for field in sorted(set(described) | set(exercise)):
        if described.get(field) != exercise.get(field):
            raise f.problem(f"manifest/exercise/{field}", "differs from exercise.json")


def _new_exercise(caller: Caller, documents: dict[str, Any], event_count: int) -> Exercise:
    row = f.mapping(documents["exercise.json"], "exercise.json")
    if row.get("status") != Exercise.Status.ENDED:
        raise f.problem("exercise.json/status", "an archive holds an ended exercise")
    if row.get("last_seq") != event_count:
        raise f.problem("exercise.json/last_seq", "not the last seq of the log")
    name = f.text(row, "name", "exercise.json", limit=exercises.NAME_LIMIT, empty=False)
    speed = f.number(row, "speed", "exercise.json")
    state = {
        "status": Exercise.Status.ENDED,
        "clock_base": f.number(row, "exercise_time", "exercise.json"),
        "started_at": f.optional_moment(row, "started_at", "exercise.json"),
        "ended_at": f.optional_moment(row, "ended_at", "exercise.json"),
        "last_seq": event_count,
    }
    scenario = _scenario(caller, documents["scenario.json"])
    try:
        return exercises.create_record(caller=caller, scenario=scenario, name=name, speed=speed, state=state)
    except Invalid as exc:
        raise _within("exercise.json", exc) from exc


def _scenario(caller: Caller, document: Any) -> Scenario:
    """The archive's scenario: the library's own when one with its key is identical, else
    stored anew, under the key with -imported (and a number, if need be) when it is taken."""
    try:
        spec = validate_document(document)
    except Invalid as exc:
        raise _within("scenario.json", exc) from exc
    key = spec["key"]
    existing = Scenario.objects.filter(key=key).first()
    if existing is not None and _same(export_document(scenario_spec(existing)), export_document(spec)):
        return existing
    taken = set(Scenario.objects.filter(key__startswith=key[:50]).values_list("key", flat=True))
    if key in taken:
        base = key[:50] + IMPORTED_KEY
        key = next(k for k in (base, *(f"{base}-{n}" for n in range(2, 10_000))) if k not in taken)
    return import_scenario(caller=caller, document={**document, "key": key})


def _same(one: Any, other: Any) -> bool:
    return json.dumps(one, sort_keys=True, default=str) == json.dumps(other, sort_keys=True, default=str)


def _within(name: str, exc: Invalid) -> Invalid:
    details: list[Problem] = [{"path": f"{name}/{d['path']}", "message": d["message"]} for d in exc.details]
    return Invalid(f"{name}: {exc.message}", details or [{"path": name, "message": exc.message}])


def _restore(exercise: Exercise, documents: dict[str, Any]) -> None:
    restorer = Restorer(exercise)
    restorer.teams_and_players(f.listing(documents["teams.json"], "teams.json"))
    restorer.injects(f.listing(documents["injects.json"], "injects.json"))
    restorer.media(f.listing(documents["media.json"], "media.json"))
    restorer.ratings(f.listing(documents["ratings.json"], "ratings.json"))
    restorer.findings(f.listing(documents["findings.json"], "findings.json"))
    restorer.hotwash(f.listing(documents["hotwash.json"], "hotwash.json"))
    restorer.improvements(f.listing(documents["improvements.json"], "improvements.json"))
    restorer.feedback(f.listing(documents["feedback.json"], "feedback.json"))
    restorer.audit(f.listing(documents["audit.json"], "audit.json"))
