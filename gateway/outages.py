"""503 with Retry-After, never 500, while the database or Redis cannot be reached: the
request was fine and did nothing, and the client should send it again shortly.

Views meet these errors (queries, the cache and the rate limits run there), and Django
offers a view's error to each middleware's process_exception, innermost first, before it
makes a 500 of it: this middleware is the innermost, so it answers before the API's
catch-all (gateway.middleware) does.
"""

import logging

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from psycopg_pool import PoolTimeout

from gateway.errors import BUSY, OUTAGE, OUTAGE_RETRY_AFTER_SECONDS, RETRY_AFTER_SECONDS, unavailable_response

# OperationalError: the connection failed or was lost, or no pooled one came free in
# time; InterfaceError: a connection found closed. Redis: refused, reset or timed out.
OUTAGES = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)

logger = logging.getLogger(__name__)


class ServiceOutageMiddleware(MiddlewareMixin):
    """Sync and async alike (MiddlewareMixin), so that it adds no switch between the two."""

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
