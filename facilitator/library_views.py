"""The scenario library page: every scenario with what was made from it, and the forms that
upload, duplicate and delete scenarios through the same services as the API."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from exercise import library, scenario_drafts, scenarios
from exercise.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from exercise.roles import Role
from exercise.scenario_files import MEDIA_TYPES, read_scenario_upload
from facilitator.access import staff_page
from facilitator.editor_views import upload_token
from gateway.errors import STATUS_OF


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Scenario file",
        help_text="A scenario as YAML (.yaml, .yml), JSON (.json) or a workbook (.xlsx).",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(MEDIA_TYPES)}),
    )


def _page(request: HttpRequest, context: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    caller = request.caller  # type: ignore[attr-defined]
    text = request.GET.get("q", "").strip()
    new = request.GET.get("new", "")
    context = {
        "entries": library.library(caller=caller, text=text),
        "search": text,
        "new": int(new) if new.isdigit() else None,
        "can_edit": caller.role == Role.FACILITATOR,
        "upload": UploadForm(),
        "drafts": scenario_drafts.drafts_of(caller=caller),
        **(context or {}),
    }
    return render(request, "facilitator/library.html", context, status=status)


def _back(scenario_id: int | None = None) -> HttpResponse:
    url = reverse("facilitator:library")
    return redirect(f"{url}?new={scenario_id}#scenario-{scenario_id}" if scenario_id else url)


def _require_facilitator(request: HttpRequest) -> None:
    if request.caller.role != Role.FACILITATOR:  # type: ignore[attr-defined]
        raise PermissionDenied("Only a facilitator may change the scenario library.")


def _status(exc: DomainError) -> int:
    return STATUS_OF.get(type(exc), 400)


@staff_page
def library_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    _require_facilitator(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, {"upload": form}, status=400)
    upload = form.cleaned_data["file"]
    try:
        document = read_scenario_upload(filename=upload.name, size=upload.size, content=upload)
        scenario = scenarios.import_scenario(caller=request.caller, document=document)  # type: ignore[attr-defined]
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        problems = exc.details or [{"path": "", "message": exc.message}]
        refused = {"file": upload.name, "message": exc.message, "problems": problems, "fix": _fixable(upload, exc)}
        return _page(request, {"upload": form, "refused": refused}, status=_status(exc))
    messages.success(request, f"“{scenario.title}” ({scenario.key}) was added to the library.")
    return _back(scenario.pk)


def _fixable(upload: Any, exc: DomainError) -> str | None:
    """What "Fix it in the editor" carries of a file refused for its problems; nothing is
    stored until the writer chooses to (facilitator/editor_views.py)."""
    if not isinstance(exc, Invalid | Conflict):
        return None
    upload.seek(0)
    return upload_token(upload.name, upload.read())


@require_POST
@staff_page
def duplicate(request: HttpRequest, scenario_id: int) -> HttpResponse:
    _require_facilitator(request)
    key = request.POST.get("key", "").strip()
    try:
        copy = scenarios.duplicate_scenario(caller=request.caller, scenario_id=scenario_id, key=key)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        refused = {"scenario": scenario_id, "key": key, "message": exc.message, "problems": exc.details}
        return _page(request, {"duplicate_refused": refused}, status=_status(exc))
    messages.success(request, f"“{copy.title}” was copied as {copy.key}.")
    return _back(copy.pk)


@require_POST
@staff_page
def delete(request: HttpRequest, scenario_id: int) -> HttpResponse:
    _require_facilitator(request)
    if request.POST.get("confirm") != "yes":
        refused = {"scenario": scenario_id, "message": "Tick the box to confirm the deletion."}
        return _page(request, {"delete_refused": refused}, status=400)
    try:
        title = scenarios.delete_scenario(caller=request.caller, scenario_id=scenario_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        refused = {"scenario": scenario_id, "message": exc.message}
        return _page(request, {"delete_refused": refused}, status=_status(exc))
    messages.success(request, f"“{title}” was deleted from the library.")
    return _back()
