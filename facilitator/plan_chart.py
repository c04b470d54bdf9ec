"""A scenario's timeline drawn as SVG: one lane per inject or wire item over exercise time,
its release as a marker, its expectations' windows as bars beneath, and an arrow from what
triggers it. Drawn on the server with the review charts' helpers; every text is escaped.
"""

import re
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString

from exercise.scenario_plan import INJECT, Row, ScenarioPlan
from facilitator.charts import PALETTE, clock, svg, time_ticks

LABEL, PLOT, PAD = 190, 660, 24
WIDTH = LABEL + PLOT + PAD
AXIS = 30  # the clock labels above the lanes
LANE, BAR = 26, 5  # a lane's height before its expectation bars; each bar's height with its gap
INJECT_COLOUR, MEDIA_COLOUR = PALETTE[0], PALETTE[2]
WINDOW_COLOUR, RESTRAINT_COLOUR, ARROW_COLOUR = "#5b6670", PALETTE[1], "#333333"
LABEL_CHARS = 28


def _lane_height(row: Row) -> int:
    return LANE + BAR * len(row.expectations)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _who(row: Row) -> str:
    return "all" if row.to_all else ", ".join(row.recipients)


def timeline_chart(plan: ScenarioPlan) -> SafeString:
    end = max(plan.end, 60.0)

    def x(t: float) -> float:
        return LABEL + PLOT * t / end

    tops, top = {}, AXIS
    for row in plan.rows:
        tops[row.key] = top
        top += _lane_height(row)
    height = top + 8
    arrow = "plan-arrow-" + (re.sub(r"[^a-z0-9-]", "", plan.key) or "draft")
    body = [
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{ARROW_COLOUR}"/></marker></defs>'
    ]
    for n, row in enumerate(plan.rows):
        if n % 2:
            body.append(
                f'<rect x="0" y="{tops[row.key]}" width="{WIDTH}" height="{_lane_height(row)}" fill="#f3f5f7"/>'
            )
    for tick in time_ticks(end, most=12):
        body.append(
            f'<line x1="{x(tick):.1f}" y1="{AXIS - 6}" x2="{x(tick):.1f}" y2="{height - 8}" stroke="#d8dde3"/>'
            f'<text x="{x(tick):.1f}" y="{AXIS - 10}" text-anchor="middle" font-size="11">{clock(tick)}</text>'
        )
    if plan.end > plan.duration:
        body.append(
            f'<line x1="{x(plan.duration):.1f}" y1="{AXIS - 6}" x2="{x(plan.duration):.1f}" y2="{height - 8}" '
            f'stroke="{RESTRAINT_COLOUR}" stroke-dasharray="6 3"/>'
            f'<text x="{x(plan.duration) - 4:.1f}" y="{height - 10}" text-anchor="end" '
            'font-size="10">planned end</text>'
        )
    for row in plan.rows:
        body.extend(_lane(row, tops, x))
    for row in plan.rows:
        if row.trigger is not None and row.earliest is not None and row.trigger.inject in tops:
            body.append(_arrow(row, tops, x, arrow))
    return svg(WIDTH, height, f"Timeline of {plan.title or plan.key}", _description(plan), body, css="plan-chart")


def _lane(row: Row, tops: dict[str, int], x: Callable[[float], float]) -> list[str]:
    top = tops[row.key]
    mid = top + 12
    colour = INJECT_COLOUR if row.kind == INJECT else MEDIA_COLOUR
    parts = [
        f'<text x="6" y="{mid + 4}" font-size="11"><tspan font-weight="bold">{escape(row.key)}</tspan> '
        f"{escape(_short(_who(row), LABEL_CHARS - len(row.key)))}</text>"
    ]
    if row.earliest is None or row.latest is None:
        parts.append(f'<text x="{LABEL + 4}" y="{mid + 4}" font-size="11" font-style="italic">never released</text>')
        return parts
    if row.latest > row.earliest:  # a conditional item may come anywhere in this span
        parts.append(
            f'<line x1="{x(row.earliest):.1f}" y1="{mid}" x2="{x(row.latest):.1f}" y2="{mid}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
    fill = "#ffffff" if row.trigger else colour
    dash = ' stroke-dasharray="2 1.5"' if row.conditional else ""
    at = x(row.earliest)
    tip = f"<title>{escape(row.key)}: {escape(row.title)}, {escape(row.when)}</title>"
    if row.kind == INJECT:
        parts.append(
            f'<circle cx="{at:.1f}" cy="{mid}" r="5.5" fill="{fill}" stroke="{colour}" stroke-width="2"{dash}>'
            f"{tip}</circle>"
        )
    else:
        parts.append(
            f'<rect x="{at - 5:.1f}" y="{mid - 5}" width="10" height="10" fill="{fill}" stroke="{colour}" '
            f'stroke-width="2"{dash}>{tip}</rect>'
        )
    label = row.trigger.short if row.trigger else _short(row.title, 40)
    anchor, shift = ("end", -9) if at > LABEL + PLOT * 0.7 else ("start", 9)
    parts.append(
        f'<text x="{at + shift:.1f}" y="{mid - 4}" font-size="10" text-anchor="{anchor}">{escape(label)}</text>'
    )
    for n, window in enumerate(row.expectations):
        if window.opens is None or window.deadline is None:
            continue
        fill = RESTRAINT_COLOUR if window.restraint else WINDOW_COLOUR
        y = top + LANE - 4 + BAR * n
        parts.append(
            f'<rect x="{x(window.opens):.1f}" y="{y}" width="{max(x(window.deadline) - x(window.opens), 1):.1f}" '
            f'height="{BAR - 1}" fill="{fill}"><title>{escape(window.text)}</title></rect>'
        )
    return parts


def _arrow(row: Row, tops: dict[str, int], x: Callable[[float], float], marker: str) -> str:
    """From the moment its trigger can first fire, on its source's lane, to its release."""
    assert row.trigger is not None and row.earliest is not None
    source_y = tops[row.trigger.inject] + 12
    target_y = tops[row.key] + 12
    x1, x2 = x(row.earliest - row.trigger.delay), x(row.earliest) - 7
    y2 = target_y + (-6 if target_y > source_y else 6)
    bend = (x1 + x2) / 2 if x2 - x1 > 20 else x1 - 14
    dash = ' stroke-dasharray="4 3"' if row.conditional else ""
    return (
        f'<path d="M{x1:.1f},{source_y} C{bend:.1f},{source_y} {bend:.1f},{y2} {x2:.1f},{y2}" fill="none" '
        f'stroke="{ARROW_COLOUR}" stroke-width="1.2"{dash} marker-end="url(#{marker})"/>'
    )


def _description(plan: ScenarioPlan) -> str:
    injects = sum(1 for row in plan.rows if row.kind == INJECT)
    media = len(plan.rows) - injects
    triggered = [row for row in plan.rows if row.trigger]
    parts = [
        f"{injects} injects and {media} wire items over {clock(plan.duration)} of exercise time.",
        *(
            f"{row.key} at {clock(row.earliest)} to {_who(row)}."
            for row in plan.rows
            if row.trigger is None and row.earliest is not None
        ),
        *(
            f"{row.key} to {_who(row)}, {row.when}" + (", conditional." if row.conditional else ".")
            for row in triggered
        ),
        "The table below gives the same facts.",
    ]
    return " ".join(parts)
