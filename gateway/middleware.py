"""Errors that Django raises outside the API's handlers, given the contract's shape."""

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from exercise.text_rules import unstorable, unstorable_paths
from gateway.errors import error_response

logger = logging.getLogger(__name__)


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
        largest = _largest_body(request)
        if length.isdigit() and int(length) > largest:
            return error_response(413, f"The request body is larger than {largest // (1024 * 1024)} MB.")
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


def _largest_body(request: HttpRequest) -> int:
    """An exercise archive may be larger than any other body (settings.ARCHIVE_MAX_BYTES)."""
    if request.path == ARCHIVES_PATH:
        return int(settings.ARCHIVE_MAX_BYTES)
    return int(settings.API_MAX_BODY_BYTES)


ARCHIVES_PATH = "/api/v1/archives"


def _refuse_unstorable(request: HttpRequest) -> HttpResponse | None:
    """400 for NUL or lone surrogates in the path, the query or a JSON body."""
    problems = (
        [{"path": "(url)", "message": "contains a character that cannot be stored"}]
        if unstorable(request.path + "".join(request.GET.keys()) + "".join(map(str, request.GET.values())))
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
