"""Markdown that staff wrote into a scenario (a brief's summary, the read-ahead), shown
on a page through the same sanitiser as inject bodies."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from exercise.markdown_text import render_markdown

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    # render_markdown escapes raw HTML and keeps only its allow-list of tags.
    return mark_safe(render_markdown(text or ""))  # noqa: S308
