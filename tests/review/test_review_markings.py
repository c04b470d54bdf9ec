"""The scenario's marking in what the review exports: at the head of the review's JSON, in
a column of every row of events.csv, and in the top and bottom margins of every page of the
PDF, as exercise documents are marked. The played Karst Pass run is of the demo scenario,
which is marked."""

import csv
import io

import pypdf
import pytest

from exercise import exercises
from tests import builders
from tests.review.conftest import staff_client

pytestmark = pytest.mark.django_db

MARKING = "EXERCISE EXERCISE EXERCISE - UNCLASSIFIED"
MM = 72 / 25.4  # PDF points per millimetre
TOP_MARGIN, BOTTOM_MARGIN = 20 * MM, 22 * MM  # review_pdf.html's @page margins


def review_json(client, member: builders.Staff, exercise_id: int) -> dict:
    response = builders.ApiClient(client).get(f"/api/v1/exercises/{exercise_id}/review", token=member.token)
    assert response.status_code == 200
    return response.json()


def pdf_pages(member: builders.Staff, exercise_id: int) -> list[pypdf.PageObject]:
    response = staff_client(member).get(f"/exercises/{exercise_id}/review.pdf")
    assert response.status_code == 200, response.content[:300]
    return list(pypdf.PdfReader(io.BytesIO(response.content)).pages)


def lines_by_height(page: pypdf.PageObject) -> list[tuple[float, str]]:
    """Each piece of text of the page with its baseline's height above the page's foot."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((cm[3] * tm[5] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture
def unmarked(facilitator):
    exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller))
    for transition in ("start", "end"):
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition=transition)
    return exercise


def test_the_review_json_leads_with_the_marking(karst_run, facilitator, unmarked):
    review = review_json(staff_client(karst_run.facilitator), karst_run.facilitator, karst_run.exercise.pk)
    assert next(iter(review)) == "classification"
    assert review["classification"] == MARKING
    assert review_json(staff_client(facilitator), facilitator, unmarked.pk)["classification"] is None


def test_every_row_of_events_csv_carries_the_marking(karst_run, facilitator, unmarked):
    def rows(member, exercise_id):
        response = staff_client(member).get(f"/exercises/{exercise_id}/events.csv")
        return list(csv.reader(io.StringIO(builders.whole(response).content.decode("utf-8"))))

    header, *marked = rows(karst_run.facilitator, karst_run.exercise.pk)
    assert header[-1] == "classification"
    assert marked and {row[-1] for row in marked} == {MARKING}
    _, *plain = rows(facilitator, unmarked.pk)
    assert plain and {row[-1] for row in plain} == {""}


def test_every_pdf_page_is_marked_in_its_top_and_bottom_margins(karst_run):
    pages = pdf_pages(karst_run.facilitator, karst_run.exercise.pk)
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        height = float(page.mediabox.height)
        marks = [y for y, text in lines_by_height(page) if text == MARKING]
        assert any(y > height - TOP_MARGIN for y in marks), f"page {number} has no marking at its head: {marks}"
        assert any(y < BOTTOM_MARGIN for y in marks), f"page {number} has no marking at its foot: {marks}"
        texts = [text for _, text in lines_by_height(page)]
        assert f"Page {number} of {len(pages)}" in texts
        assert ("After-action report · Karst Pass review run" in texts) == (number > 1)  # not on the cover


def test_an_unmarked_pdf_has_page_numbers_and_no_marking(facilitator, unmarked):
    pages = pdf_pages(facilitator, unmarked.pk)
    text = "\n".join(page.extract_text() for page in pages)
    assert "EXERCISE" not in text and "UNCLASSIFIED" not in text
    assert f"Page {len(pages)} of {len(pages)}" in text
