"""A TCP relay between the server under test and PostgreSQL, which the test can cut: the
database host gone, as the server sees it (open connections dropped, new ones refused),
without touching the machine's PostgreSQL that other suites use."""

import contextlib
import socket
import threading
from typing import Any
from urllib.parse import quote

from django.db import connection

from tests.processes import SUBPROCESS_APPLICATION, with_query


def _upstream_address(database: dict[str, Any]) -> tuple[int, Any]:
    host, port = database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)
    if host.startswith("/"):  # the embedded server listens on a Unix socket only
        return socket.AF_UNIX, f"{host}/.s.PGSQL.{port}"
    return socket.AF_INET, (host, port)


class DatabaseRelay:
    def __init__(self) -> None:
        self.database = connection.settings_dict
        self.family, self.upstream = _upstream_address(self.database)
        self.port = 0
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def url(self) -> str:
        """The test database's DATABASE_URL, through the relay."""
        user = quote(self.database["USER"] or "postgres", safe="")
        password = f":{quote(self.database['PASSWORD'], safe='')}" if self.database.get("PASSWORD") else ""
        url = f"postgres://{user}{password}@127.0.0.1:{self.port}/{self.database['NAME']}"
        return with_query(url, application_name=SUBPROCESS_APPLICATION)

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))  # the same port again after a cut
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Every connection dropped and the port closed: PostgreSQL is gone."""
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        with self.lock:
            dropped, self.open = self.open, set()
        for sock in dropped:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # cut
                return
            try:
                server = socket.socket(self.family)
                server.connect(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:  # cut while connecting
                    client.close()
                    server.close()
                    return
                self.open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
