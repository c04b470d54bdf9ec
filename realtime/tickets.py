"""Socket tickets: a token exchanged, over an authenticated POST, for a short-lived,
single-use word the socket's URL may carry instead, so that the token itself never
appears in a URL (where proxies and access logs keep it)."""

import secrets

from django.core.cache import cache

from exercise.models.access import hash_token

LIFETIME_SECONDS = 30
PREFIX = "socket-ticket:"


def issue(token: str, exercise_id: int) -> str:
    """A ticket standing for ``token`` on one exercise's socket for the next half minute, once."""
    ticket = secrets.token_urlsafe(24)
    cache.set(PREFIX + hash_token(ticket), (token, exercise_id), timeout=LIFETIME_SECONDS)
    return ticket


def redeem(ticket: str, exercise_id: int) -> str | None:
    """The token a ticket stands for on this exercise's socket, once: a second use, or a
    use on another exercise's socket, finds nothing."""
    if not ticket or len(ticket) > 100:
        return None
    key = PREFIX + hash_token(ticket)
    kept = cache.get(key)
    if kept is None or not cache.delete(key):  # another socket redeemed it first
        return None
    token, for_exercise = kept
    return token if for_exercise == exercise_id else None
