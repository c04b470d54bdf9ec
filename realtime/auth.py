"""Who opened the socket: a token in the query string, or the page's session."""

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.http import parse_cookie
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


class SocketSession:
    """The page's session and its user in the socket's scope (``scope["session"]``,
    ``scope["user"]``), as Channels' AuthMiddlewareStack puts them, made for a socket that
    only reads them:

    - nothing wraps ``send``: Channels' SessionMiddleware looks at the session before every
      frame, to save it if changed, which cost about 10 µs a frame, a third of a replay's
      sending (docs/benchmarks.md); a socket never changes the session;
    - the session and the user are read only when asked for, on the database thread where
      the consumer authenticates: a socket opened with a token never reads them, and none
      spends a trip to the process's one database thread on them first (a reconnect storm
      queues every socket there);
    - the scope is copied once, not once per middleware: each copy lives as long as the
      socket (docs/benchmarks.md, memory per socket).
    """

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope: dict, receive: object, send: object) -> object:
        session = self.session_store(_cookies(scope).get(settings.SESSION_COOKIE_NAME))
        scope = dict(scope, session=session)
        # Django's own reading of a request's user, which needs nothing of it but the session.
        scope["user"] = SimpleLazyObject(lambda: auth.get_user(_Holding(session)))  # type: ignore[arg-type]
        return await self.inner(scope, receive, send)  # type: ignore[operator]


def _cookies(scope: dict) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            return parse_cookie(value.decode("latin1"))
    return {}


@dataclass(frozen=True)
class _Holding:
    session: SessionBase
