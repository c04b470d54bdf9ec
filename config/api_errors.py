"""One error shape for the whole API: ``{"error": {"code", "message", "details"}}``."""

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from exercise import errors
from exercise.text_rules import unstorable, unstorable_paths

logger = logging.getLogger(__name__)

STATUS_OF = {
    errors.Invalid: 400,
    errors.NotAuthenticated: 401,
    errors.NotAllowed: 403,
    errors.NotFound: 404,
    errors.InvalidState: 409,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.RateLimited: 429,
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


def error_body(code: str, message: str, details: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details)}}


def error_response(status: int, message: str, details: Sequence[dict[str, Any]] = (), code: str = "") -> JsonResponse:
    body = error_body(code or CODE_OF_STATUS.get(status, "error"), message, details)
    return JsonResponse(body, status=status)


# Past the pool's timeout (20 s by default) a client has waited long enough: a second
# is enough for a burst to pass, and spreads the retries out.
RETRY_AFTER_SECONDS = 1


def busy_response() -> JsonResponse:
    """No database connection came free in time: overloaded, not broken; send again."""
    response = error_response(503, "The server is busy; send the request again in a moment.", code="unavailable")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def domain_error_response(exc: errors.DomainError) -> JsonResponse:
    return error_response(STATUS_OF.get(type(exc), 400), exc.message, exc.details, exc.code)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class ApiErrorShapeMiddleware:
    """Gives errors Django raises outside our handlers the contract's shape.

    Unknown paths, wrong methods, oversized bodies and crashes happen before or around
    the API's own exception handlers; clients must still get JSON they can parse.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_api(request):
            return self.get_response(request)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            limit = settings.API_MAX_BODY_BYTES // (1024 * 1024)
            return error_response(413, f"The request body is larger than {limit} MB.")
        refusal = _refuse_unstorable(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            return error_response(response.status_code, _reason(response))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "Something went wrong on the server; the error has been logged.")


def _refuse_unstorable(request: HttpRequest) -> HttpResponse | None:
    """400 for NUL or lone surrogates in the path, the query or a JSON body."""
    problems = (
        [{"path": "(url)", "message": "contains a character that cannot be stored"}]
        if unstorable(request.path + "".join(request.GET.keys()) + "".join(request.GET.values()))
        else []
    )
    if request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            body = None  # unreadable JSON is the handler's to refuse, with its own message
        problems += [
            {"path": path, "message": "contains a NUL character or an unpaired surrogate, which cannot be stored"}
            for path in unstorable_paths(body)
        ]
    if not problems:
        return None
    return error_response(400, "The request holds text that cannot be stored.", problems)


def _reason(response: HttpResponse) -> str:
    if response.status_code == 404:
        return "There is nothing at this address."
    if response.status_code == 405:
        return f"This address does not take that method; it takes {response.get('Allow', 'other methods')}."
    return response.reason_phrase


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
