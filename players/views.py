"""Player pages: joining a team with its code, and the team page."""

from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from exercise import access, actions, briefs, clock, jointops, scenario_map
from exercise.errors import DomainError, InvalidState, NotFound, RateLimited
from exercise.models import Player
from exercise.roles import caller_for_player, caller_for_user
from exercise.steps import CONFIDENCE_MEASURES, action_label
from gateway.ratelimits import count_failure, refuse_if_failing
from gateway.sessions import player_of_session, remember_player
from gateway.svg_response import sandboxed, svg_response
from players.forms import JoinForm


def home(request: HttpRequest) -> HttpResponse:
    """Staff go to the facilitator pages, players to their team, anyone else to join."""
    if request.user.is_authenticated and caller_for_user(request.user):
        return redirect("facilitator:home")
    if player_of_session(request):
        return redirect("players:team")
    return redirect("players:join")


def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    status = 200
    exercise = None  # known once a code named one: its page then wears its marking
    if request.method == "POST" and form.is_valid():
        try:
            refuse_if_failing(request, "join")
            player, _token = access.join_team(code=form.cleaned_data["code"], name=form.cleaned_data["name"])
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except NotFound as exc:
            count_failure(request, "join")
            form.add_error("code", exc.message)
            status = 400
        except InvalidState as exc:  # a right code, for an exercise that takes no one now
            form.add_error(None, exc.message)
            exercise = access.find_team(form.cleaned_data["code"]).exercise
            status = 400
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = 400
        else:
            remember_player(request, player)
            return redirect("players:team")
    elif request.method == "POST":
        status = 400
    return render(request, "players/join.html", {"form": form, "exercise": exercise}, status=status)


def team_page(request: HttpRequest) -> HttpResponse:
    player = player_of_session(request)
    if player is None:
        return redirect("players:join")
    team = player.team
    personas = [{"key": p.key, "name": p.name, "role": p.role} for p in team.exercise.scenario.personas.all()]
    context = {
        "player": player,
        "team": team,
        "exercise": team.exercise,
        "teammates": team.players.all(),
        "clock": clock.reading(team.exercise),
        "console": {
            "exercise": team.exercise_id,
            "team": team.key,
            "teams": [{"key": t.key, "name": t.name} for t in team.exercise.teams.all()],
            "ladder": actions.LADDER,
            "actionLabels": {k: action_label(k) for k in actions.STEPS},
            "lastVisibleSeq": team.last_visible_seq,
            "personas": personas,
        },
        "personas": personas,
        "others": team.exercise.teams.exclude(pk=team.pk),
        **_briefing(player),
        "operation_kinds": [(k, k.replace("_", " ")) for k in jointops.KINDS],
        "action_kinds": [(k, action_label(k)) for k in actions.STEPS if k not in CONFIDENCE_MEASURES],
        "confidence_measures": [(k, action_label(k)) for k in CONFIDENCE_MEASURES],
        "map": scenario_map.map_words(team.exercise.scenario.map) if team.exercise.scenario.map else None,
    }
    return render(request, "players/team.html", context)


def _briefing(player: Player) -> dict[str, object]:
    """The team's own brief, and the read-ahead (Markdown) every team reads."""
    exercise = player.team.exercise
    return {
        "brief": briefs.own_brief(caller=caller_for_player(player), exercise=exercise),
        "read_ahead": exercise.scenario.read_ahead,
    }


def brief_page(request: HttpRequest) -> HttpResponse:
    """The team's brief and the read-ahead on a page of their own, to print."""
    player = player_of_session(request)
    if player is None:
        return redirect("players:join")
    context = {"player": player, "team": player.team, "exercise": player.team.exercise, **_briefing(player)}
    return render(request, "players/brief.html", context)


@sandboxed
def team_map(request: HttpRequest) -> HttpResponse:
    """The map of the player's own exercise; a player has no other to ask for."""
    player = player_of_session(request)
    if player is None:
        return redirect("players:join")
    try:
        text = scenario_map.exercise_map(caller=caller_for_player(player), exercise=player.team.exercise)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return svg_response(text)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("players:join")
