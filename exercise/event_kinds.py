"""Every kind of event the log holds, as API.md lists them."""

EXERCISE_KINDS = (
    "exercise.started",
    "exercise.paused",
    "exercise.resumed",
    "exercise.speed_changed",
    "exercise.ended",
)
INJECT_EVENT_KINDS = ("inject.released", "inject.skipped")
TEAM_KINDS = (
    "report.submitted",
    "hotline.requested",
    "hotline.accepted",
    "hotline.declined",
    "hotline.message",
    "hotline.closed",
    "dialogue.convened",
    "dialogue.message",
    "statement.proposed",
    "statement.endorsed",
    "statement.adopted",
    "jointop.proposed",
    "jointop.accepted",
    "jointop.declined",
    "action.taken",
)
CONTROL_KINDS = (
    "hotline.cut",
    "hotline.restored",
    "jointop.adjudicated",
    "expectation.met",
    "expectation.missed",
    "rating.given",
    "note.added",
)
ALL_KINDS = EXERCISE_KINDS + INJECT_EVENT_KINDS + TEAM_KINDS + CONTROL_KINDS
