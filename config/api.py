"""The JSON API at /api/v1/: authentication, error mapping and the routers of the apps."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from config.api_errors import domain_error_response, error_response, validation_details
from exercise.access import caller_for_token
from exercise.errors import DomainError
from exercise.roles import Caller, caller_for_user
from players.sessions import caller_for_session


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return caller_for_token(token)


class BrowserSession(SessionAuth):
    """The Django session of a page: a staff user, or a player who joined in the browser."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if request.user.is_authenticated:
            return caller_for_user(request.user)
        return caller_for_session(request)


api = NinjaAPI(
    title="Parley API",
    version="1",
    description="Tabletop crisis exercises in military diplomacy. Every error has the shape "
    '`{"error": {"code", "message", "details"}}`.',
    auth=[BearerToken(), BrowserSession()],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return domain_error_response(exc)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = validation_details(exc.errors)
    return error_response(400, "The request has invalid fields.", details)


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "Send a valid token as 'Authorization: Bearer <token>', or sign in.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, str(exc))


api.add_router("", "facilitator.api.router")
api.add_router("", "players.api.router")
api.add_router("", "players.commands_api.router")
api.add_router("", "realtime.api.router")
api.add_router("", "facilitator.evaluation_api.router")
api.add_router("", "facilitator.review_api.router")
