"""One module per command, each with ``register(commands)``; COMMANDS is the order of ``--help``."""

from binance_spot.cli.commands import account, demo, keep, listen_key, stream, token

COMMANDS = (listen_key, keep, token, stream, account, demo)
