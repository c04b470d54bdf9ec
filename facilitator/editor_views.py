"""The scenario editor's pages: a draft's parts as forms, each saved to the draft as
entered and checked by the validator the API uses, its problems shown at their fields.

A request from the page's script (``X-Parley-Live``) saves the part the same way and gets
the same page, from which the script takes the problems; without the script, Save does it.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from exercise import scenario_drafts, scenarios
from exercise.errors import DomainError, NotAllowed, NotFound
from exercise.models import ScenarioDraft
from exercise.roles import Role
from exercise.scenario_plan import plan as scenario_plan
from facilitator.access import staff_page
from facilitator.editor_parts import EVENT_KINDS, PART_BY_SLUG, PARTS, Part, field_of, part_of
from gateway.errors import STATUS_OF

# A refused upload's document is carried to "Fix it in the editor" in the page, signed, so
# that nothing is stored until the writer chooses to fix it (docs/facilitator-guide.md).
UPLOAD_SALT = "parley.editor.upload"
UPLOAD_MAX_AGE = 24 * 3600


@dataclass
class Shown:
    """A problem as the page shows it: where (part, field) and what."""

    path: str
    message: str
    part: Part | None = None
    field_id: str | None = None


@dataclass
class Entry:
    field: Any
    problems: list[str] = field(default_factory=list)


def _require_facilitator(request: HttpRequest) -> None:
    if request.caller.role != Role.FACILITATOR:  # type: ignore[attr-defined]
        raise PermissionDenied("Only a facilitator may edit scenarios.")


def _draft(request: HttpRequest, draft_id: int) -> ScenarioDraft:
    _require_facilitator(request)
    try:
        return scenario_drafts.get_draft(caller=request.caller, draft_id=draft_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _editor(draft: ScenarioDraft, part: str = "general") -> HttpResponse:
    return redirect("facilitator:edit_part", draft_id=draft.pk, part=part)


def _shown(draft: ScenarioDraft, problems: list[Any]) -> list[Shown]:
    """Each problem with the part and the field it is shown at; a problem whose field the
    part does not show (the first team's key, when there are no teams) has none, and is
    listed at the top instead."""
    shown = []
    fields_of: dict[str, tuple[dict[str, str], set[str]]] = {}
    for item in problems:
        part = part_of(item["path"])
        if part is None or part.read is None or part.paths is None:
            shown.append(Shown(item["path"], item["message"]))
            continue
        if part.slug not in fields_of:
            rendered = {bound.auto_id for form in _each_form(part.read(draft.document, None)) for bound in form}
            fields_of[part.slug] = (part.paths(draft.document), rendered)
        paths, rendered = fields_of[part.slug]
        field_id = field_of(item["path"], paths)
        shown.append(Shown(item["path"], item["message"], part, field_id if field_id in rendered else None))
    return shown


def _entries(forms_: dict[str, Any], at_fields: dict[str, list[str]], *, focus: bool) -> None:
    """Each form's fields with their problems, and the attributes that tie them together;
    with ``focus``, the first field with a problem, in the page's order, takes the focus
    when the page opens (without script too)."""
    first = None
    for form in _each_form(forms_):
        form.entries = []
        for bound in form.visible_fields():
            problems = at_fields.get(bound.auto_id, [])
            attrs = bound.field.widget.attrs
            described = [f"problems-{bound.auto_id}"] + ([f"{bound.auto_id}_helptext"] if bound.help_text else [])
            attrs["aria-describedby"] = " ".join(described)
            if problems or (form.is_bound and bound.errors):
                attrs["aria-invalid"] = "true"
                if first is None:
                    first = attrs
            form.entries.append(Entry(bound, problems))
    if focus and first is not None:
        first["autofocus"] = True


def _each_form(forms_: dict[str, Any]) -> list[Any]:
    found: list[Any] = []
    for value in forms_.values():
        found.extend(value.forms if hasattr(value, "forms") else [value])
    return found


def _page(
    request: HttpRequest, draft: ScenarioDraft, part: Part, forms_: dict[str, Any] | None, status: int = 200
) -> HttpResponse:
    checked = scenario_drafts.check_draft(draft)
    shown = _shown(draft, checked.problems)
    here = [s for s in shown if s.part is part and s.field_id]
    at_fields: dict[str, list[str]] = {}
    for item in here:
        at_fields.setdefault(item.field_id or "", []).append(item.message)
    plan = scenario_plan(checked.spec) if part.slug == "timeline" and checked.spec else None
    if forms_ is not None:
        # After a Save, or on arrival from a refused upload, the writer starts at what to fix.
        _entries(forms_, at_fields, focus=request.method == "POST" or request.GET.get("focus") == "problem")
    context = {
        "draft": draft,
        "part": part,
        "parts": [(p, sum(1 for s in shown if s.part is p)) for p in PARTS],
        "forms": forms_,
        "tables": [(table, forms_[table.prefix]) for table in part.tables] if forms_ else [],
        "problems": shown,
        "unplaced": [s for s in shown if s.part is not part or not s.field_id],
        "checked": checked,
        "plan": plan,
        "event_kinds": EVENT_KINDS,
        # Publishing over a scenario an exercise has used is refused: say so before the work.
        "base_used": draft.base is not None and draft.base.exercises.exists(),
        "title": _text_of(draft.document.get("title")) or _text_of(draft.document.get("key")) or "A new scenario",
    }
    return render(request, "facilitator/editor/part.html", context, status=status)


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


@staff_page
def edit_part(request: HttpRequest, draft_id: int, part: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    shown_part = PART_BY_SLUG.get(part)
    if shown_part is None:
        raise Http404(f"The editor has no part '{part}'.")
    if shown_part.read is None or shown_part.write is None:
        return _page(request, draft, shown_part, None)
    if request.method != "POST":
        return _page(request, draft, shown_part, shown_part.read(draft.document, None))
    forms_ = shown_part.read(draft.document, request.POST)
    if not all(f.is_valid() for f in forms_.values()):
        return _page(request, draft, shown_part, forms_, status=400)
    fields = shown_part.write(draft.document, _kept_rows(forms_, live="HTTP_X_PARLEY_LIVE" in request.META))
    adding = request.POST.get("add", "")
    caller = request.caller  # type: ignore[attr-defined]
    draft = scenario_drafts.update_draft(caller=caller, draft_id=draft.pk, fields=fields)
    if adding and shown_part.add is not None:
        draft = scenario_drafts.update_draft(
            caller=caller, draft_id=draft.pk, fields=shown_part.add(draft.document, adding)
        )
    return _page(request, draft, shown_part, shown_part.read(draft.document, None))


def _kept_rows(forms_: dict[str, Any], *, live: bool) -> dict[str, Any]:
    """The forms, with their rows marked for removal kept when the page's script saves as
    the writer types: a row goes when they press Save, not when they tick its box."""
    if live:
        for form in _each_form(forms_):
            if hasattr(form, "cleaned_data"):
                form.cleaned_data.pop("DELETE", None)
    return forms_


@require_POST
@staff_page
def new_draft(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request)
    template = request.POST.get("start") == "template"
    draft = scenario_drafts.open_new(caller=request.caller, from_template=template)  # type: ignore[attr-defined]
    return _editor(draft)


@require_POST
@staff_page
def edit_scenario(request: HttpRequest, scenario_id: int) -> HttpResponse:
    _require_facilitator(request)
    try:
        draft = scenario_drafts.open_from_scenario(caller=request.caller, scenario_id=scenario_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _editor(draft)


def upload_token(filename: str, raw: bytes) -> str | None:
    """What "Fix it in the editor" carries of a refused upload; None when the file holds
    no document to edit (it is not YAML, JSON or a workbook that could be read)."""
    written = scenario_drafts.file_as_written(filename=filename, raw=raw)
    if written is None:
        return None
    carried = {"name": written.name, "document": written.document, "unplaced": written.unplaced}
    return signing.dumps(carried, salt=UPLOAD_SALT, compress=True)


@require_POST
@staff_page
def draft_from_upload(request: HttpRequest) -> HttpResponse:
    _require_facilitator(request)
    try:
        carried = signing.loads(request.POST.get("upload", ""), salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE)
        written = scenario_drafts.WrittenFile(
            name=str(carried["name"]), document=dict(carried["document"]), unplaced=list(carried["unplaced"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(request, "That upload can no longer be opened in the editor; upload the file again.")
        return redirect("facilitator:library")
    draft = scenario_drafts.open_from_file(caller=request.caller, written=written)  # type: ignore[attr-defined]
    url = reverse("facilitator:edit_part", args=[draft.pk, _first_part_with_problems(draft)])
    return redirect(f"{url}?focus=problem")


def _first_part_with_problems(draft: ScenarioDraft) -> str:
    for item in scenario_drafts.check_draft(draft).problems:
        part = part_of(item["path"])
        if part is not None:
            return part.slug
    return "general"


@require_POST
@staff_page
def publish(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    try:
        scenario = scenario_drafts.publish_draft(caller=request.caller, draft_id=draft.pk)  # type: ignore[attr-defined]
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        part = PART_BY_SLUG["general"]
        return _page(
            request, draft, part, part.read(draft.document, None) if part.read else None, STATUS_OF.get(type(exc), 400)
        )
    return redirect("facilitator:published", scenario_id=scenario.pk)


@staff_page
def published(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """Where a publish lands (a page of its own, so that a reload publishes nothing twice)."""
    _require_facilitator(request)
    try:
        scenario = scenarios.get_scenario(scenario_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "facilitator/editor/published.html", {"scenario": scenario})


@require_POST
@staff_page
def discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    scenario_drafts.discard_draft(caller=request.caller, draft_id=draft.pk)  # type: ignore[attr-defined]
    messages.success(request, "The draft was discarded.")
    return redirect(reverse("facilitator:library"))
