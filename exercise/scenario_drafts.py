"""Scenario drafts: a scenario being written in the editor, kept as entered until it is
published to the library.

A draft holds the document as its writer typed it, valid or not, so nothing typed is lost
to a problem; it is checked by the same validator as any import, and publishing stores it
through the same services as the API. A draft is its owner's alone: another user asking
for it is told there is none.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from exercise import scenarios
from exercise.document_checks import describe
from exercise.document_text import parse_text
from exercise.errors import DomainError, Invalid, NotFound, Problem
from exercise.models import Scenario, ScenarioDraft
from exercise.roles import Caller, Role, require_role
from exercise.scenario_document import TOP_FIELDS, export_document, validate_document
from exercise.scenario_files import TEXT_LIMIT, media_type_of
from exercise.workbook import XLSX_TYPE, workbook_as_written
from exercise.workbook.cells import TRIGGER_FORM
from exercise.workbook.template import EXAMPLE

BLANK: dict[str, Any] = {
    "key": "",
    "title": "",
    "summary": "",
    "duration": "2h",
    "objectives": [],
    "teams": [],
    "injects": [],
}


@dataclass
class WrittenFile:
    """What a file holds as written, for a draft: its document, valid or not, and the
    problems of the file that the document has no place for."""

    name: str
    document: dict[str, Any]
    unplaced: list[Problem] = field(default_factory=list)


@dataclass
class Checked:
    """A draft's document checked: its normal form when valid, else its problems."""

    spec: dict[str, Any] | None
    problems: list[Problem]

    @property
    def valid(self) -> bool:
        return self.spec is not None


def _storable(document: Any) -> dict[str, Any]:
    """The document as JSON holds it: a YAML date or a number key becomes text, so that any
    document a file gave can be kept, and the validator still names what is wrong with it."""
    stored: dict[str, Any] = json.loads(json.dumps(document, default=str))
    return stored


def file_as_written(*, filename: str, raw: bytes) -> WrittenFile | None:
    """The document a scenario file holds, valid or not; None when it holds none to edit
    (not a workbook, not YAML or JSON text, or not a mapping of fields)."""
    try:
        media_type = media_type_of(filename)
        if media_type == XLSX_TYPE:
            document, _, unplaced = workbook_as_written(raw)
            return WrittenFile(name=filename, document=_storable(document), unplaced=unplaced)
        if len(raw) > TEXT_LIMIT:
            return None
        document = parse_text(raw, yaml_syntax=media_type != "application/json")
    except DomainError:
        return None
    if not isinstance(document, dict):
        return None
    return WrittenFile(name=filename, document=_storable(document))


def open_draft(
    *,
    caller: Caller,
    document: dict[str, Any],
    source: str,
    base: Scenario | None = None,
    file_problems: list[Problem] | None = None,
) -> ScenarioDraft:
    """A new draft of ``caller``'s holding ``document`` as it is."""
    require_role(caller, Role.FACILITATOR)
    return ScenarioDraft.objects.create(
        owner=caller.staff_user,
        document=_storable(document),
        base=base,
        source=source[:200],
        file_problems=list(file_problems or []),
    )


def open_new(*, caller: Caller, from_template: bool = False) -> ScenarioDraft:
    """A draft of a new scenario: blank, or the template workbook's example to overwrite."""
    document = EXAMPLE if from_template else BLANK
    return open_draft(caller=caller, document=document, source="the template" if from_template else "a new scenario")


def open_from_scenario(*, caller: Caller, scenario_id: int) -> ScenarioDraft:
    """A draft of a library scenario, its document as the API exports it."""
    require_role(caller, Role.FACILITATOR)
    scenario = scenarios.get_scenario(scenario_id)
    document = export_document(scenarios.scenario_spec(scenario))
    return open_draft(caller=caller, document=document, source=scenario.key, base=scenario)


def open_from_file(*, caller: Caller, written: WrittenFile) -> ScenarioDraft:
    """A draft of a file that could not be imported, to fix its problems in the editor."""
    return open_draft(caller=caller, document=written.document, source=written.name, file_problems=written.unplaced)


def get_draft(*, caller: Caller, draft_id: int) -> ScenarioDraft:
    """The caller's draft; NotFound for anyone else's, as for one that does not exist."""
    require_role(caller, Role.FACILITATOR)
    draft = ScenarioDraft.objects.select_related("base").filter(pk=draft_id, owner=caller.user).first()
    if draft is None:
        raise NotFound(f"You have no scenario draft {draft_id}.")
    return draft


def drafts_of(*, caller: Caller) -> list[ScenarioDraft]:
    if caller.role != Role.FACILITATOR or caller.user is None:
        return []
    return list(ScenarioDraft.objects.filter(owner=caller.user).select_related("base"))


def update_draft(*, caller: Caller, draft_id: int, fields: dict[str, Any]) -> ScenarioDraft:
    """Put top-level fields of the document in the draft as given (None removes one);
    the rest of the document stays as it was."""
    unknown = sorted(set(fields) - set(TOP_FIELDS))
    if unknown:
        raise Invalid(f"A scenario has no field {', '.join(unknown)}.")
    require_role(caller, Role.FACILITATOR)
    with transaction.atomic():
        draft = ScenarioDraft.objects.select_for_update().filter(pk=draft_id, owner=caller.user).first()
        if draft is None:
            raise NotFound(f"You have no scenario draft {draft_id}.")
        document = dict(draft.document)
        for name, value in _storable(fields).items():
            if value is None:
                document.pop(name, None)
            else:
                document[name] = value
        draft.document = document
        draft.save(update_fields=["document", "updated_at"])
    return draft


def check_draft(draft: ScenarioDraft) -> Checked:
    """The draft's document checked by the validator every import goes through."""
    try:
        return Checked(spec=validate_document(draft.document), problems=[])
    except Invalid as exc:
        return Checked(spec=None, problems=[_as_typed(item, draft.document) for item in exc.details])


def _as_typed(problem: Problem, document: dict[str, Any]) -> Problem:
    """A trigger the writer typed in one line (``after I1 +2m``) that could not be read is
    kept as text; the validator, which expects a mapping there, is told in its place what
    the line should look like."""
    path = problem["path"]
    if path.endswith(".trigger"):
        value = _at(document, path)
        if isinstance(value, str):
            return {"path": path, "message": f"{describe(value)} is not a trigger; {TRIGGER_FORM}"}
    return problem


def _at(document: Any, path: str) -> Any:
    """The value at a validator's path such as ``injects[3].trigger``; None when absent."""
    value = document
    for step in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def publish_draft(*, caller: Caller, draft_id: int) -> Scenario:
    """Store a valid draft in the library and end it. A new key is imported; the key of the
    scenario the draft was opened from replaces that scenario if no exercise has used it
    (InvalidState if one has: a new key is needed). Invalid with every problem otherwise."""
    draft = get_draft(caller=caller, draft_id=draft_id)
    checked = check_draft(draft)
    if checked.spec is None:
        count = len(checked.problems)
        raise Invalid(f"The draft has {count} problem(s); fix them before publishing.", checked.problems)
    with transaction.atomic():
        if draft.base is not None and checked.spec["key"] == draft.base.key:
            scenario = scenarios.replace_scenario(caller=caller, scenario_id=draft.base.pk, document=draft.document)
        else:
            scenario = scenarios.import_scenario(caller=caller, document=draft.document)
        draft.delete()
    return scenario


def discard_draft(*, caller: Caller, draft_id: int) -> None:
    get_draft(caller=caller, draft_id=draft_id).delete()
