"""A broken content file fails with an error that names the file and the field."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill import answers
from skill.content import CONTENT_DIR, Content, merged_data, word_count
from skill.content.validation import ContentError, check_content, validate_content
from skill.paths import REPO_ROOT


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(directory: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = directory / name
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def messages(directory: Path) -> list[str]:
    return [str(problem) for problem in validate_content(directory)]


def test_the_shipped_content_is_valid():
    assert validate_content() == []
    check_content()


def test_a_too_short_summary_names_file_and_field(content_copy):
    edit(content_copy, "en.json", lambda d: d["causes"][2].update(summary="x"))
    assert messages(content_copy) == ["en.json: causes[2].summary: 'x' is too short"]


def test_a_too_long_summary_is_counted_in_words(content_copy):
    edit(content_copy, "en.json", lambda d: d["causes"][1].update(summary="cramp " * 16))
    assert "en.json: causes[1].summary: 16 words, at most 15" in messages(content_copy)


# --- one breath at a time: the limits on what a listener hears (issue 11, point 6) ----------


def longest_wording(wordings: list[str], heard: dict[str, int]) -> str:
    return max(wordings, key=word_count)


def heard_words(directory: Path, compose: Callable[[answers.Lines], answers.Answer]) -> int:
    """The words of an answer as the skill composes it from the content in ``directory``, with
    its question, each message in its longest wording: all a listener hears before replying."""
    content = Content(merged_data("en-US", directory), "en-US")
    answer = compose(answers.Lines(content, pick=longest_wording))
    return word_count(f"{answer.text} {answer.question or ''}")


def words_besides(directory: Path, compose: Callable[[answers.Lines], answers.Answer], own_text: str) -> int:
    """What the composed answer adds to its own text: summaries, seek-care advice, the question."""
    return heard_words(directory, compose) - word_count(own_text)


def text_of(directory: Path, *field: str) -> str:
    data: Any = json.loads((directory / "en.json").read_text())
    for step in field:
        data = data[step]
    assert isinstance(data, str)
    return data


def direct(key: str) -> Callable[[answers.Lines], answers.Answer]:
    return lambda lines: answers.topic(lines, key)


@pytest.mark.parametrize("over", [0, 1])
def test_a_direct_answer_with_its_seek_care_advice_and_question_is_at_most_50_words(content_copy, over):
    # "How long a cramp lasts" ends with the seek-care advice and offers the causes.
    rest = words_besides(content_copy, direct("duration"), text_of(content_copy, "answers", "duration", "text"))
    assert rest > 0, "the advice and the question count"
    edit(content_copy, "en.json", lambda d: d["answers"]["duration"].update(text="cramp " * (50 - rest + over)))
    assert heard_words(content_copy, direct("duration")) == 50 + over
    expected = ["en.json: answers.duration.text: 51 words, at most 50"] if over else []
    assert messages(content_copy) == expected


def test_every_direct_answer_is_held_to_50_words(content_copy):
    keys = [key for key in json.loads((content_copy / "en.json").read_text())["answers"] if key != "causes"]
    edit(content_copy, "en.json", lambda d: [d["answers"][key].update(text="cramp " * 51) for key in keys])
    problems = messages(content_copy)
    assert [problem.partition(": ")[2].partition(": ")[0] for problem in problems] == [
        f"answers.{key}.text" for key in keys
    ]
    assert all(problem.startswith("en.json: ") and problem.endswith("at most 50") for problem in problems)


@pytest.mark.parametrize("over", [0, 1])
def test_the_causes_answer_with_its_question_is_at_most_60_words(content_copy, over):
    # Its opening, the three summaries, the seek-care advice and the offer of the first cause.
    rest = words_besides(content_copy, answers.causes, text_of(content_copy, "answers", "causes", "text"))
    assert 0 < rest < 50
    edit(content_copy, "en.json", lambda d: d["answers"]["causes"].update(text="cramp " * (60 - rest + over)))
    assert heard_words(content_copy, answers.causes) == 60 + over  # more than any other answer may say
    expected = ["en.json: answers.causes: 61 words, at most 60"] if over else []
    assert messages(content_copy) == expected


def test_a_longer_summary_can_make_the_causes_answer_too_long(content_copy):
    edit(content_copy, "en.json", lambda d: [cause.update(summary="cramp " * 15) for cause in d["causes"]])
    words = heard_words(content_copy, answers.causes)
    assert words > 60
    assert messages(content_copy) == [f"en.json: answers.causes: {words} words, at most 60"]


@pytest.mark.parametrize("over", [0, 1])
def test_the_welcome_with_its_question_is_at_most_30_words(content_copy, over):
    rest = words_besides(content_copy, answers.welcome, text_of(content_copy, "messages", "welcome", "text"))
    assert rest > 0, "the question counts"
    edit(content_copy, "en.json", lambda d: d["messages"]["welcome"].update(text="welcome " * (30 - rest + over)))
    assert heard_words(content_copy, answers.welcome) == 30 + over
    expected = ["en.json: messages.welcome: 31 words, at most 30"] if over else []
    assert messages(content_copy) == expected


# --- every answer names its article section (issue 11, point 1) ----------------------------


@pytest.mark.parametrize("key", ["causes", "duration", "see_doctor"])
def test_an_answer_without_its_section_is_refused(content_copy, key):
    edit(content_copy, "en.json", lambda d: d["answers"][key].pop("section"))
    assert messages(content_copy) == [f"en.json: answers.{key}: 'section' is a required property"]


@pytest.mark.parametrize("section", ["Leg cramps at night", [], ["Compression of the nerve", "Stretching"]])
def test_an_answer_naming_no_heading_of_the_article_is_refused(content_copy, section):
    edit(content_copy, "en.json", lambda d: d["answers"]["spine"].update(section=section))
    [problem] = messages(content_copy)
    assert problem.startswith(f"en.json: answers.spine.section: {section!r} ")


@pytest.mark.slow
def test_validate_exits_1_naming_file_and_field_of_each_broken_answer(tmp_path):
    """``python -m skill validate`` on a copy of the checkout whose content breaks each rule."""
    for folder in ("skill", "interaction_model"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    content = tmp_path / "skill" / "content"

    def break_rules(d: dict[str, Any]) -> None:
        d["answers"]["duration"].pop("section")
        d["answers"]["pain"].update(text="cramp " * 51)
        d["answers"]["causes"].update(text="cramp " * 40)
        d["messages"]["welcome"].update(text="welcome " * 31)

    edit(content, "en.json", break_rules)
    result = subprocess.run(
        [sys.executable, "-m", "skill", "validate"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "skill/content/en.json: answers.duration: 'section' is a required property"
    # The schema problem comes alone: lengths are measured on content that passes the schema.
    assert len(lines) == 1
    edit(content, "en.json", lambda d: d["answers"]["duration"].update(section="Causes of leg spasms"))
    result = subprocess.run(
        [sys.executable, "-m", "skill", "validate"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    prefix = "skill/content/en.json: "
    fields = {line.removeprefix(prefix).partition(": ")[0]: line for line in result.stdout.splitlines()}
    assert set(fields) == {"answers.pain.text", "answers.causes", "messages.welcome"}, result.stdout
    assert fields["answers.pain.text"].endswith("at most 50")
    assert fields["answers.causes"].endswith("at most 60")
    assert fields["messages.welcome"].endswith("at most 30")
    assert result.stderr == ""


@pytest.mark.parametrize("opening", ["Yes, most", "No. Most", "It can be. Most"])
def test_an_answer_opening_with_a_verdict_is_refused(content_copy, opening):
    def change(data):
        data["answers"]["goes_away"]["text"] = f"{opening} leg cramps ease on their own."

    edit(content_copy, "en.json", change)
    (problem,) = messages(content_copy)
    assert problem.startswith("en.json: answers.goes_away.text: opens with")
    assert "lead with the fact" in problem


def test_a_pitch_leaning_on_a_pronoun_is_refused(content_copy):
    edit(content_copy, "en.json", lambda data: data["answers"]["causes"].update(pitch="what causes them"))
    assert messages(content_copy) == [
        "en.json: answers.causes.pitch: says 'them': a pitch follows other sentences, so name the subject"
    ]


def test_a_missing_message_is_named(content_copy):
    edit(content_copy, "en.json", lambda d: d["messages"].pop("goodbye"))
    assert messages(content_copy) == ["en.json: messages: 'goodbye' is a required property"]


def test_an_unknown_cause_id_is_refused(content_copy):
    edit(content_copy, "en.json", lambda d: d["causes"][0].update(id="GRAVITY"))
    assert messages(content_copy)[0].startswith("en.json: causes[0].id: 'GRAVITY' is not one of")


def test_a_section_that_is_not_an_article_heading_is_refused(content_copy):
    edit(content_copy, "en.json", lambda d: d["causes"][0].update(section="Dehydration"))
    assert messages(content_copy)[0].startswith("en.json: causes[0].section: 'Dehydration' is not one of")


def test_a_placeholder_the_skill_does_not_fill_is_refused(content_copy):
    edit(content_copy, "en.json", lambda d: d["answers"]["muscles"].update(text="Hello {name}, what now?"))
    assert messages(content_copy)[0].startswith(
        "en.json: answers.muscles.text: 'Hello {name}, what now?' does not match"
    )


@pytest.mark.parametrize("text", ["Hello {name}, what now?", ["What now?", "Hello {name}, what now?"]])
def test_a_placeholder_the_skill_does_not_fill_is_refused_in_a_message(content_copy, text):
    edit(content_copy, "en.json", lambda d: d["messages"]["help"].update(text=text))
    [problem] = messages(content_copy)
    assert problem.startswith(f"en.json: messages.help.text: {text!r} ")


def test_a_broken_override_is_blamed_on_the_override(content_copy):
    (content_copy / "en-US.json").write_text(json.dumps({"answers": {"about_spasms": {"text": ""}}}))
    assert messages(content_copy) == ["en-US.json: answers.about_spasms.text: '' is too short"]


def test_an_override_of_nothing_is_a_typo(content_copy):
    (content_copy / "en-US.json").write_text(json.dumps({"messages": {"hlep": {"text": "Hello there."}}}))
    assert messages(content_copy) == ["en-US.json: messages.hlep: overrides nothing in the base file"]


def test_invalid_json_names_the_file_and_position(content_copy):
    (content_copy / "en.json").write_text('{"skill_name": ')
    assert messages(content_copy) == ["en.json: invalid JSON at line 1 column 16: Expecting value"]


def test_check_content_raises_with_every_problem(content_copy):
    edit(content_copy, "en.json", lambda d: (d["causes"][0].update(summary="x"), d["causes"][1].update(summary="y")))
    with pytest.raises(ContentError) as raised:
        check_content(content_copy)
    assert str(raised.value).splitlines() == [
        "en.json: causes[0].summary: 'x' is too short",
        "en.json: causes[1].summary: 'y' is too short",
    ]


def test_an_override_of_an_answer_the_base_lacks_is_a_typo(content_copy):
    (content_copy / "en-US.json").write_text(json.dumps({"answers": {"abuot_spasms": {"text": "Hello there."}}}))
    assert messages(content_copy)[0] == "en-US.json: answers.abuot_spasms: overrides nothing in the base file"


# --- the table of every answer's length (issue 11, point 9) --------------------------------

WORDS_PER_MINUTE = 155  # Alexa's pace
TABLE_HEADER = ["| answer | words | seconds at 155 wpm | limit |", "|---|---:|---:|---:|"]


def table_rows(table: str) -> dict[str, tuple[int, float, int]]:
    """The table's rows by answer: words, seconds and limit."""
    lines = table.splitlines()
    assert lines[:2] == TABLE_HEADER
    rows = {}
    for line in lines[2:]:
        name, words, seconds, limit = (cell.strip() for cell in line.strip("|").split("|"))
        rows[name] = (int(words), float(seconds), int(limit))
    return rows


@pytest.mark.slow
def test_the_lengths_table_lists_every_answer_with_words_and_seconds_within_its_limit():
    result = subprocess.run(
        [sys.executable, "-m", "skill.content.lengths"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    rows = table_rows(result.stdout)
    content = Content(merged_data("en-US"), "en-US")

    for name, (words, seconds, limit) in rows.items():
        assert seconds == round(words * 60 / WORDS_PER_MINUTE, 1), name
        assert words <= limit, name
    # Every direct answer, counted as heard: the longest it can be, with its question.
    for key in content.answers:
        words, _, limit = rows[key]
        compose = answers.causes if key == "causes" else direct(key)
        assert words == heard_words(CONTENT_DIR, compose), key
        assert limit == (60 if key == "causes" else 50), key
    assert rows["welcome"][0] == heard_words(CONTENT_DIR, answers.welcome)
    assert rows["welcome"][2] == 30
    for index, cause in enumerate(content.causes):
        assert rows[f"{cause.name}: detail"][0] == heard_words(
            CONTENT_DIR, lambda lines, index=index: answers.cause_detail(lines, index)
        )
        assert rows[f"{cause.name}: more"][0] == heard_words(
            CONTENT_DIR, lambda lines, index=index: answers.cause_more(lines, index)
        )
    assert {"emergency", "help", "fallback", "goodbye"} <= set(rows)
    topics = {name.partition(" (longest of ")[0]: name for name in rows if " (longest of " in name}
    assert set(topics) == {"other topic", "not covered"}
    assert f"longest of {len(content.terms['other_topics'])}:" in topics["other topic"]
    assert f"longest of {len(content.terms['uncovered_topics'])}:" in topics["not covered"]
