"""The log's hash chain: whole for a played run, whichever path wrote its events, and
broken at the seq of a row altered or removed behind the application's back."""

import hashlib
import io
from importlib import import_module

import pypdf
import pytest
from django.db import connection
from django.test import Client

from exercise.models import Event
from tests import builders
from tests.review.played import Played

pytestmark = pytest.mark.django_db


def verify(run: Played, token: str | None = None) -> tuple[int, dict]:
    api = builders.ApiClient(Client())
    response = api.get(f"/api/v1/exercises/{run.exercise.pk}/verify", token=token or run.facilitator.token)
    return response.status_code, response.json()


def test_a_played_run_verifies_from_seq_1_to_its_head(karst_run):
    status, answer = verify(karst_run)
    hashes = list(Event.objects.filter(exercise=karst_run.exercise).order_by("seq").values_list("hash", flat=True))
    assert status == 200
    assert answer == {"ok": True, "events": len(hashes), "head": hashes[-1], "first_bad_seq": None, "details": []}
    assert len(set(hashes)) == len(hashes)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)
    # The demo's hotline messages were written by the database function, the rest by append().
    assert Event.objects.filter(exercise=karst_run.exercise, kind="hotline.message").count() >= 3


def test_each_hash_covers_the_previous_hash_and_the_canonical_event(karst_run):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, hash, parley_event_canonical(seq, at, exercise_time, kind, actor, audience, data) "
            "FROM exercise_event WHERE exercise_id = %s ORDER BY seq",
            [karst_run.exercise.pk],
        )
        rows = cursor.fetchall()
    previous = ""
    for _, stored, canonical in rows:
        assert stored == hashlib.sha256((previous + canonical).encode()).hexdigest()
        previous = stored


def test_a_staff_token_of_any_role_verifies_and_a_players_is_refused(karst_run):
    observer = builders.staff("observer")
    assert verify(karst_run, observer.token)[0] == 200
    status, answer = verify(karst_run, karst_run.players["DRV"].token)
    assert status == 403
    assert answer["error"]["code"] == "forbidden"


def _middle_seq(run: Played, kind: str) -> int:
    seqs = list(Event.objects.filter(exercise=run.exercise, kind=kind).order_by("seq").values_list("seq", flat=True))
    return seqs[len(seqs) // 2]


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE exercise_event SET data = jsonb_set(data, '{text}', '\"Nothing happened.\"') "
        "WHERE exercise_id = %(exercise)s AND seq = %(seq)s",
        "UPDATE exercise_event SET exercise_time = exercise_time + 1 "
        "WHERE exercise_id = %(exercise)s AND seq = %(seq)s",
        "UPDATE exercise_event SET actor = '{\"system\": true}' WHERE exercise_id = %(exercise)s AND seq = %(seq)s",
    ],
    ids=["text", "time", "actor"],
)
def test_a_row_updated_behind_the_applications_back_is_reported_with_its_seq(karst_run, change):
    seq = _middle_seq(karst_run, "hotline.message")
    with connection.cursor() as cursor:
        cursor.execute(change, {"exercise": karst_run.exercise.pk, "seq": seq})
        assert cursor.rowcount == 1
    status, answer = verify(karst_run)
    assert status == 200
    assert (answer["ok"], answer["first_bad_seq"]) == (False, seq)
    assert answer["details"][0]["path"] == f"events/{seq}"


def test_a_row_updated_with_a_recomputed_hash_breaks_the_chain_at_the_next(karst_run):
    seq = _middle_seq(karst_run, "action.taken")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exercise_event SET data = jsonb_set(data, '{text}', '\"Calm.\"') "
            "WHERE exercise_id = %(exercise)s AND seq = %(seq)s; "
            "UPDATE exercise_event e SET hash = parley_event_hash("
            "(SELECT p.hash FROM exercise_event p WHERE p.exercise_id = e.exercise_id AND p.seq = e.seq - 1), "
            "e.seq, e.at, e.exercise_time, e.kind, e.actor, e.audience, e.data) "
            "WHERE exercise_id = %(exercise)s AND seq = %(seq)s",
            {"exercise": karst_run.exercise.pk, "seq": seq},
        )
    assert verify(karst_run)[1]["first_bad_seq"] == seq + 1


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_deleted_row_is_reported_with_its_seq(karst_run, which):
    last = karst_run.fresh().last_seq
    seq = {"first": 1, "middle": last // 2, "last": last}[which]
    Event.objects.filter(exercise=karst_run.exercise, seq=seq).delete()
    status, answer = verify(karst_run)
    assert (status, answer["ok"], answer["first_bad_seq"]) == (200, False, seq)
    assert answer["details"][0]["path"] == f"events/{seq}"
    assert "missing" in answer["details"][0]["message"]


def test_swapped_rows_are_reported_at_the_first(karst_run):
    a, b = 10, 20
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exercise_event SET seq = CASE seq WHEN %(a)s THEN 1000000 ELSE seq END "
            "WHERE exercise_id = %(exercise)s AND seq = %(a)s; "
            "UPDATE exercise_event SET seq = %(a)s WHERE exercise_id = %(exercise)s AND seq = %(b)s; "
            "UPDATE exercise_event SET seq = %(b)s WHERE exercise_id = %(exercise)s AND seq = 1000000",
            {"exercise": karst_run.exercise.pk, "a": a, "b": b},
        )
    assert verify(karst_run)[1]["first_bad_seq"] == a


def test_the_review_page_and_its_pdf_print_the_chain_head(karst_run):
    head = verify(karst_run)[1]["head"]
    client = Client()
    client.force_login(karst_run.facilitator.user)
    page = client.get(f"/exercises/{karst_run.exercise.pk}/review/")
    assert page.status_code == 200
    assert head in page.content.decode()
    pdf = client.get(f"/exercises/{karst_run.exercise.pk}/review.pdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert head in text.replace("\n", "").replace(" ", "")


def test_the_migrations_backfill_gives_the_hashes_the_trigger_gave(karst_run):
    backfill = import_module("exercise.migrations.0013_event_hash").BACKFILL
    written = verify(karst_run)[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exercise_event SET hash = '' WHERE exercise_id = %s", [karst_run.exercise.pk])
        assert verify(karst_run)[1]["first_bad_seq"] == 1
        cursor.execute(backfill)
    assert verify(karst_run)[1] == written


def test_a_row_restored_with_its_hash_keeps_it_and_a_forged_one_shows(karst_run):
    """A data-only restore loads rows with their hashes; a row forged with one is judged."""
    last = karst_run.fresh().last_seq
    with connection.cursor() as cursor:
        for seq, stored in ((last, None), (last - 1, "0" * 64)):
            cursor.execute(
                "CREATE TEMPORARY TABLE saved AS SELECT * FROM exercise_event WHERE exercise_id = %s AND seq = %s; "
                "DELETE FROM exercise_event WHERE id = (SELECT id FROM saved); "
                "UPDATE saved SET hash = coalesce(%s, hash); "
                "INSERT INTO exercise_event SELECT * FROM saved; DROP TABLE saved",
                [karst_run.exercise.pk, seq, stored],
            )
    assert verify(karst_run)[1]["first_bad_seq"] == last - 1
