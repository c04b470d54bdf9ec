"""The participants' feedback form, answered once per player after the exercise ends."""

from statistics import mean
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from exercise.commands import checked_text
from exercise.errors import Conflict, Invalid, InvalidState
from exercise.models import Exercise, FeedbackReceipt, ParticipantFeedback
from exercise.roles import Caller, require_player

TEXT_LIMIT = 4_000
SCALE = range(1, 6)


def _score(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise Invalid(f"{path} is a whole number from 1 to 5.", [{"path": path, "message": "1 to 5"}])
    return value


def _text(value: object, path: str) -> str:
    return "" if value in (None, "") else checked_text(value, limit=TEXT_LIMIT, path=path, what="The answer")


def has_answered(caller: Caller) -> bool:
    return FeedbackReceipt.objects.filter(player=caller.player).exists()


def give(
    *,
    caller: Caller,
    realism: object,
    usefulness: object,
    went_well: object = "",
    to_improve: object = "",
    anonymous: bool = False,
) -> ParticipantFeedback:
    """Store one player's answers; anonymous answers keep neither the name nor the team."""
    player = require_player(caller)
    team = player.team
    exercise = Exercise.objects.get(pk=team.exercise_id)  # fresh: the player's copy may predate the end
    if exercise.status != Exercise.Status.ENDED:
        raise InvalidState("Feedback opens when the exercise has ended.")
    answers = {
        "realism": _score(realism, "realism"),
        "usefulness": _score(usefulness, "usefulness"),
        "went_well": _text(went_well, "went_well"),
        "to_improve": _text(to_improve, "to_improve"),
    }
    try:
        with transaction.atomic():
            FeedbackReceipt.objects.create(player=player)
            return ParticipantFeedback.objects.create(
                exercise=exercise,
                team=None if anonymous else team,
                name="" if anonymous else player.name,
                **answers,
            )
    except IntegrityError as exc:
        raise Conflict("You have already given your feedback on this exercise. Thank you.") from exc


def summary(exercise: Exercise) -> dict[str, Any]:
    # Ordered by what they say, never by when: the order of arrival could name an author.
    by_content = (F("team__order").asc(nulls_last=True), "name", "realism", "usefulness", "went_well", "to_improve")
    answers = list(exercise.feedback.select_related("team").order_by(*by_content))
    return {
        "count": len(answers),
        "realism": round(mean(a.realism for a in answers), 2) if answers else None,
        "usefulness": round(mean(a.usefulness for a in answers), 2) if answers else None,
        "answers": [
            {
                "team": a.team.key if a.team else None,
                "name": a.name or None,
                "realism": a.realism,
                "usefulness": a.usefulness,
                "went_well": a.went_well,
                "to_improve": a.to_improve,
            }
            for a in answers
        ],
    }
