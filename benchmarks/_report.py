"""The run's report: Markdown tables for docs/performance.md, and the machine and versions."""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _results import Row, Section, Target

BEGIN = "<!-- benchmark-results:begin -->"
END = "<!-- benchmark-results:end -->"
_VERDICT = {True: "yes", False: "**no**", None: "not measured"}


@dataclass(frozen=True)
class RunInfo:
    """Where and when the run happened, what it ran, and how big it was."""

    date: str
    machine: str
    load_average: str
    versions: dict[str, str]
    sizes: dict[str, Any]
    duration_seconds: float
    smoke: bool
    command: str = ""


def machine_description() -> str:
    """CPU model, cores and memory of this machine, and its OS."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = int(meminfo.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the shared cores were."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _verdict(target: Target) -> str:
    """Whether a target was met; a figure shown without a target of its own gets a dash."""
    if target.met is None and target.shown != "not measured":
        return "—"
    return _VERDICT[target.met]


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# Columns beyond wall/CPU/memory, per benchmark: (heading, function of the row).
_EXTRA_COLUMNS: dict[str, list[tuple[str, Any]]] = {
    "iterate": [
        ("nodes/s (wall)", lambda row: _number(round(row.extra["nodes"] / row.wall_seconds))),
        ("nodes/s (CPU)", lambda row: _number(round(row.extra["nodes"] / row.cpu_seconds))),
        ("server CPU (s)", lambda row: _seconds(row.extra.get("server_cpu_seconds"))),
    ],
    "memory": [
        ("above start (MB)", lambda row: _number(row.extra.get("above_start_mb"))),
        ("RSS before reading (MiB)", lambda row: _number(row.extra.get("rss_before_mib"))),
    ],
    "upsert": [
        ("nodes/s (wall)", lambda row: _number(round(row.extra["nodes"] / row.wall_seconds))),
        ("server CPU (s)", lambda row: _seconds(row.extra.get("server_cpu_seconds"))),
        ("requests", lambda row: _number(row.extra.get("requests"))),
        ("429s", lambda row: _number(row.extra.get("answered_429"))),
    ],
    "generate": [("files", lambda row: _number(row.extra.get("files")))],
    "import": [
        ("modules loaded", lambda row: _number(row.extra.get("modules_loaded"))),
        ("RSS added (MiB)", lambda row: _number(row.extra.get("rss_added_mib"))),
        ("whole process (s)", lambda row: _seconds(row.extra.get("process_wall_seconds"))),
    ],
    "pip-install": [("", lambda row: "")],
}


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headings) + " |", "|" + "|".join(" --- " for _ in headings) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _section_table(section: Section) -> list[str]:
    extras = [column for column in _EXTRA_COLUMNS.get(section.name, []) if column[0]]
    headings = ["client", "wall (s)", "CPU (s)", "peak RSS (MiB)", *(heading for heading, _ in extras)]

    def cells(row: Row) -> list[str]:
        base = [row.client, _seconds(row.wall_seconds), _seconds(row.cpu_seconds), _number(row.peak_rss_mib)]
        return base + [render(row) for _, render in extras]

    return _table(headings, [cells(row) for row in section.rows])


def results_markdown(info: RunInfo, sections: Sequence[Section]) -> str:
    """The results block: run facts, the targets table, and one table per benchmark."""
    lines = [
        "## Results of the last run",
        "",
        f"- Date: {info.date}" + (" (smoke run: tiny sizes, not a measurement)" if info.smoke else ""),
        f"- Machine: {info.machine}; load average at start {info.load_average} "
        "(the cores are shared with other work)",
        "- Versions: " + ", ".join(f"{name} {version}" for name, version in info.versions.items()),
        "- Sizes: " + ", ".join(f"{name} {_number(value)}" for name, value in info.sizes.items()),
        f"- Whole run: {info.duration_seconds / 60:.1f} minutes"
        + (f" (`{info.command}`)" if info.command else ""),
        "",
        "### Targets",
        "",
    ]
    target_rows = [
        [target.what, target.target, target.shown, _verdict(target)]
        for section in sections
        for target in section.targets
    ]
    lines += _table(["what", "target", "measured", "met"], target_rows)
    for section in sections:
        lines += ["", f"### {section.name}", "", section.description, ""]
        if section.rows:
            lines += _section_table(section)
        for reason in section.skipped:
            lines += ["", f"- Not run: {reason}"]
        for failure in section.failed:
            lines += ["", "- **Failed**: " + failure.replace("\n", "\n  ")]
    return "\n".join(lines) + "\n"


def write_results(path: Path, block: str) -> None:
    """Put ``block`` between the result markers of ``path``, keeping the prose around them; a
    file without markers (or no file) gets a page holding just the block."""
    wrapped = f"{BEGIN}\n{block}{END}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
        if pattern.search(text):
            path.write_text(pattern.sub(lambda _: wrapped, text, count=1), encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Benchmark results\n\n{wrapped}\n", encoding="utf-8")
