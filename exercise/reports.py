"""Situation reports: a team's written answer to an inject, for the team and staff."""

from exercise import clock, events, expectations
from exercise.commands import REPORT_LIMIT, Done, acting_team, checked_text, idempotent, live_exercise
from exercise.errors import Invalid
from exercise.event_data import ReportData
from exercise.models import Event, Exercise, ExerciseInject, Report, Team
from exercise.roles import Caller


def submit(
    *, caller: Caller, exercise_id: int, inject: object, text: object, client_id: str | None = None
) -> Done[Report]:
    text = checked_text(text, limit=REPORT_LIMIT, what="A report")

    def run() -> Done[Report]:
        exercise = live_exercise(exercise_id)
        team = acting_team(caller, exercise)
        if not isinstance(inject, str) or not _received(exercise, team, inject):
            raise Invalid(
                f"Your team has received no inject '{inject}'.",
                [{"path": "inject", "message": "the key of an inject your team received"}],
            )
        report = Report.objects.create(
            exercise=exercise,
            team=team,
            player=caller.player,
            inject_key=inject,
            text=text,
            submitted_at=clock.now(),
        )
        event = events.append(
            exercise=exercise,
            kind="report.submitted",
            actor=caller,
            data=ReportData(report=report.pk, inject=inject, team=team.key, text=text),
            audience=Event.Audience.TEAMS,
            recipients=[team],
        )
        expectations.on_event(exercise=exercise, event=event)
        return Done(report, event.seq)

    return idempotent(caller=caller, exercise_id=exercise_id, client_id=client_id, kind="report", model=Report, run=run)


def _received(exercise: Exercise, team: Team, key: str) -> bool:
    if not ExerciseInject.objects.filter(exercise=exercise, key=key, status=ExerciseInject.Status.RELEASED).exists():
        return False
    release = Event.objects.filter(exercise=exercise, kind="inject.released", data__key=key).first()
    return release is not None and (release.audience == Event.Audience.EVERYONE or team.key in release.data["to"])
