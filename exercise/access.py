"""Credentials: API tokens for staff and players, and joining a team with its code."""

import secrets

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction

from exercise.errors import Invalid, InvalidState, NotAuthenticated, NotFound
from exercise.models import ApiToken, Exercise, Player, Team
from exercise.models.access import hash_token
from exercise.roles import Caller, caller_for_player, caller_for_user

MAX_PLAYER_NAME = 80


def issue_token(*, user: User | None = None, player: Player | None = None) -> str:
    """A new random token; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(digest=hash_token(token), user=user, player=player)
    return token


def caller_for_token(token: str) -> Caller | None:
    """The caller a bearer token belongs to, or None for an unknown or disabled one."""
    if not token or len(token) > 200:
        return None
    found = ApiToken.objects.select_related("user", "player__team__exercise").filter(digest=hash_token(token)).first()
    if found is None:
        return None
    if found.player is not None:
        return caller_for_player(found.player)
    return caller_for_user(found.user) if found.user else None


def staff_token(*, username: str, password: str) -> tuple[str, Caller]:
    """Exchange a staff user's password for a new API token."""
    user = authenticate(username=username, password=password)
    caller = caller_for_user(user) if user is not None else None
    if caller is None:
        raise NotAuthenticated("Unknown username or wrong password, or the account has no staff role.")
    return issue_token(user=user), caller


def normalise_code(code: str) -> str:
    """Codes are read out and typed by hand: ignore case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def find_team(code: str) -> Team:
    team = Team.objects.select_related("exercise").filter(join_code=normalise_code(code)).first() if code else None
    if team is None:
        raise NotFound(
            "No team has this join code. Check it with your facilitator.", [{"path": "code", "message": "unknown"}]
        )
    return team


def join_team(*, code: str, name: str) -> tuple[Player, str]:
    """A new player in the team whose code this is, and the player's token."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_PLAYER_NAME:
        raise Invalid(
            f"Give a display name of 1 to {MAX_PLAYER_NAME} characters.",
            [{"path": "name", "message": f"1 to {MAX_PLAYER_NAME} characters"}],
        )
    team = find_team(code)
    if team.exercise.status == Exercise.Status.ENDED:
        raise InvalidState("This exercise has ended; it takes no new players.")
    with transaction.atomic():
        player = Player.objects.create(team=team, name=name)
        token = issue_token(player=player)
    return player, token
