"""Scores, trust, escalation and stability: pure functions of the scenario and the log.

Nothing here reads the database; callers pass the scenario's normal form and the event
envelopes, so the same figures come out live, in a recompute, and in the review.
"""

from exercise.scoring.board import scoreboard

__all__ = ["scoreboard"]
