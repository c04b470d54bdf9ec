"""Turning stamped frames into figures: latency percentiles, push rate, lost and doubled events."""

import itertools
import json
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime


@dataclass(frozen=True)
class Frame:
    received: float  # wall time of receipt, seconds since the epoch
    seq: int
    kind: str
    key: str  # the inject's key for inject.released, else ""
    at: float  # wall time the event was released, from the envelope


def parse(received: float, text: str) -> Frame:
    """A frame of either server: both carry ``seq``, ``kind`` and an ISO ``at``."""
    envelope = json.loads(text)
    data = envelope.get("data") or {}
    return Frame(
        received=received,
        seq=envelope["seq"],
        kind=envelope["kind"],
        key=data.get("key", "") if isinstance(data, dict) else "",
        at=datetime.fromisoformat(envelope["at"]).timestamp(),
    )


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q % of values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def distribution_ms(seconds: Sequence[float]) -> dict[str, float]:
    """n, p50, p95, p99 and max, in milliseconds."""
    if not seconds:
        return {"n": 0, "p50": math.nan, "p95": math.nan, "p99": math.nan, "max": math.nan}
    figures = {f"p{q}": percentile(seconds, q) * 1000 for q in (50, 95, 99)}
    return {"n": len(seconds), **figures, "max": max(seconds) * 1000}


def latencies(frames: Iterable[Frame]) -> list[float]:
    return [frame.received - frame.at for frame in frames]


def first_receipts(frames: Iterable[Frame]) -> list[float]:
    """Per event, release to its first receipt anywhere: the cost before the fan-out starts."""
    first: dict[int, float] = {}
    for frame in frames:
        first[frame.seq] = min(first.get(frame.seq, math.inf), frame.received - frame.at)
    return list(first.values())


def push_rate(frames: Iterable[Frame], sockets: int) -> float:
    """Frames per second the server delivered while fanning one event out to every socket.

    The median, over the broadcasts that reached all ``sockets``, of frames divided by the
    time from the release to the last socket's receipt: end to end, so neither the
    client's reading pace nor the time before the first frame flatters it.
    """
    by_seq: dict[int, list[Frame]] = defaultdict(list)
    for frame in frames:
        by_seq[frame.seq].append(frame)
    rates = [
        len(group) / (max(frame.received for frame in group) - group[0].at)
        for group in by_seq.values()
        if len(group) >= sockets
    ]
    return statistics.median(rates) if rates else math.nan


@dataclass
class Deliveries:
    sockets: int
    expected: int  # deliveries the log says should happen, over all sockets
    received: int
    lost: int  # expected, never received
    doubled: int  # received more than once
    unexpected: int  # received, but not visible to the socket's group
    out_of_order: int  # a seq not above the one before it on the same socket

    @property
    def ok(self) -> bool:
        return self.lost == self.doubled == self.unexpected == self.out_of_order == 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def check_deliveries(
    received: Iterable[tuple[str, Sequence[int]]], expected: Mapping[str, Sequence[int]]
) -> Deliveries:
    """Compare each socket's seqs, in arrival order, with the seqs its group should get."""
    result = Deliveries(0, 0, 0, 0, 0, 0, 0)
    for group, seqs in received:
        wanted = set(expected.get(group, ()))
        got = set(seqs)
        result.sockets += 1
        result.expected += len(wanted)
        result.received += len(seqs)
        result.lost += len(wanted - got)
        result.doubled += len(seqs) - len(got)
        result.unexpected += len(got - wanted)
        result.out_of_order += sum(1 for before, after in itertools.pairwise(seqs) if after <= before)
    return result
