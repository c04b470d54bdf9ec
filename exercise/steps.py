"""The escalation ladder: its rungs, and how far each kind of action moves a team."""

# Rungs run from 0 (routine posture) to 5 (forces committed). A scenario may change how
# far an action moves a team in its `scoring.escalation` section.
LADDER = (
    "Routine posture",
    "Heightened vigilance",
    "Raised alert",
    "Forces deployed",
    "High readiness",
    "Forces committed",
)
ACTION_STEPS = {"raise_alert": 1, "lower_alert": -1, "deploy_forces": 1, "withdraw_forces": -1, "public_statement": 0}
