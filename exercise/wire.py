"""The news wire: the scenario's scripted media items, items the control cell writes on
the spot, and every team's public statement, each a `media.published` event.

A scripted item is released by the inject engine (injects.release_due_injects) under the
exercise's row lock, and marked published in the same transaction as its event, so it
goes out once whatever the number of workers, retries and restarts, as an inject does.
"""

import html
from typing import Any

from exercise import clock, events, expectations
from exercise.cell import persona_by_key
from exercise.commands import (
    TITLE_LIMIT,
    Done,
    checked_text,
    free_key,
    idempotent,
    locked_exercise,
    teams_by_keys,
    under_way,
)
from exercise.errors import Invalid, TooLarge
from exercise.event_data import MediaData
from exercise.markdown_text import render_markdown
from exercise.models import Action, Event, Exercise, ExerciseMedia, Persona, Team
from exercise.roles import Caller, Role, require_role

# The keys of items written on the spot, W1, W2, ...: scripted items keep the scenario's.
SPOT_PREFIX = "W"
BODY_LIMIT = 20_000
STATEMENT_HEADLINE = "Public statement"


def publish_scripted(*, exercise: Exercise, row: ExerciseMedia) -> Event:
    """A pending scripted item, now; the caller holds the exercise's lock (the engine)."""
    item = row.item
    if item is None:  # never: only scripted rows wait
        raise ValueError(f"media item {row.key} has no script")
    teams = list(exercise.teams.all()) if item.to_all else list(exercise.teams.filter(key__in=item.to))
    persona = Persona.objects.filter(scenario=exercise.scenario_id, key=item.persona).first()
    row.persona, row.headline, row.body = item.persona, item.headline, item.body
    return _publish(
        exercise,
        row,
        outlet=persona.name if persona else item.persona,
        body_html=render_markdown(item.body),
        teams=teams,
        to_all=item.to_all,
        actor=None,
    )


def publish_on_the_spot(
    *,
    caller: Caller,
    exercise_id: int,
    persona: object,
    headline: object,
    body: object = "",
    to: object = "all",
    client_id: str | None = None,
) -> Done[ExerciseMedia]:
    """An item the control cell writes as one of the scenario's personas, out at once."""
    require_role(caller, Role.FACILITATOR)
    headline = checked_text(headline, limit=TITLE_LIMIT, path="headline", what="The headline")
    if not isinstance(body, str):
        raise Invalid("The body must be text.", [{"path": "body", "message": "Markdown text"}])
    if len(body) > BODY_LIMIT:
        raise TooLarge(
            f"The body is {len(body):,} characters; the limit is {BODY_LIMIT:,}.",
            [{"path": "body", "message": f"at most {BODY_LIMIT:,} characters"}],
        )

    def run() -> Done[ExerciseMedia]:
        exercise = under_way(locked_exercise(exercise_id))
        outlet = persona_by_key(exercise, persona)
        teams, to_all = _addressees(exercise, to)
        row = ExerciseMedia(
            exercise=exercise,
            key=_free_key(exercise),
            source=ExerciseMedia.Source.CELL,
            due_at=clock.exercise_time(exercise),
            persona=outlet.key,
            headline=headline,
            body=body,
        )
        event = _publish(
            exercise, row, outlet=outlet.name, body_html=render_markdown(body), teams=teams, to_all=to_all, actor=caller
        )
        return Done(row, event.seq)

    return idempotent(
        caller=caller, exercise_id=exercise_id, client_id=client_id, kind="media", model=ExerciseMedia, run=run
    )


def publish_statement(*, exercise: Exercise, caller: Caller, action: Action) -> Event:
    """A team's public statement on every team's wire, in the team's own words: escaped,
    never read as Markdown (only staff write Markdown)."""
    team = action.team
    row = ExerciseMedia(
        exercise=exercise,
        key=_free_key(exercise),
        source=ExerciseMedia.Source.TEAM,
        due_at=clock.exercise_time(exercise),
        persona=team.key,
        headline=STATEMENT_HEADLINE,
        body=action.text,
    )
    lines = html.escape(action.text).replace("\n", "<br>")
    body_html = f"<p>{lines}</p>"
    event = _publish(
        exercise,
        row,
        outlet=team.name,
        body_html=body_html,
        teams=list(exercise.teams.all()),
        to_all=True,
        actor=caller,
    )
    expectations.on_event(exercise=exercise, event=event)
    return event


def _publish(
    exercise: Exercise,
    row: ExerciseMedia,
    *,
    outlet: str,
    body_html: str,
    teams: list[Team],
    to_all: bool,
    actor: Caller | None,
) -> Event:
    row.status = ExerciseMedia.Status.PUBLISHED
    row.published_at = clock.now()
    row.to = [t.key for t in teams]
    row.save()
    return events.append(
        exercise=exercise,
        kind="media.published",
        actor=actor,
        data=MediaData(
            key=row.key,
            persona=row.persona,
            persona_name=outlet,
            headline=row.headline,
            body=row.body,
            body_html=body_html,
            to=row.to,
            source=row.source,
        ),
        audience=Event.Audience.EVERYONE if to_all else Event.Audience.TEAMS,
        recipients=teams,
    )


def _addressees(exercise: Exercise, to: Any) -> tuple[list[Team], bool]:
    """The teams an item goes to, and whether that is every team."""
    if to is None or to == "all":
        return list(exercise.teams.all()), True
    return teams_by_keys(exercise, to, "to"), False


def _free_key(exercise: Exercise) -> str:
    return free_key(SPOT_PREFIX, ExerciseMedia.objects.filter(exercise=exercise).values_list("key", flat=True))
