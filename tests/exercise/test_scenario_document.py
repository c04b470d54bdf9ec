"""Scenario documents: every problem reported at its path, durations, and the export's round trip."""

import math
from pathlib import Path
from typing import Any

import pytest

from exercise.document_text import dump_json, dump_yaml, parse_text
from exercise.durations import format_duration, parse_duration
from exercise.errors import Invalid
from exercise.scenario_document import export_document, validate_document
from tests import builders

DEMO_SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "exercise" / "demo" / "scenarios").glob("*.yaml"))
REMOVE = object()


def _apply(mapping: dict[str, Any], fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if value is REMOVE:
            del mapping[name]
        else:
            mapping[name] = value


def top(**fields: Any) -> dict[str, Any]:
    """The builder's document with top-level fields replaced, or dropped with REMOVE."""
    doc = builders.document()
    _apply(doc, fields)
    return doc


def inject(index: int, doc: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A document whose ``injects[index]`` has these fields replaced or dropped."""
    doc = doc if doc is not None else builders.document()
    _apply(doc["injects"][index], fields)
    return doc


def expectation(**fields: Any) -> dict[str, Any]:
    """A document whose ``injects[0].expect[0]`` has these fields replaced or dropped."""
    doc = builders.document()
    _apply(doc["injects"][0]["expect"][0], fields)
    return doc


def problems_of(document: Any) -> list[tuple[str, str]]:
    with pytest.raises(Invalid) as caught:
        validate_document(document)
    return [(p["path"], p["message"]) for p in caught.value.details]


def assert_problem(problems: list[tuple[str, str]], path: str, *fragments: str) -> None:
    """A problem is reported at ``path`` and its message contains every fragment."""
    messages = [message for at, message in problems if at == path]
    assert messages, f"no problem at {path!r}; got {problems}"
    assert any(all(f.lower() in m.lower() for f in fragments) for m in messages), (path, fragments, messages)


def assert_only_problem(document: Any, path: str, *fragments: str) -> None:
    problems = problems_of(document)
    assert len(problems) == 1, problems
    assert_problem(problems, path, *fragments)


def parse_problem(raw: bytes, *, yaml_syntax: bool) -> tuple[str, str]:
    with pytest.raises(Invalid) as caught:
        parse_text(raw, yaml_syntax=yaml_syntax)
    (problem,) = caught.value.details
    return problem["path"], problem["message"]


def test_the_builder_document_is_valid():
    spec = validate_document(builders.document())
    assert spec["duration"] == 7200
    assert spec["injects"][0]["at"] == 300
    assert spec["injects"][1]["trigger"] == {"type": "missed", "ref": "E1", "delay": 300}
    assert spec["injects"][0]["expect"][0]["within"] == 900


@pytest.mark.parametrize(
    ("document", "path", "fragments"),
    [
        pytest.param(top(key=REMOVE), "key", ["required"], id="key"),
        pytest.param(top(title=REMOVE), "title", ["required"], id="title"),
        pytest.param(top(duration=REMOVE), "duration", ["required", "90m"], id="duration"),
        pytest.param(top(injects=REMOVE), "injects", ["required"], id="injects"),
        pytest.param(top(injects=[]), "injects", ["at least one"], id="injects-empty"),
        pytest.param(inject(0, kind=REMOVE), "injects[0].kind", ["required", "border_tension"], id="inject-kind"),
        pytest.param(inject(0, severity=REMOVE), "injects[0].severity", ["required", "critical"], id="severity"),
        pytest.param(inject(1, title=REMOVE), "injects[1].title", ["required"], id="inject-title"),
        pytest.param(inject(1, to=REMOVE), "injects[1].to", ["all", "team keys"], id="inject-to"),
        pytest.param(expectation(event=REMOVE), "injects[0].expect[0].event", ["required"], id="event"),
        pytest.param(expectation(within=REMOVE), "injects[0].expect[0].within", ["required"], id="within"),
        pytest.param(expectation(each=REMOVE), "injects[0].expect[0]", ["each", "any"], id="each-or-any"),
    ],
)
def test_a_missing_field_is_reported_at_its_path(document, path, fragments):
    assert_only_problem(document, path, *fragments)


def test_missing_teams_are_reported_and_every_team_reference_is_then_unknown():
    problems = problems_of(top(teams=REMOVE))
    assert_problem(problems, "teams", "required")
    assert_problem(problems, "injects[0].to[0]", "unknown team key 'ARC'", "none")


@pytest.mark.parametrize(
    ("document", "path", "fragments"),
    [
        pytest.param(top(title=5), "title", ["must be text", "number 5", "quotes"], id="title-number"),
        pytest.param(inject(1, to="ARC"), "injects[1].to", ["all", "list of team keys"], id="to-not-list"),
        pytest.param(inject(1, to=["ARC", 7]), "injects[1].to", ["list of team keys"], id="to-number-in-list"),
        pytest.param(expectation(points="10"), "injects[0].expect[0].points", ["whole number"], id="points-text"),
        pytest.param(expectation(points=2.5), "injects[0].expect[0].points", ["whole number"], id="points-fraction"),
        pytest.param(expectation(points=True), "injects[0].expect[0].points", ["whole number"], id="points-bool"),
        pytest.param(expectation(points=5000), "injects[0].expect[0].points", ["-1000 to 1000"], id="points-large"),
        pytest.param(top(summary=["Shots"]), "summary", ["must be text, not a list"], id="summary-list"),
        pytest.param(inject(1, body=12), "injects[1].body", ["must be text", "number 12"], id="body-number"),
        pytest.param(inject(1, expect={"key": "E2"}), "injects[1].expect", ["must be a list"], id="expect-mapping"),
        pytest.param(
            top(objectives=[*builders.DOCUMENT["objectives"], "O2"]), "objectives[1]", ["mapping"], id="objective-text"
        ),
        pytest.param(
            expectation(where=["kind"]),
            "injects[0].expect[0].where",
            ["is a list", "map event data fields"],
            id="where-list",
        ),
        pytest.param(top(scoring={"trust": {"hotline.accepted": "one"}}), "scoring.trust.hotline.accepted", ["number"]),
    ],
)
def test_a_mistyped_field_is_reported_at_its_path(document, path, fragments):
    assert_only_problem(document, path, *fragments)


def test_a_yaml_no_team_key_is_read_as_a_boolean_and_the_message_says_to_quote_it():
    text = b"""
key: nordic
title: Nordic exercise
duration: 1h
teams:
  - {key: NO, name: Norway}
injects:
  - {key: I1, at: 5m, title: Storm, kind: other, severity: low, to: all}
"""
    document = parse_text(text, yaml_syntax=True)
    assert_only_problem(document, "teams[0].key", "yes/no value false", "quotes")


@pytest.mark.parametrize(
    ("document", "path", "field"),
    [
        (top(colour="red"), "colour", "title"),
        (inject(0, colour="red"), "injects[0].colour", "severity"),
        (expectation(deadline="15m"), "injects[0].expect[0].deadline", "within"),
        (top(teams=[{"key": "ARC", "name": "Arcadia", "flag": "blue"}], injects=[]), "teams[0].flag", "name"),
        (inject(1, trigger={"missed": "E1", "wait": "5m"}), "injects[1].trigger.wait", "delay"),
    ],
)
def test_an_unknown_field_is_reported_with_the_fields_that_are_known(document, path, field):
    problems = problems_of(document)
    assert_problem(problems, path, "unknown field", field)


@pytest.mark.parametrize(
    ("document", "path", "fragments"),
    [
        pytest.param(inject(1, to=["ARC", "XYZ"]), "injects[1].to[1]", ["'XYZ'", "ARC, BOR, CAL"], id="to"),
        pytest.param(expectation(each=["ARC", "XYZ"]), "injects[0].expect[0].each[1]", ["'XYZ'"], id="each"),
        pytest.param(expectation(each=REMOVE, any=["XYZ", "BOR"]), "injects[0].expect[0].any[0]", ["'XYZ'"], id="any"),
        pytest.param(
            expectation(each=["ARC", "CAL"]), "injects[0].expect[0].each[1]", ["'CAL'", "ARC, BOR"], id="each-not-in-to"
        ),
        pytest.param(
            expectation(each=REMOVE, any=["CAL"]),
            "injects[0].expect[0].any[0]",
            ["'CAL'", "ARC, BOR"],
            id="any-not-in-to",
        ),
    ],
)
def test_a_team_key_that_is_not_a_team_of_the_scenario_or_of_the_inject_is_reported(document, path, fragments):
    assert_only_problem(document, path, *fragments)


def test_an_expectation_of_an_inject_to_all_may_name_any_team():
    doc = inject(0, to="all")
    doc["injects"][0]["expect"][0]["each"] = ["ARC", "CAL"]
    assert validate_document(doc)["injects"][0]["expect"][0]["teams"] == ["ARC", "CAL"]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("5 minutes", "90m"), ("-5m", "90m"), ("", "90m"), ("soon", "'soon'"), (-300, "zero or more"), ("900h", "week")],
)
@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda value: top(duration=value), "duration"),
        (lambda value: inject(0, at=value), "injects[0].at"),
        (lambda value: inject(1, trigger={"missed": "E1", "delay": value}), "injects[1].trigger.delay"),
        (lambda value: expectation(within=value), "injects[0].expect[0].within"),
    ],
    ids=["duration", "at", "delay", "within"],
)
def test_a_bad_duration_is_reported_at_its_path(edit, path, value, fragment):
    assert_only_problem(edit(value), path, fragment)


@pytest.mark.parametrize(("value", "fragment"), [("0", "90m"), ("0s", "longer than zero"), (0, "longer than zero")])
def test_an_expectation_must_allow_more_than_no_time(value, fragment):
    assert_only_problem(expectation(within=value), "injects[0].expect[0].within", fragment)


def test_an_inject_may_be_due_at_the_start():
    assert validate_document(inject(0, at="0s"))["injects"][0]["at"] == 0


def _second_expectation_e1() -> dict[str, Any]:
    doc = builders.document()
    doc["injects"][1]["expect"] = [dict(doc["injects"][0]["expect"][0], each=["CAL"])]
    return doc


DUPLICATE_KEYS = [
    pytest.param(
        top(teams=[*builders.DOCUMENT["teams"], {"key": "ARC", "name": "Arcadia again"}]),
        "teams[3].key",
        "team key 'ARC' is used twice",
        id="team",
    ),
    pytest.param(
        top(objectives=[*builders.DOCUMENT["objectives"], {"key": "O1", "text": "Again"}]),
        "objectives[1].key",
        "objective key 'O1' is used twice",
        id="objective",
    ),
    pytest.param(inject(1, key="I1"), "injects[1].key", "inject key 'I1' is used twice", id="inject"),
    pytest.param(
        _second_expectation_e1(), "injects[1].expect[0].key", "expectation key 'E1' is used twice", id="expectation"
    ),
]


@pytest.mark.parametrize(("document", "path", "message"), DUPLICATE_KEYS)
def test_a_key_used_twice_is_reported_at_its_second_use(document, path, message):
    assert_problem(problems_of(document), path, message)


@pytest.mark.parametrize(("document", "path", "message"), DUPLICATE_KEYS[2:])
def test_a_duplicate_inject_or_expectation_key_is_the_only_problem_reported(document, path, message):
    assert_only_problem(document, path, message)


@pytest.mark.parametrize(
    ("raw", "yaml_syntax", "fragments"),
    [
        pytest.param(b"key: a\ntitle: b\nkey: c\n", True, ["'key' appears twice", "line 3"], id="yaml"),
        pytest.param(
            b"teams:\n  - key: ARC\n    name: A\n    key: BOR\n", True, ["'key' appears twice"], id="yaml-nested"
        ),
        pytest.param(b'{"key": "a",\n "title": "b",\n "key": "c"}', False, ["'key' appears twice"], id="json"),
        pytest.param(b'{"teams": [{"key": "ARC", "key": "BOR"}]}', False, ["'key' appears twice"], id="json-nested"),
    ],
)
def test_a_field_written_twice_in_one_mapping_is_refused(raw, yaml_syntax, fragments):
    path, message = parse_problem(raw, yaml_syntax=yaml_syntax)
    assert path == ""
    assert all(f in message for f in fragments), message


def test_an_inject_needs_exactly_one_of_at_and_trigger():
    both = inject(0, trigger={"after": "I2"})
    neither = inject(0, at=REMOVE)
    assert_only_problem(both, "injects[0]", "has both `at` and `trigger`", "exactly one: `at`")
    assert_only_problem(neither, "injects[0]", "has neither `at` nor `trigger`", "exactly one: `at`")


@pytest.mark.parametrize(
    ("trigger", "path", "fragment"),
    [
        ({"after": "I9"}, "injects[1].trigger.after", "no inject has the key 'I9'"),
        ({"met": "E9"}, "injects[1].trigger.met", "no expectation has the key 'E9'"),
        ({"missed": "E9", "delay": "5m"}, "injects[1].trigger.missed", "no expectation has the key 'E9'"),
        ({"met": "I1"}, "injects[1].trigger.met", "no expectation has the key 'I1'"),
        ({"after": "I1", "met": "E1"}, "injects[1].trigger", "exactly one of after"),
        ({"delay": "5m"}, "injects[1].trigger", "exactly one of after"),
        ({"after": 1}, "injects[1].trigger.after", "key written as text"),
    ],
)
def test_a_trigger_must_point_at_one_existing_inject_or_expectation(trigger, path, fragment):
    assert_only_problem(inject(1, trigger=trigger), path, fragment)


def test_two_injects_waiting_on_each_other_are_both_reported():
    doc = inject(0, at=REMOVE, trigger={"after": "I2"})
    inject(1, doc, trigger={"after": "I1"})
    problems = problems_of(doc)
    assert problems == [
        ("injects[0].trigger", "waits on itself: I1 → I2 → I1; it would never be released"),
        ("injects[1].trigger", "waits on itself: I2 → I1 → I2; it would never be released"),
    ]


@pytest.mark.parametrize(
    ("document", "path", "chain"),
    [
        pytest.param(inject(0, at=REMOVE, trigger={"met": "E1"}), "injects[0].trigger", "I1 → I1", id="met-own"),
        pytest.param(inject(1, trigger={"after": "I2", "delay": "1m"}), "injects[1].trigger", "I2 → I2", id="after"),
    ],
)
def test_an_inject_triggered_by_itself_is_reported(document, path, chain):
    assert_only_problem(document, path, "waits on itself", chain)


def test_a_chain_that_ends_is_not_a_cycle():
    doc = builders.document()
    doc["injects"].append(dict(doc["injects"][1], key="I3", trigger={"after": "I2"}))
    assert [i["trigger"]["ref"] for i in validate_document(doc)["injects"][1:]] == ["E1", "I2"]


@pytest.mark.parametrize(
    ("document", "path", "fragments"),
    [
        pytest.param(
            expectation(event="hotline.called"), "injects[0].expect[0].event", ["'hotline.called'", "event kind"]
        ),
        pytest.param(expectation(objective="O9"), "injects[0].expect[0].objective", ["unknown objective 'O9'"]),
        pytest.param(inject(0, kind="earthquake"), "injects[0].kind", ["'earthquake'", "border_tension"]),
        pytest.param(inject(1, severity="apocalyptic"), "injects[1].severity", ["'apocalyptic'", "low, medium"]),
        pytest.param(top(key="Karst Pass"), "key", ["'Karst Pass'", "lower-case"]),
        pytest.param(
            top(scoring={"trust": {"hotline.hugged": 1}}),
            "scoring.trust.hotline.hugged",
            ["is not one of", "jointop.succeeded"],
        ),
    ],
)
def test_a_value_outside_its_list_is_reported(document, path, fragments):
    assert_only_problem(document, path, *fragments)


@pytest.mark.parametrize(
    ("raw", "yaml_syntax", "fragments"),
    [
        pytest.param(b"key: a\ntitle: [unclosed\nteams: x\n", True, ["line 3"], id="yaml-flow"),
        pytest.param(b"key: a\n  title: b\n", True, ["line 2", "not allowed"], id="yaml-indent"),
        pytest.param(b'{"key": "a",\n "title": }', False, ["line 2", "column 11"], id="json-value"),
        pytest.param(b'{"key": "a"\n\n "title": "b"}', False, ["line 3"], id="json-comma"),
        pytest.param(b"key: a\n---\nkey: b\n", True, ["line 2", "another document"], id="yaml-two-documents"),
        pytest.param(b"a: &x [1]\nb: *x\n", True, ["line 2", "aliases"], id="yaml-alias"),
        pytest.param(b"title: !!python/name:os.system\n", True, ["line 1"], id="yaml-python-tag"),
    ],
)
def test_unreadable_text_is_one_problem_that_says_where(raw, yaml_syntax, fragments):
    path, message = parse_problem(raw, yaml_syntax=yaml_syntax)
    assert path == ""
    assert all(f in message for f in fragments), message


@pytest.mark.parametrize("yaml_syntax", [True, False], ids=["yaml", "json"])
def test_bytes_that_are_not_utf8_are_refused(yaml_syntax):
    with pytest.raises(Invalid) as caught:
        parse_text("title: Café".encode("latin-1"), yaml_syntax=yaml_syntax)
    assert "UTF-8" in caught.value.message
    assert caught.value.details[0]["path"] == ""
    assert "0xe9" in caught.value.details[0]["message"]


@pytest.mark.parametrize("raw", [b"", b"  \n\t\n"], ids=["nothing", "blank"])
@pytest.mark.parametrize("yaml_syntax", [True, False], ids=["yaml", "json"])
def test_an_empty_document_is_refused(raw, yaml_syntax):
    assert parse_problem(raw, yaml_syntax=yaml_syntax) == ("", "the document is empty")


@pytest.mark.parametrize(
    ("raw", "yaml_syntax"),
    [(b"- key: a\n- title: b\n", True), (b'["key", "title"]', False), (b"# only a comment\n", True), (b"null", False)],
    ids=["yaml-list", "json-list", "yaml-comment", "json-null"],
)
def test_a_document_that_is_not_a_mapping_is_refused(raw, yaml_syntax):
    assert_only_problem(parse_text(raw, yaml_syntax=yaml_syntax), "", "mapping")


def test_every_problem_of_a_document_is_reported_at_once():
    doc = top(title=REMOVE, teams=[*builders.DOCUMENT["teams"], {"key": "BOR", "name": "Again"}])
    inject(0, doc, kind="earthquake")
    inject(1, doc, to=["ARC", "XYZ"], trigger={"after": "I9"})
    doc["injects"][0]["expect"][0]["points"] = "ten"
    with pytest.raises(Invalid) as caught:
        validate_document(doc)
    paths = [p["path"] for p in caught.value.details]
    assert sorted(paths) == sorted(
        [
            "title",
            "teams[3].key",
            "injects[0].kind",
            "injects[0].expect[0].points",
            "injects[1].to[1]",
            "injects[1].trigger.after",
        ]
    )
    assert "6 problem" in caught.value.message


def test_a_team_key_longer_than_the_database_holds_is_refused():
    long_key = "ARCADIA-REPUBLIC-1"
    assert len(long_key) > 16
    doc = top(teams=[*builders.DOCUMENT["teams"], {"key": long_key, "name": "Arcadia"}])
    assert_only_problem(doc, "teams[3].key", long_key)


@pytest.mark.parametrize("weight", [math.nan, math.inf], ids=["nan", "inf"])
def test_a_scoring_weight_must_be_a_finite_number(weight):
    assert_only_problem(
        top(scoring={"trust": {"hotline.accepted": weight}}), "scoring.trust.hotline.accepted", "number"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (90, "1m30s"),
        (1.5, "1.5s"),
        (900, "15m"),
        (3600, "1h"),
        (3661, "1h1m1s"),
        (5400, "1h30m"),
    ],
)
def test_a_duration_is_written_shortest_and_read_back(seconds, text):
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90m", 5400), ("1.5h", 5400), ("2H", 7200), (" 5 m ", 300), ("1h0m30s", 3630), (120, 120), (2.5, 2.5)],
)
def test_durations_are_read_as_writers_type_them(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("value", ["5 minutes", "-5m", "", "1h1h", "5d", "m", True, None, [5], "169h", math.nan])
def test_a_value_that_is_not_a_duration_is_refused_with_a_reason(value):
    with pytest.raises(ValueError, match=r"duration|zero or more|week"):
        parse_duration(value)


@pytest.mark.parametrize("seconds", [12.345678, 0.1 + 0.2, 3599.123456])
def test_a_fractional_duration_survives_the_round_trip(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


def _full_featured_document() -> dict[str, Any]:
    """Every optional part of a document: triggers of each type, any, where, to all, at 0."""
    doc = top(summary=REMOVE, scoring={"trust": {"hotline.accepted": 1.5}, "escalation": {"deploy_forces": 2}})
    doc["injects"][0]["at"] = 0
    doc["injects"][0]["expect"].append(
        {"key": "E2", "any": ["ARC", "BOR"], "event": "action.taken", "where": {"kind": "raise_alert"}, "within": 90.5}
    )
    doc["injects"].append(dict(doc["injects"][1], key="I3", trigger={"after": "I2"}, to=["CAL"]))
    doc["injects"].append(dict(doc["injects"][1], key="I4", trigger={"met": "E2", "delay": "1h1m1s"}, body=""))
    return doc


ROUND_TRIP_DOCUMENTS = [
    pytest.param(builders.document(), id="builder"),
    pytest.param(_full_featured_document(), id="full"),
    *[pytest.param(parse_text(path.read_bytes(), yaml_syntax=True), id=path.stem) for path in DEMO_SCENARIOS],
]


def test_the_six_shipped_scenarios_are_found():
    assert [path.stem for path in DEMO_SCENARIOS] == [
        "brenna-chlorine",
        "coral-shoal",
        "harbour-blast",
        "karst-pass",
        "sabal-strait",
        "teruna-relief",
    ]


@pytest.mark.parametrize("document", ROUND_TRIP_DOCUMENTS)
def test_the_export_of_the_normal_form_validates_to_the_same_normal_form(document):
    spec = validate_document(document)
    assert validate_document(export_document(spec)) == spec


@pytest.mark.parametrize("document", ROUND_TRIP_DOCUMENTS)
@pytest.mark.parametrize(("dump", "yaml_syntax"), [(dump_json, False), (dump_yaml, True)], ids=["json", "yaml"])
def test_the_export_written_as_text_reads_back_to_the_same_normal_form(document, dump, yaml_syntax):
    spec = validate_document(document)
    text = dump(export_document(spec))
    assert validate_document(parse_text(text.encode("utf-8"), yaml_syntax=yaml_syntax)) == spec


def test_the_export_of_the_builder_document_is_the_document():
    assert export_document(validate_document(builders.document())) == builders.document()


@pytest.mark.parametrize("field", ["title", "body"])
def test_text_with_a_next_line_character_survives_the_yaml_export(field):
    doc = inject(1, **{field: "Reports\x85 more to follow\n"})
    spec = validate_document(doc)
    text = dump_yaml(export_document(spec))
    assert validate_document(parse_text(text.encode("utf-8"), yaml_syntax=True)) == spec


# --- the marking -------------------------------------------------------------------


def test_a_classification_is_kept_trimmed_and_is_optional():
    spec = validate_document(top(classification="  EXERCISE EXERCISE EXERCISE - UNCLASSIFIED "))
    assert spec["classification"] == "EXERCISE EXERCISE EXERCISE - UNCLASSIFIED"
    assert validate_document(builders.document())["classification"] == ""
    assert validate_document(top(classification=""))["classification"] == ""


def test_a_classification_is_exported_only_when_there_is_one():
    marked = top(classification="EXERCISE - OFFICIAL")
    assert export_document(validate_document(marked)) == {
        "key": marked["key"],
        "title": marked["title"],
        "classification": "EXERCISE - OFFICIAL",
        **{k: v for k, v in builders.document().items() if k not in ("key", "title")},
    }
    assert "classification" not in export_document(validate_document(builders.document()))


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ("E" * 121, ("121 characters", "limit is 120")),
        ("EXERCISE\nUNCLASSIFIED", ("U+000A", "one line")),
        ("EXERCISE\tUNCLASSIFIED", ("U+0009", "one line of printable text")),
        ("EXERCISE \x1b[8mSECRET", ("U+001B", "control character")),
        ("EXERCISE\u2028UNCLASSIFIED", ("U+2028", "line break")),
        (42, ("must be text", "number 42")),
        (["EXERCISE"], ("must be text",)),
    ],
    ids=["too-long", "newline", "tab", "escape", "line-separator", "number", "list"],
)
def test_a_bad_classification_is_reported_at_its_path(value, fragments):
    assert_only_problem(top(classification=value), "classification", *fragments)


def test_a_team_that_the_inject_does_not_go_to_is_named_as_such():
    doc = inject(0, to=["BOR"])
    doc["injects"][0]["expect"][0]["each"] = ["ARC", "XYZ", "BOR"]
    problems = problems_of(doc)
    assert len(problems) == 2, problems
    assert_problem(
        problems,
        "injects[0].expect[0].each[0]",
        "'ARC' is a team of the scenario but this inject does not go to it; the inject goes to BOR",
    )
    assert_problem(
        problems, "injects[0].expect[0].each[1]", "'XYZ'", "not a team of the scenario (ARC, BOR, CAL)", "goes to BOR"
    )


def test_a_key_that_is_no_team_at_all_lists_the_teams_when_the_inject_goes_to_all():
    doc = inject(0, to="all")
    doc["injects"][0]["expect"][0]["each"] = ["XYZ"]
    assert_only_problem(
        doc, "injects[0].expect[0].each[0]", "unknown team key 'XYZ'; the teams of the scenario are ARC, BOR, CAL"
    )


def _expect_where(**where: Any) -> dict[str, Any]:
    return expectation(where=where)


@pytest.mark.parametrize(
    ("document", "path", "found", "allowed"),
    [
        pytest.param(expectation(points="ten"), "injects[0].expect[0].points", "the text 'ten'", "-1000 to 1000"),
        pytest.param(expectation(within="0s"), "injects[0].expect[0].within", "is 0s", "longer than zero"),
        pytest.param(
            expectation(event="hotline.request"),
            "injects[0].expect[0].event",
            "'hotline.request'",
            "did you mean hotline.requested",
        ),
        pytest.param(expectation(event="call"), "injects[0].expect[0].event", "'call'", "the kinds are action.taken"),
        pytest.param(expectation(any=["ARC"]), "injects[0].expect[0]", "has both `each` and `any`", "exactly one"),
        pytest.param(expectation(objective=5), "injects[0].expect[0].objective", "the number 5", "objective key"),
        pytest.param(_expect_where(kind=["a"]), "injects[0].expect[0].where.kind", "is a list", "text, a number"),
        pytest.param(inject(1, trigger={"after": 5}), "injects[1].trigger.after", "the number 5", "such as I1"),
        pytest.param(inject(1, trigger={}), "injects[1].trigger", "has none of them", "after: INJECT"),
        pytest.param(inject(1, trigger={"met": "I1"}), "injects[1].trigger.met", "'I1'", "the expectations are E1"),
        pytest.param(inject(1, to="ARC"), "injects[1].to", "the text 'ARC'", '"all" or a list of team keys'),
        pytest.param(inject(1, to=["ARC", "ARC"]), "injects[1].to", "'ARC' more than once", "name each team once"),
        pytest.param(inject(1, to=[]), "injects[1].to", "is an empty list", 'or write "all"'),
        pytest.param(top(teams={"ARC": "Arcadia"}), "teams", "is a mapping", "must be a list"),
        pytest.param(top(objectives=["O1"]), "objectives[0]", "the text 'O1'", "mapping of fields, one of key, text"),
        pytest.param(top(title=""), "title", "is blank", "1 to 200 characters"),
        pytest.param(top(duration="900h"), "duration", "is 900h", "at most 168h"),
        pytest.param(top(duration=True), "duration", "yes/no", "90m"),
        pytest.param(top(key="Karst Pass"), "key", "'Karst Pass'", "lower-case letters"),
        pytest.param(
            top(scoring={"trust": {"hotline.accepted": "one"}}),
            "scoring.trust.hotline.accepted",
            "the text 'one'",
            "finite number",
        ),
        pytest.param(
            top(scoring={"escalation": {"deploy_forces": 1.5}}),
            "scoring.escalation.deploy_forces",
            "is 1.5",
            "whole number of rungs",
        ),
        pytest.param(top(scoring={"trust": 3}), "scoring.trust", "the number 3", "map names to numbers"),
        pytest.param(top(colour="red"), "colour", "'colour'", "the fields here are key, title"),
    ],
)
def test_every_message_says_what_was_found_and_what_is_allowed(document, path, found, allowed):
    assert_problem(problems_of(document), path, found, allowed)


def test_a_repeated_expectation_key_names_the_inject_that_has_it():
    assert_problem(problems_of(_second_expectation_e1()), "injects[1].expect[0].key", "inject I1 has it already")
