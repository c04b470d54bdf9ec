"""A stored scenario's timeline and each team's preview, on a page of its own for staff who
read the library; the editor includes the same partial for a draft."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exercise import scenarios
from exercise.errors import Invalid, NotAllowed, NotFound
from exercise.scenario_document import validate_document
from exercise.scenario_plan import plan
from facilitator.access import staff_page


@staff_page
def plan_page(request: HttpRequest, scenario_id: int) -> HttpResponse:
    try:
        document = scenarios.scenario_document(caller=request.caller, scenario_id=scenario_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    try:
        spec = validate_document(document)
    except Invalid as exc:
        # Stored before a check the validator has since gained: say what to fix, as the editor would.
        context = {"title": document.get("title", ""), "key": document.get("key", ""), "refused": exc}
        return render(request, "facilitator/plan.html", context, status=409)
    return render(request, "facilitator/plan.html", {"plan": plan(spec), "title": spec["title"], "key": spec["key"]})
