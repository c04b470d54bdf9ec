"""Scenario services: import a document into the library, export it back."""

from typing import Any

from django.db import IntegrityError, transaction

from exercise.errors import Conflict, Invalid, InvalidState, NotFound
from exercise.models import Expectation, Inject, MediaItem, Objective, Persona, Scenario, ScenarioTeam
from exercise.models.scenarios import Scheduled
from exercise.roles import Caller, Role, require_role, require_staff
from exercise.scenario_document import export_document, validate_document


def import_scenario(*, caller: Caller, document: Any) -> Scenario:
    """Validate a scenario document and store it; Conflict if its key is taken."""
    require_role(caller, Role.FACILITATOR)
    spec = validate_document(document)
    if Scenario.objects.filter(key=spec["key"]).exists():
        raise Conflict(
            f"A scenario with the key '{spec['key']}' already exists.", [{"path": "key", "message": "taken"}]
        )
    try:
        with transaction.atomic():
            return _store(spec, caller)
    except IntegrityError as exc:  # a concurrent import of the same key won the race
        raise Conflict(f"A scenario with the key '{spec['key']}' already exists.") from exc


def _fields(spec: dict[str, Any]) -> dict[str, Any]:
    """The scenario row's own fields from the normal form."""
    names = ("key", "title", "classification", "summary", "tags", "read_ahead", "duration", "scoring", "map")
    return {name: spec[name] for name in names}


def _store(spec: dict[str, Any], caller: Caller) -> Scenario:
    scenario = Scenario.objects.create(**_fields(spec), created_by=caller.user)
    _store_parts(scenario, spec)
    return scenario


def replace_scenario(*, caller: Caller, scenario_id: int, document: Any) -> Scenario:
    """Put a document in the place of a scenario no exercise was made from, under its key:
    its row (and id) stays, everything in it is the document's. An exercise reads its
    scenario for as long as it exists, so a used one is refused."""
    require_role(caller, Role.FACILITATOR)
    spec = validate_document(document)
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().filter(pk=scenario_id).first()
        if scenario is None:
            raise NotFound(f"There is no scenario {scenario_id}.")
        if spec["key"] != scenario.key:
            raise Invalid(
                f"The document's key is '{spec['key']}'; replacing {scenario.key} keeps its key.",
                [{"path": "key", "message": f"is '{spec['key']}'; it must stay '{scenario.key}' to replace it"}],
            )
        used = scenario.exercises.count()
        if used:
            exercises = f"{used} exercise{'' if used == 1 else 's'}"
            raise InvalidState(
                f"'{scenario.title}' is used by {exercises}, which read it as it is: "
                "save the changes under a new key instead.",
                [{"path": "key", "message": f"'{scenario.key}' is used by {exercises}; choose a new key"}],
            )
        # Injects first: their expectations point at the objectives.
        scenario.injects.all().delete()
        for related in (scenario.media, scenario.personas, scenario.objectives, scenario.teams):
            related.all().delete()
        for name, value in _fields(spec).items():
            setattr(scenario, name, value)
        scenario.save()
        _store_parts(scenario, spec)
    return scenario


def _store_parts(scenario: Scenario, spec: dict[str, Any]) -> None:
    """The scenario's teams, objectives, personas, media and injects, from the normal form."""
    teams = ScenarioTeam.objects.bulk_create(
        ScenarioTeam(scenario=scenario, key=t["key"], name=t["name"], order=n, brief=_brief_fields(t["brief"]))
        for n, t in enumerate(spec["teams"])
    )
    owned = [(None, o) for o in spec["objectives"]] + [
        (team, o) for team, t in zip(teams, spec["teams"], strict=True) if t["brief"] for o in t["brief"]["objectives"]
    ]
    objectives = {
        o["key"]: Objective.objects.create(scenario=scenario, team=team, key=o["key"], text=o["text"], order=n)
        for n, (team, o) in enumerate(owned)
    }
    Persona.objects.bulk_create(
        Persona(scenario=scenario, key=p["key"], name=p["name"], role=p["role"], order=n)
        for n, p in enumerate(spec["personas"])
    )
    MediaItem.objects.bulk_create(
        MediaItem(
            scenario=scenario,
            key=item["key"],
            order=n,
            **_schedule(item),
            persona=item["persona"],
            headline=item["headline"],
            body=item["body"],
            **_addressed(item),
        )
        for n, item in enumerate(spec["media"])
    )
    store_injects(scenario, spec["injects"], objectives)


def store_injects(scenario: Scenario, injects: list[dict[str, Any]], objectives: dict[str, Objective]) -> None:
    """The scenario's injects and their expectations, from the normal form."""
    for n, item in enumerate(injects):
        inject = Inject.objects.create(
            scenario=scenario,
            key=item["key"],
            order=n,
            **_schedule(item),
            title=item["title"],
            kind=item["kind"],
            severity=item["severity"],
            **_addressed(item),
            body=item["body"],
        )
        Expectation.objects.bulk_create(
            Expectation(
                inject=inject,
                key=e["key"],
                order=m,
                mode=e["mode"],
                teams=e["teams"],
                event=e["event"],
                restraint=e["restraint"],
                where=e["where"],
                within=e["within"],
                points=e["points"],
                objective=objectives.get(e["objective"]) if e["objective"] else None,
            )
            for m, e in enumerate(item["expect"])
        )


def _schedule(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of a Scheduled row from an item's ``at`` or ``trigger``."""
    trigger = item["trigger"] or {}
    return {
        "at": item["at"],
        "trigger": trigger.get("type", ""),
        "trigger_ref": trigger.get("ref", ""),
        "trigger_delay": trigger.get("delay", 0.0),
    }


def _scheduled(row: Scheduled) -> dict[str, Any]:
    """An item's ``at`` and ``trigger`` in the normal form, read back from its row."""
    trigger = {"type": row.trigger, "ref": row.trigger_ref, "delay": row.trigger_delay} if row.trigger else None
    return {"at": row.at, "trigger": trigger}


def scenario_spec(scenario: Scenario) -> dict[str, Any]:
    """The scenario in the document's normal form, read back from the database."""
    injects = []
    for inject in scenario.injects.prefetch_related("expectations__objective"):
        injects.append(
            {
                "key": inject.key,
                **_scheduled(inject),
                "title": inject.title,
                "kind": inject.kind,
                "severity": inject.severity,
                "to": _addressees(inject),
                "body": inject.body,
                "expect": [
                    {
                        "key": e.key,
                        "mode": e.mode,
                        "teams": e.teams,
                        "event": e.event,
                        "restraint": e.restraint,
                        "where": e.where,
                        "within": e.within,
                        "points": e.points,
                        "objective": e.objective.key if e.objective else None,
                    }
                    for e in inject.expectations.all()
                ],
            }
        )
    return {
        "key": scenario.key,
        "title": scenario.title,
        "classification": scenario.classification,
        "summary": scenario.summary,
        "tags": list(scenario.tags),
        "read_ahead": scenario.read_ahead,
        "duration": scenario.duration,
        "objectives": [{"key": o.key, "text": o.text} for o in scenario.objectives.filter(team=None)],
        "teams": [
            {"key": t.key, "name": t.name, "brief": team_brief(t)}
            for t in scenario.teams.prefetch_related("national_objectives")
        ],
        "personas": [{"key": p.key, "name": p.name, "role": p.role} for p in scenario.personas.all()],
        "injects": injects,
        "media": [
            {
                "key": m.key,
                "persona": m.persona,
                "headline": m.headline,
                "body": m.body,
                "to": _addressees(m),
                **_scheduled(m),
            }
            for m in scenario.media.all()
        ],
        "scoring": scenario.scoring,
        "map": scenario.map,
    }


def _addressed(item: dict[str, Any]) -> dict[str, Any]:
    """The stored form of a document's ``to``: every team, or the teams it names."""
    every = item["to"] == "all"
    return {"to_all": every, "to": [] if every else item["to"]}


def _addressees(stored: Inject | MediaItem) -> str | list[str]:
    return "all" if stored.to_all else list(stored.to)


def _brief_fields(brief: dict[str, Any] | None) -> dict[str, Any]:
    """What a team's row keeps of its brief; the objectives are rows of their own."""
    return {name: brief[name] for name in ("summary", "interests", "red_lines")} if brief else {}


def team_brief(team: ScenarioTeam) -> dict[str, Any] | None:
    """A team's national brief in the document's normal form, None when it has none."""
    if not team.brief:
        return None
    objectives = [{"key": o.key, "text": o.text} for o in team.national_objectives.all()]
    return {**team.brief, "objectives": objectives}


def scenario_document(*, caller: Caller, scenario_id: int) -> dict[str, Any]:
    require_staff(caller)
    return export_document(scenario_spec(get_scenario(scenario_id)))


def get_scenario(scenario_id: int) -> Scenario:
    try:
        return Scenario.objects.get(pk=scenario_id)
    except Scenario.DoesNotExist as exc:
        raise NotFound(f"There is no scenario {scenario_id}.") from exc


def duplicate_scenario(*, caller: Caller, scenario_id: int, key: str) -> Scenario:
    """A copy of a scenario under a new key, checked and stored as any import is; Conflict
    if the key is taken."""
    require_role(caller, Role.FACILITATOR)
    document = export_document(scenario_spec(get_scenario(scenario_id)))
    return import_scenario(caller=caller, document={**document, "key": key})


def delete_scenario(*, caller: Caller, scenario_id: int) -> str:
    """Remove a scenario no exercise was made from, returning its title; an exercise keeps
    its scenario for as long as it exists (its review reads it), so a used one is refused."""
    require_role(caller, Role.FACILITATOR)
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().filter(pk=scenario_id).first()
        if scenario is None:
            raise NotFound(f"There is no scenario {scenario_id}.")
        used = scenario.exercises.count()
        if used:
            exercises = f"{used} exercise{'' if used == 1 else 's'}"
            raise InvalidState(
                f"'{scenario.title}' cannot be deleted: it is used by {exercises}.",
                [{"path": "scenario", "message": f"used by {exercises}"}],
            )
        title = scenario.title
        scenario.delete()
    return title
