"""The three measurements: interleaved per-call rounds, cold imports, peak RSS.

Everything timed runs in a process of its own; this module only starts them, feeds them
work in turn and collects numbers, so its own cost never lands in a measurement.
"""

import json
import statistics
import subprocess
from dataclasses import dataclass, field

from clients import CALLS_PER_CYCLE
from environments import BENCH, Runtime


@dataclass
class Samples:
    """Per-round seconds per call of one client."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


class Worker:
    """A long-lived client process (bench/worker.py) that runs cycles on request."""

    def __init__(self, name: str, runtime: Runtime, url: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [runtime.python, str(BENCH / "worker.py"), name, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=runtime.env(),
        )
        line = self._readline()
        if line != "READY":
            error = self.process.stderr.read() if self.process.stderr else ""
            self.process.kill()
            raise RuntimeError(f"{name} did not start: {line or error.strip().splitlines()[-1:]}")

    def _readline(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def run(self, cycles: int) -> tuple[float, float]:
        """(wall, cpu) seconds per call over ``cycles`` cycles."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"RUN {cycles}\n")
        self.process.stdin.flush()
        line = self._readline()
        if not line.startswith("{"):
            raise RuntimeError(f"{self.name} failed: {self.process.stderr.read() if self.process.stderr else line}")
        result = json.loads(line)
        calls = cycles * CALLS_PER_CYCLE
        return result["wall"] / calls, result["cpu"] / calls

    def close(self) -> None:
        if self.process.poll() is None and self.process.stdin is not None:
            self.process.stdin.write("QUIT\n")
            self.process.stdin.close()
        self.process.wait(timeout=10)


def rounds(workers: list[Worker], count: int, cycles: int) -> dict[str, Samples]:
    """Run every worker once per round, rotating the order so no client always goes first."""
    samples = {w.name: Samples() for w in workers}
    for index in range(count):
        shift = index % len(workers)
        for worker in workers[shift:] + workers[:shift]:
            wall, cpu = worker.run(cycles)
            samples[worker.name].wall.append(wall)
            samples[worker.name].cpu.append(cpu)
    return samples


def ratios(samples: dict[str, Samples], reference: str, attribute: str) -> dict[str, list[float]]:
    """Per-round ratio of each client to ``reference`` measured in the same round."""
    base = getattr(samples[reference], attribute)
    return {name: [x / b for x, b in zip(getattr(s, attribute), base, strict=True)] for name, s in samples.items()}


def import_times(modules: dict[str, tuple[Runtime, str]], runs: int) -> dict[str, float]:
    """Median seconds ``import module`` adds to a fresh ``python -c pass``, per client name.

    Every round times each interpreter's empty start and each import once, in an order
    shuffled every round (with a fixed seed): a process's time depends on the one that ran
    before it (a heavy pydantic import slows the next), so no client may keep a neighbour.
    One discarded round first writes any missing .pyc files.
    """
    import random

    shuffle = random.Random(0).shuffle
    runtimes = {runtime.python: runtime for runtime, _ in modules.values()}
    jobs = [(f"pass {python}", runtime, "pass") for python, runtime in runtimes.items()]
    jobs += [(name, runtime, f"import {module}") for name, (runtime, module) in modules.items()]
    times: dict[str, list[float]] = {key: [] for key, _, _ in jobs}
    for index in range(runs + 1):
        shuffle(jobs)
        for key, runtime, code in jobs:
            elapsed = _time_process(runtime, code)
            if index:
                times[key].append(elapsed)
    return {
        name: max(0.0, statistics.median(times[name]) - statistics.median(times[f"pass {runtime.python}"]))
        for name, (runtime, _) in modules.items()
    }


def _time_process(runtime: Runtime, code: str) -> float:
    import time

    start = time.perf_counter()
    subprocess.run([runtime.python, "-c", code], env=runtime.env(), check=True)
    return time.perf_counter() - start


def peak_rss(name: str, runtime: Runtime, url: str, calls: int, runs: int) -> float:
    """Median peak RSS (MiB) of a fresh process that makes ``calls`` calls with ``name``."""
    values = []
    for _ in range(runs):
        out = subprocess.run(
            [runtime.python, str(BENCH / "worker.py"), "--rss", name, url, str(calls)],
            env=runtime.env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        values.append(int(out.strip().splitlines()[-1]) / 1024)
    return statistics.median(values)
