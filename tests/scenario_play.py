"""Playing a whole scenario through, fast, with the moves its branches need.

The plan is read from the scenario itself: an expectation that a `met:` trigger waits on is
met, one that a `missed:` trigger waits on is left to be missed, and every other ordinary
expectation is met, so that the play looks like teams that do what is asked. A restraint
(`none:`) is kept, by doing nothing, unless a `missed:` trigger waits on it: then its team
does the forbidden act. An expectation that both a `met:` and a `missed:` trigger wait on
splits the play; it is met, and what hangs on its miss cannot be released in this play.

A move that would also meet an expectation the plan leaves to be missed (a proposal, say,
that one expectation waits for and another's acceptance needs) waits until that one's
deadline has passed, if its own window is still open then: a late proposal, accepted at once.

The exercise runs at speed 120. The clock is moved on from one thing due to the next (a
release, a deadline) rather than waited for, and each team answers an inject the moment it
sees it, through the services its console uses; so the wall time the test itself takes only
moves everything a little later, never out of a window.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from typing import Any

from django.db.models import F

from exercise import actions, cell, clock, dialogues, exercises, hotlines, injects, jointops, reports
from exercise.models import Event, Exercise, ExerciseInject, ExerciseMedia, ExpectationCheck, Hotline, Scenario
from exercise.roles import Caller, caller_for_player
from exercise.scenarios import scenario_spec
from tests import builders

SPEED = 120.0
TRIGGERS = ("met", "missed")
# Far more releases and deadlines than a scenario has: a bound on a clock that stops moving.
LOOKS = 2_000
# A footprint of a move: an event it appends, by which team, with which data.
Footprint = tuple[str, str, dict[str, Any]]


@dataclass
class Plan:
    """What the play does about each expectation, read from the scenario's triggers."""

    expectations: dict[str, dict[str, Any]]
    to_meet: set[str]
    to_miss: set[str]
    # Injects and media items that cannot be released in a play that meets the split
    # expectations: what waits on their miss, and what follows that.
    unreachable: set[str] = field(default_factory=set)

    def moves_for(self, key: str) -> bool:
        """Whether the teams act on this expectation (to meet it, or to break a restraint)."""
        if self.expectations[key]["restraint"]:
            return key in self.to_miss
        return key not in self.to_miss


def plan_of(spec: dict[str, Any]) -> Plan:
    expectations = {e["key"]: e for inject in spec["injects"] for e in inject["expect"]}
    scheduled = [*spec["injects"], *spec["media"]]
    waited = {
        kind: {i["trigger"]["ref"] for i in scheduled if (i["trigger"] or {}).get("type") == kind} for kind in TRIGGERS
    }
    split = waited["met"] & waited["missed"]
    plan = Plan(expectations=expectations, to_meet=waited["met"], to_miss=waited["missed"] - split)
    owner = {e["key"]: inject["key"] for inject in spec["injects"] for e in inject["expect"]}
    changed = True
    while changed:
        changed = False
        for item in scheduled:
            trigger = item["trigger"] or {}
            kind, ref = trigger.get("type"), trigger.get("ref")
            blocked = (
                (kind == "after" and ref in plan.unreachable)
                or (kind in TRIGGERS and owner.get(ref) in plan.unreachable)
                or (kind == "missed" and ref in split)
            )
            if blocked and item["key"] not in plan.unreachable:
                plan.unreachable.add(item["key"])
                changed = True
    return plan


@dataclass
class Move:
    """One team's answer to one expectation: what it appends, and how to do it."""

    footprints: list[Footprint]
    run: Callable[[], object]
    until: float  # the exercise time after which it no longer counts


@dataclass
class Play:
    exercise: Exercise
    plan: Plan
    teams: dict[str, Caller]
    waiting: list[Move] = field(default_factory=list)
    # Numbers for what the moves create, so each one's title and text differ.
    numbers: count = field(default_factory=lambda: count(1))

    @property
    def ex(self) -> int:
        return self.exercise.pk

    def others(self, team: str, preferred: list[str]) -> list[str]:
        """Other teams to act with, those the inject names first."""
        rest = [key for key in self.teams if key not in preferred]
        return [key for key in dict.fromkeys([*preferred, *rest]) if key != team]

    def answer(self, release: Event) -> None:
        """Queue the moves of every team the inject's expectations are about."""
        inject = self.exercise.scenario.injects.get(key=release.data["key"])
        for expectation in inject.expectations.all():
            if not self.plan.moves_for(expectation.key):
                continue
            until = release.exercise_time + expectation.within
            teams = release.data["to"] if expectation.teams == "all" else list(expectation.teams)
            near = [*teams, *release.data["to"]]
            where = dict(expectation.where)
            if expectation.event == "statement.adopted":
                self.waiting.append(self.adopt_statement(teams, until))
            elif expectation.mode == "any":
                self.waiting.append(self.move(teams[0], expectation.event, where, inject.key, near, until))
            else:
                self.waiting += [self.move(team, expectation.event, where, inject.key, near, until) for team in teams]

    def run_waiting(self, now: float) -> None:
        """Every queued move whose window is open and that spoils no planned miss."""
        spoilable = [
            check
            for check in ExpectationCheck.objects.filter(
                exercise=self.exercise, status=ExpectationCheck.Status.OPEN
            ).select_related("expectation")
            if check.expectation.key in self.plan.to_miss and not check.expectation.restraint
        ]
        still = []
        for move in self.waiting:
            if now > move.until:
                continue  # too late: its expectation is missed, and the assertions say so
            if any(_would_meet(check, footprint) for check in spoilable for footprint in move.footprints):
                still.append(move)
            else:
                move.run()
        self.waiting = still

    def move(self, team: str, kind: str, where: dict[str, Any], inject: str, near: list[str], until: float) -> Move:
        """A move by ``team`` that appends an event of ``kind`` matching ``where``."""
        # The team named in `where` (a call to ZAR, say), else the first other the inject names.
        other = where.get("to") or self.others(team, near)[0]
        caller, n = self.teams[team], next(self.numbers)
        op_kind = where.get("kind", jointops.KINDS[0])
        moves: dict[str, tuple[list[Footprint], Callable[[], object]]] = {
            "hotline.requested": ([(kind, team, {"to": other})], lambda: self.call(team, other)),
            "hotline.accepted": (
                [("hotline.requested", other, {}), (kind, team, {})],
                lambda: self.accept_a_call(team, other),
            ),
            "hotline.message": (
                [("hotline.requested", team, {}), ("hotline.accepted", other, {}), (kind, team, {})],
                lambda: hotlines.send_message(
                    caller=caller, hotline_id=self.open_line(team, other).pk, text=f"Message {n} on the line."
                ),
            ),
            "report.submitted": (
                [(kind, team, {"inject": inject})],
                lambda: reports.submit(caller=caller, exercise_id=self.ex, inject=inject, text=f"Report {n}."),
            ),
            "action.taken": (
                [(kind, team, where)],
                lambda: actions.take(caller=caller, exercise_id=self.ex, kind=where["kind"], text=f"Action {n}."),
            ),
            "cell.message": (
                [(kind, team, {})],
                lambda: cell.write(caller=caller, exercise_id=self.ex, text=f"Message {n} to the control cell."),
            ),
            "jointop.proposed": ([(kind, team, {"kind": op_kind})], lambda: self.propose(team, other, op_kind, n)),
            "jointop.accepted": (
                [("jointop.proposed", other, {"kind": op_kind}), (kind, team, {"kind": op_kind})],
                lambda: jointops.answer(caller=caller, operation_id=self.propose(other, team, op_kind, n), accept=True),
            ),
            "dialogue.convened": (
                [(kind, team, {})],
                lambda: dialogues.convene(
                    caller=caller, exercise_id=self.ex, title=f"Session {n}", invite=self.others(team, near)
                ),
            ),
            "statement.proposed": (
                [("dialogue.convened", team, {}), (kind, team, {})],
                lambda: dialogues.propose(
                    caller=caller, dialogue_id=self.convene([team, other], n), text=f"Draft statement {n}."
                ),
            ),
        }
        if kind not in moves:
            raise AssertionError(
                f"the play has no move for an expectation of {kind}; add one to tests/scenario_play.py"
            )
        footprints, run = moves[kind]
        return Move(footprints=footprints, run=run, until=until)

    def call(self, caller: str, callee: str) -> Hotline:
        """A fresh request from ``caller`` to ``callee``, closing a line already between them."""
        for line in Hotline.objects.filter(exercise=self.exercise, status__in=hotlines.ACTIVE):
            if {line.caller.key, line.callee.key} == {caller, callee}:
                hotlines.close_call(caller=self.teams[caller], hotline_id=line.pk)
        return hotlines.request_call(caller=self.teams[caller], exercise_id=self.ex, to=callee).obj

    def accept_a_call(self, team: str, other: str) -> None:
        waiting = Hotline.objects.filter(exercise=self.exercise, callee__key=team, status=Hotline.Status.REQUESTED)
        line = waiting.first() or self.call(other, team)
        hotlines.answer_call(caller=self.teams[team], hotline_id=line.pk, accept=True)

    def open_line(self, team: str, other: str) -> Hotline:
        line = self.call(team, other)
        hotlines.answer_call(caller=self.teams[other], hotline_id=line.pk, accept=True)
        return line

    def propose(self, proposer: str, partner: str, kind: str, n: int) -> int:
        done = jointops.propose(
            caller=self.teams[proposer], exercise_id=self.ex, kind=kind, partners=[partner], objective=f"Operation {n}."
        )
        return done.obj.pk

    def convene(self, members: list[str], n: int) -> int:
        return dialogues.convene(
            caller=self.teams[members[0]], exercise_id=self.ex, title=f"Session {n}", invite=members[1:]
        ).obj.pk

    def adopt_statement(self, teams: list[str], until: float) -> Move:
        """A session of ``teams`` (with one more, if they are one), and a text all endorse."""
        members = teams if len(teams) > 1 else [teams[0], self.others(teams[0], [])[0]]
        n = next(self.numbers)

        def run() -> None:
            text = f"Statement {n}: the participants agree to coordinate and to exercise restraint."
            statement = dialogues.propose(
                caller=self.teams[members[0]], dialogue_id=self.convene(members, n), text=text
            ).obj
            for key in members[1:]:
                dialogues.endorse(caller=self.teams[key], statement_id=statement.pk)

        footprints: list[Footprint] = [("dialogue.convened", members[0], {}), ("statement.proposed", members[0], {})]
        footprints += [("statement.endorsed", key, {}) for key in members[1:]]
        footprints += [("statement.adopted", key, {}) for key in members]
        return Move(footprints=footprints, run=run, until=until)


def _would_meet(check: ExpectationCheck, footprint: Footprint) -> bool:
    kind, team, data = footprint
    if check.event_kind != kind or team not in check.teams:
        return False
    # A constraint the move does not fix may be met by it: count it as met.
    return all(data.get(name, value) == value for name, value in check.expectation.where.items())


def play_through(facilitator: builders.Staff, scenario: Scenario) -> tuple[Exercise, Plan]:
    """Run the scenario at speed 120 until nothing is due and every check is decided."""
    exercise = builders.exercise(facilitator.caller, scenario, speed=SPEED)
    teams = {
        team.key: caller_for_player(builders.player(team, f"Delegate of {team.key}").player)
        for team in exercise.teams.all()
    }
    play = Play(exercise=exercise, plan=plan_of(scenario_spec(scenario)), teams=teams)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    answered: set[int] = set()
    for _ in range(LOOKS):
        for release in Event.objects.filter(exercise=exercise, kind="inject.released").exclude(pk__in=answered):
            answered.add(release.pk)
            play.answer(release)
        play.run_waiting(_now(exercise))
        upcoming = _next_due(exercise)
        if upcoming is None:
            return exercise, play.plan
        _jump(exercise, upcoming - _now(exercise))
        injects.release_due_injects(exercise_id=exercise.pk)
    raise AssertionError(f"the engine still had something due after {LOOKS} looks")


def _now(exercise: Exercise) -> float:
    exercise.refresh_from_db()
    return clock.exercise_time(exercise)


def _next_due(exercise: Exercise) -> float | None:
    """Just after the next release or deadline: when the engine next has something to do."""
    dues = [
        *ExerciseInject.objects.filter(exercise=exercise, status=ExerciseInject.Status.PENDING).values_list(
            "due_at", flat=True
        ),
        *ExerciseMedia.objects.filter(exercise=exercise, status=ExerciseMedia.Status.PENDING).values_list(
            "due_at", flat=True
        ),
        *ExpectationCheck.objects.filter(exercise=exercise, status=ExpectationCheck.Status.OPEN).values_list(
            "deadline", flat=True
        ),
    ]
    known = [due for due in dues if due is not None]
    return min(known) + 1.0 if known else None


def _jump(exercise: Exercise, seconds: float) -> None:
    """Move the clock on by ``seconds`` of exercise time, as if the time had passed."""
    if seconds > 0:
        Exercise.objects.filter(pk=exercise.pk).update(
            clock_anchor=F("clock_anchor") - timedelta(seconds=seconds / exercise.speed)
        )
