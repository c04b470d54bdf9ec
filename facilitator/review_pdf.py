"""The review as a PDF, printed once per state of what it shows and kept (ReviewPdf).

Printing a long exercise takes WeasyPrint seconds (bench/review), so the print is kept in
the database beside its exercise with the last seq and the digest of the written parts it
was made from (report.printed_from); a download while both are unchanged is served from
it. A worker prints it as soon as an exercise ends (tasks.print_review), so the first
download after the end is usually served from it too; a download that finds none current
prints it in the request, as before, and keeps it.
"""

import logging

from django.utils import timezone

from exercise.models import Exercise, ReviewPdf
from exercise.review import report
from exercise.roles import Caller, Role
from facilitator import charts
from facilitator.pdf import PdfUnavailable, render_pdf

logger = logging.getLogger(__name__)

# Each printed page costs WeasyPrint about a tenth of a second; the report prints the
# first notes and points to the page and events.csv for the rest.
PRINTED_NOTES = 100
TEMPLATE = "facilitator/review_pdf.html"

# Who prints in the background: the review is staff-only, and the worker acts for staff.
PRINTER = Caller(role=Role.FACILITATOR)


class Prints:
    """How many PDFs this process has printed: what a test reads to tell a kept print
    from a new one."""

    count = 0


def review_pdf(*, caller: Caller, exercise: Exercise) -> bytes:
    """The kept print when it is current, else a new one, kept. PdfUnavailable without
    WeasyPrint's libraries."""
    last_seq, written = report.printed_from(caller=caller, exercise=exercise)
    kept = ReviewPdf.objects.filter(exercise=exercise, last_seq=last_seq, written=written).values_list("pdf", flat=True)
    for pdf in kept:
        return bytes(pdf)
    return _print(caller, exercise, last_seq, written)


def _print(caller: Caller, exercise: Exercise, last_seq: int, written: str) -> bytes:
    # Read after the key, so a print is never older than the key it is kept under: a write
    # meanwhile makes the next download print again, never serve a stale one.
    data = report.review(caller=caller, exercise=exercise, timeline=False)
    context = {
        "exercise": exercise,
        "review": data,
        "charts": charts.review_charts(data),
        "key_events": report.key_events(caller=caller, exercise=exercise),
        "notes_printed": PRINTED_NOTES,
        "notes_slice": f":{PRINTED_NOTES}",
    }
    pdf = render_pdf(TEMPLATE, context)
    Prints.count += 1
    row = ReviewPdf(exercise=exercise, last_seq=last_seq, written=written, pdf=pdf, built_at=timezone.now())
    # One row per exercise, replaced in one statement (INSERT ... ON CONFLICT): two prints
    # racing each leave a whole row, and the later one stays.
    replaced = ["last_seq", "written", "pdf", "built_at"]
    ReviewPdf.objects.bulk_create([row], update_conflicts=True, unique_fields=["exercise"], update_fields=replaced)
    return pdf


def print_ended(exercise_id: int) -> None:
    """What the worker does when an exercise has ended: print its review ahead of the first download."""
    try:
        exercise = Exercise.objects.select_related("scenario").get(pk=exercise_id)
    except Exercise.DoesNotExist:
        return  # deleted meanwhile: nothing to print
    try:
        review_pdf(caller=PRINTER, exercise=exercise)
    except PdfUnavailable:
        logger.warning("the review of exercise %s was not printed: WeasyPrint is unavailable", exercise_id)


def queue_print(exercise_id: int) -> None:
    """Ask a worker to print an ended exercise's review. Without a broker the first
    download prints it instead, so a failure to queue is logged, never raised: the end
    has committed and stands."""
    from facilitator.tasks import print_review  # the tasks import Celery, which imports this app

    try:
        print_review.apply_async((exercise_id,), retry=False)
    except Exception:
        logger.exception("could not queue the review print of exercise %s", exercise_id)


def when_ended(sender: object, exercise_id: int, **kwargs: object) -> None:
    queue_print(exercise_id)
