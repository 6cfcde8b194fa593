"""The command line, ``python -m skill COMMAND``: one module per command.

Each command module has a ``register(commands)`` that adds its subparser
and handler; ``skill.cli.main`` puts them together. Scripts rely on the
commands' arguments, output and exit statuses (``skill.cli.status``).

This package imports nothing on import, so ``skill.cli.arguments`` stays
light for the benchmarks' options.
"""
