"""Unilateral actions: the observable moves of a state, on the escalation ladder. A public
statement also goes out on the news wire."""

from exercise import clock, events, expectations, wire
from exercise.commands import MESSAGE_LIMIT, Done, acting_team, idempotent, live_exercise
from exercise.errors import Invalid, TooLarge
from exercise.event_data import ActionData
from exercise.models import Action, Event
from exercise.roles import Caller
from exercise.steps import ACTION_STEPS, LADDER

STEPS = ACTION_STEPS


def take(
    *, caller: Caller, exercise_id: int, kind: object, text: object = "", client_id: str | None = None
) -> Done[Action]:
    if kind not in STEPS:
        raise Invalid(f"Unknown action '{kind}'.", [{"path": "kind", "message": f"one of {', '.join(STEPS)}"}])
    if not isinstance(text, str):
        raise Invalid("The text must be text.", [{"path": "text", "message": "must be text"}])
    if kind == "public_statement" and not text.strip():
        raise Invalid("A public statement needs its text.", [{"path": "text", "message": "must not be empty"}])
    if len(text) > MESSAGE_LIMIT:
        raise TooLarge(f"The text is over {MESSAGE_LIMIT:,} characters.", [{"path": "text", "message": "too long"}])

    def run() -> Done[Action]:
        exercise = live_exercise(exercise_id)
        team = acting_team(caller, exercise)
        steps = STEPS | exercise.scenario.scoring.get("escalation", {})
        team.escalation = min(max(team.escalation + int(steps[kind]), 0), len(LADDER) - 1)
        team.save(update_fields=["escalation"])
        action = Action.objects.create(
            exercise=exercise,
            team=team,
            player=caller.player,
            kind=kind,
            text=text,
            escalation=team.escalation,
            taken_at=clock.now(),
        )
        event = events.append(
            exercise=exercise,
            kind="action.taken",
            actor=caller,
            data=ActionData(
                action=action.pk,
                team=team.key,
                kind=kind,
                text=text,
                escalation=team.escalation,
                rung=LADDER[team.escalation],
            ),
            audience=Event.Audience.EVERYONE,
        )
        expectations.on_event(exercise=exercise, event=event)
        if kind == "public_statement":
            wire.publish_statement(exercise=exercise, caller=caller, action=action)
        return Done(action, event.seq)

    return idempotent(caller=caller, exercise_id=exercise_id, client_id=client_id, kind="action", model=Action, run=run)
