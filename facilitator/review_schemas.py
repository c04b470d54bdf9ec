"""What the scores, the review and the improvement plan answer over the API.

Fields are declared in the order the services write them, so the answer reads as it did
before it had a schema. Times are exercise seconds.
"""

from typing import Any

from pydantic import Field

from gateway.schemas import Actor, Brief, EventData, Number, Out

# The scoreboard (exercise.scoring.board) ----------------------------------------------------


class ExpectationDecision(Out):
    """An expectation met or missed, credited to a team."""

    expectation: str
    inject: str
    objective: str | None
    status: str = Field(description="met or missed")
    points: int
    decided_by: int | None = Field(
        description="the seq of the event that decided it: met it, or broke a restraint; none for a deadline"
    )
    seq: int
    restraint: bool = Field(description="a restraint (`none:`): met when its window passed without the act")
    explanation: str = Field(description="why it was decided so, e.g. 'no deploy forces by ARC within 30m'")


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
    total: int = Field(description="the expectation points the team earned: national + regional")
    national: int = Field(description="points of met expectations that serve the team's own national objectives")
    regional: int = Field(description="all the other points the team earned")
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


class Region(Out):
    """How the region as a whole fared (docs/scoring.md, "The region's stability")."""

    earned: int = Field(description="points of regional expectations earned, by every team")
    possible: int = Field(description="the points every decided regional expectation was worth")
    peak_rung: int = Field(description="the highest rung any team reached")
    peak_teams: list[str] = Field(description="the teams that reached it (none when no one left routine posture)")
    mean_trust: Number
    index: Number = Field(description="the stability index now, 0 to 100")


TrustMatrix = dict[str, dict[str, Number]]


class ScoresOut(Out):
    teams: list[ScoreRow]
    trust: TrustMatrix = Field(description="trust[A][B] is A's trust in B")
    trust_breakdown: dict[str, dict[str, list[TrustMove]]] = Field(description="the moves behind each cell of trust")
    stability: Stability
    region: Region


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
    national: int
    regional: int
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


class NationalObjectiveResult(Out):
    key: str
    text: str
    status: str = Field(description="met, missed or open")
    points: int
    expectations: list[ExpectationDecision] = Field(description="the team's decided expectations serving it")


class RedLineCrossed(Out):
    """A restraint expectation the team missed: it did what it had been asked not to."""

    expectation: str
    inject: str
    objective: str | None
    forbidden: str = Field(description="the event kind the restraint forbade")
    where: dict[str, Any]
    decided_by: int | None = Field(description="the seq of the event that crossed the line")
    seq: int


class NationReview(Out):
    key: str
    name: str
    brief: Brief
    national: int
    regional: int
    total: int
    objectives: list[NationalObjectiveResult]
    red_lines_crossed: list[RedLineCrossed]


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


class StatementVersion(Out):
    version: int
    text: str
    by: str = Field(description="the proposer or amender in words")
    team: str | None
    amended: bool = Field(description="false for the proposal")
    exercise_time: Number
    seq: int


class JointStatement(Out):
    """A statement adopted in a dialogue, with the reservations its signatories made."""

    statement: int
    dialogue: int
    title: str
    text: str
    signatories: list[str]
    reservations: dict[str, str] = Field(description="by team key, for the signatories that made one")
    adopted_at: Number
    seq: int
    versions: list[StatementVersion] = Field(description="the text as proposed, then each amendment")


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


class ChainHead(Out):
    head: str | None = Field(description="the last event's hash, hex SHA-256 (GET .../verify checks the chain)")
    events: int


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
    nations: list[NationReview] = Field(description="each team's national brief beside its national results")
    charts: ReviewCharts
    statements: list[JointStatement]
    notes: list[TimelineRow]
    hotwash: list[HotwashNote]
    improvements: list[ImprovementOut]
    feedback: FeedbackSummary
    chain: ChainHead
    audit: list[AuditRow] = Field(
        description="changes staff made outside the log (pending injects, findings, the plan, staff), oldest first"
    )
    timeline: list[TimelineRow]
