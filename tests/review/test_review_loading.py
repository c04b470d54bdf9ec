"""How the review reads the log: PostgreSQL's one-document read agrees with the ORM's, and
the cached copy follows the log as it grows."""

from django.contrib.auth import get_user_model

from exercise import evaluation, exercises
from exercise.demo import load_demo
from exercise.review import loading
from exercise.roles import caller_for_user


def test_the_json_read_equals_the_row_read_event_for_event(postgres):
    exercise = load_demo().played

    rows = loading._read_rows(exercise)

    assert len(rows) == exercise.events.count() > 40
    assert loading._read_as_json(exercise) == rows


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
