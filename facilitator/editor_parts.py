"""The editor's parts of a scenario document as forms: each part reads its forms from the
draft's document, writes the document's fields back from them as entered (a value the
validator refuses is kept, for it to name), and knows which form field each document path
of its own is shown in, so that a problem appears next to the field it is about.

Every field is text, as in a workbook's cell (exercise/workbook/cells.py reads the same
forms: team lists, lines, triggers, field=value constraints); the validator, not the form,
says what is wrong with it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms

from exercise.catalogue import KINDS
from exercise.models.scenarios import INJECT_KINDS, SEVERITIES
from exercise.scenario_document import SCORING_KEYS
from exercise.workbook.cells import (
    as_number,
    lines_text,
    read_lines,
    read_team_list,
    read_trigger,
    read_where,
    read_words,
    team_list_text,
    trigger_text,
    where_text,
    words_text,
)

Document = dict[str, Any]
TEXT = {"maxlength": 20_000}


def _text(value: Any) -> str:
    """A document value as the text of a field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _typed(text: str) -> Any:
    """Text typed where a duration or a number goes: a number when it spells one, else the
    text for the validator to refuse; None (no field) when blank."""
    text = text.strip()
    return as_number(text) if text else None


def _schedule_text(item: dict[str, Any]) -> tuple[str, str]:
    trigger = item.get("trigger")
    if isinstance(trigger, dict) and any(t in trigger for t in ("after", "met", "missed")):
        try:
            return _text(item.get("at")), trigger_text(trigger)
        except (KeyError, StopIteration):
            pass
    return _text(item.get("at")), _text(trigger)


def _schedule(at: str, trigger: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if at.strip():
        found["at"] = _typed(at)
    if trigger.strip():
        found["trigger"] = read_trigger(trigger) or trigger.strip()
    return found


def _team_list(value: Any) -> str:
    if value == "all" or (isinstance(value, list) and all(isinstance(k, str) for k in value)):
        return team_list_text(value)
    return _text(value)


def _where_text(value: Any) -> str:
    return where_text(value) if isinstance(value, dict) and value else _text(value) if value else ""


def _items(document: Document, name: str) -> list[Any]:
    value = document.get(name)
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _choices_with(options: tuple[str, ...], current: list[str]) -> list[tuple[str, str]]:
    """A select's choices, with any value the document holds that is not one of them, so
    that a wrong value read from a file is shown, not lost."""
    extra = sorted({v for v in current if v and v not in options})
    return [("", "—")] + [(o, o) for o in options] + [(v, f"{v} (not allowed)") for v in extra]


class Text(forms.CharField):
    """Text kept as typed: not stripped (a body's last line break is the writer's), with
    the browser's CRLF line breaks as the document writes them."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n")


# Forms: one per row of a part's table. Every field is optional text: blank is a value the
# validator tells about ("is required"), not a reason to lose the rest of the row.


class GeneralForm(forms.Form):
    key = Text(required=False, max_length=200, help_text="Lower-case letters, digits and '-'.")
    title = Text(required=False, max_length=2000)
    classification = Text(required=False, max_length=2000, help_text="One line; blank for none.")
    summary = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    tags = Text(required=False, max_length=2000, help_text="Words separated by commas.")
    duration = Text(required=False, max_length=200, help_text="Such as 3h or 3h30m.")
    read_ahead = Text(
        required=False,
        label="Read-ahead",
        widget=forms.Textarea(attrs={"rows": 6, **TEXT}),
        help_text="Markdown: the road to the crisis, shown to every team.",
    )


class ObjectiveForm(forms.Form):
    team = forms.ChoiceField(required=False, help_text="Blank for an objective of the whole scenario.")
    key = Text(required=False, max_length=200)
    text = Text(required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT}))

    def __init__(self, *args: Any, teams: list[str] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [("", "The whole scenario")] + [(k, k) for k in teams]


class TeamForm(forms.Form):
    key = Text(required=False, max_length=200, help_text="Such as ARC.")
    name = Text(required=False, max_length=2000)
    summary = Text(
        required=False,
        label="Brief",
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
        help_text="Only this team reads it.",
    )
    interests = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}), help_text="One per line.")
    red_lines = Text(
        required=False, label="Red lines", widget=forms.Textarea(attrs={"rows": 2, **TEXT}), help_text="One per line."
    )


class PersonaForm(forms.Form):
    key = Text(required=False, max_length=200)
    name = Text(required=False, max_length=2000)
    role = Text(required=False, max_length=2000)


class InjectForm(forms.Form):
    key = Text(required=False, max_length=200)
    at = Text(required=False, label="At", max_length=200, help_text="Such as 15m; or a trigger.")
    trigger = Text(required=False, max_length=200, help_text="Such as after I1 +5m, met E1, missed E1.")
    title = Text(required=False, max_length=2000)
    kind = forms.ChoiceField(required=False)
    severity = forms.ChoiceField(required=False)
    to = Text(required=False, label="To", max_length=2000, help_text="all, or team keys such as ARC, BOR.")
    body = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}), help_text="Markdown.")

    def __init__(self, *args: Any, kinds: list[str] = (), severities: list[str] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = _choices_with(INJECT_KINDS, list(kinds))
        cast(forms.ChoiceField, self.fields["severity"]).choices = _choices_with(SEVERITIES, list(severities))


class ExpectationForm(forms.Form):
    inject = forms.ChoiceField(label="Inject")
    key = Text(required=False, max_length=200)
    mode = forms.ChoiceField(
        choices=[("each", "each (decided per team)"), ("any", "any (once for the group)")], required=False
    )
    teams = Text(required=False, max_length=2000, help_text="all, or team keys.")
    event = Text(required=False, max_length=200, help_text="The kind of event, such as hotline.requested.")
    restraint = forms.BooleanField(required=False, label="A restraint: the event must not happen")
    where = Text(
        required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT}), help_text="One field=value per line."
    )
    within = Text(required=False, max_length=200, help_text="Such as 10m.")
    points = Text(required=False, max_length=200)
    objective = Text(required=False, max_length=200, help_text="The key of an objective it serves.")

    def __init__(self, *args: Any, injects: list[tuple[str, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["inject"]).choices = list(injects)
        self.fields["event"].widget.attrs["list"] = "event-kinds"


class MediaForm(forms.Form):
    key = Text(required=False, max_length=200)
    at = Text(required=False, label="At", max_length=200)
    trigger = Text(required=False, max_length=200)
    persona = Text(required=False, max_length=200, help_text="The key of the persona publishing it.")
    headline = Text(required=False, max_length=2000)
    body = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    to = Text(required=False, label="To", max_length=2000, help_text="Blank or all for every team.")


def _scoring_form() -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        f"{section}__{name}": Text(required=False, max_length=200, label=name.replace("_", " "))
        for section, names in SCORING_KEYS.items()
        for name in names
    }
    return type("ScoringForm", (forms.Form,), fields)


ScoringForm = _scoring_form()


@dataclass
class Table:
    """A formset of one part: its prefix, its row form and the label of a row."""

    prefix: str
    form: type[forms.Form]
    noun: str


def formset(table: Table, data: Any, initial: list[dict[str, Any]], **form_kwargs: Any) -> forms.BaseFormSet:
    cls = forms.formset_factory(table.form, extra=0, can_delete=True, max_num=1000, absolute_max=1000)
    return cls(data, initial=initial, prefix=table.prefix, form_kwargs=form_kwargs)


@dataclass
class Part:
    """One part of the editor: what it reads from the document into forms and writes back."""

    slug: str
    title: str
    tables: tuple[Table, ...] = ()
    # The document paths this part owns (tried in order of the parts, first match wins).
    owns: re.Pattern[str] = re.compile(r"$^")
    read: Callable[[Document, Any], dict[str, Any]] | None = None
    write: Callable[[Document, dict[str, Any]], Document] | None = None
    paths: Callable[[Document, dict[str, Any]], dict[str, str]] | None = None
    add: Callable[[Document, str], Document] | None = None

    @property
    def adds_rows(self) -> bool:
        """Whether it has Add buttons (a template would call ``add`` itself)."""
        return self.add is not None


def _field_id(prefix: str, index: int, name: str) -> str:
    return f"id_{prefix}-{index}-{name}"


# -- general ---------------------------------------------------------------------------

GENERAL_FIELDS = ("key", "title", "classification", "summary", "tags", "duration", "read_ahead")


def _read_general(document: Document, data: Any) -> dict[str, Any]:
    initial = {name: _text(document.get(name)) for name in GENERAL_FIELDS}
    tags = document.get("tags")
    if isinstance(tags, list):
        initial["tags"] = words_text([_text(t) for t in tags])
    return {"general": GeneralForm(data, initial=initial)}


def _write_general(document: Document, forms_: dict[str, Any]) -> Document:
    data = forms_["general"].cleaned_data
    return {
        "key": data["key"].strip(),
        "title": data["title"],
        "classification": data["classification"] or None,
        "summary": data["summary"],
        "tags": read_words(data["tags"]),
        "duration": _typed(data["duration"]),
        "read_ahead": data["read_ahead"] or None,
    }


def _general_paths(document: Document, forms_: dict[str, Any]) -> dict[str, str]:
    return {name: f"id_{name}" for name in GENERAL_FIELDS}


# -- teams -----------------------------------------------------------------------------

TEAMS = Table("team", TeamForm, "Team")


def _read_teams(document: Document, data: Any) -> dict[str, Any]:
    initial = []
    for team in map(_mapping, _items(document, "teams")):
        brief = _mapping(team.get("brief"))
        initial.append(
            {
                "key": _text(team.get("key")),
                "name": _text(team.get("name")),
                "summary": _text(brief.get("summary")),
                "interests": lines_text([_text(x) for x in brief.get("interests") or [] if x is not None])
                if isinstance(brief.get("interests"), list)
                else _text(brief.get("interests")),
                "red_lines": lines_text([_text(x) for x in brief.get("red_lines") or [] if x is not None])
                if isinstance(brief.get("red_lines"), list)
                else _text(brief.get("red_lines")),
            }
        )
    return {"team": formset(TEAMS, data, initial)}


def _write_teams(document: Document, forms_: dict[str, Any]) -> Document:
    old = _items(document, "teams")
    teams = []
    for index, form in enumerate(forms_["team"].forms):
        if form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        objectives = _mapping(_mapping(old[index]).get("brief")).get("objectives") if index < len(old) else None
        team: dict[str, Any] = {"key": data["key"].strip(), "name": data["name"]}
        brief = {
            "summary": data["summary"],
            "interests": read_lines(data["interests"]),
            "red_lines": read_lines(data["red_lines"]),
        }
        if objectives:
            brief["objectives"] = objectives
        if any(brief.values()):
            team["brief"] = brief
        teams.append(team)
    return {"teams": teams}


def _team_paths(document: Document, forms_: dict[str, Any]) -> dict[str, str]:
    found = {"teams": _field_id("team", 0, "key")}
    for i, _ in enumerate(_items(document, "teams")):
        base = f"teams[{i}]"
        found |= {
            base: _field_id("team", i, "key"),
            f"{base}.key": _field_id("team", i, "key"),
            f"{base}.name": _field_id("team", i, "name"),
            f"{base}.brief": _field_id("team", i, "summary"),
            f"{base}.brief.summary": _field_id("team", i, "summary"),
            f"{base}.brief.interests": _field_id("team", i, "interests"),
            f"{base}.brief.red_lines": _field_id("team", i, "red_lines"),
        }
    return found


# -- objectives ------------------------------------------------------------------------

OBJECTIVES = Table("objective", ObjectiveForm, "Objective")


def _team_keys(document: Document) -> list[str]:
    keys = [_mapping(t).get("key") for t in _items(document, "teams")]
    return list(dict.fromkeys(k for k in keys if isinstance(k, str) and k))


def _objective_rows(document: Document) -> list[tuple[str, str, dict[str, Any]]]:
    """Every objective as (its team's key or "", its path, itself), the scenario's first."""
    rows = [("", f"objectives[{i}]", _mapping(o)) for i, o in enumerate(_items(document, "objectives"))]
    seen: set[str] = set()
    for t, team in enumerate(map(_mapping, _items(document, "teams"))):
        key = team.get("key")
        if not isinstance(key, str) or not key or key in seen:
            continue
        seen.add(key)
        owned = _mapping(team.get("brief")).get("objectives")
        for n, objective in enumerate(owned if isinstance(owned, list) else []):
            rows.append((key, f"teams[{t}].brief.objectives[{n}]", _mapping(objective)))
    return rows


def _read_objectives(document: Document, data: Any) -> dict[str, Any]:
    initial = [
        {"team": team, "key": _text(o.get("key")), "text": _text(o.get("text"))}
        for team, _, o in _objective_rows(document)
    ]
    return {"objective": formset(OBJECTIVES, data, initial, teams=_team_keys(document))}


def _write_objectives(document: Document, forms_: dict[str, Any]) -> Document:
    by_team: dict[str, list[dict[str, Any]]] = {}
    for form in forms_["objective"].forms:
        if not form.cleaned_data.get("DELETE"):
            data = form.cleaned_data
            by_team.setdefault(data["team"], []).append({"key": data["key"].strip(), "text": data["text"]})
    teams = []
    seen: set[str] = set()
    for item in _items(document, "teams"):
        team = dict(_mapping(item)) if isinstance(item, dict) else item
        key = team.get("key") if isinstance(team, dict) else None
        if isinstance(team, dict) and isinstance(key, str) and key and key not in seen:
            seen.add(key)
            brief = {k: v for k, v in _mapping(team.get("brief")).items() if k != "objectives"}
            if by_team.get(key):
                brief["objectives"] = by_team[key]
            if brief:
                team["brief"] = brief
            else:
                team.pop("brief", None)
        teams.append(team)
    return {"objectives": by_team.get("", []), "teams": teams}


def _objective_paths(document: Document, forms_: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for n, (_, path, _o) in enumerate(_objective_rows(document)):
        found |= {
            path: _field_id("objective", n, "key"),
            f"{path}.key": _field_id("objective", n, "key"),
            f"{path}.text": _field_id("objective", n, "text"),
        }
    return found


# -- personas --------------------------------------------------------------------------

PERSONAS = Table("persona", PersonaForm, "Persona")


def _read_personas(document: Document, data: Any) -> dict[str, Any]:
    initial = [{n: _text(_mapping(p).get(n)) for n in ("key", "name", "role")} for p in _items(document, "personas")]
    return {"persona": formset(PERSONAS, data, initial)}


def _write_personas(document: Document, forms_: dict[str, Any]) -> Document:
    personas = [
        {"key": f.cleaned_data["key"].strip(), "name": f.cleaned_data["name"], "role": f.cleaned_data["role"]}
        for f in forms_["persona"].forms
        if not f.cleaned_data.get("DELETE")
    ]
    return {"personas": personas or None}


def _row_paths(document: Document, name: str, prefix: str, fields: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i, _ in enumerate(_items(document, name)):
        found[f"{name}[{i}]"] = _field_id(prefix, i, fields[0])
        found |= {f"{name}[{i}].{f}": _field_id(prefix, i, f) for f in fields}
    return found


def _persona_paths(document: Document, forms_: dict[str, Any]) -> dict[str, str]:
    return _row_paths(document, "personas", "persona", ("key", "name", "role"))


# -- injects and their expectations ----------------------------------------------------

INJECTS = Table("inject", InjectForm, "Inject")
EXPECTATIONS = Table("expect", ExpectationForm, "Expectation")
EXPECTATION_MODES = ("each", "any")


def _expectation_rows(document: Document) -> list[tuple[int, int, dict[str, Any]]]:
    return [
        (i, n, _mapping(e))
        for i, inject in enumerate(_items(document, "injects"))
        for n, e in enumerate(
            _mapping(inject).get("expect") or [] if isinstance(_mapping(inject).get("expect"), list) else []
        )
    ]


def _inject_label(index: int, inject: dict[str, Any]) -> str:
    key, title = _text(inject.get("key")) or f"row {index + 1}", _text(inject.get("title"))
    return f"{key}: {title}" if title else key


def _read_injects(document: Document, data: Any) -> dict[str, Any]:
    injects = [_mapping(i) for i in _items(document, "injects")]
    initial = []
    for inject in injects:
        at, trigger = _schedule_text(inject)
        initial.append(
            {
                "key": _text(inject.get("key")),
                "at": at,
                "trigger": trigger,
                "title": _text(inject.get("title")),
                "kind": _text(inject.get("kind")),
                "severity": _text(inject.get("severity")),
                "to": _team_list(inject.get("to")),
                "body": _text(inject.get("body")),
            }
        )
    expectations = []
    for i, _, e in _expectation_rows(document):
        mode = next((m for m in EXPECTATION_MODES if m in e), "each")
        restraint = e.get("none") is not None and e.get("event") is None
        expectations.append(
            {
                "inject": str(i),
                "key": _text(e.get("key")),
                "mode": mode,
                "teams": _team_list(e.get(mode)),
                "event": _text(e.get("none") if restraint else e.get("event")),
                "restraint": restraint,
                "where": _where_text(e.get("where")),
                "within": _text(e.get("within")),
                "points": _text(e.get("points")),
                "objective": _text(e.get("objective")),
            }
        )
    kinds = [_text(i.get("kind")) for i in injects]
    severities = [_text(i.get("severity")) for i in injects]
    choices = [(str(n), _inject_label(n, i)) for n, i in enumerate(injects)]
    return {
        "inject": formset(INJECTS, data, initial, kinds=kinds, severities=severities),
        "expect": formset(EXPECTATIONS, data, expectations, injects=choices),
    }


def _write_injects(document: Document, forms_: dict[str, Any]) -> Document:
    injects: dict[int, dict[str, Any]] = {}
    for index, form in enumerate(forms_["inject"].forms):
        if form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        inject: dict[str, Any] = {"key": data["key"].strip(), **_schedule(data["at"], data["trigger"])}
        inject |= {
            "title": data["title"],
            "kind": data["kind"] or None,
            "severity": data["severity"] or None,
            "to": read_team_list(data["to"]),
            "body": data["body"],
        }
        injects[index] = {k: v for k, v in inject.items() if v is not None}
    for form in forms_["expect"].forms:
        data = form.cleaned_data
        owner = injects.get(int(data["inject"]))
        if data.get("DELETE") or owner is None:
            continue
        where = read_where(data["where"])
        entry: dict[str, Any] = {
            "key": data["key"].strip(),
            data["mode"] or "each": read_team_list(data["teams"]),
            "none" if data["restraint"] else "event": data["event"].strip() or None,
            "where": (data["where"].strip() if isinstance(where, str) else where) or None,
            "within": _typed(data["within"]),
            "points": _typed(data["points"]),
            "objective": data["objective"].strip() or None,
        }
        owner.setdefault("expect", []).append({k: v for k, v in entry.items() if v is not None})
    return {"injects": list(injects.values())}


def _inject_paths(document: Document, forms_: dict[str, Any]) -> dict[str, str]:
    fields = ("key", "at", "trigger", "title", "kind", "severity", "to", "body")
    found = {"injects": _field_id("inject", 0, "key")}
    found |= _row_paths(document, "injects", "inject", fields)
    for i, _ in enumerate(_items(document, "injects")):
        found[f"injects[{i}]"] = _field_id("inject", i, "at")  # "has neither at nor trigger"
    for row, (i, n, _e) in enumerate(_expectation_rows(document)):
        base = f"injects[{i}].expect[{n}]"
        found |= {
            base: _field_id("expect", row, "key"),
            f"{base}.key": _field_id("expect", row, "key"),
            f"{base}.each": _field_id("expect", row, "teams"),
            f"{base}.any": _field_id("expect", row, "teams"),
            f"{base}.event": _field_id("expect", row, "event"),
            f"{base}.none": _field_id("expect", row, "event"),
            f"{base}.where": _field_id("expect", row, "where"),
            f"{base}.within": _field_id("expect", row, "within"),
            f"{base}.points": _field_id("expect", row, "points"),
            f"{base}.objective": _field_id("expect", row, "objective"),
        }
    return found


# -- media -----------------------------------------------------------------------------

MEDIA = Table("media", MediaForm, "Media item")
MEDIA_FIELDS = ("key", "at", "trigger", "persona", "headline", "body", "to")


def _read_media(document: Document, data: Any) -> dict[str, Any]:
    initial = []
    for item in map(_mapping, _items(document, "media")):
        at, trigger = _schedule_text(item)
        row = {n: _text(item.get(n)) for n in ("key", "persona", "headline", "body")}
        initial.append(row | {"at": at, "trigger": trigger, "to": _team_list(item["to"]) if "to" in item else ""})
    return {"media": formset(MEDIA, data, initial)}


def _write_media(document: Document, forms_: dict[str, Any]) -> Document:
    media = []
    for form in forms_["media"].forms:
        data = form.cleaned_data
        if data.get("DELETE"):
            continue
        item: dict[str, Any] = {"key": data["key"].strip(), **_schedule(data["at"], data["trigger"])}
        item |= {"persona": data["persona"].strip(), "headline": data["headline"], "body": data["body"]}
        if data["to"].strip():
            item["to"] = read_team_list(data["to"])
        media.append(item)
    return {"media": media or None}


def _media_paths(document: Document, forms_: dict[str, Any]) -> dict[str, str]:
    found = _row_paths(document, "media", "media", MEDIA_FIELDS)
    for i, _ in enumerate(_items(document, "media")):
        found[f"media[{i}]"] = _field_id("media", i, "at")
    return found


# -- scoring ---------------------------------------------------------------------------


def _read_scoring(document: Document, data: Any) -> dict[str, Any]:
    scoring = _mapping(document.get("scoring"))
    initial = {
        f"{section}__{name}": _text(_mapping(scoring.get(section)).get(name))
        for section, names in SCORING_KEYS.items()
        for name in names
    }
    return {"scoring": ScoringForm(data, initial=initial)}


def _write_scoring(document: Document, forms_: dict[str, Any]) -> Document:
    data = forms_["scoring"].cleaned_data
    scoring: dict[str, dict[str, Any]] = {}
    for section, names in SCORING_KEYS.items():
        weights = {name: _typed(data[f"{section}__{name}"]) for name in names if data[f"{section}__{name}"].strip()}
        if weights:
            scoring[section] = weights
    return {"scoring": scoring or None}


def _scoring_paths(document: Document, forms_: dict[str, Any]) -> dict[str, str]:
    return {
        f"scoring.{section}.{name}": f"id_{section}__{name}"
        for section, names in SCORING_KEYS.items()
        for name in names
    }


def _blank_row(name: str, row: dict[str, Any]) -> Callable[[Document, str], Document]:
    def add(document: Document, what: str) -> Document:
        return {name: [*_items(document, name), dict(row)]}

    return add


def _add_inject_or_expectation(document: Document, what: str) -> Document:
    injects = [dict(_mapping(i)) for i in _items(document, "injects")]
    if what == "expect" and injects:
        last = injects[-1]
        earlier = last.get("expect")
        last["expect"] = [
            *(earlier if isinstance(earlier, list) else []),
            {"key": "", "each": []},
        ]
    elif what == "inject":
        injects.append({"key": "", "at": "", "title": "", "to": []})
    return {"injects": injects}


def _add_objective(document: Document, what: str) -> Document:
    return {"objectives": [*_items(document, "objectives"), {"key": "", "text": ""}]}


PARTS = (
    Part(
        "general",
        "General",
        owns=re.compile(r"^(key|title|classification|summary|tags|duration|read_ahead|map)\b"),
        read=_read_general,
        write=_write_general,
        paths=_general_paths,
    ),
    Part(
        "objectives",
        "Objectives",
        (OBJECTIVES,),
        owns=re.compile(r"^(objectives\b|teams\[\d+\]\.brief\.objectives\b)"),
        read=_read_objectives,
        write=_write_objectives,
        paths=_objective_paths,
        add=_add_objective,
    ),
    Part(
        "teams",
        "Teams and briefs",
        (TEAMS,),
        owns=re.compile(r"^teams\b"),
        read=_read_teams,
        write=_write_teams,
        paths=_team_paths,
        add=_blank_row("teams", {"key": "", "name": ""}),
    ),
    Part(
        "personas",
        "Personas",
        (PERSONAS,),
        owns=re.compile(r"^personas\b"),
        read=_read_personas,
        write=_write_personas,
        paths=_persona_paths,
        add=_blank_row("personas", {"key": "", "name": ""}),
    ),
    Part(
        "injects",
        "Injects and expectations",
        (INJECTS, EXPECTATIONS),
        owns=re.compile(r"^injects\b"),
        read=_read_injects,
        write=_write_injects,
        paths=_inject_paths,
        add=_add_inject_or_expectation,
    ),
    Part(
        "media",
        "Media",
        (MEDIA,),
        owns=re.compile(r"^media\b"),
        read=_read_media,
        write=_write_media,
        paths=_media_paths,
        add=_blank_row("media", {"key": "", "at": "", "persona": "", "headline": ""}),
    ),
    Part(
        "scoring",
        "Scoring",
        owns=re.compile(r"^scoring\b"),
        read=_read_scoring,
        write=_write_scoring,
        paths=_scoring_paths,
    ),
    Part("timeline", "Timeline and preview"),
)
PART_BY_SLUG = {part.slug: part for part in PARTS}
EVENT_KINDS = sorted(KINDS)
_LAST_STEP = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def part_of(path: str) -> Part | None:
    """The part whose forms show the field a validator's path is about."""
    return next((part for part in PARTS if part.owns.match(path)), None)


def field_of(path: str, paths: dict[str, str]) -> str | None:
    """The form field a path is shown at: its own, or that of the nearest field above it."""
    while path:
        if path in paths:
            return paths[path]
        step = _LAST_STEP.search(path)
        path = path[: step.start()] if step else ""
    return None
