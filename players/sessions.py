"""A player who joined in the browser is remembered in the Django session."""

from django.http import HttpRequest

from exercise.models import Player
from exercise.roles import Caller, caller_for_player

SESSION_KEY = "parley_player_id"


def remember_player(request: HttpRequest, player: Player) -> None:
    # A new session id on joining, so a session fixed before joining gains nothing.
    request.session.cycle_key()
    request.session[SESSION_KEY] = player.pk


def player_of_session(request: HttpRequest) -> Player | None:
    player_id = request.session.get(SESSION_KEY)
    if player_id is None:
        return None
    return Player.objects.select_related("team__exercise").filter(pk=player_id).first()


def caller_for_session(request: HttpRequest) -> Caller | None:
    player = player_of_session(request)
    return caller_for_player(player) if player else None
