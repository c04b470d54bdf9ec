"""The control cell's threads with the teams: the facilitator writes as a persona to one
or more teams, and each team answers in its own thread, which no other team ever sees.

A team's thread holds the cell's messages to it and its own messages to the cell. A
message the cell writes to several teams is in each of their threads; a team's message
is addressed to the team's own key, so that it reaches staff and that team alone.
"""

from exercise import clock, events, expectations
from exercise.commands import (
    MESSAGE_LIMIT,
    Done,
    acting_team,
    checked_text,
    idempotent,
    locked_exercise,
    running,
    teams_by_keys,
    under_way,
)
from exercise.errors import Invalid, NotAllowed
from exercise.event_data import CellMessageData
from exercise.models import CellMessage, Event, Exercise, Persona, Team
from exercise.roles import Caller, Role, require_role
from exercise.scenario_cell import CELL


def write(
    *,
    caller: Caller,
    exercise_id: int,
    text: object,
    persona: object = None,
    to: object = None,
    client_id: str | None = None,
) -> Done[CellMessage]:
    """A message in the cell's threads: the facilitator writing as ``persona`` to the teams
    ``to``, or a player writing to the cell (to ``persona``, if one is named)."""
    if caller.role != Role.PLAYER:
        require_role(caller, Role.FACILITATOR)
    checked = checked_text(text, limit=MESSAGE_LIMIT, what="A message")

    def run() -> Done[CellMessage]:
        if caller.role == Role.PLAYER:
            return _from_team(caller, exercise_id, checked, persona, to)
        return _from_cell(caller, exercise_id, checked, persona, to)

    return idempotent(
        caller=caller, exercise_id=exercise_id, client_id=client_id, kind="cell.message", model=CellMessage, run=run
    )


def persona_by_key(exercise: Exercise, key: object) -> Persona:
    """One of the personas of the exercise's scenario; Invalid for any other key."""
    found = Persona.objects.filter(scenario=exercise.scenario_id, key=key).first() if isinstance(key, str) else None
    if found is None:
        known = ", ".join(Persona.objects.filter(scenario=exercise.scenario_id).values_list("key", flat=True))
        raise Invalid(
            f"The scenario has no persona '{key}'.",
            [{"path": "persona", "message": f"one of the scenario's personas: {known or 'it has none'}"}],
        )
    return found


def _from_cell(caller: Caller, exercise_id: int, text: str, persona: object, to: object) -> Done[CellMessage]:
    exercise = under_way(locked_exercise(exercise_id))
    if persona is None:
        raise Invalid("Say which persona the cell writes as.", [{"path": "persona", "message": "required"}])
    speaker = persona_by_key(exercise, persona)
    teams = teams_by_keys(exercise, to, "to")
    message = _store(exercise, caller, speaker, None, teams, text)
    return Done(message, _log(exercise, caller, message, speaker, teams).seq)


def _from_team(caller: Caller, exercise_id: int, text: str, persona: object, to: object) -> Done[CellMessage]:
    exercise = locked_exercise(exercise_id)
    team = acting_team(caller, exercise)  # before the state: an outsider learns nothing of it
    running(exercise)
    if to is not None and to != [team.key]:
        # A team's thread is its own: it cannot write into another team's.
        raise NotAllowed(
            "A team writes to the control cell only, in its own thread.",
            [{"path": "to", "message": f"leave it out, or [{team.key}]"}],
        )
    addressed = persona_by_key(exercise, persona) if persona is not None else None
    message = _store(exercise, caller, addressed, team, [team], text)
    event = _log(exercise, caller, message, addressed, [team])
    expectations.on_event(exercise=exercise, event=event)
    return Done(message, event.seq)


def _store(
    exercise: Exercise, caller: Caller, persona: Persona | None, team: Team | None, to: list[Team], text: str
) -> CellMessage:
    return CellMessage.objects.create(
        exercise=exercise,
        persona=persona.key if persona else "",
        team=team,
        to=[t.key for t in to],
        author=caller.name,
        text=text,
        sent_at=clock.now(),
    )


def _log(exercise: Exercise, caller: Caller, message: CellMessage, persona: Persona | None, to: list[Team]) -> Event:
    return events.append(
        exercise=exercise,
        kind="cell.message",
        actor=caller,
        data=CellMessageData(
            message=message.pk,
            persona=persona.key if persona else None,
            persona_name=persona.name if persona else None,
            from_=message.team.key if message.team else CELL,
            to=message.to,
            text=message.text,
        ),
        audience=Event.Audience.TEAMS,
        recipients=to,
    )
