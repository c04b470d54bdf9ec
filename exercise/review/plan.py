"""What facilitators write into the review: findings per objective, hotwash notes and the
improvement plan. Every staff role reads them; only facilitators write."""

import datetime
from typing import Any

from django.db import transaction

from exercise import audit
from exercise.commands import checked_text
from exercise.errors import Invalid, NotFound
from exercise.models import Exercise, HotwashNote, ImprovementItem, Objective, ObjectiveFinding
from exercise.roles import Caller, Role, require_role, require_staff

TEXT_LIMIT = 20_000
NAME_LIMIT = 200


def _objective(exercise: Exercise, key: object, *, required: bool) -> Objective | None:
    if key in (None, "") and not required:
        return None
    found = Objective.objects.filter(scenario=exercise.scenario_id, key=key).first() if isinstance(key, str) else None
    if found is None:
        raise Invalid(f"The scenario has no objective '{key}'.", [{"path": "objective", "message": "unknown"}])
    return found


def _optional_text(value: object, *, path: str, what: str) -> str:
    if value in (None, ""):
        return ""
    return checked_text(value, limit=TEXT_LIMIT, path=path, what=what)


def save_findings(*, caller: Caller, exercise: Exercise, objective: object, strengths: object, areas: object) -> None:
    require_role(caller, Role.FACILITATOR)
    found = _objective(exercise, objective, required=True)
    assert found is not None  # required
    after = {
        "strengths": _optional_text(strengths, path="strengths", what="Strengths"),
        "areas": _optional_text(areas, path="areas", what="Areas for improvement"),
    }
    with transaction.atomic():
        current = ObjectiveFinding.objects.select_for_update().filter(exercise=exercise, objective=found).first()
        before = {"strengths": current.strengths, "areas": current.areas} if current else None
        ObjectiveFinding.objects.update_or_create(
            exercise=exercise, objective=found, defaults=after | {"updated_by": caller.user}
        )
        audit.record(
            exercise=exercise,
            caller=caller,
            subject=audit.Subject.FINDINGS,
            target=found.key,
            action="written" if current is None else "changed",
            before=before,
            after=after,
        )


def saved_findings(exercise: Exercise) -> dict[str, dict[str, str]]:
    return {
        f.objective.key: {"strengths": f.strengths, "areas": f.areas}
        for f in ObjectiveFinding.objects.filter(exercise=exercise).select_related("objective")
    }


def add_hotwash_note(*, caller: Caller, exercise: Exercise, text: object) -> HotwashNote:
    require_role(caller, Role.FACILITATOR)
    text = checked_text(text, limit=TEXT_LIMIT, what="A hotwash note")
    return HotwashNote.objects.create(exercise=exercise, text=text, author=caller.user)


def hotwash_notes(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {
            "id": n.pk,
            "text": n.text,
            "author": n.author.get_username() if n.author else "",
            "created_at": n.created_at.isoformat(),
        }
        for n in exercise.hotwash_notes.select_related("author")
    ]


def _optional_date(value: object, path: str) -> datetime.date | None:
    return None if value in (None, "") else _date(value, path)


def _date(value: object, path: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid(f"{path} must be a date like 2026-12-31.", [{"path": path, "message": "a date, YYYY-MM-DD"}])


def _name(value: object, path: str, what: str) -> str:
    text = checked_text(value, limit=NAME_LIMIT, path=path, what=what)
    return text.strip()


def add_improvement(
    *,
    caller: Caller,
    exercise: Exercise,
    area: object,
    action: object,
    organisation: object,
    owner: object,
    due: object,
    objective: object = None,
    start: object = None,
    status: object = None,
) -> ImprovementItem:
    require_role(caller, Role.FACILITATOR)
    status = _status(status or ImprovementItem.Status.NOT_STARTED)
    begins = _optional_date(start, "start")
    ends = _date(due, "due")
    if begins and ends and ends < begins:
        raise Invalid("The due date is before the start date.", [{"path": "due", "message": "before start"}])
    with transaction.atomic():
        item = ImprovementItem.objects.create(
            exercise=exercise,
            area=checked_text(area, limit=TEXT_LIMIT, path="area", what="The area for improvement"),
            action=checked_text(action, limit=TEXT_LIMIT, path="action", what="The corrective action"),
            objective=_objective(exercise, objective, required=False),
            organisation=_name(organisation, "organisation", "The responsible organisation"),
            owner=_name(owner, "owner", "The owner"),
            start=begins,
            due=ends,
            status=status,
            created_by=caller.user,
        )
        audit.record(
            exercise=exercise,
            caller=caller,
            subject=audit.Subject.IMPROVEMENT,
            target=str(item.pk),
            action="added",
            before=None,
            after=_audited(item),
        )
    return item


def _status(value: object) -> str:
    if value not in ImprovementItem.Status.values:
        choices = ", ".join(ImprovementItem.Status.values)
        raise Invalid(f"Status is one of {choices}.", [{"path": "status", "message": f"one of {choices}"}])
    return value


def set_improvement_status(*, caller: Caller, exercise: Exercise, item_id: int, status: object) -> ImprovementItem:
    """Follow an item through the plan: not started, in progress, complete."""
    require_role(caller, Role.FACILITATOR)
    status = _status(status)
    with transaction.atomic():
        item = exercise.improvements.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotFound(f"There is no improvement-plan item {item_id} in this exercise.")
        before = _audited(item)
        item.status = status
        item.save(update_fields=["status"])
        audit.record(
            exercise=exercise,
            caller=caller,
            subject=audit.Subject.IMPROVEMENT,
            target=str(item.pk),
            action="status changed",
            before={"status": before["status"]},
            after={"status": status},
        )
    return item


def _audited(item: ImprovementItem) -> dict[str, Any]:
    """An item's fields as the audit keeps them (without the label, which is a rendering)."""
    fields = improvement(item)
    fields.pop("status_label")
    fields.pop("id")
    return fields


def improvement(item: ImprovementItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "area": item.area,
        "action": item.action,
        "objective": item.objective.key if item.objective else None,
        "organisation": item.organisation,
        "owner": item.owner,
        "start": item.start.isoformat() if item.start else None,
        "due": item.due.isoformat(),
        "status": item.status,
        "status_label": item.get_status_display(),
    }


def improvements(*, caller: Caller, exercise: Exercise) -> list[dict[str, Any]]:
    require_staff(caller)
    return [improvement(i) for i in exercise.improvements.select_related("objective")]
