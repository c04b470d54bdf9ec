"""The traffic both servers get: which teams share a line, and who posts what, when.

Lines join teams in a ring (team i to team i+1, so every team is on two lines), or in
disjoint pairs when there are fewer than three lines. Post ``n`` goes out ``n / rate``
seconds after the start, on line ``n % lines``, from one end of the line in even rounds
and from the other in odd rounds, so each line carries ``rate / lines`` messages a
second alternating in direction and each team sends ``rate / lines`` a second. A team's
posts rotate over its players so that none of them nears the per-player rate limit.
"""

import math
import re
from dataclasses import dataclass

PRIME, WARMUP, MEASURED = "prime", "warm-up", "measured"
MAX_TEAMS = 60  # a scenario holds at most 60 teams
ID_PATTERN = re.compile(r" m(\d{7}) ")


@dataclass(frozen=True)
class Line:
    number: int
    a: int  # team indices
    b: int


@dataclass(frozen=True)
class Post:
    number: int
    at: float  # seconds after the start
    line: int
    sender: int  # team indices
    receiver: int
    player: int  # which of the sender team's players
    phase: str  # PRIME (sent one by one before the clock starts), WARMUP or MEASURED

    @property
    def timed(self) -> bool:
        return self.phase == MEASURED


def team_key(index: int) -> str:
    return f"T{index + 1:02d}"


def lines_of(count: int) -> list[Line]:
    """``count`` lines: a ring of ``count`` teams, or disjoint pairs below three lines."""
    if count >= 3:
        lines = [Line(i, i, (i + 1) % count) for i in range(count)]
    else:
        lines = [Line(i, 2 * i, 2 * i + 1) for i in range(count)]
    if teams_of(lines) > MAX_TEAMS:
        raise ValueError(f"{count} lines need more than {MAX_TEAMS} teams, the most a scenario holds")
    return lines


def teams_of(lines: list[Line]) -> int:
    return max(max(line.a, line.b) for line in lines) + 1


def players_per_team(*, rate: float, lines: int, limit: int, window: float, headroom: float = 2.0) -> int:
    """Players each team needs so that each posts at most ``1 / headroom`` of the rate limit.

    In a ring every team sends ``rate / lines`` messages a second (in pairs, half that).
    """
    team_rate = rate / lines
    return max(1, math.ceil(team_rate * headroom / (limit / window)))


def plan(*, lines: list[Line], rate: float, seconds: float, warmup: float, players: int) -> list[Post]:
    """Every post of the run: one per line to prime the server (code paths, connections),
    then the warm-up and the measured posts, evenly spaced at ``rate``."""
    prime = len(lines)
    warm = prime + round(warmup * rate)
    total = warm + round(seconds * rate)
    posts = []
    sent_by = [0] * teams_of(lines)  # posts so far per team, to deal them to its players in turn
    for number in range(total):
        line = lines[number % len(lines)]
        round_ = number // len(lines)
        sender, receiver = (line.a, line.b) if round_ % 2 == 0 else (line.b, line.a)
        sent_by[sender] += 1
        posts.append(
            Post(
                number=number,
                at=max(0, number - prime) / rate,
                line=line.number,
                sender=sender,
                receiver=receiver,
                player=sent_by[sender] % players,
                phase=PRIME if number < prime else WARMUP if number < warm else MEASURED,
            )
        )
    return posts


def message_text(tag: str, number: int) -> str:
    """A unique text carrying the post's number (found again with ``message_id``)."""
    head = f"[{tag}] m{number:07d} "
    return head + "Holding position at the reef; request you confirm your patrol's heading. " * 3


def message_id(text: str) -> int | None:
    found = ID_PATTERN.search(text)
    return int(found.group(1)) if found else None
