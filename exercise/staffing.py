"""Staff per exercise: who is assigned to which exercise in what role, and the one place a
staff caller is resolved for an exercise (every request, page and socket goes through it).

An unassigned staff user is told an exercise does not exist, exactly as for an id never
used, so that ids cannot be probed."""

from dataclasses import replace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model, QuerySet

from exercise import audit
from exercise.commands import LARGEST_ID
from exercise.errors import Invalid, InvalidState, NotFound
from exercise.models import Dialogue, Exercise, Hotline, HotlineOutage, JointOperation, StaffAssignment, Statement
from exercise.roles import STAFF_ROLES, Caller, Role, require_role, require_staff, role_of_user

# The path parameters that name something of one exercise, with the words a missing one
# is reported in and how to find its exercise. A URL with none of these is not
# exercise-scoped (scenarios, the exercise list, tokens).
_SCOPED_PATHS: dict[str, tuple[str, type[Model] | None, str]] = {
    "exercise_id": ("exercise", None, ""),
    "outage_id": ("hotline outage", HotlineOutage, "exercise_id"),
    "operation_id": ("joint operation", JointOperation, "exercise_id"),
    "hotline_id": ("hotline", Hotline, "exercise_id"),
    "dialogue_id": ("dialogue", Dialogue, "exercise_id"),
    "statement_id": ("statement", Statement, "dialogue__exercise_id"),
}


def role_on(user: User, exercise_id: int) -> Role | None:
    """The role a user is assigned on an exercise, or None when they are not."""
    role = StaffAssignment.objects.filter(exercise_id=exercise_id, user=user).values_list("role", flat=True).first()
    return Role(role) if role else None


def caller_on(caller: Caller, exercise_id: int) -> Caller:
    """The caller as they act on one exercise: a staff user in their assignment's role;
    NotFound when they have none. Players are returned as they are (their team decides)."""
    if not caller.is_staff or caller.user is None or caller.exercise_id == exercise_id:
        return caller
    role = role_on(caller.user, exercise_id) if 0 < exercise_id <= LARGEST_ID else None
    if role is None:
        raise NotFound(f"There is no exercise {exercise_id}.")
    return replace(caller, role=role, exercise_id=exercise_id)


def caller_for_path(caller: Caller, path: dict[str, Any]) -> Caller:
    """The caller scoped to the exercise a URL's parameters name, if any. An id that names
    nothing is left for the view to report; one of an exercise the staff user is not
    assigned to is reported missing here, in the same words."""
    if not caller.is_staff:
        return caller
    for name, (what, model, field) in _SCOPED_PATHS.items():
        value = path.get(name)
        if value is None:
            continue
        number = _id(value)
        if number is None:
            return caller  # not an id: the view refuses it as for anyone
        exercise_id = number if model is None else _exercise_of(model, field, number)
        if exercise_id is None:
            return caller
        try:
            return caller_on(caller, exercise_id)
        except NotFound:
            raise NotFound(f"There is no {what} {number}.") from None
    return caller


def _exercise_of(model: type[Model], field: str, pk: int) -> int | None:
    found: int | None = model._default_manager.filter(pk=pk).values_list(field, flat=True).first()
    return found


def _id(value: object) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= LARGEST_ID else None


def assigned_exercises(caller: Caller) -> QuerySet[Exercise]:
    """The exercises a staff user is assigned to, newest first."""
    require_staff(caller)
    return Exercise.objects.filter(staff__user=caller.user).select_related("scenario").order_by("-created_at", "-id")


def assign_creator(*, exercise: Exercise, user: User | None) -> None:
    """Whoever creates (or copies) an exercise facilitates it."""
    if user is not None:
        ensure_assigned(exercise=exercise, user=user, role=Role.FACILITATOR)


def ensure_assigned(*, exercise: Exercise, user: User, role: Role) -> None:
    """The user assigned to the exercise; one already assigned keeps their role."""
    StaffAssignment.objects.get_or_create(exercise=exercise, user=user, defaults={"role": role.value})


def staff_list(*, caller: Caller, exercise: Exercise) -> list[dict[str, str]]:
    require_staff(caller)
    return [_row(a) for a in exercise.staff.select_related("user")]


def _row(assignment: StaffAssignment) -> dict[str, str]:
    return {"username": assignment.user.get_username(), "role": assignment.role}


def _staff_user(username: object) -> User:
    user = (
        get_user_model().objects.filter(username=username, is_active=True).first()
        if isinstance(username, str) and username
        else None
    )
    if user is None or role_of_user(user) is None:
        raise NotFound(
            f"There is no staff user '{username}'.", [{"path": "username", "message": "no staff user of this name"}]
        )
    return user


def _role(role: object) -> Role:
    if role not in [r.value for r in STAFF_ROLES]:
        choices = ", ".join(r.value for r in STAFF_ROLES)
        raise Invalid(f"The role is one of {choices}.", [{"path": "role", "message": f"one of {choices}"}])
    return Role(str(role))


def assign(*, caller: Caller, exercise: Exercise, username: object, role: object) -> dict[str, str]:
    """Assign a staff user to the exercise, or change their role on it (its facilitators)."""
    require_role(caller, Role.FACILITATOR)
    return _assign(exercise=exercise, username=username, role=role, by=caller)


def assign_as_operator(*, exercise_id: int, username: str, role: str) -> dict[str, str]:
    """The same from the server's shell (manage.py assignstaff), for an exercise that lost
    its facilitators' accounts; the audit names the operator."""
    try:
        exercise = Exercise.objects.get(pk=exercise_id)
    except Exercise.DoesNotExist as exc:
        raise NotFound(f"There is no exercise {exercise_id}.") from exc
    return _assign(exercise=exercise, username=username, role=role, by=None)


def _assign(*, exercise: Exercise, username: object, role: object, by: Caller | None) -> dict[str, str]:
    new_role = _role(role)
    user = _staff_user(username)
    with transaction.atomic():
        current = _assignments(exercise).filter(user=user).first()
        if current is not None and current.role == Role.FACILITATOR and new_role != Role.FACILITATOR:
            _keep_a_facilitator(exercise, current)
        before = {"role": current.role} if current else None
        assignment, _ = StaffAssignment.objects.update_or_create(
            exercise=exercise, user=user, defaults={"role": new_role.value}
        )
        action = "assigned" if current is None else "role changed"
        audit.record(
            exercise=exercise,
            caller=by,
            subject=audit.Subject.STAFF,
            target=user.get_username(),
            action=action,
            before=before,
            after={"role": new_role.value},
        )
    return _row(assignment)


def unassign(*, caller: Caller, exercise: Exercise, username: str) -> None:
    """Take a staff user off the exercise: from then on it does not exist for them."""
    require_role(caller, Role.FACILITATOR)
    with transaction.atomic():
        current = _assignments(exercise).filter(user__username=username).select_related("user").first()
        if current is None:
            raise NotFound(
                f"'{username}' is not assigned to this exercise.", [{"path": "username", "message": "not assigned"}]
            )
        if current.role == Role.FACILITATOR:
            _keep_a_facilitator(exercise, current)
        current.delete()
        audit.record(
            exercise=exercise,
            caller=caller,
            subject=audit.Subject.STAFF,
            target=username,
            action="unassigned",
            before={"role": current.role},
            after=None,
        )


def _assignments(exercise: Exercise) -> QuerySet[StaffAssignment]:
    # Locked, so that two facilitators taking each other off cannot both succeed.
    return StaffAssignment.objects.select_for_update().filter(exercise=exercise)


def _keep_a_facilitator(exercise: Exercise, leaving: StaffAssignment) -> None:
    others = _assignments(exercise).filter(role=Role.FACILITATOR).exclude(pk=leaving.pk)
    if not others.exists():
        raise InvalidState("An exercise keeps at least one facilitator; assign another one first.")
