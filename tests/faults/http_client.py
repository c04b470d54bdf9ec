"""A plain HTTP client for a server under test, from the standard library."""

import json
from dataclasses import dataclass
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlencode

# Any value of CSRF's own format: a form that sends it in the cookie and the field passes.
CSRF = "faultsuite0123456789abcdefghijkl"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


def send(
    port: int,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    token: str = "",
    session: str = "",
    timeout: float = 60,
) -> Answer:
    headers = {"Host": "127.0.0.1"}
    body: bytes | None = None
    cookies = {"sessionid": session} if session else {}
    if json_body is not None:
        body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
    if form is not None:
        cookies["csrftoken"] = CSRF
        body = urlencode({**form, "csrfmiddlewaretoken": CSRF}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()
