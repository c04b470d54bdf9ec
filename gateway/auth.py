"""Who is calling the API: a bearer token, or the Django session of a page."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from exercise.roles import Caller, caller_for_user
from gateway.player_tokens import player_tokens
from gateway.sessions import caller_for_session


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return player_tokens.caller(token)


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
            return caller_for_user(request.user)
        return caller_for_session(request)
