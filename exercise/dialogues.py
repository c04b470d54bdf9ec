"""Dialogues: multilateral meetings with statements, and joint statements adopted when
every participant has endorsed them.

The participants are the convener and the invitees, from the start; a facilitator may
convene a meeting of teams without being a participant. Proposing a statement endorses it;
amending it replaces its text and starts the endorsements again, the amender's first; a
team may endorse with a reservation, printed with the adopted statement.
"""

from typing import Any, Literal, overload

from exercise import clock, events, expectations
from exercise.commands import (
    MESSAGE_LIMIT,
    TITLE_LIMIT,
    Done,
    acting_team,
    checked_text,
    idempotent,
    live_exercise,
    teams_by_keys,
)
from exercise.errors import Invalid, InvalidState, NotFound
from exercise.event_data import (
    DialogueData,
    DialogueMessageData,
    EventData,
    StatementAmendedData,
    StatementData,
    StatementEndorsedData,
)
from exercise.models import Dialogue, Event, Exercise, Message, Statement, Team
from exercise.roles import Caller, Role

# A reservation qualifies a signature in a sentence or a paragraph, not a counter-draft
# (that is an amendment).
RESERVATION_LIMIT = 2_000


def convene(
    *, caller: Caller, exercise_id: int, title: object, invite: object, client_id: str | None = None
) -> Done[Dialogue]:
    title = checked_text(title, limit=TITLE_LIMIT, path="title", what="The title")

    def run() -> Done[Dialogue]:
        exercise = live_exercise(exercise_id)
        convener = None if caller.role == Role.FACILITATOR else acting_team(caller, exercise)
        invitees = [t for t in teams_by_keys(exercise, invite, "invite") if t != convener]
        participants = ([convener] if convener else []) + invitees
        if len(participants) < 2:
            raise Invalid("A dialogue needs at least two teams.", [{"path": "invite", "message": "invite others"}])
        dialogue = Dialogue.objects.create(exercise=exercise, title=title, convener=convener, convened_at=clock.now())
        dialogue.participants.set(participants)
        data = DialogueData(**_meeting(dialogue, participants))
        return Done(dialogue, _log(exercise, "dialogue.convened", caller, participants, data).seq)

    return idempotent(
        caller=caller, exercise_id=exercise_id, client_id=client_id, kind="dialogue", model=Dialogue, run=run
    )


def send_message(*, caller: Caller, dialogue_id: int, text: object, client_id: str | None = None) -> Done[Message]:
    text = checked_text(text, limit=MESSAGE_LIMIT, what="A message")

    def run() -> Done[Message]:
        dialogue, exercise, team, participants = _dialogue_for(caller, dialogue_id)
        message = Message.objects.create(
            exercise=exercise, dialogue=dialogue, team=team, author=caller.name, text=text, sent_at=clock.now()
        )
        data = DialogueMessageData(
            **_meeting(dialogue, participants), text=text, message=message.pk, from_=team.key if team else None
        )
        return Done(message, _log(exercise, "dialogue.message", caller, participants, data).seq)

    return idempotent(
        caller=caller,
        exercise_id=_exercise_of(dialogue_id),
        client_id=client_id,
        kind="dialogue.message",
        model=Message,
        run=run,
    )


def propose(*, caller: Caller, dialogue_id: int, text: object, client_id: str | None = None) -> Done[Statement]:
    text = checked_text(text, limit=MESSAGE_LIMIT, what="A statement")

    def run() -> Done[Statement]:
        dialogue, exercise, team, participants = _dialogue_for(caller, dialogue_id, team_only=True)
        statement = Statement.objects.create(dialogue=dialogue, text=text, proposer=team, proposed_at=clock.now())
        statement.endorsed_by.add(team)
        event = _log_statement(exercise, statement, "statement.proposed", caller, participants)
        _adopt_if_complete(exercise, statement, participants, caller)
        return Done(statement, event.seq)

    return idempotent(
        caller=caller,
        exercise_id=_exercise_of(dialogue_id),
        client_id=client_id,
        kind="statement",
        model=Statement,
        run=run,
    )


def endorse(
    *,
    caller: Caller,
    statement_id: int,
    reservation: object = None,
    version: object = None,
    client_id: str | None = None,
) -> Done[Statement]:
    """The caller's team endorses the statement's current text, with a reservation if it
    makes one; ``version``, when sent, is the text the team read: a text amended since is
    refused rather than endorsed unseen."""
    reservation = _checked_reservation(reservation)

    def run() -> Done[Statement]:
        statement, exercise, team, participants = _statement_for(caller, statement_id)
        if version is not None and version != statement.version:
            raise InvalidState(
                f"The statement was amended (it is at version {statement.version}); read the new text first."
            )
        if statement.endorsed_by.filter(pk=team.pk).exists():
            raise InvalidState(f"{team.key} has already endorsed this statement.")
        statement.endorsed_by.add(team)
        if reservation:
            statement.reservations = {**statement.reservations, team.key: reservation}
            statement.save(update_fields=["reservations"])
        data = StatementEndorsedData(**_statement_fields(statement, participants), reservation=reservation)
        event = _log(exercise, "statement.endorsed", caller, participants, data)
        _adopt_if_complete(exercise, statement, participants, caller)
        return Done(statement, event.seq)

    return idempotent(
        caller=caller,
        exercise_id=_exercise_of_statement(statement_id),
        client_id=client_id,
        kind="statement.endorse",
        model=Statement,
        run=run,
    )


def amend(*, caller: Caller, statement_id: int, text: object, client_id: str | None = None) -> Done[Statement]:
    """A participant rewrites a statement not yet adopted: the new text is endorsed by the
    amender alone (the proposer too must endorse it again), and reservations made on the
    old text lapse with it."""
    text = checked_text(text, limit=MESSAGE_LIMIT, what="A statement")

    def run() -> Done[Statement]:
        statement, exercise, team, participants = _statement_for(caller, statement_id)
        if text == statement.text:
            raise Invalid("The amendment leaves the text as it is.", [{"path": "text", "message": "change the text"}])
        previous = statement.text
        statement.text, statement.version, statement.reservations = text, statement.version + 1, {}
        statement.save(update_fields=["text", "version", "reservations"])
        statement.endorsed_by.set([team])
        data = StatementAmendedData(
            **_statement_fields(statement, participants), amended_by=team.key, previous=previous
        )
        event = _log(exercise, "statement.amended", caller, participants, data)
        _adopt_if_complete(exercise, statement, participants, caller)
        return Done(statement, event.seq)

    return idempotent(
        caller=caller,
        exercise_id=_exercise_of_statement(statement_id),
        client_id=client_id,
        kind="statement.amend",
        model=Statement,
        run=run,
    )


def _checked_reservation(reservation: object) -> str | None:
    """A reservation as written, or None for none (an empty or blank one is none)."""
    if reservation is None:
        return None
    if not isinstance(reservation, str):
        raise Invalid("A reservation is text.", [{"path": "reservation", "message": "text, or leave it out"}])
    if len(reservation) > RESERVATION_LIMIT:
        # 400, not the 413 of an over-long message: the limit is part of what a reservation is.
        raise Invalid(
            f"The reservation is {len(reservation):,} characters; the limit is {RESERVATION_LIMIT:,}.",
            [{"path": "reservation", "message": f"at most {RESERVATION_LIMIT:,} characters"}],
        )
    return reservation if reservation.strip() else None


def _statement_for(caller: Caller, statement_id: int) -> tuple[Statement, Exercise, Team, list[Team]]:
    """The statement, read again under the exercise's lock (an amendment may have just
    changed it), for a participant's team; refused once adopted."""
    found = Statement.objects.filter(pk=statement_id).values_list("dialogue_id", flat=True).first()
    if found is None:
        raise NotFound(f"There is no statement {statement_id}.")
    _dialogue, exercise, team, participants = _dialogue_for(caller, found, team_only=True)
    statement = Statement.objects.select_related("dialogue", "proposer").get(pk=statement_id)
    if statement.adopted_at is not None:
        raise InvalidState("This statement has already been adopted.")
    return statement, exercise, team, participants


def _adopt_if_complete(exercise: Exercise, statement: Statement, participants: list[Team], caller: Caller) -> None:
    endorsed = set(statement.endorsed_by.values_list("pk", flat=True))
    if endorsed >= {t.pk for t in participants}:
        statement.adopted_at = clock.now()
        statement.save(update_fields=["adopted_at"])
        _log_statement(exercise, statement, "statement.adopted", None, participants)


def _exercise_of(dialogue_id: int) -> int:
    return Dialogue.objects.filter(pk=dialogue_id).values_list("exercise_id", flat=True).first() or 0


def _exercise_of_statement(statement_id: int) -> int:
    found = Statement.objects.filter(pk=statement_id).values_list("dialogue__exercise_id", flat=True).first()
    return found or 0


@overload
def _dialogue_for(
    caller: Caller, dialogue_id: int, *, team_only: Literal[True]
) -> tuple[Dialogue, Exercise, Team, list[Team]]: ...
@overload
def _dialogue_for(
    caller: Caller, dialogue_id: int, *, team_only: bool = False
) -> tuple[Dialogue, Exercise, Team | None, list[Team]]: ...
def _dialogue_for(
    caller: Caller, dialogue_id: int, *, team_only: bool = False
) -> tuple[Dialogue, Exercise, Team | None, list[Team]]:
    """The dialogue, its locked running exercise, the caller's team (None for a
    facilitator) and the participants; refuses anyone who is not taking part."""
    dialogue = Dialogue.objects.filter(pk=dialogue_id).first()
    if dialogue is None:
        raise NotFound(f"There is no dialogue {dialogue_id}.")
    exercise = live_exercise(dialogue.exercise_id)
    participants = list(dialogue.participants.order_by("order"))
    if caller.role == Role.FACILITATOR and not team_only:
        return dialogue, exercise, None, participants
    team = acting_team(caller, exercise)
    if team not in participants:
        raise NotFound(f"There is no dialogue {dialogue_id}.")  # not acknowledged to outsiders
    return dialogue, exercise, team, participants


def _meeting(dialogue: Dialogue, participants: list[Team]) -> dict[str, Any]:
    return {"dialogue": dialogue.pk, "title": dialogue.title, "participants": [t.key for t in participants]}


def _log(exercise: Exercise, kind: str, caller: Caller | None, participants: list[Team], data: EventData) -> Event:
    """A dialogue's event, and the expectations the acting team (or, for an adoption,
    every signatory) meets by it."""
    event = events.append(
        exercise=exercise, kind=kind, actor=caller, data=data, audience=Event.Audience.TEAMS, recipients=participants
    )
    expectations.on_event(exercise=exercise, event=event)
    return event


def _statement_fields(statement: Statement, participants: list[Team]) -> dict[str, Any]:
    return {
        "statement": statement.pk,
        "dialogue": statement.dialogue_id,
        "title": statement.dialogue.title,
        "text": statement.text,
        "proposer": statement.proposer.key if statement.proposer else None,
        "endorsed_by": sorted(statement.endorsed_by.values_list("key", flat=True)),
        "participants": [t.key for t in participants],
        "adopted": statement.adopted_at is not None,
        "version": statement.version,
        "reservations": dict(sorted(statement.reservations.items())),
    }


def _log_statement(
    exercise: Exercise, statement: Statement, kind: str, caller: Caller | None, participants: list[Team]
) -> Event:
    return _log(exercise, kind, caller, participants, StatementData(**_statement_fields(statement, participants)))
