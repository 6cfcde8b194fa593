"""skill.markdown: the one table writer of the reports (the evaluator's, the benchmarks')."""

from __future__ import annotations

import pytest

from skill.markdown import table


def test_a_table_has_a_header_a_rule_and_a_line_per_row():
    assert table(("name", "count", "note"), [("a", "1", ""), ("b", "22", "x")], right=(1,)) == (
        "| name | count | note |\n"
        "|---|---:|---|\n"
        "| a | 1 |  |\n"
        "| b | 22 | x |"
    )


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="2 cells in a table of 3 columns"):
        table(("a", "b", "c"), [("1", "2")])


def test_the_benchmark_table_is_aligned_as_the_readme_shows_it():
    from benchmarks.report import Row, render

    assert render([Row("1. in process, requests/s", "10", "8", "1.25", "≥ 0.8", True)]).splitlines() == [
        "| measure | Leg Cramp Guide | baseline | ratio | target | met |",
        "|---|---:|---:|---:|---|---|",
        "| 1. in process, requests/s | 10 | 8 | 1.25 | ≥ 0.8 | yes |",
    ]
