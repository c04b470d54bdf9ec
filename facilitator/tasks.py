"""Celery tasks of the facilitator's side: work a request should not wait for."""

from celery import shared_task

from facilitator import review_pdf


@shared_task(ignore_result=True)
def print_review(exercise_id: int) -> None:
    review_pdf.print_ended(exercise_id)
