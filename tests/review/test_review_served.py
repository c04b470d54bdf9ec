"""The review's exports as production serves them: the printer's Celery worker prints the
PDF when an exercise ends, and uvicorn streams the JSON review and events.csv.

Transactional, unlike the other review modules: the worker and the server read what the
test commits. It plays no module-wide run, so its flush takes nothing from the others."""

import http.client

import pytest
from django.test import Client

from exercise import evaluation
from exercise.models import ReviewPdf
from facilitator.review_pdf import Prints
from tests import builders
from tests.engine import assert_no_task_failures, inject, running_exercise, transition
from tests.processes import wait_ready, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

SCRIPTED = [inject("I1", at="0s"), inject("I2", at="1s")]


def staff_client(member: builders.Staff) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_ending_an_exercise_has_the_printer_print_the_review_served_as_kept(facilitator, start_worker):
    clock, printer = start_worker("clock"), start_worker("printer", queues="prints")
    wait_ready(clock, printer)
    exercise = running_exercise(facilitator, SCRIPTED)
    ended = transition(facilitator, exercise, "end")

    wait_until(lambda: ReviewPdf.objects.filter(exercise=ended).exists(), 60, lambda: printer.text()[-3000:])
    kept = ReviewPdf.objects.get(exercise=ended)
    assert kept.last_seq == ended.last_seq
    assert printer.succeeded("facilitator.tasks.print_review") == 1
    # The print went to the printer's queue alone: the clock's worker never held it.
    assert "Task facilitator.tasks.print_review[" not in clock.text()
    assert_no_task_failures(clock, printer)

    printed = Prints.count
    response = staff_client(facilitator).get(f"/exercises/{ended.pk}/review.pdf")
    assert response.status_code == 200
    assert response.content == bytes(kept.pdf)
    assert Prints.count == printed  # the worker's print, not one of this process

    note = evaluation.add_note(caller=facilitator.caller, exercise_id=ended.pk, text="After the end.")
    again = staff_client(facilitator).get(f"/exercises/{ended.pk}/review.pdf")
    assert again.status_code == 200 and again.content != bytes(kept.pdf)
    assert Prints.count == printed + 1
    assert ReviewPdf.objects.get(exercise=ended).last_seq == note.seq


def read_streamed(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], list[bytes]]:
    """The status, the headers and the body's chunks as uvicorn sent them (chunked transfer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        chunks = []
        while chunk := response.read1(1 << 20):
            chunks.append(chunk)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, chunks
    finally:
        connection.close()


def test_uvicorn_streams_the_review_and_the_csv_as_the_test_client_reads_them(facilitator, start_server):
    server = start_server()
    exercise = transition(facilitator, running_exercise(facilitator, SCRIPTED), "end")
    staff = staff_client(facilitator)
    cookie = {"Cookie": f"sessionid={staff.cookies['sessionid'].value}"}
    bearer = {"Authorization": f"Bearer {facilitator.token}"}
    exports = {
        f"/api/v1/exercises/{exercise.pk}/review": bearer,
        f"/exercises/{exercise.pk}/events.csv": cookie,
    }
    for path, headers in exports.items():
        status, sent, chunks = read_streamed(server.port, path, headers)
        assert status == 200, (path, b"".join(chunks)[:300])
        assert sent.get("transfer-encoding") == "chunked" and "content-length" not in sent, sent
        assert b"".join(chunks) == builders.whole(staff.get(path, headers=headers)).content, path

    # Refused before the first byte: a whole error answer, not a stream cut short.
    status, _, body = read_streamed(server.port, f"/api/v1/exercises/{exercise.pk + 1000}/review", bearer)
    assert status == 404 and b'"error"' in b"".join(body)
