"""Django's ASGI handler with the request cycle in one thread.

Our views and most of our middleware are synchronous. Django's own ASGI handler runs the
middleware chain in async mode, so each synchronous piece is a hop between the event
loop and a thread: measured on a hotline message, a dozen hops, about a quarter of the
server's CPU for the request. Here the whole chain (middleware, view, the database work)
runs as one synchronous call in the request's thread, and the loop only reads the request
and writes the response, as before.
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase


class OneThreadASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # thread_sensitive: the request's thread, which Django's request signals (and with
        # them the database connection's return to the pool) also run in.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
