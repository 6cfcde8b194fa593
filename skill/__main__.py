"""``python -m skill COMMAND``: the command line (``skill/cli/``, one module per command)."""

from __future__ import annotations

import sys

from skill.cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
