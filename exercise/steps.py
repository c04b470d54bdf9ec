"""The escalation ladder: its rungs, and how far each kind of action moves a team."""

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
