"""Archives of a played run: the round trip gives the same log, review and chain head;
an altered archive is refused naming what changed; a hostile zip is a 4xx, never a 500."""

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from exercise import exercises
from exercise.models import Event, Exercise, Scenario, Team
from tests import builders
from tests.review.played import Played

pytestmark = pytest.mark.django_db

api = builders.ApiClient(Client())


def archive_of(run: Played) -> bytes:
    response = api.get(f"/api/v1/exercises/{run.exercise.pk}/archive", token=run.facilitator.token)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="parley-karst-pass-review-run-')
    return response.content


def send(run: Played, body: bytes, token: str | None = None):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/archives", body, token=token or run.facilitator.token, content_type="application/zip")


def unpacked(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def packed(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def log(exercise_id: int) -> list[tuple[Any, ...]]:
    fields = ("seq", "kind", "at", "exercise_time", "actor", "audience", "data", "hash")
    return list(Event.objects.filter(exercise_id=exercise_id).order_by("seq").values_list(*fields))


def review_of(run: Played, exercise_id: int) -> dict[str, Any]:
    response = api.get(f"/api/v1/exercises/{exercise_id}/review", token=run.facilitator.token)
    assert response.status_code == 200
    review = response.json()
    del review["exercise"]["id"]
    for row in review["hotwash"] + review["improvements"]:
        del row["id"]
    return review


def verified(run: Played, exercise_id: int) -> dict[str, Any]:
    return api.get(f"/api/v1/exercises/{exercise_id}/verify", token=run.facilitator.token).json()


def test_an_archive_imports_as_the_same_ended_exercise(karst_run):
    original = karst_run.exercise.pk
    body = archive_of(karst_run)
    response = send(karst_run, body)
    assert response.status_code == 201, response.content
    copy = response.json()["exercise_id"]
    assert copy != original
    imported = Exercise.objects.get(pk=copy)
    assert imported.status == Exercise.Status.ENDED
    assert log(copy) == log(original)
    assert review_of(karst_run, copy) == review_of(karst_run, original)
    assert verified(karst_run, copy) == verified(karst_run, original) | {"events": len(log(original))}
    assert verified(karst_run, copy)["ok"] is True
    fields = ("key", "title", "status", "due_at", "released_at", "skip_reason", "body_override", "severity_override")
    assert list(imported.injects.order_by("key").values_list(*fields)) == list(
        karst_run.exercise.injects.order_by("key").values_list(*fields)
    )
    fields = ("key", "source", "status", "due_at", "published_at", "persona", "headline", "body", "to")
    assert list(imported.media.order_by("key").values_list(*fields)) == list(
        karst_run.exercise.media.order_by("key").values_list(*fields)
    )
    # The same scenario, identical, is the library's own; the join codes are new.
    assert imported.scenario_id == karst_run.exercise.scenario_id
    old_codes = set(Team.objects.filter(exercise_id=original).values_list("join_code", flat=True))
    assert not old_codes & set(imported.teams.values_list("join_code", flat=True))
    # An archive of the copy holds the same log, chain and written parts.
    again = unpacked(archive_of(Played(imported, karst_run.facilitator, karst_run.players)))
    first = unpacked(body)
    for name in first:
        if name != "manifest.json":
            assert again[name] == first[name], name


def test_the_manifest_lists_every_file_with_its_hash_and_the_chain_head(karst_run):
    files = unpacked(archive_of(karst_run))
    manifest = json.loads(files["manifest.json"])
    events = files["events.jsonl"].decode().splitlines()
    assert manifest["format"] == "parley-exercise-archive"
    assert manifest["chain"] == {"events": len(events), "head": verified(karst_run, karst_run.exercise.pk)["head"]}
    assert manifest["counts"]["events"] == len(events) == karst_run.fresh().last_seq
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    last = json.loads(events[-1])
    assert last["hash"] == manifest["chain"]["head"]
    assert set(last) == {"seq", "kind", "at", "exercise_time", "actor", "audience", "recipients", "data", "hash"}
    assert len(json.loads(files["feedback.json"])) == 2
    assert json.loads(files["hotwash.json"])[0]["author"] == karst_run.facilitator.user.username


def test_a_changed_scenario_is_stored_under_a_fresh_key(karst_run):
    files = unpacked(archive_of(karst_run))
    Scenario.objects.filter(pk=karst_run.exercise.scenario_id).update(title="Retitled since")
    response = send(karst_run, packed(files))
    assert response.status_code == 201, response.content
    imported = Exercise.objects.select_related("scenario").get(pk=response.json()["exercise_id"])
    assert imported.scenario.key == "karst-pass-imported"
    assert imported.scenario.title != "Retitled since"


def _events(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in files["events.jsonl"].decode().splitlines()]


def _with_events(files: dict[str, bytes], events: list[dict[str, Any]]) -> dict[str, bytes]:
    return files | {"events.jsonl": "".join(json.dumps(e) + "\n" for e in events).encode()}


def _message_seq(files: dict[str, bytes]) -> int:
    return next(e["seq"] for e in _events(files) if e["kind"] == "hotline.message")


def changed_text(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    events, seq = _events(files), _message_seq(files)
    events[seq - 1]["data"]["text"] = "Nothing to report."
    return _with_events(files, events), f"events/{seq}"


def changed_text_and_its_hash(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    """The altered event's hash recomputed would need the next one's too: it breaks there."""
    altered, _ = changed_text(files)
    events, seq = _events(altered), _message_seq(files)
    events[seq - 1]["hash"] = "0" * 64
    return _with_events(files, events), f"events/{seq}"


def removed_event(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    events = _events(files)
    del events[20]
    return _with_events(files, events), "events/21"


def reordered_events(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    events = _events(files)
    events[10], events[11] = events[11], events[10]
    return _with_events(files, events), "events/11"


def renumbered_events(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    events = _events(files)
    events[10], events[11] = events[11] | {"seq": 11}, events[10] | {"seq": 12}
    return _with_events(files, events), "events/11"


def _manifest_edit(change: Any) -> Any:
    def edit(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
        manifest = json.loads(files["manifest.json"])
        path = change(manifest)
        return files | {"manifest.json": json.dumps(manifest).encode()}, path

    return edit


def _set(manifest: dict[str, Any], path: str, value: Any) -> str:
    *parents, last = path.split("/")
    target = manifest
    for part in parents:
        target = target[part]
    target[last] = value
    return f"manifest/{path}"


edited_head = _manifest_edit(lambda m: _set(m, "chain/head", "f" * 64))
edited_count = _manifest_edit(lambda m: _set(m, "counts/feedback", 3))
edited_name = _manifest_edit(lambda m: _set(m, "exercise/name", "Another run"))
edited_file_hash = _manifest_edit(lambda m: _set(m, "files/hotwash.json", "0" * 64))


def changed_hotwash(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    notes = json.loads(files["hotwash.json"])
    notes[0]["text"] = "All went well."
    return files | {"hotwash.json": json.dumps(notes).encode()}, "manifest/files/hotwash.json"


def changed_recipients(files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    events, seq = _events(files), _message_seq(files)
    events[seq - 1]["recipients"] = ["DRV", "SRK", "ULM", "ESM"]
    return _with_events(files, events), "manifest/files/events.jsonl"


@pytest.mark.parametrize(
    "tamper",
    [
        changed_text,
        changed_text_and_its_hash,
        removed_event,
        reordered_events,
        renumbered_events,
        edited_head,
        edited_count,
        edited_name,
        edited_file_hash,
        changed_hotwash,
        changed_recipients,
    ],
)
def test_an_altered_archive_is_refused_naming_what_changed(karst_run, tamper):
    files, path = tamper(unpacked(archive_of(karst_run)))
    before = Exercise.objects.count()
    response = send(karst_run, packed(files))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["details"][0]["path"] == path, error
    assert Exercise.objects.count() == before


def test_a_zip_bomb_is_refused_by_its_declared_size(karst_run, settings):
    settings.ARCHIVE_MAX_UNPACKED_BYTES = 1024 * 1024
    files = unpacked(archive_of(karst_run)) | {"notes.json": b"[" + b" " * (4 * 1024 * 1024) + b"]"}
    body = packed(files)
    assert len(body) < 64 * 1024
    response = send(karst_run, body)
    assert response.status_code == 413, response.content
    assert "unpacks to more than 1 MB" in response.json()["error"]["message"]


def test_a_zip_whose_header_understates_a_size_is_refused(karst_run, settings):
    """The central directory says 10 bytes; the stream holds 4 MB: reading stops at 10 bytes,
    whose checksum then fails."""
    settings.ARCHIVE_MAX_UNPACKED_BYTES = 1024 * 1024
    files = unpacked(archive_of(karst_run)) | {"notes.json": b"[" + b" " * (4 * 1024 * 1024) + b"]"}
    body = bytearray(packed(files))
    with zipfile.ZipFile(io.BytesIO(bytes(body))) as archive:
        info = archive.getinfo("notes.json")
    # notes.json's central directory entry: its uncompressed size (offset 24) set to 10.
    central = body.find(b"PK\x01\x02")
    while body[central + 46 : central + 46 + len(b"notes.json")] != b"notes.json":
        central = body.find(b"PK\x01\x02", central + 4)
    body[central + 24 : central + 28] = (10).to_bytes(4, "little")
    assert info.file_size > 1024 * 1024
    response = send(karst_run, bytes(body))
    assert response.status_code == 400, response.content
    assert "notes.json" in response.json()["error"]["message"], response.json()


@pytest.mark.parametrize("name", ["../manifest.json", "/etc/passwd", "teams/../../x.json", "C:\\boot.ini"])
def test_a_path_that_leaves_the_archive_is_refused(karst_run, name):
    files = unpacked(archive_of(karst_run)) | {name: b"[]"}
    response = send(karst_run, packed(files))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["details"][0]["path"] == name


@pytest.mark.parametrize(
    "body",
    [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 64, b'{"format": "parley-exercise-archive"}'],
    ids=["empty", "text", "broken zip", "json"],
)
def test_a_body_that_is_not_a_zip_is_refused(karst_run, body):
    response = send(karst_run, body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]


def test_a_truncated_archive_is_refused(karst_run):
    body = archive_of(karst_run)
    response = send(karst_run, body[: len(body) // 2])
    assert response.status_code == 400, response.content


def test_an_archive_missing_a_file_is_refused(karst_run):
    files = unpacked(archive_of(karst_run))
    del files["ratings.json"]
    response = send(karst_run, packed(files))
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["path"] == "ratings.json"


def test_an_archive_larger_than_the_limit_is_413(karst_run, settings):
    settings.ARCHIVE_MAX_BYTES = 4096
    response = send(karst_run, archive_of(karst_run))
    assert response.status_code == 413, response.content


def test_a_running_exercise_is_not_archived(karst_run):
    staff = karst_run.facilitator
    running = builders.exercise(staff.caller, karst_run.exercise.scenario)
    exercises.change_status(caller=staff.caller, exercise_id=running.pk, transition="start")
    response = api.get(f"/api/v1/exercises/{running.pk}/archive", token=staff.token)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"


@pytest.mark.parametrize("role", ["player", "evaluator", "observer"])
def test_only_a_facilitator_archives_and_imports(karst_run, role):
    token = karst_run.players["DRV"].token if role == "player" else builders.staff(role).token
    body = archive_of(karst_run)
    assert api.get(f"/api/v1/exercises/{karst_run.exercise.pk}/archive", token=token).status_code == 403
    assert send(karst_run, body, token=token).status_code == 403
    assert api.get(f"/api/v1/exercises/{karst_run.exercise.pk}/archive").status_code == 401


def unknown_kind(files: dict[str, bytes]) -> dict[str, bytes]:
    events = _events(files)
    events[4]["kind"] = "exercise.exploded"
    return _with_events(files, events)


def data_off_schema(files: dict[str, bytes]) -> dict[str, bytes]:
    events, seq = _events(files), _message_seq(files)
    events[seq - 1]["data"]["text"] = {"not": "text"}
    return _with_events(files, events)


@pytest.mark.parametrize(
    ("tamper", "path"), [(unknown_kind, "events/5/kind"), (data_off_schema, "events/{message}/data")]
)
def test_an_event_no_page_could_draw_is_refused_before_its_hash_is_checked(karst_run, tamper, path):
    files = unpacked(archive_of(karst_run))
    response = send(karst_run, packed(tamper(files)))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["details"][0]["path"] == path.format(message=_message_seq(files))


def test_an_archive_may_be_larger_than_any_other_body(karst_run, settings):
    body = archive_of(karst_run)
    settings.API_MAX_BODY_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body) // 2
    assert send(karst_run, body).status_code == 201
    scenario = api.post("/api/v1/scenarios", "x" * len(body), token=karst_run.facilitator.token)
    assert scenario.status_code == 413
