"""The editor's parts that schedule what the teams receive: the MSEL (injects, and the
expectations of each, as one table with an Inject column, as the workbook's Expectations
sheet has) and the news wire's media items."""

from typing import Any

from exercise.workbook.cells import read_team_list, read_where
from facilitator.editor_forms import (
    Document,
    ExpectationForm,
    InjectForm,
    MediaForm,
    Table,
    field_id,
    formset,
    items_of,
    mapping_of,
    row_paths,
    schedule,
    schedule_text,
    shown,
    team_list,
    typed,
    where_shown,
)

# -- injects and their expectations ----------------------------------------------------

INJECTS = Table("inject", InjectForm, "Inject")
EXPECTATIONS = Table("expect", ExpectationForm, "Expectation")
EXPECTATION_MODES = ("each", "any")


def _expectation_rows(document: Document) -> list[tuple[int, int, dict[str, Any]]]:
    return [
        (i, n, mapping_of(e))
        for i, inject in enumerate(items_of(document, "injects"))
        for n, e in enumerate(
            mapping_of(inject).get("expect") or [] if isinstance(mapping_of(inject).get("expect"), list) else []
        )
    ]


def _inject_label(index: int, inject: dict[str, Any]) -> str:
    key, title = shown(inject.get("key")) or f"row {index + 1}", shown(inject.get("title"))
    return f"{key}: {title}" if title else key


def read_injects(document: Document, data: Any) -> dict[str, Any]:
    injects = [mapping_of(i) for i in items_of(document, "injects")]
    initial = []
    for inject in injects:
        at, trigger = schedule_text(inject)
        initial.append(
            {
                "key": shown(inject.get("key")),
                "at": at,
                "trigger": trigger,
                "title": shown(inject.get("title")),
                "kind": shown(inject.get("kind")),
                "severity": shown(inject.get("severity")),
                "to": team_list(inject.get("to")),
                "body": shown(inject.get("body")),
            }
        )
    expectations = []
    for i, _, e in _expectation_rows(document):
        mode = next((m for m in EXPECTATION_MODES if m in e), "each")
        restraint = e.get("none") is not None and e.get("event") is None
        expectations.append(
            {
                "inject": str(i),
                "key": shown(e.get("key")),
                "mode": mode,
                "teams": team_list(e.get(mode)),
                "event": shown(e.get("none") if restraint else e.get("event")),
                "restraint": restraint,
                "where": where_shown(e.get("where")),
                "within": shown(e.get("within")),
                "points": shown(e.get("points")),
                "objective": shown(e.get("objective")),
            }
        )
    kinds = [shown(i.get("kind")) for i in injects]
    severities = [shown(i.get("severity")) for i in injects]
    choices = [(str(n), _inject_label(n, i)) for n, i in enumerate(injects)]
    return {
        "inject": formset(INJECTS, data, initial, kinds=kinds, severities=severities),
        "expect": formset(EXPECTATIONS, data, expectations, injects=choices),
    }


def write_injects(document: Document, forms_: dict[str, Any]) -> Document:
    injects: dict[int, dict[str, Any]] = {}
    for index, form in enumerate(forms_["inject"].forms):
        if form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        inject: dict[str, Any] = {"key": data["key"].strip(), **schedule(data["at"], data["trigger"])}
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
            "within": typed(data["within"]),
            "points": typed(data["points"]),
            "objective": data["objective"].strip() or None,
        }
        owner.setdefault("expect", []).append({k: v for k, v in entry.items() if v is not None})
    return {"injects": list(injects.values())}


def inject_paths(document: Document) -> dict[str, str]:
    fields = ("key", "at", "trigger", "title", "kind", "severity", "to", "body")
    found = {"injects": field_id("inject", 0, "key")}
    found |= row_paths(document, "injects", "inject", fields)
    for i, _ in enumerate(items_of(document, "injects")):
        found[f"injects[{i}]"] = field_id("inject", i, "at")  # "has neither at nor trigger"
    for row, (i, n, _e) in enumerate(_expectation_rows(document)):
        base = f"injects[{i}].expect[{n}]"
        found |= {
            base: field_id("expect", row, "key"),
            f"{base}.key": field_id("expect", row, "key"),
            f"{base}.each": field_id("expect", row, "teams"),
            f"{base}.any": field_id("expect", row, "teams"),
            f"{base}.event": field_id("expect", row, "event"),
            f"{base}.none": field_id("expect", row, "event"),
            f"{base}.where": field_id("expect", row, "where"),
            f"{base}.within": field_id("expect", row, "within"),
            f"{base}.points": field_id("expect", row, "points"),
            f"{base}.objective": field_id("expect", row, "objective"),
        }
    return found


# -- media -----------------------------------------------------------------------------

MEDIA = Table("media", MediaForm, "Media item")
MEDIA_FIELDS = ("key", "at", "trigger", "persona", "headline", "body", "to")


def read_media(document: Document, data: Any) -> dict[str, Any]:
    initial = []
    for item in map(mapping_of, items_of(document, "media")):
        at, trigger = schedule_text(item)
        row = {n: shown(item.get(n)) for n in ("key", "persona", "headline", "body")}
        initial.append(row | {"at": at, "trigger": trigger, "to": team_list(item["to"]) if "to" in item else ""})
    return {"media": formset(MEDIA, data, initial)}


def write_media(document: Document, forms_: dict[str, Any]) -> Document:
    media = []
    for form in forms_["media"].forms:
        data = form.cleaned_data
        if data.get("DELETE"):
            continue
        item: dict[str, Any] = {"key": data["key"].strip(), **schedule(data["at"], data["trigger"])}
        item |= {"persona": data["persona"].strip(), "headline": data["headline"], "body": data["body"]}
        if data["to"].strip():
            item["to"] = read_team_list(data["to"])
        media.append(item)
    return {"media": media or None}


def media_paths(document: Document) -> dict[str, str]:
    found = row_paths(document, "media", "media", MEDIA_FIELDS)
    for i, _ in enumerate(items_of(document, "media")):
        found[f"media[{i}]"] = field_id("media", i, "at")
    return found


def add_inject_or_expectation(document: Document, what: str) -> Document:
    injects = [dict(mapping_of(i)) for i in items_of(document, "injects")]
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
