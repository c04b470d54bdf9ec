"""The team's debrief after the exercise, and the participants' feedback form."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from exercise.errors import DomainError
from exercise.models import Exercise
from exercise.review import feedback, report
from exercise.roles import caller_for_player
from gateway.sessions import player_of_session
from players.forms import FeedbackForm


def _page(request: HttpRequest, form: FeedbackForm | None = None, status: int = 200) -> HttpResponse:
    player = player_of_session(request)
    if player is None:
        return redirect("players:join")
    caller = caller_for_player(player)
    exercise = Exercise.objects.select_related("scenario").get(pk=player.team.exercise_id)
    if exercise.status != Exercise.Status.ENDED:
        messages.info(request, "The debrief opens when the exercise has ended.")
        return redirect("players:team")
    context = {
        "player": player,
        "team": player.team,
        "exercise": exercise,
        "debrief": report.debrief(caller=caller, exercise=exercise),
        "answered": feedback.has_answered(caller),
        "form": form or FeedbackForm(),
    }
    return render(request, "players/debrief.html", context, status=status)


def debrief(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def give_feedback(request: HttpRequest) -> HttpResponse:
    player = player_of_session(request)
    if player is None:
        return redirect("players:join")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            feedback.give(caller=caller_for_player(player), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Thank you: your feedback is with the facilitators.")
            return redirect("players:debrief")
    return _page(request, form, status=400)
