"""The audit trail: changes staff make that the event log does not keep whole (edits to
pending injects, findings, the improvement plan, staff assignments), each with who made
it, when, and the values before and after."""

from typing import Any

from exercise.models import AuditEntry, Exercise
from exercise.roles import Caller, require_staff

Subject = AuditEntry.Subject
# Who a change made from the server's shell (manage.py) is recorded as.
OPERATOR = "operator (manage.py)"


def record(
    *,
    exercise: Exercise,
    caller: Caller | None,
    subject: str,
    target: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry | None:
    """One entry, in the caller's transaction, so that the change and its record stand or
    fall together; no caller is the operator. Nothing is recorded for a save that changed
    nothing."""
    if before is not None and before == after:
        return None
    return AuditEntry.objects.create(
        exercise=exercise,
        who=caller.user if caller else None,
        who_name=caller.name if caller else OPERATOR,
        subject=subject,
        target=target[:200],
        action=action,
        before=before,
        after=after,
    )


def trail(*, caller: Caller, exercise: Exercise) -> list[dict[str, Any]]:
    """The exercise's audit trail, oldest first, as the review shows it."""
    require_staff(caller)
    return [
        {
            "at": entry.at.isoformat(),
            "who": entry.who_name,
            "subject": entry.subject,
            "subject_label": entry.get_subject_display(),
            "target": entry.target,
            "action": entry.action,
            "before": entry.before,
            "after": entry.after,
            "changes": changes(entry.before, entry.after),
        }
        for entry in exercise.audit.all()
    ]


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The fields that differ, each with its value before and after (None where absent)."""
    before, after = before or {}, after or {}
    fields = list(after) + [field for field in before if field not in after]
    return [
        {"field": field, "before": before.get(field), "after": after.get(field)}
        for field in fields
        if before.get(field) != after.get(field)
    ]
