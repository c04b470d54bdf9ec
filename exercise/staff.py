"""Staff accounts: facilitators, evaluators and observers, each a Django group."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction

from exercise.access import issue_token
from exercise.errors import Invalid
from exercise.roles import STAFF_ROLES, Role


@transaction.atomic
def create_staff(*, username: str, role: Role, password: str | None = None) -> tuple[User, str, str]:
    """A staff user with one role, and a fresh API token.

    Returns the user, the password (generated when none is given) and the token. An
    existing user keeps their account and gets the role and password set anew.
    """
    if role not in STAFF_ROLES:
        raise Invalid(f"'{role}' is not a staff role.")
    if not username.strip():
        raise Invalid("A username is required.")
    password = password or secrets.token_urlsafe(12)
    user, _created = get_user_model().objects.get_or_create(username=username.strip())
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role.value)[0]])
    return user, password, issue_token(user=user)
