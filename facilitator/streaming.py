"""Responses sent while they are still being made: long exports leave a chunk at a time.

Under ASGI (uvicorn) Django consumes a synchronous iterator whole before sending a byte,
and under WSGI (the test client) an asynchronous one, with a warning either way; so the
response gets the kind its server streams. The chunks are made by synchronous code that
reads the database: under ASGI each is made in the request's own thread (thread_sensitive),
on the connection the view used.
"""

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse


def _next(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


def streamed(request: HttpRequest, chunks: Iterator[bytes], content_type: str) -> StreamingHttpResponse:
    """A response whose status is sent before its chunks are made: whatever the view must
    refuse it has refused already. The streamed exports read the log through the cache, so
    the cache is reached now: one that is down still answers 503 (gateway/outages.py),
    never a body cut short."""
    cache.has_key("streamed-answer-probe")
    if isinstance(request, ASGIRequest):
        return StreamingHttpResponse(_in_request_thread(chunks), content_type=content_type)
    return StreamingHttpResponse(chunks, content_type=content_type)


async def _in_request_thread(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    step = sync_to_async(_next, thread_sensitive=True)
    try:
        while (chunk := await step(chunks)) is not None:
            yield chunk
    finally:
        # A client that goes away mid-file: stop making chunks, in the thread that made them.
        close = getattr(chunks, "close", None)
        if close is not None:
            await sync_to_async(close, thread_sensitive=True)()
