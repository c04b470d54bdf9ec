"""One error shape for the whole API, ``{"error": {"code", "message", "details"}}``: the
status and body of each refusal, and the handlers that give them."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from exercise import errors
from gateway.ratelimits import Refused

STATUS_OF = {
    errors.Invalid: 400,
    errors.NotAuthenticated: 401,
    errors.NotAllowed: 403,
    errors.NotFound: 404,
    errors.InvalidState: 409,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.RateLimited: 429,
    Refused: 429,
}
CODE_OF_STATUS = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "invalid_state",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
}


def error_body(code: str, message: str, details: Sequence[Mapping[str, object]] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details)}}


def error_response(
    status: int, message: str, details: Sequence[Mapping[str, object]] = (), code: str = ""
) -> JsonResponse:
    body = error_body(code or CODE_OF_STATUS.get(status, "error"), message, details)
    return JsonResponse(body, status=status)


# Past the pool's timeout (20 s by default) a client has waited long enough: a second
# is enough for a burst to pass, and spreads the retries out.
RETRY_AFTER_SECONDS = 1


# Redis or PostgreSQL restarting takes seconds; clients asking every second would only
# add to the load of a server coming back.
OUTAGE_RETRY_AFTER_SECONDS = 5
# A pool that times out cannot tell a busy database from one that is gone.
BUSY = "The server is busy, or cannot reach its database; send the request again in a moment."
OUTAGE = "The server cannot reach its database or Redis just now; send the request again in a few seconds."


def unavailable_response(message: str = BUSY, retry_after: int = RETRY_AFTER_SECONDS) -> JsonResponse:
    """503 with Retry-After: the command did nothing, and the client should send it again."""
    response = error_response(503, message, code="unavailable")
    response["Retry-After"] = str(retry_after)
    return response


def busy_response() -> JsonResponse:
    """No database connection came free in time: overloaded, not broken; send again."""
    return unavailable_response()


def domain_error_response(exc: errors.DomainError) -> JsonResponse:
    response = error_response(STATUS_OF.get(type(exc), 400), exc.message, exc.details, exc.code)
    if isinstance(exc, Refused):
        response["Retry-After"] = str(exc.retry_after)
    return response


def validation_details(raw_errors: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """pydantic's error list as ``{path, message}`` items, paths like ``partners[1]``."""
    details = []
    for item in raw_errors:
        loc = [part for part in item.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        details.append({"path": path, "message": str(item.get("msg", "is invalid"))})
    return details


def answer_errors_in_one_shape(api: NinjaAPI) -> None:
    """The API's handlers for everything its operations may raise. The database or Redis
    out of reach is not the request's fault: those errors go on to gateway.outages, which
    answers 503 for the API and the pages alike."""

    @api.exception_handler(errors.DomainError)
    def _domain_error(request: HttpRequest, exc: errors.DomainError) -> HttpResponse:
        return domain_error_response(exc)

    @api.exception_handler(ValidationError)
    def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(400, "The request has invalid fields.", validation_details(exc.errors))

    @api.exception_handler(AuthenticationError)
    def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(401, "Send a valid token as 'Authorization: Bearer <token>', or sign in.")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, str(exc))


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


def document_errors(schema: dict[str, Any]) -> None:
    """Adds the error shape to an OpenAPI document, as every operation's default answer."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema["paths"].values():
        for operation in operations.values():
            operation.setdefault("responses", {}).setdefault("default", ERROR_RESPONSE)
