"""Who is calling the API: a bearer token, or the Django session of a page."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from exercise.roles import Caller, caller_for_user
from exercise.staffing import caller_for_path
from gateway.player_tokens import player_tokens
from gateway.sessions import caller_for_session


def scoped(request: HttpRequest, caller: Caller | None) -> Caller | None:
    """The caller as they act on the exercise the URL names: staff in their assignment's
    role there, and NotFound (404) for an exercise they are not assigned to. Every
    exercise-scoped endpoint is behind this, so none can forget it."""
    match = request.resolver_match
    if caller is None or match is None:
        return caller
    return caller_for_path(caller, match.kwargs)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return scoped(request, player_tokens.caller(token))


def bearer_token(request: HttpRequest) -> str:
    """The token of a request BearerToken authenticated."""
    return request.headers.get("Authorization", "").split(" ", 1)[1]


class BrowserSession(SessionAuth):
    """The Django session of a page: a staff user, or a player who joined in the browser.

    A request that carries a bearer token is the token's alone: when the token is
    refused (unknown, expired, revoked) the answer is 401, not the session's CSRF 403."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        if "Authorization" in request.headers:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if request.user.is_authenticated:
            return scoped(request, caller_for_user(request.user))
        return caller_for_session(request)
