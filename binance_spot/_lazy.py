"""Names a package exports but imports only when first used.

A program that only keeps a margin listen key alive need not pay for the token API, the
other models or the manager; ``from binance_spot import X``, ``binance_spot.X`` and
``dir(binance_spot)`` work as if they had been imported eagerly, and type checkers see
the real imports.
"""

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], names: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` (imports ``exports[name]``, caches it) and its ``__dir__``."""
    listed = sorted({*exports, *names})

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *listed})

    return __getattr__, __dir__
