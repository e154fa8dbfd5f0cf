"""Turn the measurements into the Markdown table, the machine description and the chart."""

import os
import platform
import statistics
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    """Everything measured for one client; None where a measurement was not made."""

    name: str
    wall_us: float
    cpu_us: float
    wall_ratio: list[float]
    cpu_ratio: list[float]
    import_ms: float | None = None
    import_ratio: float | None = None
    rss_mib: float | None = None


def machine() -> list[str]:
    """Cores, CPU model, Python and urllib3 versions, as lines of Markdown."""
    model = "?"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    import urllib3

    return [
        f"- CPU: {model}, {os.cpu_count()} cores",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), urllib3 {urllib3.__version__}",
    ]


def _ratio(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def table(rows: list[Row]) -> list[str]:
    """The results as a Markdown table (ratios: median of rounds, with min-max)."""
    lines = [
        "| client | wall us/call | CPU us/call | wall vs raw urllib3 | CPU vs raw urllib3 "
        "| import ms | import vs urllib3 | peak RSS MiB (1000 calls) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        imported = "-" if row.import_ms is None else f"{row.import_ms:.1f}"
        relative = "-" if row.import_ratio is None else f"{row.import_ratio:.2f}x"
        rss = "-" if row.rss_mib is None else f"{row.rss_mib:.1f}"
        lines.append(
            f"| {row.name} | {row.wall_us:.1f} | {row.cpu_us:.1f} | {_ratio(row.wall_ratio)} "
            f"| {_ratio(row.cpu_ratio)} | {imported} | {relative} | {rss} |"
        )
    return lines


def chart(rows: list[Row], path: Path, subtitle: str) -> str:
    """Write the PNG chart; a message saying where, or why not."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "chart skipped: matplotlib is not installed (pip install -e '.[bench]' or pip install matplotlib)"
    names = [row.name for row in rows]
    positions = range(len(rows))
    size = (12, 0.6 * len(rows) + 2.2)
    figure, (calls, imports) = plt.subplots(1, 2, figsize=size, gridspec_kw={"width_ratios": (3, 2)})
    walls = [statistics.median(row.wall_ratio) for row in rows]
    cpus = [statistics.median(row.cpu_ratio) for row in rows]
    height = 0.38
    calls.barh([p - height / 2 for p in positions], walls, height, label="wall time", color="#3b75af")
    calls.barh([p + height / 2 for p in positions], cpus, height, label="client CPU time", color="#9ecae9")
    for position, wall, cpu in zip(positions, walls, cpus, strict=True):
        calls.text(wall, position - height / 2, f" {wall:.2f}x", va="center", fontsize=8)
        calls.text(cpu, position + height / 2, f" {cpu:.2f}x", va="center", fontsize=8)
    calls.axvline(1.0, color="black", linewidth=0.8, linestyle="--")
    calls.set_yticks(list(positions), names)
    calls.invert_yaxis()
    calls.set_xlabel("per call, relative to raw urllib3 (median of rounds; lower is better)")
    calls.legend(loc="upper right", fontsize=8)
    calls.set_xlim(0, max([*walls, *cpus]) * 1.18)
    measured = [(row.name, row.import_ms) for row in rows if row.import_ms is not None]
    imports.barh([n for n, _ in measured], [ms for _, ms in measured], color="#e6a04b")
    for name, ms in measured:
        imports.text(ms, name, f" {ms:.0f} ms", va="center", fontsize=8)
    imports.invert_yaxis()
    imports.set_xlabel("cold import: ms over `python -c pass` (median)")
    imports.set_xlim(0, max([ms for _, ms in measured] or [1]) * 1.25)
    figure.suptitle(f"Listen-key create -> keepalive -> close, local server\n{subtitle}", fontsize=10)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return f"chart written to {path}"
