"""The after-action review pages: the review itself, its replay, what facilitators write
into it, and the PDF and CSV exports."""

import csv
import io
import math
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from exercise import catalogue, exercises
from exercise.errors import DomainError, NotFound
from exercise.models import Exercise, ImprovementItem
from exercise.review import event_rows, plan, report
from exercise.roles import Role
from facilitator import charts
from facilitator import review_pdf as printed
from facilitator.access import staff_page
from facilitator.forms import FindingsForm, HotwashForm, ImprovementForm
from facilitator.pdf import PdfUnavailable
from facilitator.streaming import streamed

TIMELINE_PAGE = 200


def _exercise(exercise_id: int) -> Exercise:
    try:
        return exercises.get_exercise(exercise_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _number(value: str | None, default: float) -> float:
    """A query parameter as a finite number, or the default for anything else."""
    try:
        number = float(value) if value not in (None, "") else default  # type: ignore[arg-type]
    except ValueError:
        return default
    return number if math.isfinite(number) else default


def _timeline(request: HttpRequest, exercise: Exercise) -> dict[str, Any]:
    team, kind = request.GET.get("team") or None, request.GET.get("kind") or None
    after = int(_number(request.GET.get("after"), 0))
    found = report.timeline(
        caller=request.caller,  # type: ignore[attr-defined]
        exercise=exercise,
        team=team,
        kind=kind,
        after=after,
        limit=TIMELINE_PAGE,
    )
    shown = found["rows"]
    return {
        "rows": shown,
        "total": found["total"],
        "after": after,
        "next_after": shown[-1]["seq"] if found["total"] > TIMELINE_PAGE else None,
        "team": team or "",
        "kind": kind or "",
        "families": catalogue.families(),
        "kinds": list(catalogue.KINDS),
    }


def _page(request: HttpRequest, exercise: Exercise, bound: dict[str, Any] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    """The review page; ``bound`` holds forms that came back invalid, shown with their input."""
    caller = request.caller  # type: ignore[attr-defined]
    bound = bound or {}
    data = report.review(caller=caller, exercise=exercise, timeline=False)
    # The slider moves in whole seconds: its end is rounded up so it reaches the last event.
    end = math.ceil(data["charts"]["end"])
    moment = max(0.0, min(_number(request.GET.get("t"), end), end))
    finding_forms = {o["key"]: FindingsForm(initial=o["findings"], prefix=o["key"]) for o in data["objectives"]}
    finding_forms.update(bound.get("findings", {}))
    context = {
        "exercise": exercise,
        "review": data,
        "slider_end": end,
        "charts": charts.review_charts(data),
        "timeline": _timeline(request, exercise),
        "replay": report.replay(caller=caller, exercise=exercise, moment=moment, team=request.GET.get("as") or None),
        "can_write": caller.role == Role.FACILITATOR,
        "statuses": ImprovementItem.Status.choices,
        "finding_forms": finding_forms,
        "hotwash_form": bound.get("hotwash", HotwashForm()),
        "improvement_form": bound.get("improvements", ImprovementForm(objectives=exercise.scenario.objectives.all())),
    }
    return render(request, "facilitator/review.html", context, status=status)


@staff_page
def review_page(request: HttpRequest, exercise_id: int) -> HttpResponse:
    return _page(request, _exercise(exercise_id))


@staff_page
def replay(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise(exercise_id)
    state = report.replay(
        caller=request.caller,  # type: ignore[attr-defined]
        exercise=exercise,
        moment=_number(request.GET.get("t"), 0.0),
        team=request.GET.get("as") or None,
    )
    return render(request, "facilitator/review/replay_state.html", {"replay": state, "exercise": exercise})


def _writer(view):  # type: ignore[no-untyped-def]
    """Only facilitators write into the review; others are refused before any form is read."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if request.caller.role != Role.FACILITATOR:  # type: ignore[attr-defined]
            raise PermissionDenied("Only a facilitator may write the review.")
        return view(request, *args, **kwargs)

    return wrapper


def _back(exercise: Exercise, anchor: str) -> HttpResponse:
    response = redirect("review:page", exercise_id=exercise.pk)
    response["Location"] += f"#{anchor}"
    return response


@require_POST
@staff_page
@_writer
def save_findings(request: HttpRequest, exercise_id: int, objective: str) -> HttpResponse:
    exercise = _exercise(exercise_id)
    if not exercise.scenario.objectives.filter(key=objective).exists():
        raise Http404(f"The scenario has no objective '{objective}'.")
    form = FindingsForm(request.POST, prefix=objective)
    if form.is_valid():
        try:
            plan.save_findings(caller=request.caller, exercise=exercise, objective=objective, **form.cleaned_data)  # type: ignore[attr-defined]
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Findings for {objective} saved.")
            return _back(exercise, f"objective-{objective}")
    return _page(request, exercise, {"findings": {objective: form}}, status=400)


def _write(request: HttpRequest, exercise: Exercise, form: Any, name: str, write: Callable[[dict], object], done: str):  # type: ignore[no-untyped-def]
    """Save a valid form through ``write`` and go back to its section; otherwise show the page
    again with the form as it was sent and why it was refused."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return _back(exercise, name)
    return _page(request, exercise, {name: form}, status=400)


@require_POST
@staff_page
@_writer
def add_hotwash(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise(exercise_id)
    caller = request.caller  # type: ignore[attr-defined]

    def write(data: dict) -> object:
        return plan.add_hotwash_note(caller=caller, exercise=exercise, text=data["text"])

    return _write(request, exercise, HotwashForm(request.POST), "hotwash", write, "Hotwash note added.")


@require_POST
@staff_page
@_writer
def add_improvement(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise(exercise_id)
    caller = request.caller  # type: ignore[attr-defined]
    form = ImprovementForm(request.POST, objectives=exercise.scenario.objectives.all())

    def write(data: dict) -> object:
        return plan.add_improvement(caller=caller, exercise=exercise, **data)

    return _write(request, exercise, form, "improvements", write, "Improvement-plan item added.")


@require_POST
@staff_page
@_writer
def set_improvement_status(request: HttpRequest, exercise_id: int, item_id: int) -> HttpResponse:
    exercise = _exercise(exercise_id)
    try:
        item = plan.set_improvement_status(
            caller=request.caller,  # type: ignore[attr-defined]
            exercise=exercise,
            item_id=item_id,
            status=request.POST.get("status"),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{item.action[:60]}” is now {item.get_status_display().lower()}.")
    return _back(exercise, "improvements")


@staff_page
def review_pdf(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _exercise(exercise_id)
    try:
        pdf = printed.review_pdf(caller=request.caller, exercise=exercise)  # type: ignore[attr-defined]
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{exercise.pk}.pdf"'
    return response


def _csv_text(chunks: Iterator[list[list[Any]]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for rows in chunks:
        writer.writerows(rows)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


@staff_page
def events_csv(request: HttpRequest, exercise_id: int) -> StreamingHttpResponse:
    """Streamed: the header leaves at once, then the rows a page of the log at a time."""
    exercise = _exercise(exercise_id)
    chunks = event_rows.rows_in_chunks(caller=request.caller, exercise=exercise)  # type: ignore[attr-defined]
    response = streamed(request, _csv_text(chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="events-{exercise.pk}.csv"'
    return response
