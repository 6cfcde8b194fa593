"""``serve``'s app and gunicorn options, one worker whose requests may hold
only 64 KiB in all: the buffering worker's memory bound, small enough to test.

    python -m tests.web.budget_server --port PORT
"""

from __future__ import annotations

import argparse

from skill.web import create_app
from skill.web.server import SkillServer, gunicorn_options
from skill.web.worker import BufferingWorker

BUDGET = 64 * 1024


class SmallBudgetWorker(BufferingWorker):
    max_buffered_bytes = BUDGET


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    options = {**gunicorn_options("127.0.0.1", port, 1), "worker_class": SmallBudgetWorker}
    app = create_app({"ALEXA_VERIFY": "0", "ALEXA_SKILL_ID": "amzn1.ask.skill.budget"})
    SkillServer(app, options).run()


if __name__ == "__main__":
    main()
