"""The JSON API at /api/v1/: authentication, error mapping and the routers of the apps."""

from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, SessionAuth
from psycopg_pool import PoolTimeout

from config.api_errors import busy_response, domain_error_response, error_response, validation_details
from config.player_tokens import player_tokens
from exercise.errors import DomainError
from exercise.roles import Caller, caller_for_user
from players.sessions import caller_for_session


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        return player_tokens.caller(token)


class BrowserSession(SessionAuth):
    """The Django session of a page: a staff user, or a player who joined in the browser."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if request.user.is_authenticated:
            return caller_for_user(request.user)
        return caller_for_session(request)


# Every operation answers any failure in one shape; the schema says so once, as each
# operation's default response, so that clients generated from it can read errors.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "description": "e.g. invalid, not_found, invalid_state, rate_limited"},
                "message": {"type": "string", "description": "for people: what went wrong and what to do"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["path", "message"],
                        "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}
ERROR_RESPONSE = {
    "description": "Any failure (4xx, 5xx), in the one error shape.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


class ParleyAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault("default", ERROR_RESPONSE)
        return schema


api = ParleyAPI(
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


@api.exception_handler(OperationalError)
def _database_busy(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """No database connection came free within the pool's timeout: the server is
    overloaded, not broken, and the command did nothing; the client should send it again."""
    if not isinstance(exc.__cause__, PoolTimeout):
        raise exc
    return busy_response()


api.add_router("", "facilitator.api.router")
api.add_router("", "players.api.router")
api.add_router("", "players.commands_api.router")
api.add_router("", "realtime.api.router")
api.add_router("", "facilitator.evaluation_api.router")
api.add_router("", "facilitator.review_api.router")
