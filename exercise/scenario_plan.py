"""A scenario's plan: when each inject and wire item goes out, what waits on what, and what
each team will receive and when, read from the document's normal form before any play.

A triggered item has no fixed time. Its release is bounded instead, from the earliest to
the latest moment its trigger can fire: an ``after`` fires when its inject is released; a
``met`` between its expectation's opening and deadline; a ``missed`` at the deadline (or,
for a restraint, at the first forbidden act in the window). An item is *conditional* when
some trigger on its way depends on how an expectation is decided, so it may never come.
"""

from dataclasses import dataclass, field
from typing import Any

from exercise.durations import format_duration

INJECT, MEDIA = "inject", "media"
READ_AHEAD, BRIEF, MAP = "read_ahead", "brief", "map"
# An item's earliest and latest release (None when it can never come), and whether it is conditional.
Bounds = tuple[float | None, float | None, bool]


@dataclass(frozen=True)
class Trigger:
    """What a triggered item waits on: ``type`` after, met or missed; ``ref`` the inject or
    expectation key; ``inject`` the inject it belongs to (the ref itself for ``after``)."""

    type: str
    ref: str
    inject: str
    delay: float
    restraint: bool = False
    mode: str = "each"

    @property
    def outcome(self) -> bool:
        return self.type != "after"

    @property
    def event(self) -> str:
        """What fires it, in words: "I5 is released", "restraint E12 of I7 is broken"."""
        if self.type == "after":
            return f"{self.ref} is released"
        if self.restraint:
            verb = "kept" if self.type == "met" else "broken"
            return f"restraint {self.ref} of {self.inject} is {verb}"
        if self.mode == "any":  # decided once for the group
            verb = "met by the group" if self.type == "met" else "missed by the group"
        else:
            verb = "met by every team it concerns" if self.type == "met" else "missed by a team it concerns"
        return f"expectation {self.ref} of {self.inject} is {verb}"

    @property
    def text(self) -> str:
        if self.delay:
            return f"{format_duration(self.delay)} after {self.event}"
        return f"when {self.event}"

    @property
    def short(self) -> str:
        """The trigger as a document writes it: ``missed E2 +5m``."""
        return f"{self.type} {self.ref}" + (f" +{format_duration(self.delay)}" if self.delay else "")


@dataclass(frozen=True)
class Window:
    """An expectation's window: it opens at the inject's release and closes ``within``
    later; for a triggered inject, from its earliest release."""

    key: str
    inject: str
    mode: str
    teams: tuple[str, ...]
    event: str
    restraint: bool
    where: dict[str, Any]
    within: float
    points: int
    objective: str | None
    opens: float | None
    deadline: float | None

    @property
    def text(self) -> str:
        who = ("each of " if self.mode == "each" else "any of ") + ", ".join(self.teams)
        what = f"no {self.event}" if self.restraint else self.event
        where = "".join(f", {name} = {value}" for name, value in self.where.items())
        return f"{self.key}: {who}: {what}{where} within {format_duration(self.within)}"


@dataclass(frozen=True)
class Row:
    """One inject or wire item on the timeline."""

    kind: str  # INJECT or MEDIA
    key: str
    title: str
    order: int
    recipients: tuple[str, ...]
    to_all: bool
    at: float | None
    trigger: Trigger | None
    # The bounds of its release; None when it can never be released (a broken reference).
    earliest: float | None
    latest: float | None
    conditional: bool
    severity: str = ""
    inject_kind: str = ""
    persona: str = ""  # a wire item's outlet, by name
    expectations: tuple[Window, ...] = ()
    triggers: tuple[str, ...] = ()  # the keys of the items waiting on it or its expectations

    @property
    def when(self) -> str:
        if self.trigger is None:
            return f"at {format_duration(self.at or 0.0)}"
        return self.trigger.text

    @property
    def condition(self) -> str:
        """What releases it, when that is not a fixed time."""
        return self.trigger.text if self.trigger else ""

    @property
    def fixed(self) -> bool:
        return self.earliest is not None and self.earliest == self.latest


@dataclass(frozen=True)
class Received:
    """One thing a team receives: the read-ahead, its brief or the map before the start,
    an inject or a wire item at its time; with what is asked of the team in it."""

    kind: str
    key: str
    title: str
    earliest: float | None
    latest: float | None
    conditional: bool
    when: str
    source: str = ""  # a wire item's outlet
    severity: str = ""
    expected: tuple[Window, ...] = ()
    condition: str = ""

    @property
    def before_start(self) -> bool:
        return self.kind in (READ_AHEAD, BRIEF, MAP)


@dataclass(frozen=True)
class TeamPreview:
    key: str
    name: str
    items: tuple[Received, ...]

    @property
    def timed(self) -> tuple[Received, ...]:
        """What comes during the exercise, leaving out what is given before the start."""
        return tuple(item for item in self.items if item.kind in (INJECT, MEDIA))


@dataclass(frozen=True)
class ScenarioPlan:
    key: str
    title: str
    duration: float
    rows: tuple[Row, ...]
    teams: tuple[TeamPreview, ...]
    # The chart's span: the duration, or the latest moment an item may come, if later.
    end: float = 0.0
    problems: tuple[str, ...] = field(default=())

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)

    def team(self, key: str) -> TeamPreview:
        return next(team for team in self.teams if team.key == key)


def plan(document: dict[str, Any]) -> ScenarioPlan:
    """The plan of a scenario in normal form (as ``validate_document`` returns it)."""
    return _Planner(document).plan()


class _Planner:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.team_keys = [team["key"] for team in document.get("teams", [])]
        self.injects = {inject["key"]: inject for inject in document.get("injects", [])}
        self.expectations = {
            e["key"]: (inject, e) for inject in document.get("injects", []) for e in inject.get("expect", [])
        }
        self.bounds: dict[str, Bounds] = {}
        self.problems: list[str] = []

    def recipients(self, to: Any) -> tuple[str, ...]:
        return tuple(self.team_keys) if to == "all" else tuple(k for k in self.team_keys if k in to)

    def trigger(self, item: dict[str, Any]) -> Trigger | None:
        written = item.get("trigger")
        if not written:
            return None
        ref = written["ref"]
        if written["type"] == "after":
            return Trigger("after", ref, ref, written.get("delay") or 0.0)
        inject, expectation = self.expectations.get(ref, ({"key": "?"}, {"restraint": False, "mode": "each"}))
        return Trigger(
            written["type"],
            ref,
            inject["key"],
            written.get("delay") or 0.0,
            restraint=expectation["restraint"],
            mode=expectation["mode"],
        )

    def inject_bounds(
        self, key: str, visiting: frozenset[str] = frozenset()
    ) -> tuple[float | None, float | None, bool]:
        """An inject's earliest and latest release, and whether it is conditional."""
        if key in self.bounds:
            return self.bounds[key]
        inject = self.injects.get(key)
        if inject is None or key in visiting:
            # A missing key or a cycle: validate_document refuses both, but a plan drawn
            # from a draft says the item never comes rather than fail.
            return None, None, True
        found = self.item_bounds(inject, visiting | {key})
        self.bounds[key] = found
        return found

    def item_bounds(self, item: dict[str, Any], visiting: frozenset[str]) -> Bounds:
        trigger = self.trigger(item)
        if trigger is None:
            return item.get("at"), item.get("at"), False
        first, last, conditional = self.inject_bounds(trigger.inject, visiting)
        if first is None or last is None:
            self.problems.append(f"{item['key']} waits on {trigger.ref}, which is never released")
            return None, None, True
        if trigger.type != "after":
            within = self.expectations[trigger.ref][1]["within"]
            decided_by_act = (trigger.type == "met") != trigger.restraint
            # An act decides in the window (meets an expectation, breaks a restraint);
            # the deadline decides the other way.
            first, last = (first, last + within) if decided_by_act else (first + within, last + within)
            conditional = True
        return first + trigger.delay, last + trigger.delay, conditional

    def windows(self, inject: dict[str, Any], opens: float | None) -> tuple[Window, ...]:
        targets = self.recipients(inject["to"])
        return tuple(
            Window(
                key=e["key"],
                inject=inject["key"],
                mode=e["mode"],
                teams=targets if e["teams"] == "all" else tuple(e["teams"]),
                event=e["event"],
                restraint=e["restraint"],
                where=dict(e.get("where") or {}),
                within=e["within"],
                points=e["points"],
                objective=e.get("objective"),
                opens=opens,
                deadline=None if opens is None else opens + e["within"],
            )
            for e in inject.get("expect", [])
        )

    def waiting_on(self) -> dict[str, list[str]]:
        """For each inject key, the items whose trigger names it or one of its expectations."""
        waiting: dict[str, list[str]] = {}
        for item in [*self.document.get("injects", []), *self.document.get("media", [])]:
            trigger = self.trigger(item)
            if trigger is not None:
                waiting.setdefault(trigger.inject, []).append(item["key"])
        return waiting

    def rows(self) -> list[Row]:
        waiting = self.waiting_on()
        personas = {p["key"]: p["name"] for p in self.document.get("personas", [])}
        rows = []
        for order, inject in enumerate(self.document.get("injects", [])):
            first, last, conditional = self.inject_bounds(inject["key"])
            rows.append(
                Row(
                    kind=INJECT,
                    key=inject["key"],
                    title=inject["title"],
                    order=order,
                    recipients=self.recipients(inject["to"]),
                    to_all=inject["to"] == "all",
                    at=inject.get("at"),
                    trigger=self.trigger(inject),
                    earliest=first,
                    latest=last,
                    conditional=conditional,
                    severity=inject["severity"],
                    inject_kind=inject["kind"],
                    expectations=self.windows(inject, first),
                    triggers=tuple(waiting.get(inject["key"], [])),
                )
            )
        base = len(rows)
        for order, item in enumerate(self.document.get("media", []), start=base):
            first, last, conditional = self.item_bounds(item, frozenset())
            rows.append(
                Row(
                    kind=MEDIA,
                    key=item["key"],
                    title=item["headline"],
                    order=order,
                    recipients=self.recipients(item.get("to", "all")),
                    to_all=item.get("to", "all") == "all",
                    at=item.get("at"),
                    trigger=self.trigger(item),
                    earliest=first,
                    latest=last,
                    conditional=conditional,
                    persona=personas.get(item["persona"], item["persona"]),
                )
            )
        # Never-released items last; otherwise by earliest time, then as written.
        rows.sort(key=lambda row: (row.earliest is None, row.earliest or 0.0, row.order))
        return rows

    def previews(self, rows: list[Row]) -> list[TeamPreview]:
        document = self.document
        previews = []
        for team in document.get("teams", []):
            before: list[Received] = []
            if document.get("read_ahead"):
                before.append(_given(READ_AHEAD, "read-ahead", "Read-ahead: the road to the crisis"))
            if team.get("brief"):
                before.append(_given(BRIEF, f"brief-{team['key']}", f"National brief of {team['name']}"))
            if document.get("map"):
                before.append(_given(MAP, "map", "Map of the scenario"))
            during = [
                Received(
                    kind=row.kind,
                    key=row.key,
                    title=row.title,
                    earliest=row.earliest,
                    latest=row.latest,
                    conditional=row.conditional,
                    when=row.when,
                    source=row.persona,
                    severity=row.severity,
                    expected=tuple(w for w in row.expectations if team["key"] in w.teams),
                    condition=row.condition,
                )
                for row in rows
                if team["key"] in row.recipients
            ]
            previews.append(TeamPreview(key=team["key"], name=team["name"], items=(*before, *during)))
        return previews

    def plan(self) -> ScenarioPlan:
        rows = self.rows()
        duration = float(self.document.get("duration") or 0.0)
        ends = [t for row in rows for t in (row.latest, *(w.deadline for w in row.expectations)) if t is not None]
        return ScenarioPlan(
            key=self.document.get("key", ""),
            title=self.document.get("title", ""),
            duration=duration,
            rows=tuple(rows),
            teams=tuple(self.previews(rows)),
            end=max([duration, *ends]),
            problems=tuple(dict.fromkeys(self.problems)),
        )


def _given(kind: str, key: str, title: str) -> Received:
    return Received(
        kind=kind, key=key, title=title, earliest=0.0, latest=0.0, conditional=False, when="before the start"
    )
