"""Packaging metadata of binance_spot (pyproject.toml names the build backend)."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'PACKAGE_VERSION = "([^"]+)"', (HERE / "binance_spot/_spec.py").read_text()).group(1)

setup(
    name="binance_spot",
    version=VERSION,
    description="Binance listen-key endpoints: a fast, safe drop-in for the classic generated client",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    install_requires=[
        "urllib3>=1.26.5,<3",
        "python-dateutil>=2.8.2",
        "six>=1.16",
        "certifi>=2023.7.22",
    ],
    # websockets 13.0 is the oldest with the sync client's recv(timeout=) and the new asyncio
    # client; CI runs the stream tests with 13.0 and with the newest 17.x.
    extras_require={"bench": ["matplotlib"], "stream": ["websockets>=13.0,<18"]},
    packages=find_packages(include=["binance_spot", "binance_spot.*"]),
    package_data={"binance_spot": ["py.typed"]},
    entry_points={"console_scripts": ["binance-spot = binance_spot.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Typing :: Typed",
        "Topic :: Office/Business :: Financial :: Investment",
    ],
)
