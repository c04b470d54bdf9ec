"""The summary table, the machine it ran on, and the results block of RESULTS.md.

RESULTS.md keeps hand-written text around a block this module replaces at every run.
"""

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench.fanout import report as fanout_report

PACKAGES = [
    "Django",
    "channels",
    "channels-redis",
    "django-ninja",
    "uvicorn",
    "uvloop",
    "httptools",
    "websockets",
    "redis",
    "psycopg",
]
BEGIN = "<!-- hotline results: written by `bench/hotline/run.py`; edit the text around it -->"
END = "<!-- end of hotline results -->"
TARGET_P99_MS = 50.0
ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("config", "exercise", "players", "realtime")


@dataclass
class Run:
    workers: int
    rate: float
    parley: dict
    bare: dict | None

    @property
    def ratio(self) -> float:
        return p99_ratio(self.parley, self.bare)

    def column(self, name: str) -> dict | None:
        return {"Parley": self.parley, "bare": self.bare}[name]

    @property
    def lost(self) -> int:
        return sum(self.parley[side]["lost"] for side in ("other_side", "own_side", "staff"))

    @property
    def target_met(self) -> bool:
        figures = self.parley
        all_created = figures["created"] == figures["posted"]
        return figures["end_to_end"]["p99"] <= TARGET_P99_MS and figures["other_side"]["lost"] == 0 and all_created


@dataclass
class Summary:
    command: str
    setting: str  # lines, rate, players, and the like, in words
    machine: dict[str, str]
    runs: list[Run]
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))

    def as_dict(self) -> dict:
        runs = [
            {"workers": r.workers, "rate": r.rate, "parley": r.parley, "bare": r.bare, "ratio": r.ratio}
            for r in self.runs
        ]
        return {
            "command": self.command,
            "setting": self.setting,
            "machine": self.machine,
            "date": self.date,
            "runs": runs,
        }


def machine(redis_url: str, load: dict[str, str]) -> dict[str, str]:
    facts = fanout_report.machine(redis_url)
    facts["packages"] = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    facts.pop("load average at the end", None)
    return facts | {"Parley source": source_fingerprint()} | load


def source_fingerprint() -> str:
    """A short hash of the app's Python files and requirements, to tell which code was measured
    (the tree changes while benchmarks run, and a run cannot ask git)."""
    digest = hashlib.sha256()
    files = [ROOT / "requirements.txt", *sorted(p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py"))]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    newest = max(path.stat().st_mtime for path in files)
    changed = datetime.fromtimestamp(newest, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"sha256 {digest.hexdigest()[:12]} of {', '.join(SOURCE_DIRS)}/*.py and requirements.txt (newest {changed})"


def ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"


def delivery(side: dict) -> str:
    return f"{side['lost']} / {side['doubled']} of {side['expected']}"


def p99_ratio(figures: dict | None, baseline: dict | None) -> float:
    if not figures or not baseline:
        return math.nan
    return figures["end_to_end"]["p99"] / baseline["end_to_end"]["p99"]


def column_names(runs: list[Run]) -> list[str]:
    """Parley, then the bare relay when the runs measured it."""
    return ["Parley", *(["bare"] if any(run.bare for run in runs) else [])]


def ratio_cell(run: Run, name: str) -> str:
    if name == "Parley":
        return f"{run.ratio:.2f}"
    return ""


def rows(runs: list[Run]) -> tuple[list[str], list[list[str]]]:
    names = column_names(runs)
    header = ["", *(f"{name} x{run.workers} {run.rate:g}/s" for run in runs for name in names)]

    def row(label: str, pick) -> list[str]:  # type: ignore[no-untyped-def]
        cells = []
        for run in runs:
            cells += [pick(figures) if (figures := run.column(name)) else "-" for name in names]
        return [label, *cells]

    def e2e(q: str):  # type: ignore[no-untyped-def]
        return lambda f: ms(f["end_to_end"][q])

    table = [
        row("end-to-end p50 (ms)", e2e("p50")),
        row("end-to-end p95 (ms)", e2e("p95")),
        row("end-to-end p99 (ms)", e2e("p99")),
        row("end-to-end max (ms)", e2e("max")),
        ["p99 ratio over bare", *(ratio_cell(run, name) for run in runs for name in names)],
        row("POST p50 / p99 (ms)", lambda f: f"{ms(f['post']['p50'])} / {ms(f['post']['p99'])}"),
        row(
            "rate sent / answered 201 (/s)",
            lambda f: f"{f['rate']['sent_per_s']:.1f} / {f['rate']['created_per_s']:.1f}",
        ),
        row("posts, 201s", lambda f: f"{f['posted']}, {f['created']}"),
        row("refused", lambda f: ", ".join(f"{k}: {v}" for k, v in f["refused"].items()) or "0"),
        row("other side lost / doubled", lambda f: delivery(f["other_side"])),
        row("own side lost / doubled", lambda f: delivery(f["own_side"])),
        row("facilitator lost / doubled", lambda f: delivery(f["staff"])),
        row("unexpected, seq mismatches", lambda f: f"{f['unexpected']}, {f['seq_mismatch']}"),
        row("database check", lambda f: f.get("database", {}).get("summary", "-")),
        row("server CPU per message (ms)", lambda f: ms(f["server_cpu_ms_per_message"])),
        row("machine busy (both cores)", lambda f: f"{100 * f['machine_busy']:.0f} %"),
        row("client send lateness p99 (ms)", lambda f: ms(f["late_send"]["p99"])),
        row("PostgreSQL: running / lock-waiting / idle in tx", postgres),
        row("PostgreSQL: most connections", lambda f: str(f["postgres"].get("most connections", "-"))),
        row("sockets closed by the server", lambda f: str(len(f["sockets_closed"]))),
        row("HTTP connections used, retried", lambda f: f"{f['connections']}, {f['retried']}"),
    ]
    return header, table


def postgres(figures: dict) -> str:
    """Mean backends per state during the measured phase (Parley only)."""
    pg = figures.get("postgres") or {}
    if not pg:
        return "-"
    states = ("running a statement", "waiting for a lock", "idle in a transaction")
    return " / ".join(f"{pg[state]:.1f}" for state in states)


def verdict(runs: list[Run]) -> list[str]:
    lines = []
    for run in runs:
        p99 = run.parley["end_to_end"]["p99"]
        lost = run.parley["other_side"]["lost"]
        name = f"Parley x{run.workers} at {run.rate:g}/s"
        if run.target_met:
            lines.append(f"{name}: within the target (p99 {p99:.1f} ms <= {TARGET_P99_MS:g} ms, 0 lost)")
        else:
            over = f"p99 {p99:.1f} ms is {p99 / TARGET_P99_MS:.1f}x the {TARGET_P99_MS:g} ms target"
            refused = run.parley["posted"] - run.parley["created"]
            lines.append(f"{name}: target NOT met ({over}; {lost} lost on the other side; {refused} posts refused)")
    return lines


def table_lines(header: list[str], table: list[list[str]], *, markdown: bool) -> list[str]:
    if markdown:
        return [
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *("| " + " | ".join(r) + " |" for r in table),
        ]
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in [header, *table]]


def console(summary: Summary) -> str:
    header, table = rows(summary.runs)
    return "\n".join(["", summary.setting, *table_lines(header, table, markdown=False), *verdict(summary.runs), ""])


def markdown(summary: Summary) -> str:
    header, table = rows(summary.runs)
    return "\n".join(
        [
            BEGIN,
            "",
            f"Run {summary.date}: `{summary.command}`",
            "",
            f"Setting: {summary.setting}",
            "",
            *(f"- {name}: {value}" for name, value in summary.machine.items()),
            "",
            *table_lines(header, table, markdown=True),
            "",
            *(f"- {line}" for line in verdict(summary.runs)),
            "",
            END,
        ]
    )


def write_results(path: Path, summary: Summary) -> None:
    """Replace the results block of ``path``, or start the file with one."""
    block = markdown(summary)
    text = path.read_text() if path.exists() else "# bench/hotline results\n"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
