"""Joint operations: a team proposes one to partners, each partner accepts or declines,
and once all have answered a facilitator adjudicates it, which may release a consequence.
"""

from django.db import transaction

from exercise import clock, events, expectations, injects, shapes
from exercise.commands import MESSAGE_LIMIT, Done, acting_team, checked_text, idempotent, live_exercise, teams_by_keys
from exercise.errors import Invalid, InvalidState, NotAllowed, NotFound
from exercise.event_data import OperationAnswerData, OperationData
from exercise.models import Event, Exercise, JointOperation, OperationPartner, Team
from exercise.roles import Caller, Role, require_role

KINDS = (
    "joint_patrol",
    "intelligence_sharing",
    "counterterrorism",
    "search_and_rescue",
    "humanitarian_relief",
    "border_verification",
)
NARRATIVE_LIMIT = 20_000


def propose(
    *, caller: Caller, exercise_id: int, kind: object, partners: object, objective: object, client_id: str | None = None
) -> Done[JointOperation]:
    if kind not in KINDS:
        raise Invalid(
            f"Unknown kind of joint operation '{kind}'.", [{"path": "kind", "message": f"one of {', '.join(KINDS)}"}]
        )
    objective = checked_text(objective, limit=MESSAGE_LIMIT, path="objective", what="The objective")

    def run() -> Done[JointOperation]:
        exercise = live_exercise(exercise_id)
        team = acting_team(caller, exercise)
        chosen = teams_by_keys(exercise, partners, "partners")
        if team in chosen:
            raise Invalid("Partners are other teams.", [{"path": "partners", "message": "leave out your own team"}])
        operation = JointOperation.objects.create(
            exercise=exercise, kind=kind, proposer=team, objective=objective, proposed_at=clock.now()
        )
        OperationPartner.objects.bulk_create(OperationPartner(operation=operation, team=t) for t in chosen)
        return Done(operation, _log(exercise, operation, "jointop.proposed", caller).seq)

    return idempotent(
        caller=caller, exercise_id=exercise_id, client_id=client_id, kind="jointop", model=JointOperation, run=run
    )


def answer(*, caller: Caller, operation_id: int, accept: bool) -> Done[JointOperation]:
    with transaction.atomic():
        operation, exercise = _operation(operation_id)
        team = acting_team(caller, exercise)
        partner = operation.partners.filter(team=team).first()
        if partner is None:
            if team.pk == operation.proposer_id:
                raise NotAllowed("The proposing team does not answer its own proposal.")
            raise NotFound(f"There is no joint operation {operation_id}.")
        if partner.answer:
            raise InvalidState(f"{team.key} has already {partner.answer} this operation.")
        partner.answer = OperationPartner.Answer.ACCEPTED if accept else OperationPartner.Answer.DECLINED
        partner.answered_at = clock.now()
        partner.save(update_fields=["answer", "answered_at"])
        answers = set(operation.partners.values_list("answer", flat=True))
        if OperationPartner.Answer.PENDING not in answers:
            accepted = OperationPartner.Answer.ACCEPTED in answers
            operation.status = (
                JointOperation.Status.AWAITING_ADJUDICATION if accepted else JointOperation.Status.DECLINED
            )
            operation.save(update_fields=["status"])
        kind = "jointop.accepted" if accept else "jointop.declined"
        return Done(operation, _log(exercise, operation, kind, caller, by=team.key).seq)


def adjudicate(
    *, caller: Caller, operation_id: int, outcome: object, narrative: object, consequence: str | None = None
) -> Done[JointOperation]:
    """The facilitator's judgement; ``consequence`` names a pending inject to release now."""
    require_role(caller, Role.FACILITATOR)
    if outcome not in JointOperation.Outcome.values:
        raise Invalid(f"Unknown outcome '{outcome}'.", [{"path": "outcome", "message": "succeeded, partial or failed"}])
    narrative = checked_text(narrative, limit=NARRATIVE_LIMIT, path="narrative", what="The narrative")
    with transaction.atomic():
        operation, exercise = _operation(operation_id)
        if operation.status != JointOperation.Status.AWAITING_ADJUDICATION:
            raise InvalidState(f"This operation is {operation.status.replace('_', ' ')}; it cannot be adjudicated now.")
        operation.status = JointOperation.Status.ADJUDICATED
        operation.outcome = outcome
        operation.narrative = narrative
        operation.adjudicated_at = clock.now()
        operation.save(update_fields=["status", "outcome", "narrative", "adjudicated_at"])
        event = _log(exercise, operation, "jointop.adjudicated", caller)
        if consequence:
            injects.release_now(caller=caller, exercise_id=exercise.pk, key=consequence)
        return Done(operation, event.seq)


def _operation(operation_id: int) -> tuple[JointOperation, Exercise]:
    operation = JointOperation.objects.filter(pk=operation_id).first()
    if operation is None:
        raise NotFound(f"There is no joint operation {operation_id}.")
    exercise = live_exercise(operation.exercise_id)
    return JointOperation.objects.select_related("proposer").get(pk=operation_id), exercise


def participants(operation: JointOperation) -> list[Team]:
    return [operation.proposer] + [p.team for p in operation.partners.select_related("team")]


def _log(exercise: Exercise, operation: JointOperation, kind: str, caller: Caller, by: str | None = None) -> Event:
    """An operation's event, and the expectations the acting team meets by it."""
    state = shapes.operation_state(operation)
    data = OperationData(**state) if by is None else OperationAnswerData(**state, by=by)
    event = events.append(
        exercise=exercise,
        kind=kind,
        actor=caller,
        data=data,
        audience=Event.Audience.TEAMS,
        recipients=participants(operation),
    )
    expectations.on_event(exercise=exercise, event=event)
    return event
