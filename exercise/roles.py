"""Who is calling: a staff user with a role, or a player of one team.

A staff account's group gives its role outside any exercise (a facilitator imports
scenarios and creates exercises). Within an exercise a staff user acts in the role of
their assignment to it (exercise.staffing.caller_on), and only on exercises they are
assigned to."""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.http import HttpRequest

from exercise.errors import NotAllowed, NotAuthenticated, NotFound
from exercise.models import Exercise, Player, StaffAssignment, Team


class Role(StrEnum):
    FACILITATOR = "facilitator"
    EVALUATOR = "evaluator"
    OBSERVER = "observer"
    PLAYER = "player"


STAFF_ROLES = (Role.FACILITATOR, Role.EVALUATOR, Role.OBSERVER)


@dataclass(frozen=True)
class Caller:
    role: Role
    user: User | None = None
    player: Player | None = None
    # The exercise a staff caller's role was read for (their assignment's), None outside one.
    exercise_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def team(self) -> Team | None:
        return self.player.team if self.player else None

    @property
    def staff_user(self) -> User:
        """The staff user acting, for what only a person with an account may sign."""
        if self.user is None:
            raise NotAllowed("Only a staff user may do this.")
        return self.user

    @property
    def name(self) -> str:
        if self.player:
            return self.player.name
        return self.user.get_username() if self.user else ""


def role_of_user(user: User) -> Role | None:
    """A staff user's role from their group; superusers act as facilitators."""
    if not user.is_active:
        return None
    names = set(user.groups.values_list("name", flat=True))
    for role in STAFF_ROLES:
        if role.value in names:
            return role
    return Role.FACILITATOR if user.is_superuser else None


def caller_for_user(user: User) -> Caller | None:
    role = role_of_user(user)
    return Caller(role=role, user=user) if role else None


def caller_for_player(player: Player) -> Caller:
    return Caller(role=Role.PLAYER, player=player)


def caller_of(request: HttpRequest) -> Caller:
    """The caller the API's authentication found for this request (ninja keeps it as
    ``request.auth``, which HttpRequest does not declare)."""
    caller = getattr(request, "auth", None)
    if not isinstance(caller, Caller):
        raise NotAuthenticated("Send a valid token as 'Authorization: Bearer <token>', or sign in.")
    return caller


def require_role(caller: Caller, *roles: Role) -> None:
    if caller.role not in roles:
        allowed = " or ".join(r.value for r in roles)
        raise NotAllowed(f"Only a {allowed} may do this; you are signed in as {caller.role.value}.")


def require_player(caller: Caller) -> Player:
    """The player calling; anyone else may not do this."""
    require_role(caller, Role.PLAYER)
    if caller.player is None:
        raise NotAllowed("Only a player of a team may do this.")
    return caller.player


def require_staff(caller: Caller) -> None:
    require_role(caller, *STAFF_ROLES)


def require_in_exercise(caller: Caller, exercise: Exercise) -> None:
    """A player sees only their own exercise; staff only those they are assigned to, which
    the gateway checks when it scopes the caller to the request's exercise, and this
    checks again for a caller scoped to none."""
    if caller.player is not None and caller.player.team.exercise_id != exercise.pk:
        raise NotAllowed("Your team is not part of this exercise.")
    # A staff caller the gateway did not scope (a service called from elsewhere): ask again.
    unscoped = caller.is_staff and caller.exercise_id != exercise.pk
    if unscoped and not StaffAssignment.objects.filter(exercise=exercise, user=caller.user).exists():
        raise NotFound(f"There is no exercise {exercise.pk}.")
