"""Replacing a scenario's MSEL (its injects) from a workbook or a CSV file of the MSEL sheet.

The new injects come with their expectations when the file has an Expectations sheet;
otherwise (always for CSV, which holds one sheet) each inject whose key remains keeps the
expectations it had, and the expectations of injects that are gone go with them. The whole
scenario is then checked by the validator, so a trigger or a media item that waited on a
removed key is reported.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from exercise.errors import InvalidState
from exercise.models import Objective, Scenario
from exercise.roles import Caller, Role, require_role
from exercise.scenario_document import export_document, validate_document
from exercise.scenarios import get_scenario, scenario_spec, store_injects
from exercise.workbook.reading import Reading, read_expectations, read_injects
from exercise.workbook.tables import Tables


def replace_msel(*, caller: Caller, scenario_id: int, tables: Tables) -> Scenario:
    """The scenario with the file's injects in place of its own; InvalidState once an
    exercise has been made from it, Invalid naming cells."""
    require_role(caller, Role.FACILITATOR)
    scenario = get_scenario(scenario_id)
    _refuse_if_used(scenario)
    current = export_document(scenario_spec(scenario))
    reading = Reading(tables)
    reading.document = dict(current)
    if "MSEL" not in tables.rows:
        reading.problem("MSEL!A1", "the workbook has no sheet named MSEL, which holds the injects to put in place")
    read_injects(reading, tables.rows.get("MSEL", []))
    if "Expectations" in tables.rows:
        read_expectations(reading, tables.rows["Expectations"])
    else:
        _keep_expectations(reading, current["injects"])
    spec = reading.validated(validate_document)
    try:
        with transaction.atomic():
            scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
            _refuse_if_used(scenario)
            scenario.injects.all().delete()
            objectives = {o.key: o for o in Objective.objects.filter(scenario=scenario)}
            store_injects(scenario, spec["injects"], objectives)
    except (ProtectedError, IntegrityError) as exc:  # an exercise was made from it meanwhile
        raise _used(scenario) from exc
    return scenario


def _refuse_if_used(scenario: Scenario) -> None:
    # An exercise's injects point at the scenario's rows and its log at their keys:
    # replacing them under a run would rewrite what was played.
    if scenario.exercises.exists():
        raise _used(scenario)


def _used(scenario: Scenario) -> InvalidState:
    return InvalidState(
        f"The scenario '{scenario.key}' has been used by an exercise; its MSEL can no longer be replaced. "
        "Import the workbook as a new scenario under another key instead.",
        [{"path": "", "message": "an exercise uses this scenario"}],
    )


def _keep_expectations(reading: Reading, old_injects: list[dict[str, Any]]) -> None:
    kept = {inject["key"]: inject["expect"] for inject in old_injects if inject.get("expect")}
    for index, inject in enumerate(reading.document["injects"]):
        if inject.get("key") in kept:
            inject["expect"] = kept[inject["key"]]
            # A kept expectation has no cell of its own: its problems are told at the inject's key.
            reading.cells[f"injects[{index}].expect"] = reading.cells[f"injects[{index}].key"]
