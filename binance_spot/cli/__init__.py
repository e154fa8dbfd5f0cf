"""``binance-spot``: create, keep alive and close listen keys from a shell; ``demo`` shows the lifecycle.

Layout: ``app`` runs a command and turns every failure into one line and an exit code
(``errors``); ``arguments`` builds the parser from the modules of ``commands`` (one module
per command; adding one is adding a module and its name in ``commands.COMMANDS``); ``output``
writes results and events; ``client`` builds the API client from the options; ``signals``
waits for Ctrl-C, SIGTERM or a closed stdout. Heavy imports happen inside the commands, so
``--help`` and one-shot commands stay light.
"""

from binance_spot.cli.app import main

__all__ = ["main"]
