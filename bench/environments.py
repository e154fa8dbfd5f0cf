"""Where each client runs: which interpreter, which PYTHONPATH, made ready before timing.

The generated client is produced fresh from openapi.yaml into a temporary directory on
every run (never committed); peers get virtualenvs of their own, cached between runs,
because binance-connector and python-binance both install a top-level ``binance``.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "binance_spot-bench"


@dataclass
class Runtime:
    """How to start a Python process for one client."""

    python: str
    pythonpath: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        # Installed packages come with bytecode; let every client's modules have theirs too.
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
        if self.pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(self.pythonpath)
        return env


def generate_client(workdir: Path) -> tuple[Path | None, str]:
    """Generate ``gen_client`` from openapi.yaml; (folder to put on PYTHONPATH, note)."""
    cli = shutil.which("openapi-generator-cli", path=str(Path(sys.executable).parent)) or shutil.which(
        "openapi-generator-cli"
    )
    if cli is None:
        return None, "openapi-generator-cli not found: generated client skipped"
    out = workdir / "generated"
    command = [cli, "generate", "-g", "python", "-i", str(REPO / "openapi.yaml"), "-o", str(out)]
    command += ["--package-name", "gen_client"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
        return None, "openapi-generator failed, generated client skipped: " + " | ".join(tail)
    version = subprocess.run([cli, "version"], capture_output=True, text=True, check=False).stdout.strip()
    missing = [m for m in ("pydantic", "dateutil", "typing_extensions") if not _has_module(m)]
    if missing:
        return None, f"generated client skipped: {', '.join(missing)} not installed (pip install pydantic)"
    return out, f"openapi-generator {version or '?'} python generator"


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def peer_runtime(package: str) -> tuple[Runtime | None, str]:
    """A cached virtualenv with ``package`` from PyPI; (None, why) when it cannot be had."""
    venv = CACHE / package
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print(f"  creating a virtualenv for {package} in {venv} ...", flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package],
        ]
        for step in steps:
            result = subprocess.run(step, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["failed"]
                return None, f"{package} skipped: install failed ({last[0]})"
    version = subprocess.run(
        [str(python), "-m", "pip", "show", package], capture_output=True, text=True, check=False
    ).stdout
    number = next((line.split(":", 1)[1].strip() for line in version.splitlines() if line.startswith("Version:")), "?")
    return Runtime(str(python)), f"{package} {number}"


def local_runtime(*extra: Path) -> Runtime:
    """This interpreter, with the repository (and ``extra`` folders) importable."""
    return Runtime(sys.executable, [str(REPO), *map(str, extra)])


def workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="binance_spot-bench-")
