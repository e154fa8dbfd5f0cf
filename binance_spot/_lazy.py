"""Names a package exports but imports only when first used.

A program that only keeps a margin listen key alive need not pay for the token API, the
other models or the manager; ``from binance_spot import X`` and ``binance_spot.X`` work
as if they had been imported eagerly, and type checkers see the real imports.
"""

import importlib
import sys
from collections.abc import Mapping
from typing import Any, Callable


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` and caches what it finds."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
