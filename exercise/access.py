"""Credentials: API tokens for staff and players, and joining a team with its code."""

import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from exercise.errors import Invalid, InvalidState, NotAuthenticated, NotFound
from exercise.models import ApiToken, Exercise, Player, Team
from exercise.models.access import hash_token
from exercise.roles import Caller, caller_for_player, caller_for_user

MAX_PLAYER_NAME = 80


def issue_token(*, user: User | None = None, player: Player | None = None) -> str:
    """A new random token; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    lifetime = settings.PLAYER_TOKEN_LIFETIME if player is not None else settings.STAFF_TOKEN_LIFETIME
    ApiToken.objects.create(digest=hash_token(token), user=user, player=player, expires_at=timezone.now() + lifetime)
    return token


def valid_tokens() -> QuerySet[ApiToken]:
    """Tokens that still serve: not revoked, not expired."""
    return ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


def serving_token(token: str) -> ApiToken | None:
    """The token's record, with its owner, if it still serves."""
    if not token or len(token) > 200:
        return None
    return valid_tokens().select_related("user", "player__team__exercise").filter(digest=hash_token(token)).first()


def caller_for_token(token: str) -> Caller | None:
    """The caller a bearer token belongs to, or None for an unknown, expired, revoked or
    disabled one."""
    found = serving_token(token)
    return None if found is None else token_owner(found)


def token_owner(found: ApiToken) -> Caller | None:
    """The caller a serving token speaks for; None for a user who lost every staff role."""
    if found.player is not None:
        return caller_for_player(found.player)
    return caller_for_user(found.user) if found.user else None


def revoke_token(token: str) -> bool:
    """End a token now (its holder signing out); whether it was one that still served."""
    return bool(valid_tokens().filter(digest=hash_token(token)).update(revoked_at=timezone.now()))


def revoke_tokens(*, username: str | None = None, exercise_id: int | None = None) -> int:
    """End every serving token of a staff user, or of every player of an exercise; how many."""
    if username is None and exercise_id is None:
        raise ValueError("name a user or an exercise")
    tokens = valid_tokens()
    if username is not None:
        tokens = tokens.filter(user__username=username)
    if exercise_id is not None:
        tokens = tokens.filter(player__team__exercise_id=exercise_id)
    return tokens.update(revoked_at=timezone.now())


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
