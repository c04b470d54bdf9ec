"""Limits on failed attempts per client address, kept in the shared cache."""

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from exercise.errors import RateLimited


def refuse_if_failing(request: HttpRequest, group: str) -> None:
    """429 once an address has failed too often in the window; counts nothing itself."""
    usage = get_usage(request, group=group, key="ip", rate=settings.JOIN_FAILURE_RATE, increment=False)
    if usage and (usage["should_limit"] or usage["count"] >= usage["limit"]):
        raise RateLimited(f"Too many failed attempts from your address; wait {usage['time_left']} seconds.")


def count_failure(request: HttpRequest, group: str) -> None:
    get_usage(request, group=group, key="ip", rate=settings.JOIN_FAILURE_RATE, increment=True)


def throttle_player(request: HttpRequest) -> None:
    """429 for a player beyond what a person can type; staff and tools are not limited here."""
    caller = getattr(request, "auth", None)
    if caller is None or caller.player is None:
        return
    player_id = caller.player.pk
    usage = get_usage(
        request,
        group="player-commands",
        key=lambda _group, _request: f"player:{player_id}",
        rate=settings.PLAYER_COMMAND_RATE,
        increment=True,
    )
    if usage and usage["should_limit"]:
        raise RateLimited("Too many commands at once; wait a few seconds and send again.")
