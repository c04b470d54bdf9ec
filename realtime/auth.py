"""Who opened the socket: a token in the query string, or the page's session."""

from urllib.parse import urlparse

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from exercise.access import caller_for_token
from exercise.roles import Caller, caller_for_player, caller_for_user
from gateway.sessions import player_in


def origin_allowed(headers: list[tuple[bytes, bytes]]) -> bool:
    """A browser's Origin must name one of our hosts, or any page could use its cookie."""
    origin = dict(headers).get(b"origin", b"").decode("latin1")
    if not origin:
        return False
    host, _port = split_domain_port(urlparse(origin).netloc)
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def caller_from_scope(scope: dict, token: str) -> tuple[Caller | None, bool]:
    """The caller, and whether a session (rather than a token) vouched for them."""
    if token:
        return caller_for_token(token), False
    user = scope.get("user")
    if user is not None and user.is_authenticated:
        return caller_for_user(user), True
    player = player_in(scope.get("session"))
    return (caller_for_player(player), True) if player else (None, False)
