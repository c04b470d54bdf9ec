"""Who opened the socket: a token in the query string, or the page's session."""

from channels.auth import get_user
from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.functional import SimpleLazyObject

from exercise.roles import Caller, caller_for_player, caller_for_user
from gateway.player_tokens import player_tokens
from gateway.sessions import player_in


def origin_allowed(scope: dict) -> bool:
    """A browser's Origin must be the socket's own origin (scheme, host and port, the host
    one of ours) or a trusted one, as Django's CSRF check asks of a form: another port or
    scheme on the same host is another site, and could otherwise use the staff's cookie."""
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin", b"").decode("latin1").lower()
    if not origin:
        return False
    if origin in {trusted.lower() for trusted in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    host = headers.get(b"host", b"").decode("latin1").lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    return origin == f"{_scheme(scope, headers)}://{host}"


def _scheme(scope: dict, headers: dict[bytes, bytes]) -> str:
    """The page's scheme: the socket's own, or the proxy's word for it where Django takes it."""
    if scope.get("scheme") in ("wss", "https"):
        return "https"
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode("latin1")
        if headers.get(name, b"").decode("latin1") == proxy[1]:
            return "https"
    return "http"


def caller_from_scope(scope: dict, token: str) -> tuple[Caller | None, bool]:
    """The caller, and whether a session (rather than a token) vouched for them."""
    if token:
        return player_tokens.caller(token), False
    user = scope.get("user")
    if user is not None and user.is_authenticated:
        return caller_for_user(user), True
    player = player_in(scope.get("session"))
    return (caller_for_player(player), True) if player else (None, False)


class LazyUser(BaseMiddleware):
    """The session's user in ``scope["user"]``, as Channels' AuthMiddleware puts it, but read
    only when asked for, on the database thread where the consumer authenticates: a socket
    opened with a token never reads it, and none spends a trip to that one thread of the
    process on it before the consumer's own (a reconnect storm queues every socket there)."""

    async def __call__(self, scope: dict, receive: object, send: object) -> object:
        scope = dict(scope)
        scope["user"] = SimpleLazyObject(lambda: get_user.func(scope))  # the sync function it wraps
        # Not through BaseMiddleware.__call__, which would copy the scope once more: each
        # copy stays alive as long as the socket does (docs/benchmarks.md, memory per socket).
        return await self.inner(scope, receive, send)  # type: ignore[operator]


def socket_auth(inner: object) -> object:
    """Channels' AuthMiddlewareStack, with the user read lazily (LazyUser)."""
    return CookieMiddleware(SessionMiddleware(LazyUser(inner)))
