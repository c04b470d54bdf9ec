from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class GatewayConfig(AppConfig):
    name = "gateway"
    verbose_name = "Gateway"

    def ready(self) -> None:
        checks.register(rates_are_readable)


def rates_are_readable(**kwargs: Any) -> list[checks.CheckMessage]:
    """A mistyped rate would otherwise first fail on the request it should limit."""
    from gateway.ratelimits import rate

    problems = []
    for name in ("JOIN_FAILURE_RATE", "PLAYER_COMMAND_RATE"):
        try:
            rate(getattr(settings, name))
        except ValueError as exc:
            problems.append(checks.Error(f"{name}: {exc}", id="gateway.E001"))
    return problems
