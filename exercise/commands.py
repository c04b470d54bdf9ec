"""What every team command checks first, and how a repeated client_id is answered."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from exercise import shapes
from exercise.errors import Invalid, InvalidState, NotAllowed, NotFound, Problem, TooLarge
from exercise.models import CommandReceipt, Exercise, Team
from exercise.roles import Caller, Role

MESSAGE_LIMIT = 4_000
REPORT_LIMIT = 20_000
TITLE_LIMIT = 200
CLIENT_ID_LIMIT = 100
# Ids and seqs are PostgreSQL bigints: a larger number names nothing, and must not reach a query.
LARGEST_ID = 2**63 - 1

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Done(Generic[M]):
    """What a command made and the seq of the event that records it; ``answer`` is the
    first answer given, kept for a command repeated with the same client_id."""

    obj: M
    seq: int
    answer: dict[str, Any] | None = None


def acting_team(caller: Caller, exercise: Exercise) -> Team:
    """The caller's own team, which must be part of this exercise."""
    if caller.role != Role.PLAYER or caller.player is None:
        raise NotAllowed("Only a player acts for a team.")
    team = caller.player.team
    if team.exercise_id != exercise.pk:
        raise NotAllowed("Your team is not part of this exercise.")
    return team


def locked_exercise(exercise_id: int) -> Exercise:
    """The exercise, locked for this command."""
    exercise = Exercise.objects.select_for_update().filter(pk=exercise_id).first()
    if exercise is None:
        raise NotFound(f"There is no exercise {exercise_id}.")
    return exercise


def live_exercise(exercise_id: int) -> Exercise:
    """The exercise, locked for this command; teams act only while its clock runs."""
    return running(locked_exercise(exercise_id))


def running(exercise: Exercise) -> Exercise:
    if exercise.status != Exercise.Status.RUNNING:
        raise InvalidState(f"The exercise is {exercise.status}; commands are taken while it runs.")
    return exercise


def under_way(exercise: Exercise) -> Exercise:
    """The control cell speaks (messages, the wire) while the exercise runs or is paused,
    as injects go out: a pause stops the clock, not the cell."""
    if exercise.status not in (Exercise.Status.RUNNING, Exercise.Status.PAUSED):
        raise InvalidState(f"The exercise is {exercise.status}; the control cell speaks while it runs or is paused.")
    return exercise


def free_key(prefix: str, taken: Iterable[str]) -> str:
    """The first of PREFIX1, PREFIX2, ... not taken: the key of something added on the spot."""
    used = set(taken)
    number = 1
    while f"{prefix}{number}" in used:
        number += 1
    return f"{prefix}{number}"


def team_by_key(exercise: Exercise, key: object, path: str) -> Team:
    team = exercise.teams.filter(key=key).first() if isinstance(key, str) else None
    if team is None:
        raise Invalid(f"There is no team '{key}' in this exercise.", [{"path": path, "message": "unknown team key"}])
    return team


def teams_by_keys(exercise: Exercise, keys: object, path: str) -> list[Team]:
    if not isinstance(keys, list) or not keys:
        raise Invalid("Name at least one team.", [{"path": path, "message": "a non-empty list of team keys"}])
    known = {t.key: t for t in exercise.teams.all()}
    problems: list[Problem] = [
        {"path": f"{path}[{n}]", "message": f"unknown team key '{key}'"}
        for n, key in enumerate(keys)
        if key not in known
    ]
    if problems:
        raise Invalid("Some team keys are unknown.", problems)
    return [known[k] for k in dict.fromkeys(keys)]


def checked_text(text: object, *, limit: int, path: str = "text", what: str = "The text") -> str:
    """Text as written (never trimmed: it is returned exactly as sent), but not blank."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid(f"{what} must not be empty.", [{"path": path, "message": "must not be empty"}])
    if len(text) > limit:
        raise TooLarge(
            f"{what} is {len(text):,} characters; the limit is {limit:,}.",
            [{"path": path, "message": f"at most {limit:,} characters"}],
        )
    return text


def checked_client_id(client_id: object) -> None:
    """A client_id as sent: 1 to 100 characters."""
    if not isinstance(client_id, str) or not client_id or len(client_id) > CLIENT_ID_LIMIT:
        raise Invalid(
            "client_id must be 1 to 100 characters.", [{"path": "client_id", "message": "1 to 100 characters"}]
        )


def idempotent(
    *, caller: Caller, exercise_id: int, client_id: str | None, kind: str, model: type[M], run: Callable[[], Done[M]]
) -> Done[M]:
    """Run a creating command in one transaction, once per client_id: a repeat returns the
    first result. ``run`` does the command's work; the transaction is this function's, so
    that the receipt commits with the work, without a savepoint between them."""
    if client_id is None:
        with transaction.atomic():
            return run()
    checked_client_id(client_id)
    actor = f"player:{caller.player.pk}" if caller.player else f"user:{caller.staff_user.pk}"
    earlier = _receipt(actor, client_id, kind, model)
    if earlier:
        return earlier
    try:
        with transaction.atomic():
            # Repeats racing each other wait here for the first to commit, then find its
            # receipt: without the lock they would run the command again and meet its
            # effect (the line it opened) as a 409.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{actor}\n{client_id}"])
            earlier = _receipt(actor, client_id, kind, model)
            if earlier:
                return earlier
            done = run()
            answer = shapes.BY_COMMAND[kind](done.obj) | {"seq": done.seq}
            CommandReceipt.objects.create(
                exercise_id=exercise_id,
                actor=actor,
                client_id=client_id,
                kind=kind,
                object_id=done.obj.pk,
                seq=done.seq,
                answer=answer,
            )
            return Done(done.obj, done.seq, answer)
    except IntegrityError:  # a hotline message's receipt written by the fast path's SQL, which takes no lock
        earlier = _receipt(actor, client_id, kind, model)
        if earlier is None:
            raise
        return earlier


def _receipt(actor: str, client_id: str, kind: str, model: type[M]) -> Done[M] | None:
    receipt = CommandReceipt.objects.filter(actor=actor, client_id=client_id).first()
    if receipt is None:
        return None
    if receipt.kind != kind:
        raise InvalidState(f"client_id '{client_id}' was already used for a {receipt.kind} command.")
    return Done(obj=model._default_manager.get(pk=receipt.object_id), seq=receipt.seq, answer=receipt.answer)
