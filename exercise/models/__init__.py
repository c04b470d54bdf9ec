"""Database models of the exercise domain, one module per concept."""

from exercise.models.access import ApiToken
from exercise.models.cell import CellMessage, ExerciseMedia
from exercise.models.comms import (
    Action,
    CommandReceipt,
    Dialogue,
    Hotline,
    HotlineOutage,
    JointOperation,
    Message,
    OperationPartner,
    Report,
    Statement,
)
from exercise.models.drafts import ScenarioDraft
from exercise.models.evaluation import ExpectationCheck, PendingDecision, Rating
from exercise.models.events import Event
from exercise.models.review import (
    FeedbackReceipt,
    HotwashNote,
    ImprovementItem,
    ObjectiveFinding,
    ParticipantFeedback,
    ReviewPdf,
)
from exercise.models.runs import Exercise, ExerciseInject, Player, Team
from exercise.models.scenarios import Expectation, Inject, MediaItem, Objective, Persona, Scenario, ScenarioTeam
from exercise.models.staffing import AuditEntry, StaffAssignment

__all__ = [
    "Action",
    "ApiToken",
    "AuditEntry",
    "CellMessage",
    "CommandReceipt",
    "Dialogue",
    "Event",
    "Exercise",
    "ExerciseInject",
    "ExerciseMedia",
    "Expectation",
    "ExpectationCheck",
    "FeedbackReceipt",
    "Hotline",
    "HotlineOutage",
    "HotwashNote",
    "ImprovementItem",
    "Inject",
    "JointOperation",
    "MediaItem",
    "Message",
    "Objective",
    "ObjectiveFinding",
    "OperationPartner",
    "ParticipantFeedback",
    "PendingDecision",
    "Persona",
    "Player",
    "Rating",
    "Report",
    "ReviewPdf",
    "Scenario",
    "ScenarioDraft",
    "ScenarioTeam",
    "StaffAssignment",
    "Statement",
    "Team",
]
