"""Parts of the command line, ``python -m skill COMMAND``.

This package imports nothing on import, so ``skill.cli.arguments`` stays
light for the benchmarks' options.
"""
