"""The workload both servers get: how many sockets in which groups, and what is released when.

One plan drives both sides, so Parley and the bare server see the same pattern: every other
release goes to all teams, the others to a rotating quarter of them, at staggered offsets.
"""

from dataclasses import dataclass

# The broadcast size DESIGN.md measured the bare engines with.
PAYLOAD_BYTES = 512


@dataclass(frozen=True)
class Release:
    key: str
    at: float  # seconds after the start
    teams: tuple[int, ...]  # team indices; every team for a release to all
    to_all: bool


def team_key(index: int) -> str:
    return f"T{index + 1:02d}"


def plan(*, teams: int, injects: int, first: float, every: float) -> list[Release]:
    """Releases at ``first``, ``first + every``, ...; even ones to all teams, odd ones to a quarter."""
    quarter = max(1, teams // 4)
    releases = []
    for number in range(injects):
        if number % 2 == 0:
            targets, to_all = tuple(range(teams)), True
        else:
            start = (number // 2 * quarter) % teams
            targets, to_all = tuple(sorted((start + k) % teams for k in range(quarter))), False
        releases.append(Release(key=f"I{number + 1:02d}", at=first + number * every, teams=targets, to_all=to_all))
    return releases


def team_of_socket(index: int, teams: int) -> int:
    """Sockets are dealt to teams in turn, so each team gets the same number (±1)."""
    return index % teams
