"""The gateway as a Django app: its system checks, and credentials kept out of logs."""

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from gateway import log_redaction
from gateway.ratelimits import rate


class GatewayConfig(AppConfig):
    name = "gateway"
    verbose_name = "Gateway"

    def ready(self) -> None:
        checks.register(rates_are_readable)
        log_redaction.install()


def rates_are_readable(**kwargs: Any) -> list[checks.CheckMessage]:
    """A mistyped rate would otherwise first fail on the request it should limit."""
    problems: list[checks.CheckMessage] = []
    for name in ("JOIN_FAILURE_RATE", "ACCOUNT_FAILURE_RATE", "PLAYER_COMMAND_RATE"):
        try:
            rate(getattr(settings, name))
        except ValueError as exc:
            problems.append(checks.Error(f"{name}: {exc}", id="gateway.E001"))
    return problems
