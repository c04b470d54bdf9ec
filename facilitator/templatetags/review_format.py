"""Small filters the review's templates need: exercise clock times and keyed lookups."""

from typing import Any

from django import template

from exercise.review.event_rows import clock_text

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """Exercise seconds as H:MM:SS; a dash when there is no time."""
    return "—" if seconds is None else clock_text(seconds)


@register.filter
def minutes(seconds: float | None) -> str:
    """A response time as minutes and seconds, e.g. 4m 05s."""
    if seconds is None:
        return "no response"
    whole = int(seconds)
    return f"{whole // 60}m {whole % 60:02d}s"


@register.filter
def get(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)
