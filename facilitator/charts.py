"""The review's charts, drawn as SVG on the server so the page and the PDF show the same.

Every label passes through ``escape``; the SVG is marked safe only once it is whole.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Okabe and Ito's palette, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
INSTRUMENT_COLOURS = {"hotline": "#0072B2", "dialogue": "#009E73", "joint operation": "#D55E00"}
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 130, 16, 36


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def svg(width: int, height: int, title: str, description: str, body: list[str], css: str = "chart") -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="DejaVu Sans, Helvetica, sans-serif" role="img" aria-label="{escape(title)}" class="{css}">'
        f"<title>{escape(title)}</title>"
        f"<desc>{escape(description)}</desc>{''.join(body)}</svg>"
    )


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}"


def time_chart(
    series: Mapping[str, Sequence[tuple[float, float]]], *, end: float, title: str, unit: str, stepped: bool = True
) -> SafeString:
    """One line per team over exercise time. Stepped lines hold a value until it changes;
    plain ones join samples."""
    values = [v for points in series.values() for _, v in points] or [0]
    top, bottom = max(max(values), 1), min(min(values), 0)
    end = max(end, 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + plot_w * t / end

    def y(v: float) -> float:
        return TOP + plot_h * (top - v) / (top - bottom)

    body = []
    for tick in _ticks(bottom, top):
        body.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick:g}</text>'
            f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{LEFT + plot_w}" y2="{y(tick):.1f}" stroke="#ddd"/>'
        )
    for t in time_ticks(end):
        body.append(f'<text x="{x(t):.1f}" y="{HEIGHT - 14}" text-anchor="middle" font-size="11">{clock(t)}</text>')
    for index, (team, points) in enumerate(series.items()):
        coords, last = [], None
        for t, v in points:
            if stepped and last is not None:
                coords.append(f"{x(t):.1f},{y(last):.1f}")
            coords.append(f"{x(t):.1f},{y(v):.1f}")
            last = v
        if stepped and last is not None:
            coords.append(f"{x(end):.1f},{y(last):.1f}")
        body.append(f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour(index)}" stroke-width="2"/>')
        label_y = TOP + 10 + 16 * index
        body.append(
            f'<rect x="{WIDTH - RIGHT + 12}" y="{label_y - 9}" width="10" height="10" fill="{colour(index)}"/>'
            f'<text x="{WIDTH - RIGHT + 26}" y="{label_y}" font-size="12">{escape(team)}: {last or 0:g}</text>'
        )
    description = "; ".join(f"{team} ends at {points[-1][1]:g} {unit}" for team, points in series.items() if points)
    return svg(WIDTH, HEIGHT, title, description, body)


def time_ticks(end: float, most: int = 6) -> list[float]:
    """Round clock times (every 1, 5, 10, 15, 30 minutes or hours) with at most ``most`` ticks."""
    for step in (60, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400):
        if end / step <= most:
            break
    return [step * n for n in range(int(end // step) + 1)]


def _ticks(bottom: float, top: float) -> list[float]:
    span = top - bottom
    step = 10 ** math.floor(math.log10(span)) if span > 0 else 1
    if span / step > 5:
        step *= 2
    first = math.ceil(bottom / step) * step
    return [first + step * n for n in range(int((top - first) / step) + 1)]


def _trust_fill(value: float) -> str:
    """Red for distrust, green for trust, white for neutral; saturated at ±6."""
    strength = min(abs(value) / 6, 1.0)
    if value >= 0:
        return f"rgb({int(255 - 200 * strength)},{int(255 - 80 * strength)},{int(255 - 200 * strength)})"
    return f"rgb({int(255 - 40 * strength)},{int(255 - 200 * strength)},{int(255 - 200 * strength)})"


def trust_heatmap(trust: dict[str, dict[str, float]], teams: Sequence[str], *, title: str) -> SafeString:
    """Row A, column B: A's trust in B."""
    cell, margin = 44, 56
    size = margin + cell * len(teams) + 8
    body = []
    for col, key in enumerate(teams):
        body.append(
            f'<text x="{margin + cell * col + cell / 2}" y="{margin - 8}" text-anchor="middle" '
            f'font-size="12">{escape(key)}</text>'
        )
    for row, truster in enumerate(teams):
        top = margin + cell * row
        body.append(
            f'<text x="{margin - 6}" y="{top + cell / 2 + 4}" text-anchor="end" font-size="12">{escape(truster)}</text>'
        )
        for col, trusted in enumerate(teams):
            left = margin + cell * col
            if truster == trusted:
                body.append(f'<rect x="{left}" y="{top}" width="{cell}" height="{cell}" fill="#eee" stroke="#fff"/>')
                continue
            value = trust.get(truster, {}).get(trusted, 0.0)
            body.append(
                f'<rect x="{left}" y="{top}" width="{cell}" height="{cell}" fill="{_trust_fill(value)}" stroke="#fff"/>'
                f'<text x="{left + cell / 2}" y="{top + cell / 2 + 4}" text-anchor="middle" '
                f'font-size="12">{value:+g}</text>'
            )
    description = "; ".join(f"{a} trusts {b} {trust.get(a, {}).get(b, 0.0):+g}" for a in teams for b in teams if a != b)
    return svg(size, size, title, description, body)


def trust_lines(snapshots: list[dict[str, Any]], teams: Sequence[str], *, end: float) -> SafeString:
    """Each team's mean trust from the others at each snapshot: how its standing moved."""
    series = {}
    for key in teams:
        points = []
        for snapshot in snapshots:
            received = [row[key] for truster, row in snapshot["trust"].items() if truster != key and key in row]
            points.append((snapshot["exercise_time"], round(sum(received) / len(received), 2) if received else 0.0))
        series[key] = points
    return time_chart(
        series, end=end, title="Trust received over time (mean of the other teams' trust)", unit="", stepped=False
    )


def network(links: list[dict[str, Any]], teams: Sequence[str]) -> SafeString:
    """Teams on a circle; a line per pair and instrument, thicker for more exchanges."""
    size, radius = 420, 150
    centre = size / 2
    spots = {
        key: (
            centre + radius * math.cos(2 * math.pi * n / max(len(teams), 1) - math.pi / 2),
            centre + radius * math.sin(2 * math.pi * n / max(len(teams), 1) - math.pi / 2),
        )
        for n, key in enumerate(teams)
    }
    most = max((link["count"] for link in links), default=1)
    # Instruments between the same pair run side by side, apart across the line's direction.
    offsets = {"hotline": -7, "dialogue": 0, "joint operation": 7}
    body = []
    for link in links:
        (x1, y1), (x2, y2) = spots[link["teams"][0]], spots[link["teams"][1]]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        shift = offsets.get(link["instrument"], 0)
        dx, dy = -(y2 - y1) / length * shift, (x2 - x1) / length * shift
        width = 1 + 5 * link["count"] / most
        body.append(
            f'<line x1="{x1 + dx:.1f}" y1="{y1 + dy:.1f}" x2="{x2 + dx:.1f}" y2="{y2 + dy:.1f}" '
            f'stroke="{INSTRUMENT_COLOURS.get(link["instrument"], "#666")}" stroke-width="{width:.1f}" '
            f'stroke-opacity="0.75"><title>{escape(link["teams"][0])}–{escape(link["teams"][1])}: '
            f"{link['count']} by {escape(link['instrument'])}</title></line>"
        )
    for index, (key, (x, y)) in enumerate(spots.items()):
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="20" fill="#fff" stroke="{colour(index)}" stroke-width="3"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12">{escape(key)}</text>'
        )
    for n, (instrument, fill) in enumerate(INSTRUMENT_COLOURS.items()):
        body.append(
            f'<rect x="8" y="{size - 56 + 16 * n}" width="14" height="4" fill="{fill}"/>'
            f'<text x="28" y="{size - 50 + 16 * n}" font-size="11">{escape(instrument)}</text>'
        )
    description = "; ".join(
        f"{link['teams'][0]} and {link['teams'][1]}: {link['count']} by {link['instrument']}" for link in links
    )
    return svg(size, size, "Who talked to whom", description or "No exchanges between teams.", body)


def review_charts(review: dict[str, Any]) -> dict[str, SafeString]:
    """The review's charts, by name, for the page and the PDF alike."""
    keys = [t["key"] for t in review["teams"]]
    charts, end = review["charts"], review["charts"]["end"]
    final = charts["trust"][-1]["trust"] if charts["trust"] else {}
    return {
        "score": time_chart(charts["score"], end=end, title="Expectation points over time", unit="points"),
        "escalation": time_chart(charts["escalation"], end=end, title="Escalation rung over time", unit="rung"),
        "trust_end": trust_heatmap(final, keys, title="Trust at the end (row trusts column)"),
        "trust_over_time": trust_lines(charts["trust"], keys, end=end),
        "network": network(charts["network"], keys),
    }
