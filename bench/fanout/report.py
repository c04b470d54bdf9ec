"""The machine, the summary table, and the results block of docs/benchmarks.md."""

import math
import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import psycopg
import redis

from bench.fanout.servers import ServerOptions

PACKAGES = ["Django", "channels", "channels-redis", "uvicorn", "websockets", "celery", "redis", "psycopg"]
BEGIN = "<!-- fanout results: written by `bench/fanout/run.py --doc`; edit the text around it -->"
END = "<!-- end of fanout results -->"


@dataclass
class Run:
    options: ServerOptions
    parley: dict
    bare: dict | None

    @property
    def ratio(self) -> float:
        if not self.bare:
            return math.nan
        return self.parley["latency"]["p99"] / self.bare["latency"]["p99"]


@dataclass
class Summary:
    command: str
    configuration: str
    machine: dict[str, str]
    runs: list[Run]
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))

    def as_dict(self) -> dict:
        runs = [{"options": vars(r.options), "parley": r.parley, "bare": r.bare, "ratio": r.ratio} for r in self.runs]
        return {
            "command": self.command,
            "configuration": self.configuration,
            "machine": self.machine,
            "date": self.date,
            "runs": runs,
        }


def machine(redis_url: str) -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")
    memory_kib = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    )
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    client = redis.Redis.from_url(redis_url)
    try:
        redis_version = client.info("server")["redis_version"]
    finally:
        client.close()
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        postgres_version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu": f"{model}, {os.cpu_count()} cores",
        "memory": f"{memory_kib / 2**20:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "services": f"Redis {redis_version}, PostgreSQL {postgres_version}",
        "load average at the end": " ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def rows(runs: list[Run]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the summary: one column per server per run."""
    header = ["", *(f"{name} x{run.options.workers}" for run in runs for name in ("Parley", "bare"))]

    def row(label: str, pick) -> list[str]:  # type: ignore[no-untyped-def]
        cells = []
        for run in runs:
            cells += [pick(run.parley), pick(run.bare) if run.bare else "-"]
        return [label, *cells]

    def burst(pick):  # type: ignore[no-untyped-def]
        return lambda figures: pick(figures["burst"]) if figures.get("burst") else "-"

    table = [
        row("handshake p50 / p99 (ms)", lambda f: f"{f['connect']['p50']:.0f} / {f['connect']['p99']:.0f}"),
        row("handshakes all done, failed", lambda f: f"{f['connect']['total_s']:.1f} s, {f['connect']['failed']}"),
        row("live p50 / p99 (ms)", lambda f: f"{f['connect']['ready_p50']:.0f} / {f['connect']['ready_p99']:.0f}"),
        row("all live after", lambda f: f"{f['connect']['ready_s']:.1f} s"),
        row(
            "server RSS before / after (MiB)", memory(lambda m: f"{m['rss_before_mib']:.0f} / {m['rss_after_mib']:.0f}")
        ),
        row("server RSS per socket (KiB)", memory(lambda m: f"{m['per_socket_kib']:.1f}")),
        row(
            "to first socket p50 / max (ms)",
            lambda f: f"{f['latency']['first_p50']:.0f} / {f['latency']['first_max']:.0f}",
        ),
        row("latency p50 (ms)", lambda f: f"{f['latency']['p50']:.0f}"),
        row("latency p95 (ms)", lambda f: f"{f['latency']['p95']:.0f}"),
        row("latency p99 (ms)", lambda f: f"{f['latency']['p99']:.0f}"),
        row("latency max (ms)", lambda f: f"{f['latency']['max']:.0f}"),
        row("deliveries", lambda f: f"{f['deliveries']['received']} of {f['deliveries']['expected']}"),
        row("lost / doubled / out of order", lost),
        row("push rate (frames/s)", lambda f: f"{f['push_rate']:.0f}"),
        row("CPU per frame, server / client (µs)", cpu),
        row("largest frame (bytes)", lambda f: f"{f['envelope_bytes']}"),
        [
            "p99 ratio, Parley / bare",
            *(cell for run in runs for cell in (f"{run.ratio:.2f}", "")),
        ],
        row("lateness p50 / p99 / max (ms)", lateness),
        row("burst: injects, written in", burst(lambda b: f"{b['count']}, {b['written_s']:.1f} s")),
        row("burst: broadcast at", burst(lambda b: f"{b['achieved_rate']:.0f}/s")),
        row("burst: offered x push rate", burst(lambda b: f"{b['times_push_rate']:.1f}x")),
        row("burst: drained in, at", burst(lambda b: f"{b['drain_s']:.1f} s, {b['drain_rate']:.0f} frames/s")),
        row("burst: offered x drain rate", burst(lambda b: f"{b['times_drain_rate']:.1f}x")),
        row("burst: CPU per frame, server / client (µs)", burst(cpu)),
        row(
            "burst: latency from broadcast p50 / p99 / max (ms)",
            burst(lambda b: "{p50:.0f} / {p99:.0f} / {max:.0f}".format(**b["latency_from_broadcast"])),
        ),
        row("burst: lost / doubled / out of order", burst(lost)),
    ]
    return header, table


def memory(pick):  # type: ignore[no-untyped-def]
    return lambda figures: pick(figures["memory"]) if figures.get("memory") else "-"


def lost(figures: dict) -> str:
    d = figures["deliveries"]
    return f"{d['lost']} / {d['doubled']} / {d['out_of_order']}" + (
        f" (+{d['unexpected']} unexpected)" if d["unexpected"] else ""
    )


def cpu(figures: dict) -> str:
    return f"{figures['server_cpu_us_per_frame']:.0f} / {figures['client_cpu_us_per_frame']:.0f}"


def lateness(figures: dict) -> str:
    if "lateness" not in figures:
        return "-"
    late = figures["lateness"]
    return f"{late['p50']:.0f} / {late['p99']:.0f} / {late['max']:.0f}"


def console(runs: list[Run], configuration: str) -> str:
    header, table = rows(runs)
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in [header, *table]
    ]
    return "\n".join(["", configuration, *lines, ""])


def markdown(summary: Summary) -> str:
    header, table = rows(summary.runs)
    lines = [
        BEGIN,
        "",
        f"Run {summary.date}: `{summary.command}`",
        "",
        *(f"- {name}: {value}" for name, value in summary.machine.items()),
        f"- configuration: {summary.configuration}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(line) + " |" for line in table),
        "",
        END,
    ]
    return "\n".join(lines)


def write_doc(path: Path, summary: Summary) -> None:
    """Replace the results block of ``path``, or append one."""
    block = markdown(summary)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
