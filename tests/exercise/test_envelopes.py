"""The envelopes a reader gets after a seq: each one's prev is the reader's previous
visible event, whichever way it is worked out (from the cursor, or by scanning)."""

import pytest
from django.db import transaction

from exercise import events, exercises
from exercise.envelopes import visible_after
from exercise.event_data import InjectReleasedData, NoteData
from exercise.models import Event

pytestmark = pytest.mark.django_db


def test_every_after_gives_the_previous_visible_event_as_prev(facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    teams = {team.key: team for team in exercise.teams.all()}
    plan = [
        (Event.Audience.TEAMS, ["ARC"]),
        (Event.Audience.STAFF, []),
        (Event.Audience.EVERYONE, []),
        (Event.Audience.TEAMS, ["BOR", "CAL"]),
        (Event.Audience.TEAMS, ["ARC", "CAL"]),
        (Event.Audience.STAFF, []),
    ]
    note = ("note.added", NoteData(text="seen by staff", team=None, author="Evaluator"))
    for n, (audience, keys) in enumerate(plan):
        inject = InjectReleasedData(
            key=f"X{n}", title="An inject", kind="other", severity="low", body="", body_html="", to=keys, due_at=None
        )
        kind, data = note if audience == Event.Audience.STAFF else ("inject.released", inject)
        with transaction.atomic():
            events.append(
                exercise=exercise,
                kind=kind,
                actor=None,
                data=data,
                audience=audience,
                recipients=[teams[key] for key in keys],
            )
    log = list(Event.objects.filter(exercise=exercise).order_by("seq").prefetch_related("recipients"))
    last = log[-1].seq

    def seen_by(team):  # type: ignore[no-untyped-def]
        return [
            event.seq
            for event in log
            if team is None
            or event.audience == Event.Audience.EVERYONE
            or (event.audience == Event.Audience.TEAMS and team in event.recipients.all())
        ]

    for team in [None, *teams.values()]:
        visible = seen_by(team)
        for after in range(last + 2):
            envelopes = list(visible_after(exercise, team, after))
            assert [e["seq"] for e in envelopes] == [seq for seq in visible if seq > after]
            expected_prevs = [max([0, *(seq for seq in visible if seq < e["seq"])]) for e in envelopes]
            assert [e["prev"] for e in envelopes] == expected_prevs, (team, after)
