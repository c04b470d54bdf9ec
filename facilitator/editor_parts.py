"""The editor's parts of a scenario document: each reads its forms from the draft's
document, writes the document's fields back from them as entered (a value the validator
refuses is kept, for it to name), and knows which form field each document path of its
own is shown in, so that a problem appears next to the field it is about."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exercise.catalogue import KINDS
from exercise.scenario_document import SCORING_KEYS
from exercise.workbook.cells import lines_text, read_lines, read_words, words_text
from facilitator import editor_msel
from facilitator.editor_forms import (
    Document,
    GeneralForm,
    ObjectiveForm,
    PersonaForm,
    ScoringForm,
    Table,
    TeamForm,
    field_id,
    formset,
    items_of,
    mapping_of,
    row_paths,
    shown,
    typed,
)


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
    paths: Callable[[Document], dict[str, str]] | None = None
    add: Callable[[Document, str], Document] | None = None

    @property
    def adds_rows(self) -> bool:
        """Whether it has Add buttons (a template would call ``add`` itself)."""
        return self.add is not None


# -- general ---------------------------------------------------------------------------

GENERAL_FIELDS = ("key", "title", "classification", "summary", "tags", "duration", "read_ahead")


def _read_general(document: Document, data: Any) -> dict[str, Any]:
    initial = {name: shown(document.get(name)) for name in GENERAL_FIELDS}
    tags = document.get("tags")
    if isinstance(tags, list):
        initial["tags"] = words_text([shown(t) for t in tags])
    return {"general": GeneralForm(data, initial=initial)}


def _write_general(document: Document, forms_: dict[str, Any]) -> Document:
    data = forms_["general"].cleaned_data
    return {
        "key": data["key"].strip(),
        "title": data["title"],
        "classification": data["classification"] or None,
        "summary": data["summary"],
        "tags": read_words(data["tags"]),
        "duration": typed(data["duration"]),
        "read_ahead": data["read_ahead"] or None,
    }


def _general_paths(document: Document) -> dict[str, str]:
    return {name: f"id_{name}" for name in GENERAL_FIELDS}


# -- teams -----------------------------------------------------------------------------

TEAMS = Table("team", TeamForm, "Team")


def _read_teams(document: Document, data: Any) -> dict[str, Any]:
    initial = []
    for team in map(mapping_of, items_of(document, "teams")):
        brief = mapping_of(team.get("brief"))
        initial.append(
            {
                "key": shown(team.get("key")),
                "name": shown(team.get("name")),
                "summary": shown(brief.get("summary")),
                "interests": lines_text([shown(x) for x in brief.get("interests") or [] if x is not None])
                if isinstance(brief.get("interests"), list)
                else shown(brief.get("interests")),
                "red_lines": lines_text([shown(x) for x in brief.get("red_lines") or [] if x is not None])
                if isinstance(brief.get("red_lines"), list)
                else shown(brief.get("red_lines")),
            }
        )
    return {"team": formset(TEAMS, data, initial)}


def _write_teams(document: Document, forms_: dict[str, Any]) -> Document:
    old = items_of(document, "teams")
    teams = []
    for index, form in enumerate(forms_["team"].forms):
        if form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        objectives = mapping_of(mapping_of(old[index]).get("brief")).get("objectives") if index < len(old) else None
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


def _team_paths(document: Document) -> dict[str, str]:
    found = {"teams": field_id("team", 0, "key")}
    for i, _ in enumerate(items_of(document, "teams")):
        base = f"teams[{i}]"
        found |= {
            base: field_id("team", i, "key"),
            f"{base}.key": field_id("team", i, "key"),
            f"{base}.name": field_id("team", i, "name"),
            f"{base}.brief": field_id("team", i, "summary"),
            f"{base}.brief.summary": field_id("team", i, "summary"),
            f"{base}.brief.interests": field_id("team", i, "interests"),
            f"{base}.brief.red_lines": field_id("team", i, "red_lines"),
        }
    return found


# -- objectives ------------------------------------------------------------------------

OBJECTIVES = Table("objective", ObjectiveForm, "Objective")


def _team_keys(document: Document) -> list[str]:
    keys = [mapping_of(t).get("key") for t in items_of(document, "teams")]
    return list(dict.fromkeys(k for k in keys if isinstance(k, str) and k))


def _objective_rows(document: Document) -> list[tuple[str, str, dict[str, Any]]]:
    """Every objective as (its team's key or "", its path, itself), the scenario's first."""
    rows = [("", f"objectives[{i}]", mapping_of(o)) for i, o in enumerate(items_of(document, "objectives"))]
    seen: set[str] = set()
    for t, team in enumerate(map(mapping_of, items_of(document, "teams"))):
        key = team.get("key")
        if not isinstance(key, str) or not key or key in seen:
            continue
        seen.add(key)
        owned = mapping_of(team.get("brief")).get("objectives")
        for n, objective in enumerate(owned if isinstance(owned, list) else []):
            rows.append((key, f"teams[{t}].brief.objectives[{n}]", mapping_of(objective)))
    return rows


def _read_objectives(document: Document, data: Any) -> dict[str, Any]:
    initial = [
        {"team": team, "key": shown(o.get("key")), "text": shown(o.get("text"))}
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
    for item in items_of(document, "teams"):
        team = dict(mapping_of(item)) if isinstance(item, dict) else item
        key = team.get("key") if isinstance(team, dict) else None
        if isinstance(team, dict) and isinstance(key, str) and key and key not in seen:
            seen.add(key)
            brief = {k: v for k, v in mapping_of(team.get("brief")).items() if k != "objectives"}
            if by_team.get(key):
                brief["objectives"] = by_team[key]
            if brief:
                team["brief"] = brief
            else:
                team.pop("brief", None)
        teams.append(team)
    return {"objectives": by_team.get("", []), "teams": teams}


def _objective_paths(document: Document) -> dict[str, str]:
    found: dict[str, str] = {}
    for n, (_, path, _o) in enumerate(_objective_rows(document)):
        found |= {
            path: field_id("objective", n, "key"),
            f"{path}.key": field_id("objective", n, "key"),
            f"{path}.text": field_id("objective", n, "text"),
        }
    return found


# -- personas --------------------------------------------------------------------------

PERSONAS = Table("persona", PersonaForm, "Persona")


def _read_personas(document: Document, data: Any) -> dict[str, Any]:
    initial = [
        {n: shown(mapping_of(p).get(n)) for n in ("key", "name", "role")} for p in items_of(document, "personas")
    ]
    return {"persona": formset(PERSONAS, data, initial)}


def _write_personas(document: Document, forms_: dict[str, Any]) -> Document:
    personas = [
        {"key": f.cleaned_data["key"].strip(), "name": f.cleaned_data["name"], "role": f.cleaned_data["role"]}
        for f in forms_["persona"].forms
        if not f.cleaned_data.get("DELETE")
    ]
    return {"personas": personas or None}


def _persona_paths(document: Document) -> dict[str, str]:
    return row_paths(document, "personas", "persona", ("key", "name", "role"))


# -- scoring ---------------------------------------------------------------------------


def _read_scoring(document: Document, data: Any) -> dict[str, Any]:
    scoring = mapping_of(document.get("scoring"))
    initial = {
        f"{section}__{name}": shown(mapping_of(scoring.get(section)).get(name))
        for section, names in SCORING_KEYS.items()
        for name in names
    }
    return {"scoring": ScoringForm(data, initial=initial)}


def _write_scoring(document: Document, forms_: dict[str, Any]) -> Document:
    data = forms_["scoring"].cleaned_data
    scoring: dict[str, dict[str, Any]] = {}
    for section, names in SCORING_KEYS.items():
        weights = {name: typed(data[f"{section}__{name}"]) for name in names if data[f"{section}__{name}"].strip()}
        if weights:
            scoring[section] = weights
    return {"scoring": scoring or None}


def _scoring_paths(document: Document) -> dict[str, str]:
    return {
        f"scoring.{section}.{name}": f"id_{section}__{name}"
        for section, names in SCORING_KEYS.items()
        for name in names
    }


def _blank_row(name: str, row: dict[str, Any]) -> Callable[[Document, str], Document]:
    def add(document: Document, what: str) -> Document:
        return {name: [*items_of(document, name), dict(row)]}

    return add


def _add_objective(document: Document, what: str) -> Document:
    return {"objectives": [*items_of(document, "objectives"), {"key": "", "text": ""}]}


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
        (editor_msel.INJECTS, editor_msel.EXPECTATIONS),
        owns=re.compile(r"^injects\b"),
        read=editor_msel.read_injects,
        write=editor_msel.write_injects,
        paths=editor_msel.inject_paths,
        add=editor_msel.add_inject_or_expectation,
    ),
    Part(
        "media",
        "Media",
        (editor_msel.MEDIA,),
        owns=re.compile(r"^media\b"),
        read=editor_msel.read_media,
        write=editor_msel.write_media,
        paths=editor_msel.media_paths,
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
