"""How the review reads the log: its paged read of plain columns gives what the ORM reads,
and the cached copy follows the log as it grows."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache

from exercise import evaluation, exercises
from exercise.demo import load_demo
from exercise.models import Event, Exercise
from exercise.review import loading
from exercise.roles import caller_for_user


def read_with_the_orm(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "seq": event.seq,
            "kind": event.kind,
            "at": event.at.isoformat(),
            "exercise_time": event.exercise_time,
            "actor": event.actor,
            "data": event.data,
            "audience": event.audience,
            "recipients": [team.key for team in event.recipients.order_by("order")],
        }
        for event in Event.objects.filter(exercise=exercise).order_by("seq")
    ]


def test_the_paged_read_equals_the_orm_read_event_for_event(db):
    exercise = load_demo().played

    rows = read_with_the_orm(exercise)

    assert len(rows) == exercise.events.count() > 40
    read = [{key: value for key, value in event.items() if key != "prev"} for event in loading._read(exercise)]
    assert read == rows
    # A whole number of seconds reads as an integer, as the review's JSON has always written it.
    assert [type(event["exercise_time"]) for event in read if event["exercise_time"] == 0] == [int]


def test_the_cached_log_gains_an_event_appended_after_it_was_read(db):
    demo = load_demo()
    exercise = demo.played
    before = loading.review_events(exercise)

    staff = caller_for_user(get_user_model().objects.get(username=demo.username))
    note = evaluation.add_note(caller=staff, exercise_id=exercise.pk, text="Seen after the end.")
    after = loading.review_events(exercises.get_exercise(exercise.pk))

    assert after[:-1] == before
    assert (after[-1]["seq"], after[-1]["prev"], after[-1]["data"]["text"]) == (
        note.seq,
        before[-1]["seq"],
        note.data["text"],
    )


def test_the_log_in_pages_is_the_log_read_whole(db):
    exercise = exercises.get_exercise(load_demo().played.pk)
    cache.clear()
    whole = loading._read(exercise)

    paged = list(loading.events_in_chunks(exercise, size=7))  # from the database, a page at a time
    cached = loading.review_events(exercise)
    from_the_cache = list(loading.events_in_chunks(exercise, size=7))

    assert len(whole) == exercise.last_seq > 40
    for chunks in (paged, from_the_cache):
        assert [len(chunk) for chunk in chunks[:-1]] == [7] * (len(chunks) - 1)
        assert [event for chunk in chunks for event in chunk] == whole == cached
