"""503 with Retry-After, never 500, while the database or Redis cannot be reached: the
request was fine and did nothing, and the client should send it again shortly.

Django turns an error into a 500 page before any outer middleware sees it, so this one is
the innermost, and takes the errors of views (which is where queries, the cache and the
rate limits run) before the others do.
"""

import logging
from collections.abc import Callable

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from psycopg_pool import PoolTimeout

from gateway.errors import BUSY, OUTAGE, OUTAGE_RETRY_AFTER_SECONDS, RETRY_AFTER_SECONDS, unavailable_response

# OperationalError: the connection failed or was lost, or no pooled one came free in
# time; InterfaceError: a connection found closed. Redis: refused, reset or timed out.
OUTAGES = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)

logger = logging.getLogger(__name__)


class ServiceOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGES):
            return None
        busy = isinstance(exception.__cause__, PoolTimeout)
        logger.warning("%s %s answered 503: %r", request.method, request.path, exception)
        message, retry_after = (BUSY, RETRY_AFTER_SECONDS) if busy else (OUTAGE, OUTAGE_RETRY_AFTER_SECONDS)
        if request.path.startswith("/api/"):
            return unavailable_response(message, retry_after)
        # Rendered without the request: its context (the user, the messages) would ask
        # the session, which is in the database that may be what is gone.
        page = HttpResponse(render_to_string("503.html", {"busy": busy, "retry_after": retry_after}), status=503)
        page["Retry-After"] = str(retry_after)
        return page
