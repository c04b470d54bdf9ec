"""Browser fixtures: one Chromium for the browser tests, the real ASGI app served by uvicorn
in a thread of this process (with the in-process clock on its loop), and helpers that sign
staff in and join players through the pages, as people do.

The server runs in this process so that the services a test calls broadcast through the
server's own channel layer: the in-memory one of the embedded default reaches only the
sockets of its own process.

Playwright's sync API leaves its event loop marked as running in the test thread, and
Django refuses database calls from a thread with a running loop (SynchronousOnlyOperation).
So the tests never touch the database from the test thread: they hand every service call
to the server's loop with ``live_server.run(...)``, which runs it in the same worker thread
the clock uses, the way the server runs its own sync code.
"""

import asyncio
import contextlib
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from asgiref.sync import sync_to_async
from django.db import connections
from django.test.utils import modify_settings
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from exercise.ticker import run_clock
from tests import builders
from tests.conftest import require_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous for a loaded CI machine; every wait ends as soon as its condition holds.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)  # every expect(), not only those that name a timeout
SERVER_START_SECONDS = 15

T = TypeVar("T")


@pytest.fixture(scope="package")
def browser(django_db_setup) -> Iterator[Browser]:
    """One headless Chromium for the browser tests, started after the test database exists.

    Package scope rather than session scope: while Playwright runs, the test thread has a
    running event loop, which would make every later pytest-django and pytest-asyncio test
    of the session fail. Stopping it when the last browser test ends keeps the suite whole.
    """
    if not CHROMIUM.exists():
        require_service("Chromium", f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Let pytest-django flush the database at the end of a browser test.

    The flush runs in the test thread, where Playwright's loop is marked as running, so
    Django would refuse it. It is plain sync code, not a call from async code, so we allow
    it for the teardown only: the tests themselves run without this allowance, and within
    the teardown the pages close and the live server stops before the flush.
    """
    uses_browser = "browser" in getattr(item, "fixturenames", ())
    if uses_browser:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        return (yield)
    finally:
        if uses_browser:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@dataclass
class LiveServer:
    url: str
    loop: asyncio.AbstractEventLoop
    server: uvicorn.Server
    # pytest-django's autouse `_live_server_helper` handles any fixture named live_server:
    # it enables this for the test (as for its own server) and disables it afterwards.
    _live_server_modified_settings: modify_settings = field(repr=False)

    def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call ``function`` in the server's sync worker thread and return its result.

        That is where the clock's ticks run, so a service called here broadcasts through the
        server's own channel layer (the in-memory one only reaches sockets of its own loop)
        and takes turns with the clock instead of racing it.
        """

        def call() -> T:
            try:
                return function(*args, **kwargs)
            finally:
                connections.close_all()

        future = asyncio.run_coroutine_threadsafe(sync_to_async(call)(), self.loop)
        # A guard against a hung server, not a speed limit: playing the demo run through
        # the services took over 30 s on a loaded two-core machine.
        return future.result(timeout=180)


async def _serve_with_clock(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
    # As `manage.py serve` does, except that the clock runs even with REDIS_URL set:
    # there is no Celery beat or worker in the tests to release injects.
    clock = asyncio.create_task(run_clock())
    try:
        await server.serve(sockets=sockets)
    finally:
        clock.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await clock
        # A tick already handed to the worker thread finishes there after the cancel; wait
        # for it, and close that thread's connections, before the database is flushed.
        await sync_to_async(connections.close_all)()


def _free_socket() -> socket.socket:
    # Bound here and handed to uvicorn, so no other process can take the port in between.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _wait_until_answering(url: str, server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("the live server stopped while starting; see the log above")
        if server.started:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/accounts/login/", timeout=2) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.05)
    pytest.fail(f"the live server did not answer at {url} within {SERVER_START_SECONDS} s")


@pytest.fixture
def live_server(transactional_db) -> Iterator[LiveServer]:
    """The real ASGI app (config.asgi) on 127.0.0.1 and a free port, with the clock."""
    from config.asgi import application

    sock = _free_socket()
    host, port = sock.getsockname()
    config = uvicorn.Config(application, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(_serve_with_clock(server, [sock]))
        finally:
            loop.close()

    thread = threading.Thread(target=serve, name="live-server", daemon=True)
    thread.start()
    url = f"http://{host}:{port}"
    try:
        _wait_until_answering(url, server, thread)
        allow_host = modify_settings(ALLOWED_HOSTS={"append": host})
        yield LiveServer(url=url, loop=loop, server=server, _live_server_modified_settings=allow_host)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        assert not thread.is_alive(), "the live server did not stop"


@pytest.fixture
def open_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], Page]]:
    """Opens a page in a fresh browser context: its own cookies, so its own person.

    Every browser test also checks the Content-Security-Policy: anything the policy blocked
    on any of its pages (Chromium reports each on the console) fails the test."""
    contexts = []
    blocked: list[str] = []

    def new_page() -> Page:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _note_blocked(message, page, blocked))
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not blocked, "the Content-Security-Policy blocked:\n" + "\n".join(blocked)


def _note_blocked(message: ConsoleMessage, page: Page, blocked: list[str]) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        blocked.append(f"{page.url}: {message.text}")


def sign_in(page: Page, member: builders.Staff) -> None:
    """Sign a staff member in through /accounts/login/; they land on the library."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(member.user.get_username())
    page.get_by_label("Password", exact=True).fill(member.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Scenario library")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("main[data-wired]")).to_have_count(1)  # its forms send commands from now on


def join_team(page: Page, *, code: str, name: str) -> None:
    """Join a team through /join/ with its code; the player lands on the team page."""
    page.goto("/join/")
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name="Situation feed")).to_be_visible(timeout=TIMEOUT_MS)


def expect_live(page: Page, timeout: int = TIMEOUT_MS) -> None:
    """The page's socket is open: the connection badge says Live."""
    expect(page.locator("[data-connection]")).to_have_text("Live", timeout=timeout)
