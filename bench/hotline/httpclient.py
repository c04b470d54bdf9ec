"""A small HTTP/1.1 client over asyncio streams: keep-alive connections in a pool.

Just enough for JSON POSTs to uvicorn: a request is written in one go, the answer is read
by Content-Length or chunked transfer coding. The send time is stamped just before the
request's bytes are written, on a connection that is already open, so it excludes
queueing for a connection and TCP connection set-up (both reported separately).
"""

import asyncio
import contextlib
import time
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    body: bytes
    sent: float  # wall time the request was written
    answered: float  # wall time the whole answer was read


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reusable = True
        self.idle_since = time.monotonic()

    @classmethod
    async def open(cls, host: str, port: int) -> "Connection":
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def post(self, host: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
        lines += ["Content-Type: application/json", *(f"{name}: {value}" for name, value in headers.items())]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin1") + body
        sent = time.time()
        self.writer.write(request)
        await self.writer.drain()
        status, answer_headers = await self._read_head()
        body = await self._read_body(answer_headers)
        if answer_headers.get("connection", "").lower() == "close":
            self.reusable = False
        return Answer(status=status, body=body, sent=sent, answered=time.time())

    async def _read_head(self) -> tuple[int, dict[str, str]]:
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    async def _read_body(self, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()  # the blank line after the last chunk
            return b"".join(chunks)
        self.reusable = False
        return await self.reader.read()

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await self.writer.wait_closed()


class Pool:
    """Idle keep-alive connections; a request takes one, or opens one if none is idle.

    uvicorn closes a connection idle for 5 s, so one idle longer than ``MAX_IDLE`` is
    dropped rather than used; a reused one the server closed meanwhile is retried once on
    a new connection, as browsers do (safe here: every post carries a client_id).
    """

    MAX_IDLE = 3.0

    def __init__(self, host: str, port: int, *, limit: int = 512) -> None:
        self.host = host
        self.port = port
        self.idle: list[Connection] = []
        self.opened = 0
        self.retried = 0  # posts sent again because the server had closed their connection
        self.gate = asyncio.Semaphore(limit)

    async def warm(self, count: int) -> None:
        """Open ``count`` connections before the run, so set-up is not measured."""
        connections = await asyncio.gather(*(Connection.open(self.host, self.port) for _ in range(count)))
        self.opened += count
        self.idle.extend(connections)

    async def post(self, path: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
        async with self.gate:
            connection, reused = await self._take()
            try:
                answer = await asyncio.wait_for(connection.post(self.host, path, body, headers), timeout)
            except ConnectionError:
                await connection.close()
                if not reused:
                    raise
                self.retried += 1
                connection = await self._open()
                answer = await asyncio.wait_for(connection.post(self.host, path, body, headers), timeout)
            except BaseException:
                await connection.close()
                raise
            if connection.reusable:
                connection.idle_since = time.monotonic()
                self.idle.append(connection)
            else:
                await connection.close()
            return answer

    async def _take(self) -> tuple[Connection, bool]:
        """The most recently used idle connection not too old to trust, else a new one."""
        while self.idle:
            connection = self.idle.pop()
            if time.monotonic() - connection.idle_since < self.MAX_IDLE:
                return connection, True
            await connection.close()
        return await self._open(), False

    async def _open(self) -> Connection:
        self.opened += 1
        return await Connection.open(self.host, self.port)

    async def close(self) -> None:
        idle, self.idle = self.idle, []
        await asyncio.gather(*(connection.close() for connection in idle))
