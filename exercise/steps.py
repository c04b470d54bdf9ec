"""The escalation ladder: its rungs, how far each kind of action moves a team, and the
words each kind of action reads as."""

# Rungs run from 0 (routine posture) to 5 (maximum readiness). Each names a level of
# posture, never a move: raising the alert and deploying forces both climb one rung, so a
# rung named for one of them ("Raised alert") would contradict a team that reached it by
# the other. A scenario may change how far an action moves a team (`scoring.escalation`).
LADDER = (
    "Routine posture",
    "Heightened vigilance",
    "Elevated readiness",
    "High readiness",
    "Crisis posture",
    "Maximum readiness",
)
# Confidence-building measures (a notified exercise, invited observers, exchanged data) are
# moves every team sees that lower the risk of misreading the others: they never climb.
CONFIDENCE_MEASURES = ("notify_exercise", "invite_observers", "exchange_data")
ACTION_STEPS = {
    "raise_alert": 1,
    "lower_alert": -1,
    "deploy_forces": 1,
    "withdraw_forces": -1,
    "public_statement": 0,
    **dict.fromkeys(CONFIDENCE_MEASURES, 0),
}
# Each kind of action as a command on the team console (the imperative) and as what a
# state did (the feed, the review and the exports read this; catalogue.action sentence).
ACTION_WORDS: dict[str, tuple[str, str]] = {
    "raise_alert": ("raise alert", "raised the alert"),
    "lower_alert": ("lower alert", "lowered the alert"),
    "deploy_forces": ("deploy forces", "deployed forces"),
    "withdraw_forces": ("withdraw forces", "withdrew forces"),
    "public_statement": ("public statement", "made a public statement"),
    "notify_exercise": ("notify an exercise in advance", "gave advance notice of a military exercise"),
    "invite_observers": ("invite observers", "invited foreign observers to its forces' activities"),
    "exchange_data": ("exchange military data", "shared military data with its neighbours"),
}


def action_label(kind: str) -> str:
    """The command a kind is on the console; an unknown kind (an old log's) as its words."""
    return ACTION_WORDS[kind][0] if kind in ACTION_WORDS else kind.replace("_", " ")


def action_done(kind: str) -> str:
    """What a state did, as the log reads it."""
    return ACTION_WORDS[kind][1] if kind in ACTION_WORDS else kind.replace("_", " ")
