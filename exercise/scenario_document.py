"""The scenario document: validation into a normal form, and the form's export.

A scenario writer sees every problem at once, each with the path of the field it is
about (``injects[2].to``) and a sentence that says what to write instead.
"""

import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from exercise import scenario_briefs, scenario_cell, scenario_map
from exercise.catalogue import KINDS
from exercise.document_checks import (
    ITEM_KEY,
    MAX_TEXT,
    TEAM_KEY,
    Checker,
    describe,
    missing_reference,
    written_schedule,
)
from exercise.durations import format_duration
from exercise.errors import Invalid
from exercise.models.scenarios import CLASSIFICATION_LIMIT, INJECT_KINDS, SEVERITIES
from exercise.scoring.trust import RULES as TRUST_RULES
from exercise.steps import ACTION_STEPS, CONFIDENCE_MEASURES
from exercise.text_rules import unstorable

SCENARIO_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# Tags sort the library for a reader ("maritime", "admm-plus"): short words, a handful each.
TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")
TAG_LIMIT = 10
TOP_FIELDS = (
    "key",
    "title",
    "classification",
    "summary",
    "tags",
    "read_ahead",
    "duration",
    "objectives",
    "teams",
    "personas",
    "injects",
    "media",
    "scoring",
    "map",
)
INJECT_FIELDS = ("key", "at", "trigger", "title", "kind", "severity", "to", "body", "expect")
EXPECT_FIELDS = ("key", "each", "any", "event", "none", "where", "within", "points", "objective")
# What a scenario may weigh: trust rules (docs/scoring.md) and rungs moved per action kind.
# Far above any sensible weight, and far below where sums over a long log overflow to infinity.
WEIGHT_LIMIT = 1_000
# Confidence-building measures never move a team up the ladder, whatever the scenario says.
SCORING_KEYS = {"trust": TRUST_RULES, "escalation": tuple(k for k in ACTION_STEPS if k not in CONFIDENCE_MEASURES)}


def _plain(value: Any) -> bool:
    """Text, a yes/no or a finite number: what an event's data can equal."""
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int | bool)


def validate_document(document: Any) -> dict[str, Any]:
    """The document in normal form (durations in seconds); Invalid listing every problem."""
    check = Checker()
    top = check.mapping(document, "", TOP_FIELDS)
    if top is None:
        raise Invalid("The scenario has problems.", check.problems)
    result: dict[str, Any] = {
        "key": check.text(top, "key", "key", limit=64),
        "title": check.text(top, "title", "title"),
        "classification": _classification(check, top),
        "summary": check.text(top, "summary", "summary", required=False, limit=MAX_TEXT),
        "tags": _tags(check, top.get("tags")),
        "read_ahead": scenario_briefs.read_ahead(check, top),
        "duration": check.duration(top, "duration", "duration", positive=True),
    }
    if result["key"] and not SCENARIO_KEY.match(result["key"]):
        check.problem(
            "key",
            f"'{result['key']}' is not a valid scenario key: use up to 64 lower-case letters, digits and '-', "
            "starting with a letter or a digit",
        )
    objective_keys: set[str] = set()
    result["objectives"] = _objectives(check, top.get("objectives"), objective_keys)
    result["teams"] = _teams(check, top.get("teams"), objective_keys)
    team_keys = {t["key"] for t in result["teams"] if t["key"]}
    result["personas"] = scenario_cell.personas(check, top.get("personas"), team_keys)
    result["injects"] = _injects(check, top.get("injects"), team_keys)
    result["media"] = scenario_cell.media(check, top.get("media"), team_keys, {p["key"] for p in result["personas"]})
    _cross_references(check, result)
    scenario_cell.media_triggers(check, result)
    result["scoring"] = _scoring(check, top.get("scoring"))
    result["map"] = scenario_map.scenario_map(check, top)
    if check.problems:
        raise Invalid(f"The scenario has {len(check.problems)} problem(s).", check.problems)
    return result


def _tags(check: Checker, value: Any) -> list[str]:
    """The library's tags, lower case, each once; none when absent."""
    items = check.items(value, "tags", required=False)
    if len(items) > TAG_LIMIT:
        check.problem("tags", f"lists {len(items)} tags; a scenario may have at most {TAG_LIMIT}")
    tags: list[str] = []
    for index, item in enumerate(items):
        path = f"tags[{index}]"
        tag = check.string(item, path, limit=24).strip().lower()
        if not tag or unstorable(tag) or len(tag) > 24:
            continue
        if not TAG.match(tag):
            check.problem(
                path,
                f"'{tag}' is not a tag: use one word of up to 24 letters, digits and '-', "
                "starting with a letter or a digit",
            )
        elif tag in tags:
            check.problem(path, f"'{tag}' is listed twice; keep one")
        else:
            tags.append(tag)
    return tags


def _classification(check: Checker, top: dict[str, Any]) -> str:
    """The marking, one line of printable text; blank or absent for none."""
    value = check.text(top, "classification", "classification", required=False, limit=CLASSIFICATION_LIMIT).strip()
    # A line break or a control character would break the banner and the PDF's margin
    # line, and could hide part of the marking from the people who must read it.
    breaks = [ch for ch in value if unicodedata.category(ch) in ("Cc", "Zl", "Zp")]
    if not unstorable(value) and breaks:
        check.problem(
            "classification",
            f"holds the character U+{ord(breaks[0]):04X} (a line break, tab or control character); "
            "a marking must be one line of printable text",
        )
    return value


def _objectives(check: Checker, value: Any, seen: set[str]) -> list[dict[str, Any]]:
    objectives = []
    for index, item in enumerate(check.items(value, "objectives", required=False)):
        path = f"objectives[{index}]"
        obj = check.mapping(item, path, ("key", "text"))
        if obj is not None:
            key = check.key(obj, path, ITEM_KEY, seen, "objective")
            objectives.append({"key": key, "text": check.text(obj, "text", f"{path}.text", limit=2000)})
    return objectives


def _teams(check: Checker, value: Any, objective_keys: set[str]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    teams = []
    for index, item in enumerate(check.items(value, "teams", required=True)):
        path = f"teams[{index}]"
        obj = check.mapping(item, path, ("key", "name", "brief"))
        if obj is not None:
            teams.append(
                {
                    "key": check.key(obj, path, TEAM_KEY, seen, "team"),
                    "name": check.text(obj, "name", f"{path}.name", limit=120),
                    "brief": scenario_briefs.brief(check, obj.get("brief"), f"{path}.brief", objective_keys),
                }
            )
    if len(teams) > 60:
        check.problem("teams", f"lists {len(teams)} teams; an exercise holds at most 60")
    return teams


def _injects(check: Checker, value: Any, teams: set[str]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    injects = []
    for index, item in enumerate(check.items(value, "injects", required=True)):
        path = f"injects[{index}]"
        obj = check.mapping(item, path, INJECT_FIELDS)
        if obj is None:
            continue
        inject: dict[str, Any] = {
            "key": check.key(obj, path, ITEM_KEY, seen, "inject"),
            "title": check.text(obj, "title", f"{path}.title"),
            "kind": check.choice(obj, "kind", f"{path}.kind", INJECT_KINDS),
            "severity": check.choice(obj, "severity", f"{path}.severity", SEVERITIES),
            "to": check.team_keys(obj.get("to"), f"{path}.to", teams),
            "body": check.text(obj, "body", f"{path}.body", required=False, limit=MAX_TEXT),
        }
        inject["at"], inject["trigger"] = check.schedule(obj, path)
        targets = teams if inject["to"] == "all" else set(inject["to"])
        inject["expect"] = [
            _expectation(check, entry, f"{path}.expect[{n}]", targets, teams)
            for n, entry in enumerate(check.items(obj.get("expect"), f"{path}.expect", required=False))
        ]
        injects.append(inject)
    return injects


def _expectation(check: Checker, value: Any, path: str, targets: set[str], teams: set[str]) -> dict[str, Any]:
    """One expectation of an inject that goes to ``targets``, among the scenario's ``teams``."""
    obj = check.mapping(value, path, EXPECT_FIELDS)
    if obj is None:
        return {
            "key": "",
            "mode": "each",
            "teams": [],
            "event": "",
            "restraint": False,
            "where": {},
            "within": None,
            "points": 0,
            "objective": None,
            "path": path,
        }
    key = check.key(obj, path, ITEM_KEY, set(), "expectation")
    modes = [m for m in ("each", "any") if m in obj]
    if len(modes) != 1:
        found = "has both `each` and `any`" if modes else "has neither `each` nor `any`"
        check.problem(path, f"{found}; it needs exactly one: `each` (decided per team) or `any` (once for the group)")
    mode = modes[0] if len(modes) == 1 else "each"
    concerned = check.team_keys(obj.get(mode), f"{path}.{mode}", targets, scenario=teams) if len(modes) == 1 else []
    event, restraint = _expected_kind(check, obj, path)
    where = _where(check, obj.get("where") or {}, f"{path}.where")
    points = obj.get("points", 0)
    if isinstance(points, bool) or not isinstance(points, int) or not -1000 <= points <= 1000:
        check.problem(f"{path}.points", f"is {describe(points)}; it must be a whole number from -1000 to 1000")
        points = 0
    objective = obj.get("objective")
    if objective is not None and not isinstance(objective, str):
        check.problem(f"{path}.objective", f"is {describe(objective)}; it must be an objective key written as text")
        objective = None
    return {
        "key": key,
        "mode": mode,
        "teams": concerned,
        "event": event,
        "restraint": restraint,
        "where": where,
        "within": check.duration(obj, "within", f"{path}.within", positive=True),
        "points": points,
        "objective": objective,
        "path": path,
    }


def _where(check: Checker, where: Any, path: str) -> dict[str, Any]:
    """Equality constraints on the event's data: fields mapped to plain values."""
    if not isinstance(where, dict):
        check.problem(
            path, f"is {describe(where)}; it must map event data fields to values, such as {{kind: joint_patrol}}"
        )
        return {}
    bad = [name for name, value in where.items() if not _plain(value)]
    for name in bad:
        check.problem(
            f"{path}.{name}",
            f"is {describe(where[name])}; a constraint's value must be text, a number or a yes/no, "
            "such as kind: joint_patrol",
        )
    return {} if bad else where


def _expected_kind(check: Checker, obj: dict[str, Any], path: str) -> tuple[str, bool]:
    """The kind of event an expectation waits for (`event:`) or a restraint forbids (`none:`)."""
    named = [field for field in ("event", "none") if obj.get(field) is not None]
    if not named:
        check.problem(
            f"{path}.event",
            "is required: the kind of event that meets it, such as hotline.requested; "
            "or write `none:` with the kind of event the team must refrain from, for a restraint",
        )
        return "", False
    if len(named) == 2:
        check.problem(path, "has both `event:` and `none:`; an expectation waits for an event or forbids one")
        return "", False
    field = named[0]
    kind = obj[field]
    if not isinstance(kind, str) or kind not in KINDS:
        near = difflib.get_close_matches(kind, list(KINDS), n=1) if isinstance(kind, str) else []
        hint = f"did you mean {near[0]}? " if near else ""
        check.problem(
            f"{path}.{field}",
            f"{describe(kind) if not isinstance(kind, str) else repr(kind)} is not an event kind; {hint}"
            f"the kinds are {', '.join(sorted(KINDS))}",
        )
        return "", field == "none"
    return str(kind), field == "none"


def _cross_references(check: Checker, scenario: dict[str, Any]) -> None:
    """Keys that must exist elsewhere in the document, and triggers that never fire."""
    national = scenario_briefs.national_owners(scenario["teams"])
    objectives = {o["key"] for o in scenario["objectives"]} | set(national)
    owner: dict[str, str] = {}
    for index, inject in enumerate(scenario["injects"]):
        for n, expectation in enumerate(inject["expect"]):
            path = expectation.pop("path")
            if expectation["key"] in owner:
                check.problem(
                    f"{path}.key",
                    f"expectation key '{expectation['key']}' is used twice: an expectation of inject "
                    f"{owner[expectation['key']]} has it already; give each expectation a key of its own",
                )
            else:
                owner[expectation["key"]] = inject["key"]
            if expectation["objective"] is not None and expectation["objective"] not in objectives:
                check.problem(
                    f"injects[{index}].expect[{n}].objective",
                    f"unknown objective '{expectation['objective']}'; "
                    f"the objectives are {', '.join(sorted(objectives)) or 'none'}",
                )
            elif expectation["objective"] in national:
                scenario_briefs.check_objective_team(
                    check, expectation, f"injects[{index}].expect[{n}]", national[expectation["objective"]]
                )
    inject_keys = {i["key"] for i in scenario["injects"]}
    # A repeated inject key is reported once, as such; following triggers through it
    # would report cycles that are only the repetition.
    unique_keys = inject_keys if len(inject_keys) == len(scenario["injects"]) else set()
    depends_on: dict[str, str] = {}
    for index, inject in enumerate(scenario["injects"]):
        trigger = inject["trigger"]
        if not trigger:
            continue
        path = f"injects[{index}].trigger.{trigger['type']}"
        if trigger["type"] == "after":
            if trigger["ref"] not in inject_keys:
                check.problem(path, missing_reference("inject", trigger["ref"], inject_keys))
            else:
                depends_on[inject["key"]] = trigger["ref"]
        elif trigger["ref"] not in owner:
            check.problem(path, missing_reference("expectation", trigger["ref"], set(owner)))
        else:
            depends_on[inject["key"]] = owner[trigger["ref"]]
    for index, inject in enumerate(scenario["injects"]):
        cycle = _cycle_from(inject["key"], depends_on.get) if inject["key"] in unique_keys and inject["trigger"] else []
        if cycle:
            check.problem(
                f"injects[{index}].trigger", f"waits on itself: {' → '.join(cycle)}; it would never be released"
            )


def _cycle_from(start: str, next_of: Callable[[str], str | None]) -> list[str]:
    path = [start]
    current = next_of(start)
    while current is not None:
        path.append(current)
        if current == start:
            return path
        if current in path[:-1]:
            return []  # a cycle further on; reported from its own members
        current = next_of(current)
    return []


def _scoring(check: Checker, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    sections = check.mapping(value, "scoring", ("trust", "escalation"))
    if sections is None:
        return {}
    for name, weights in sections.items():
        known = SCORING_KEYS[name]
        if not isinstance(weights, dict):
            check.problem(
                f"scoring.{name}", f"is {describe(weights)}; it must map names to numbers, such as {{{known[0]}: 1}}"
            )
            continue
        for kind, weight in weights.items():
            at = f"scoring.{name}.{kind}"
            if kind not in known:
                check.problem(at, f"'{kind}' is not one of {', '.join(known)}")
            elif isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
                check.problem(at, f"is {describe(weight)}; it must be a finite number, such as 1 or -0.5")
            elif abs(weight) > WEIGHT_LIMIT:
                check.problem(at, f"is {weight}; it must be between -{WEIGHT_LIMIT} and {WEIGHT_LIMIT}")
            elif name == "escalation" and weight != int(weight):
                check.problem(at, f"is {weight}; it must be a whole number of rungs, such as 1 or 2")
    return dict(sections)


def export_document(scenario: dict[str, Any]) -> dict[str, Any]:
    """The normal form written back as a document, durations as strings like 1h30m."""
    injects = []
    for inject in scenario["injects"]:
        entry: dict[str, Any] = {"key": inject["key"], **written_schedule(inject)}
        entry.update(
            title=inject["title"],
            kind=inject["kind"],
            severity=inject["severity"],
            to=inject["to"],
            body=inject["body"],
        )
        if inject["expect"]:
            entry["expect"] = [_export_expectation(e) for e in inject["expect"]]
        injects.append(entry)
    document: dict[str, Any] = {"key": scenario["key"], "title": scenario["title"]}
    if scenario["classification"]:
        document["classification"] = scenario["classification"]
    document["summary"] = scenario["summary"]
    if scenario["tags"]:
        document["tags"] = scenario["tags"]
    if scenario["read_ahead"]:
        document["read_ahead"] = scenario["read_ahead"]
    document |= {
        "duration": format_duration(scenario["duration"]),
        "objectives": scenario["objectives"],
        "teams": [scenario_briefs.export_team(team) for team in scenario["teams"]],
    }
    if scenario["personas"]:
        document["personas"] = scenario["personas"]
    document["injects"] = injects
    if scenario["media"]:
        document["media"] = [scenario_cell.export_media(item) for item in scenario["media"]]
    if scenario["scoring"]:
        document["scoring"] = scenario["scoring"]
    if scenario["map"]:
        document["map"] = scenario["map"]
    return document


def _export_expectation(expectation: dict[str, Any]) -> dict[str, Any]:
    entry = {
        "key": expectation["key"],
        expectation["mode"]: expectation["teams"],
        "none" if expectation["restraint"] else "event": expectation["event"],
    }
    if expectation["where"]:
        entry["where"] = expectation["where"]
    entry.update(within=format_duration(expectation["within"]), points=expectation["points"])
    if expectation["objective"]:
        entry["objective"] = expectation["objective"]
    return entry
