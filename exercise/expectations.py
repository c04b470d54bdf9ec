"""The live expectation engine: opens checks when an inject goes out, decides them from
team events and from the clock, and fires the ``met``/``missed`` triggers.

Decisions are staff-only events naming the seq that decided them (none for a deadline).
A restraint is decided the other way round (expectation_rules.on_act, on_deadline): its
forbidden act misses it, naming that act's seq, and its deadline meets it, naming none.
"""

from django.db import transaction
from django.db.models import Q

from exercise import clock, events, triggers
from exercise.event_data import ExpectationData
from exercise.expectation_rules import acting_teams, concerned_teams, is_past, meets, on_act, on_deadline
from exercise.models import Event, Exercise, ExerciseInject, ExpectationCheck, PendingDecision


def open_checks(*, exercise: Exercise, item: ExerciseInject, release: Event) -> None:
    """One check per team for ``each``, one for the group for ``any``, from this release."""
    if item.inject is None:
        return
    teams = {t.key: t for t in exercise.teams.all()}
    for expectation in item.inject.expectations.all():
        keys = concerned_teams(expectation.teams, release.data["to"])
        common = {
            "exercise": exercise,
            "expectation": expectation,
            "event_kind": expectation.event,
            "opens_at": release.exercise_time,
            "deadline": release.exercise_time + expectation.within,
        }
        if expectation.mode == "each":
            ExpectationCheck.objects.bulk_create(
                ExpectationCheck(team=teams[key], teams=[key], **common) for key in keys if key in teams
            )
        else:
            ExpectationCheck.objects.create(team=None, teams=keys, **common)


def on_event(*, event: Event, exercise: Exercise | None = None) -> None:
    """Decide the open checks a team's act meets: every service that appends a team's
    act calls this after the append, inside the event's transaction. A caller that has
    not loaded the exercise leaves it out: it is read only when a check is open.

    Deadlines the clock passed before this event are decided first, as the recompute
    does, even if the tick that would have noticed them has not run yet; and before
    them, any earlier event still pending its decisions.
    """
    if not event.open_checks:
        return
    envelope = _envelope(event)
    if not acting_teams(envelope):
        return
    exercise = exercise or Exercise.objects.get(pk=event.exercise_id)
    _drain_pending(exercise)
    _decide_for(exercise, event.seq, envelope)


def decide_pending(exercise_id: int) -> None:
    """Take the decisions of the events written without them (hotline messages answered
    on the event loop), in their own transaction under the exercise's lock."""
    with transaction.atomic():
        exercise = Exercise.objects.select_for_update(no_key=True).get(pk=exercise_id)
        _drain_pending(exercise)


def decide_deadlines(*, exercise: Exercise, ending: bool = False, as_of: float | None = None) -> int:
    """Decide every open check whose deadline has passed by ``as_of`` (default: now; every
    open one, when the exercise ends): missed, or met for a restraint; the caller holds the
    exercise lock. Events pending their decisions take them first: one may have met a
    check, or broken a restraint, in time."""
    _drain_pending(exercise)
    return _decide_deadlines(exercise, ending=ending, as_of=as_of)


def _drain_pending(exercise: Exercise) -> None:
    pending = PendingDecision.objects.filter(exercise=exercise).select_related("event").order_by("event__seq")
    for item in pending:
        _decide_for(exercise, item.event.seq, _envelope(item.event))
        item.delete()


def _envelope(event: Event) -> dict:
    return {"kind": event.kind, "actor": event.actor, "data": event.data, "exercise_time": event.exercise_time}


def _decide_for(exercise: Exercise, seq: int, envelope: dict) -> None:
    _decide_deadlines(exercise, as_of=envelope["exercise_time"])
    candidates = ExpectationCheck.objects.filter(
        exercise=exercise, status=ExpectationCheck.Status.OPEN, event_kind=envelope["kind"]
    ).select_related("expectation__inject", "team")
    for check in candidates:
        rule = {"event_kind": check.event_kind, "where": check.expectation.where, "teams": check.teams}
        by = meets(**rule, opens_at=check.opens_at, deadline=check.deadline, event=envelope)
        if by:
            _decide(exercise, check, on_act(check.expectation.restraint), decided_by=seq, acted_by=by)


def _decide_deadlines(exercise: Exercise, *, ending: bool = False, as_of: float | None = None) -> int:
    now = clock.exercise_time(exercise) if as_of is None else as_of
    overdue = [
        check
        for check in ExpectationCheck.objects.filter(exercise=exercise, status=ExpectationCheck.Status.OPEN)
        .select_related("expectation__inject", "team")
        .order_by("deadline", "id")
        if ending or is_past(check.deadline, now)
    ]
    for check in overdue:
        _decide(exercise, check, on_deadline(check.expectation.restraint))
    return len(overdue)


def next_deadline(exercise: Exercise) -> float | None:
    open_checks = ExpectationCheck.objects.filter(exercise=exercise, status=ExpectationCheck.Status.OPEN)
    return open_checks.order_by("deadline").values_list("deadline", flat=True).first()


def _decide(
    exercise: Exercise, check: ExpectationCheck, status: str, *, decided_by: int | None = None, acted_by: str = ""
) -> None:
    """``acted_by`` is the team whose act decided it: met an expectation, or broke a restraint."""
    check.status = status
    check.decided_by = decided_by
    check.acted_by = acted_by
    check.save(update_fields=["status", "decided_by", "acted_by"])
    expectation = check.expectation
    restraint = expectation.restraint
    kind = "expectation.met" if status == ExpectationCheck.Status.MET else "expectation.missed"
    decision = events.append(
        exercise=exercise,
        kind=kind,
        actor=None,
        data=ExpectationData(
            expectation=expectation.key,
            inject=expectation.inject.key,
            team=check.team.key if check.team else None,
            teams=check.teams,
            # An `any` restraint kept by the group is credited to each of its teams; the
            # team that broke one is named apart, so the miss stays the group's.
            met_by=None if restraint else acted_by or None,
            broken_by=(acted_by or None) if restraint else None,
            restraint=restraint,
            points=expectation.points if status == ExpectationCheck.Status.MET else 0,
            objective=expectation.objective.key if expectation.objective else None,
            deadline=check.deadline,
            decided_by=decided_by,
        ),
        audience=Event.Audience.STAFF,
    )
    siblings = ExpectationCheck.objects.filter(exercise=exercise, expectation=expectation)
    if status == ExpectationCheck.Status.MISSED:
        # {missed: E} fires when E is missed by at least one team it concerns.
        triggers.schedule_triggered(exercise=exercise, trigger="missed", ref=expectation.key, at=decision.exercise_time)
    elif not siblings.filter(~Q(status=ExpectationCheck.Status.MET)).exists():
        # {met: E} fires when E is met by every team it concerns.
        triggers.schedule_triggered(exercise=exercise, trigger="met", ref=expectation.key, at=decision.exercise_time)
