"""What the scores, the review and the improvement plan answer over the API.

Fields are declared in the order the services write them, so the answer reads as it did
before it had a schema. Times are exercise seconds.
"""

from typing import Any

from pydantic import Field

from gateway.schemas import Actor, EventData, Number, Out

# The scoreboard (exercise.scoring.board) ----------------------------------------------------


class ExpectationDecision(Out):
    """An expectation met or missed, credited to a team."""

    expectation: str
    inject: str
    objective: str | None
    status: str = Field(description="met or missed")
    points: int
    decided_by: int | None = Field(description="the seq of the event that met it; none for a deadline")
    seq: int


class ResponseTime(Out):
    inject: str
    released_seq: int
    seconds: Number | None = Field(description="exercise seconds to the team's first command; none if it made none")
    response_seq: int | None
    released_at: Number


class Responsiveness(Out):
    mean_seconds: Number | None
    items: list[ResponseTime]


class EvaluatorRating(Out):
    evaluator: str
    rating: str = Field(description="P, S, M or U")
    note: str
    seq: int


class ObjectiveRatings(Out):
    """Each evaluator's latest rating of a team against one objective."""

    ratings: list[EvaluatorRating]
    agreement: str = Field(description='"agree", or how far the ratings differ')
    spread: int


class ScoreRow(Out):
    key: str
    name: str
    total: int = Field(description="the expectation points the team earned")
    expectations: list[ExpectationDecision]
    escalation: int = Field(description="the team's rung on the escalation ladder")
    escalation_events: list[int] = Field(description="the seqs of the actions that moved it")
    responsiveness: Responsiveness
    ratings: dict[str, ObjectiveRatings] = Field(description="by objective key")


class TrustMove(Out):
    seq: int
    rule: str
    weight: Number


class Stability(Out):
    index: Number = Field(description="0 to 100; docs/scoring.md explains it")
    mean_trust: Number
    mean_escalation: Number


TrustMatrix = dict[str, dict[str, Number]]


class ScoresOut(Out):
    teams: list[ScoreRow]
    trust: TrustMatrix = Field(description="trust[A][B] is A's trust in B")
    trust_breakdown: dict[str, dict[str, list[TrustMove]]] = Field(description="the moves behind each cell of trust")
    stability: Stability


# The improvement plan (exercise.review.plan) ------------------------------------------------


class ImprovementOut(Out):
    id: int
    area: str
    action: str
    objective: str | None
    organisation: str
    owner: str
    start: str | None = Field(description="a date, YYYY-MM-DD")
    due: str = Field(description="a date, YYYY-MM-DD")
    status: str
    status_label: str


# The review (exercise.review.report) ---------------------------------------------------------


class ReviewExercise(Out):
    id: int
    name: str
    status: str
    speed: Number
    started_at: str | None
    ended_at: str | None
    duration: Number = Field(description="the exercise time on the clock")
    events: int


class ReviewScenario(Out):
    key: str
    title: str
    summary: str


class ReviewTeam(Out):
    key: str
    name: str
    players: list[str]
    total: int
    escalation: int


class ObjectiveFindings(Out):
    strengths: str
    areas: str
    drafted: bool = Field(description="written from the log because the facilitator has written none yet")


class ObjectiveDecision(ExpectationDecision):
    team: str


class ObjectiveReview(Out):
    key: str
    text: str
    ratings: dict[str, ObjectiveRatings | None] = Field(description="by team key; none where no one rated the team")
    expectations: list[ObjectiveDecision]
    met: int
    missed: int
    findings: ObjectiveFindings


class InjectResponse(Out):
    seconds: Number | None
    seq: int | None
    pace: str = Field(description="prompt, on-time, late or none")


class InjectReview(Out):
    key: str
    title: str
    severity: str
    released_at: Number
    seq: int
    target: Number = Field(description="the inject's shortest expectation window, the pace's yardstick")
    responses: dict[str, InjectResponse] = Field(description="by team key")


class TrustSnapshot(Out):
    exercise_time: Number
    trust: TrustMatrix


class NetworkLink(Out):
    teams: list[str]
    instrument: str
    count: int


class ReviewCharts(Out):
    end: Number
    score: dict[str, list[tuple[Number, int]]] = Field(description="per team, (exercise time, running total)")
    escalation: dict[str, list[tuple[Number, int]]] = Field(description="per team, (exercise time, rung)")
    trust: list[TrustSnapshot]
    network: list[NetworkLink]


class TimelineRow(Out):
    seq: int
    at: str
    exercise_time: Number
    kind: str
    actor: Actor
    by: str = Field(description="the actor in words")
    audience: str
    recipients: list[str]
    text: str = Field(description="the sentence the event reads as")
    data: EventData


class HotwashNote(Out):
    id: int
    text: str
    author: str
    created_at: str


class FeedbackAnswer(Out):
    team: str | None
    name: str | None
    realism: int
    usefulness: int
    went_well: str
    to_improve: str


class FeedbackSummary(Out):
    count: int
    realism: Number | None = Field(description="the mean, 1 to 5")
    usefulness: Number | None
    answers: list[FeedbackAnswer]


class AuditChange(Out):
    field: str
    before: Any = Field(description="the value before; null for none")
    after: Any = Field(description="the value after; null for none")


class AuditRow(Out):
    at: str = Field(description="when, ISO 8601 UTC")
    who: str = Field(description="the staff user who made the change")
    subject: str = Field(description="inject, findings, improvement or staff")
    subject_label: str
    target: str = Field(description="which one: the inject key, objective key, improvement item id or username")
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[AuditChange]


class ReviewOut(Out):
    classification: str | None = Field(
        description="the scenario's marking, e.g. EXERCISE EXERCISE EXERCISE - UNCLASSIFIED; none when it has none"
    )
    exercise: ReviewExercise
    scenario: ReviewScenario
    teams: list[ReviewTeam]
    objectives: list[ObjectiveReview]
    injects: list[InjectReview]
    scores: ScoresOut
    charts: ReviewCharts
    notes: list[TimelineRow]
    hotwash: list[HotwashNote]
    improvements: list[ImprovementOut]
    feedback: FeedbackSummary
    audit: list[AuditRow] = Field(
        description="changes staff made outside the log (pending injects, findings, the plan, staff), oldest first"
    )
    timeline: list[TimelineRow]
