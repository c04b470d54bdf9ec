"""A player who joined in the browser is remembered in the Django session; the pages, the
API and the exercise socket all read it here."""

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from exercise.models import Player
from exercise.roles import Caller, caller_for_player

SESSION_KEY = "parley_player_id"


def remember_player(request: HttpRequest, player: Player) -> None:
    # A new session id on joining, so a session fixed before joining gains nothing.
    request.session.cycle_key()
    request.session[SESSION_KEY] = player.pk


def player_in(session: SessionBase | None) -> Player | None:
    """The player a session remembers: a request's, or a socket scope's."""
    player_id = session.get(SESSION_KEY) if session is not None else None
    if player_id is None:
        return None
    return Player.objects.select_related("team__exercise").filter(pk=player_id).first()


def player_of_session(request: HttpRequest) -> Player | None:
    return player_in(request.session)


def caller_for_session(request: HttpRequest) -> Caller | None:
    player = player_of_session(request)
    return caller_for_player(player) if player else None
