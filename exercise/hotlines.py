"""Hotlines: a direct line between two teams' defence establishments.

A call is requested, then accepted or declined; an open line carries messages both ways
until either side closes it. Between two teams one call at a time may be requested or
open. A facilitator can cut the line between two teams (an outage inject) and restore it.

Messages are the busy path: one writer, the database function behind hotline_statement,
writes them in one round trip, for this module and the event-loop layer alike; when it
writes nothing, this module only says why. So that two commands never wait for each
other's locks in turn, every command here that touches an existing hotline locks the
hotline before the exercise.
"""

from django.db import transaction
from django.db.models import Q, QuerySet

from exercise import clock, events, expectations, hotline_statement
from exercise.commands import (
    MESSAGE_LIMIT,
    Done,
    acting_team,
    checked_text,
    idempotent,
    live_exercise,
    running,
    team_by_key,
)
from exercise.errors import Invalid, InvalidState, NotAllowed, NotFound
from exercise.event_data import HotlineData, OutageData
from exercise.models import Event, Exercise, Hotline, HotlineOutage, Message, Team
from exercise.roles import Caller, Role, require_role

ACTIVE = (Hotline.Status.REQUESTED, Hotline.Status.OPEN)


def request_call(*, caller: Caller, exercise_id: int, to: object, client_id: str | None = None) -> Done[Hotline]:
    def run() -> Done[Hotline]:
        exercise = live_exercise(exercise_id)
        team = acting_team(caller, exercise)
        callee = team_by_key(exercise, to, "to")
        if callee == team:
            raise Invalid("A team cannot call itself.", [{"path": "to", "message": "another team's key"}])
        _refuse_if_cut(exercise, team, callee)
        if _between(exercise, team, callee).filter(status__in=ACTIVE).exists():
            raise InvalidState(f"A call between {team.key} and {callee.key} is already requested or open.")
        hotline = Hotline.objects.create(
            exercise=exercise, caller=team, callee=callee, requested_by=caller.player, requested_at=clock.now()
        )
        return Done(hotline, _log(exercise, hotline, "hotline.requested", caller).seq)

    return idempotent(
        caller=caller, exercise_id=exercise_id, client_id=client_id, kind="hotline", model=Hotline, run=run
    )


def answer_call(*, caller: Caller, hotline_id: int, accept: bool) -> Done[Hotline]:
    with transaction.atomic():
        hotline, exercise, team = _own_hotline(caller, hotline_id)
        if team != hotline.callee:
            raise NotAllowed("Only the team that is called answers the call.")
        if hotline.status != Hotline.Status.REQUESTED:
            raise InvalidState(f"This call is {hotline.status}; it can no longer be answered.")
        if accept:
            _refuse_if_cut(exercise, hotline.caller, hotline.callee)
        hotline.status = Hotline.Status.OPEN if accept else Hotline.Status.DECLINED
        hotline.answered_at = clock.now()
        hotline.save(update_fields=["status", "answered_at"])
        kind = "hotline.accepted" if accept else "hotline.declined"
        return Done(hotline, _log(exercise, hotline, kind, caller).seq)


def close_call(*, caller: Caller, hotline_id: int) -> Done[Hotline]:
    with transaction.atomic():
        hotline, exercise, _team = _own_hotline(caller, hotline_id)
        if hotline.status not in ACTIVE:
            raise InvalidState(f"This call is already {hotline.status}.")
        hotline.status = Hotline.Status.CLOSED
        hotline.closed_at = clock.now()
        hotline.save(update_fields=["status", "closed_at"])
        return Done(hotline, _log(exercise, hotline, "hotline.closed", caller).seq)


def send_message(*, caller: Caller, hotline_id: int, text: object, client_id: str | None = None) -> Done[Message]:
    text = checked_text(text, limit=MESSAGE_LIMIT, what="A message")

    def run() -> Done[Message]:
        sent = hotline_statement.send(caller, hotline_id, text) if caller.player is not None else None
        if sent is None:
            _open_line(caller, hotline_id)  # raises the refusal the function met
            raise InvalidState("The line changed while the message was sent; send it again.")
        events.recorded(sent.event, sent.stored)
        expectations.on_event(event=sent.event)
        return Done(sent.message, sent.event.seq)

    # A player's own exercise: the hotline must be in it, or the command is refused.
    exercise_id = caller.player.team.exercise_id if caller.player else 0
    return idempotent(
        caller=caller, exercise_id=exercise_id, client_id=client_id, kind="hotline.message", model=Message, run=run
    )


def _open_line(caller: Caller, hotline_id: int) -> tuple[Hotline, Team]:
    """The open hotline and the caller's team on it, or the refusal, in the order
    _own_hotline() gives them."""
    hotline = Hotline.objects.select_related("exercise", "caller", "callee").filter(pk=hotline_id).first()
    if hotline is None:
        raise NotFound(f"There is no hotline {hotline_id}.")
    team = _member(caller, hotline, running(hotline.exercise))
    if hotline.status != Hotline.Status.OPEN:
        raise InvalidState(f"This call is {hotline.status}; messages need an open line.")
    _refuse_if_cut(hotline.exercise, hotline.caller, hotline.callee)
    return hotline, team


def cut(*, caller: Caller, exercise_id: int, teams: object) -> Done[HotlineOutage]:
    """An outage: the line between two teams refuses calls and messages until restored."""
    require_role(caller, Role.FACILITATOR)
    with transaction.atomic():
        exercise = running(_exercise(exercise_id))
        if not isinstance(teams, list) or len(teams) != 2 or teams[0] == teams[1]:
            raise Invalid("Name the two teams whose line is cut.", [{"path": "teams", "message": "two team keys"}])
        a, b = (team_by_key(exercise, key, f"teams[{n}]") for n, key in enumerate(teams))
        # The call in progress first, then the exercise: messages lock in that order too.
        list(_between(exercise, a, b).filter(status__in=ACTIVE).select_for_update())
        exercise = live_exercise(exercise_id)
        if _outages(exercise, a, b).exists():
            raise InvalidState(f"The line between {a.key} and {b.key} is already cut.")
        outage = HotlineOutage.objects.create(exercise=exercise, team_a=a, team_b=b, started_at=clock.now())
        event = _log_outage(exercise, outage, "hotline.cut", caller)
        return Done(outage, event.seq)


def restore(*, caller: Caller, outage_id: int) -> Done[HotlineOutage]:
    require_role(caller, Role.FACILITATOR)
    with transaction.atomic():
        outage = HotlineOutage.objects.select_related("team_a", "team_b").filter(pk=outage_id).first()
        if outage is None:
            raise NotFound(f"There is no hotline outage {outage_id}.")
        exercise = live_exercise(outage.exercise_id)
        if outage.ended_at is not None:
            raise InvalidState("This outage has already ended.")
        outage.ended_at = clock.now()
        outage.save(update_fields=["ended_at"])
        return Done(outage, _log_outage(exercise, outage, "hotline.restored", caller).seq)


def _own_hotline(caller: Caller, hotline_id: int) -> tuple[Hotline, Exercise, Team]:
    """The hotline, locked, then its locked running exercise, and the caller's team, which
    must be on it."""
    lines = Hotline.objects.select_for_update(of=("self",)).select_related("caller", "callee")
    hotline = lines.filter(pk=hotline_id).first()
    if hotline is None:
        raise NotFound(f"There is no hotline {hotline_id}.")
    exercise = live_exercise(hotline.exercise_id)
    return hotline, exercise, _member(caller, hotline, exercise)


def _member(caller: Caller, hotline: Hotline, exercise: Exercise) -> Team:
    team = acting_team(caller, exercise)
    if team.pk == hotline.caller_id:
        return hotline.caller
    if team.pk == hotline.callee_id:
        return hotline.callee
    raise NotFound(f"There is no hotline {hotline.pk}.")  # others' calls are not even acknowledged


def _exercise(exercise_id: int) -> Exercise:
    exercise = Exercise.objects.filter(pk=exercise_id).first()
    if exercise is None:
        raise NotFound(f"There is no exercise {exercise_id}.")
    return exercise


def _between(exercise: Exercise, a: Team, b: Team) -> QuerySet[Hotline]:
    return Hotline.objects.filter(exercise=exercise).filter(Q(caller=a, callee=b) | Q(caller=b, callee=a))


def _outages(exercise: Exercise, a: Team, b: Team) -> QuerySet[HotlineOutage]:
    pair = Q(team_a=a, team_b=b) | Q(team_a=b, team_b=a)
    return HotlineOutage.objects.filter(exercise=exercise, ended_at__isnull=True).filter(pair)


def _refuse_if_cut(exercise: Exercise, a: Team, b: Team) -> None:
    if _outages(exercise, a, b).exists():
        raise InvalidState(f"The line between {a.key} and {b.key} is down.")


def _log(exercise: Exercise, hotline: Hotline, kind: str, caller: Caller) -> Event:
    """A call's event, and the expectations the calling or answering team's act meets."""
    event = events.append(
        exercise=exercise,
        kind=kind,
        actor=caller,
        data=HotlineData(hotline=hotline.pk, from_=hotline.caller.key, to=hotline.callee.key, status=hotline.status),
        audience=Event.Audience.TEAMS,
        recipients=[hotline.caller, hotline.callee],
    )
    expectations.on_event(exercise=exercise, event=event)
    return event


def _log_outage(exercise: Exercise, outage: HotlineOutage, kind: str, caller: Caller) -> Event:
    a, b = outage.team_a, outage.team_b
    # The call the outage touches, if one is requested or open, like every hotline.* event.
    current = _between(exercise, a, b).filter(status__in=ACTIVE).values_list("pk", flat=True).first()
    return events.append(
        exercise=exercise,
        kind=kind,
        actor=caller,
        data=OutageData(hotline=current, outage=outage.pk, from_=a.key, to=b.key, teams=[a.key, b.key]),
        audience=Event.Audience.TEAMS,
        recipients=[a, b],
    )
