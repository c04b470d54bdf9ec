"""Filters the after-action review and the team debrief share: exercise clock times,
response times, keyed lookups and the audit trail's instants."""

import datetime
from typing import Any

from django import template

from exercise.review.event_rows import clock_text

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """Exercise seconds as the consoles show them (MM:SS, or H:MM:SS from an hour on)."""
    if seconds is None:
        return "—"
    text = clock_text(max(seconds, 0))
    return text[2:] if text.startswith("0:") else text


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


@register.filter
def utc_minute(iso: str | None) -> str:
    """An ISO 8601 instant as 2026-12-03 14:05 UTC, as the audit trail prints it."""
    if not iso:
        return ""
    moment = datetime.datetime.fromisoformat(iso).astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
