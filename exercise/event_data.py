"""The data of each event kind as a typed schema: what services build, what `append`
accepts, and what `GET /api/v1/event-kinds` publishes as JSON Schema.

Schemas forbid fields they do not name, so a service (or the SQL that writes hotline
messages) that drifts from its kind's shape is refused, not silently logged.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["draft", "running", "paused", "ended"]
TeamKey = str


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True)

    def as_json(self) -> dict[str, Any]:
        """The data as the log stores it: JSON values, aliases as field names."""
        return self.model_dump(mode="json", by_alias=True)


class ClockData(EventData):
    status: Status
    speed: float


class SpeedData(ClockData):
    previous: float


class InjectReleasedData(EventData):
    key: str
    title: str
    kind: str
    severity: str
    body: str
    body_html: str = Field(description="the body's Markdown, rendered and sanitised")
    to: list[TeamKey]
    due_at: float | None


class InjectSkippedData(EventData):
    key: str
    title: str
    reason: str


class InjectEditedData(EventData):
    """A pending inject as the facilitator left it: what its release will send."""

    key: str
    title: str
    body: str
    severity: str


class InjectScheduledData(EventData):
    """A triggered inject made due: its trigger fired (``after`` an inject, or an
    expectation ``met`` or ``missed``), and it goes out ``delay`` later."""

    key: str
    title: str
    due_at: float = Field(description="the exercise time it is due at, in seconds")
    trigger: Literal["after", "met", "missed"]
    ref: str = Field(description="the inject or expectation key of the trigger")
    delay: float


class ReportData(EventData):
    report: int
    inject: str
    team: TeamKey
    text: str


class HotlineData(EventData):
    """`from` is the team that called, `to` the team called: a message's sender is its actor."""

    hotline: int
    from_: TeamKey = Field(alias="from")
    to: TeamKey
    status: str


class HotlineMessageData(HotlineData):
    text: str
    message: int


class OutageData(EventData):
    hotline: int | None = Field(description="the call requested or open between the two teams, if any")
    outage: int
    from_: TeamKey = Field(alias="from")
    to: TeamKey
    teams: list[TeamKey]


class DialogueData(EventData):
    dialogue: int
    title: str
    participants: list[TeamKey]


class DialogueMessageData(DialogueData):
    text: str
    message: int
    from_: TeamKey | None = Field(alias="from", description="the speaking team; none for the facilitator")


class StatementData(EventData):
    """A statement as it stands after the event. ``endorsed_by`` and ``reservations`` are
    of the current text (``version``): an amendment starts both again."""

    statement: int
    dialogue: int
    title: str
    text: str
    proposer: TeamKey | None
    endorsed_by: list[TeamKey]
    participants: list[TeamKey]
    adopted: bool
    # Defaults: events logged before statements could be amended carry neither field.
    version: int = Field(1, description="1 as proposed, one more at each amendment")
    reservations: dict[TeamKey, str] = Field(
        default_factory=dict, description="each endorsing team's reservation, for those that made one"
    )


class StatementEndorsedData(StatementData):
    reservation: str | None = Field(description="the reservation this endorsement was made with, if any")


class StatementAmendedData(StatementData):
    amended_by: TeamKey
    previous: str = Field(description="the text before this amendment")


class OperationData(EventData):
    operation: int
    kind: str
    proposer: TeamKey
    partners: list[TeamKey]
    answers: dict[TeamKey, str | None]
    objective: str
    status: str
    outcome: str | None
    narrative: str | None


class OperationAnswerData(OperationData):
    by: TeamKey


class ActionData(EventData):
    action: int
    team: TeamKey
    kind: str
    text: str
    escalation: int = Field(description="the team's rung on the escalation ladder after the action")
    rung: str


class ExpectationData(EventData):
    expectation: str
    inject: str
    team: TeamKey | None
    teams: list[TeamKey]
    met_by: TeamKey | None
    points: int
    objective: str | None
    deadline: float
    decided_by: int | None = Field(
        description="the seq of the event that decided it: met it, or broke a restraint; "
        "none when the deadline passed (or the exercise ended) first"
    )
    restraint: bool = Field(False, description="a restraint (`none:`): met when the window passes without the act")
    broken_by: TeamKey | None = Field(None, description="the team whose act broke a restraint")


class RatingData(EventData):
    rating: int
    team: TeamKey
    objective: str
    value: Literal["P", "S", "M", "U"]
    note: str
    evaluator: str


class NoteData(EventData):
    text: str
    team: TeamKey | None
    author: str


class CellMessageData(EventData):
    """A message of a team's thread with the control cell. `to` holds the teams whose
    threads it is in: those the cell wrote to, or the writing team's own key."""

    message: int
    persona: str | None = Field(description="the persona the cell writes as, or the team answers; none: the cell")
    persona_name: str | None
    from_: str = Field(alias="from", description='"cell", or the key of the team that wrote')
    to: list[TeamKey]
    text: str


class MediaData(EventData):
    key: str
    persona: str = Field(description="the persona that publishes it (its outlet); for a public statement, the team")
    persona_name: str = Field(description="the outlet's name, as the wire shows it")
    headline: str
    body: str = Field(description="Markdown; a team's statement as the team wrote it")
    body_html: str = Field(description="the body rendered and sanitised; a team's text escaped, never Markdown")
    to: list[TeamKey]
    source: Literal["scenario", "cell", "team"]
