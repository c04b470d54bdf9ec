"""The review's long exports leave while they are being made: the JSON review and
events.csv are streamed, their first bytes sent before the log is read, with the bodies
they had when they were made whole; and the PDF is printed once per state of what it
shows, then served as kept."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from exercise import evaluation
from exercise.models import ReviewPdf
from exercise.review import event_rows, plan, report
from facilitator.review_pdf import Prints
from facilitator.review_schemas import ReviewOut
from tests import builders
from tests.review.conftest import staff_client

pytestmark = pytest.mark.django_db


def read_the_log(queries: CaptureQueriesContext) -> bool:
    return any("exercise_event" in query["sql"] for query in queries.captured_queries)


def test_the_streamed_review_is_the_body_the_schema_gave(karst_run):
    caller = karst_run.facilitator.caller
    # What the API answered when it rendered the review whole: the schema's dump, as ninja writes it.
    whole = ReviewOut.model_validate(report.review(caller=caller, exercise=karst_run.fresh())).model_dump()
    expected = json.dumps(whole, cls=NinjaJSONEncoder).encode()
    cache.clear()

    response = builders.ApiClient(staff_client(karst_run.facilitator)).client.get(
        f"/api/v1/exercises/{karst_run.exercise.pk}/review"
    )

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as before_the_log:
        head = next(chunks)
    assert head.startswith(b'{"classification": ')
    assert not read_the_log(before_the_log)
    rest = list(chunks)
    assert len(rest) >= 3  # the summary, the timeline, the close
    assert head + b"".join(rest) == expected


def test_the_csv_header_leaves_before_the_log_is_read(karst_run):
    cache.clear()
    response = staff_client(karst_run.facilitator).get(f"/exercises/{karst_run.exercise.pk}/events.csv")

    assert response.status_code == 200 and response.streaming
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as before_the_log:
        header = next(chunks)
    assert header.decode() == ",".join(event_rows.COLUMNS) + "\r\n"
    assert not read_the_log(before_the_log)
    assert len(b"".join(chunks).decode().splitlines()) >= karst_run.fresh().last_seq


def test_a_refused_export_is_refused_before_any_byte(karst_run):
    member = builders.staff("facilitator", assigned=False)
    assert staff_client(member).get(f"/exercises/{karst_run.exercise.pk}/events.csv").status_code == 404
    refused = builders.ApiClient(staff_client(member)).get(f"/api/v1/exercises/{karst_run.exercise.pk}/review")
    assert refused.status_code == 404 and refused.json()["error"]["message"]


def download(run) -> bytes:
    response = staff_client(run.facilitator).get(f"/exercises/{run.exercise.pk}/review.pdf")
    assert response.status_code == 200, response.content[:300]
    return response.content


def test_a_second_download_of_the_pdf_is_the_kept_print(karst_run):
    printed = Prints.count
    first = download(karst_run)
    assert Prints.count == printed + 1
    kept = ReviewPdf.objects.get(exercise=karst_run.exercise)
    assert (kept.last_seq, bytes(kept.pdf)) == (karst_run.fresh().last_seq, first)

    assert download(karst_run) == first
    assert Prints.count == printed + 1  # served as kept, not printed again


def test_a_new_note_prints_the_pdf_again(karst_run):
    download(karst_run)
    printed = Prints.count
    evaluator = builders.staff("evaluator")
    note = evaluation.add_note(caller=evaluator.caller, exercise_id=karst_run.exercise.pk, text="Seen late.")

    download(karst_run)

    assert Prints.count == printed + 1
    assert ReviewPdf.objects.get(exercise=karst_run.exercise).last_seq == note.seq


def test_findings_written_after_the_print_print_it_again(karst_run):
    """Findings are not events: the kept print's digest of the written parts tells."""
    before = download(karst_run)
    printed = Prints.count
    exercise = karst_run.fresh()
    plan.save_findings(
        caller=karst_run.facilitator.caller, exercise=exercise, objective="O1", strengths="Calm.", areas="Slow."
    )

    after = download(karst_run)

    assert Prints.count == printed + 1 and after != before
    assert ReviewPdf.objects.get(exercise=exercise).last_seq == exercise.last_seq  # the same log
