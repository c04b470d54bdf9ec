"""Credentials kept out of the server's logs: API users may open a socket with
``?token=`` (API.md), and uvicorn logs each socket's path with its query string."""

import logging
import re

SECRET_IN_QUERY = re.compile(r"(?<=[?&])(token|ticket)=[^&\s\"]*")
LOGGERS = ("uvicorn.access", "uvicorn.error")


class RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.msg, str):
            record.msg = _redacted(record.msg)
        return True


def _redacted(value: object) -> object:
    return SECRET_IN_QUERY.sub(r"\1=[redacted]", value) if isinstance(value, str) else value


def install() -> None:
    for name in LOGGERS:
        logging.getLogger(name).addFilter(RedactCredentials())
