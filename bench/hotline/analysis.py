"""From the posts' records and the sockets' stamped frames to the figures.

End-to-end latency is, per message, the first receipt on the receiving team's socket
minus the time its POST was written. Every message answered 201 must arrive exactly once
on each socket that sees it: the receiving team's (the criterion), the sending team's own
and the facilitator's. Frames are parsed only here, after the run.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bench.fanout.analysis import distribution_ms
from bench.fanout.clients import Client
from bench.hotline.driver import Sent
from bench.hotline.workload import message_id, team_key

STAFF = "staff"


@dataclass
class Frames:
    """Hotline messages as the sockets saw them."""

    times: dict[tuple[str, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    seqs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # per socket, arrival order
    seq_of: dict[int, int] = field(default_factory=dict)  # message number -> envelope seq
    other_kinds: Counter = field(default_factory=Counter)


def read_frames(clients: Iterable[Client]) -> Frames:
    frames = Frames()
    for client in clients:
        for received, text in client.frames:
            envelope = json.loads(text)
            frames.seqs[client.group].append(envelope["seq"])
            number = message_id(envelope["data"].get("text", "")) if envelope["kind"] == "hotline.message" else None
            if number is None:
                frames.other_kinds[envelope["kind"]] += 1
                continue
            frames.times[(client.group, number)].append(received)
            frames.seq_of[number] = envelope["seq"]
    return frames


@dataclass
class Delivery:
    """One audience's count of the created messages it should have had."""

    expected: int = 0
    lost: int = 0
    doubled: int = 0
    examples: list[int] = field(default_factory=list)  # the first few lost or doubled messages

    def add(self, number: int, times: list[float]) -> None:
        self.expected += 1
        self.lost += not times
        self.doubled += max(0, len(times) - 1)
        if len(times) != 1 and len(self.examples) < 10:
            self.examples.append(number)


def figures(records: list[Sent], frames: Frames) -> dict:
    """Latency, POST times, rate, and losses of one run (priming and warm-up posts are
    checked for losses, not timed)."""
    created = [record for record in records if record.created]
    timed = [record for record in created if record.post.timed]
    other, own, staff = Delivery(), Delivery(), Delivery()
    for record in created:
        number = record.post.number
        other.add(number, frames.times.get((team_key(record.post.receiver), number), []))
        own.add(number, frames.times.get((team_key(record.post.sender), number), []))
        staff.add(number, frames.times.get((STAFF, number), []))
    wanted = {(team_key(r.post.receiver), r.post.number) for r in created}
    wanted |= {(team_key(r.post.sender), r.post.number) for r in created}
    wanted |= {(STAFF, r.post.number) for r in created}
    measured = [r for r in records if r.post.timed]
    return {
        "end_to_end": distribution_ms(end_to_end(timed, frames)),
        "post": distribution_ms([r.answered - r.sent for r in timed]),
        "late_send": distribution_ms([r.sent - r.due for r in measured if r.sent is not None]),
        "rate": achieved_rate(measured),
        "posted": len(records),
        "created": len(created),
        "refused": dict(Counter(str(r.status or r.error) for r in records if not r.created)),
        "other_side": vars(other),
        "own_side": vars(own),
        "staff": vars(staff),
        "unexpected": sum(len(times) for key, times in frames.times.items() if key not in wanted),
        "seq_mismatch": sum(
            1 for r in created if r.seq is not None and frames.seq_of.get(r.post.number, r.seq) != r.seq
        ),
        "other_frames": dict(frames.other_kinds),
    }


def end_to_end(records: list[Sent], frames: Frames) -> list[float]:
    """Seconds from each POST's write to the message's first receipt on the other team's socket."""
    latencies = []
    for record in records:
        times = frames.times.get((team_key(record.post.receiver), record.post.number))
        if times and record.sent is not None:
            latencies.append(min(times) - record.sent)
    return latencies


def achieved_rate(records: list[Sent]) -> dict[str, float]:
    """Posts written, and 201s answered, per second over the measured phase."""
    sent = sorted(r.sent for r in records if r.sent is not None)
    answered = sorted(r.answered for r in records if r.created and r.answered is not None)
    if len(sent) < 2 or not answered:
        return {"sent_per_s": float("nan"), "created_per_s": float("nan")}
    return {
        "sent_per_s": (len(sent) - 1) / (sent[-1] - sent[0]),
        "created_per_s": len(answered) / (answered[-1] - sent[0]),
    }
