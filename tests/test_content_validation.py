"""A broken content file fails with an error that names the file and the field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.content import CONTENT_DIR
from skill.content.validation import ContentError, check_content, validate_content


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
    edit(content_copy, "en.json", lambda d: d["causes"][1].update(summary="cramp " * 31))
    assert "en.json: causes[1].summary: 31 words, at most 30" in messages(content_copy)


def test_the_whole_causes_answer_is_kept_under_80_words(content_copy):
    edit(content_copy, "en.json", lambda d: d["messages"]["causes_intro"].update(text="word " * 20))
    problems = messages(content_copy)
    assert any(m.startswith("en.json: messages.causes_intro: ") and m.endswith("at most 80") for m in problems)


def test_a_long_welcome_is_refused(content_copy):
    edit(content_copy, "en.json", lambda d: d["messages"]["welcome"].update(text="welcome " * 41))
    assert "en.json: messages.welcome.text: 41 words, at most 40" in messages(content_copy)


def test_a_missing_message_is_named(content_copy):
    edit(content_copy, "en.json", lambda d: d["messages"].pop("goodbye"))
    assert messages(content_copy) == ["en.json: messages: 'goodbye' is a required property"]


def test_an_unknown_cause_id_is_refused(content_copy):
    edit(content_copy, "en.json", lambda d: d["causes"][0].update(id="GRAVITY"))
    assert messages(content_copy)[0].startswith("en.json: causes[0].id: 'GRAVITY' is not one of")


def test_a_section_that_is_not_an_article_heading_is_refused(content_copy):
    edit(content_copy, "en.json", lambda d: d["causes"][0].update(section="Dehydration"))
    assert messages(content_copy)[0].startswith("en.json: causes[0].section: 'Dehydration' is not one of")


def test_a_placeholder_other_than_cause_is_refused(content_copy):
    edit(content_copy, "en.json", lambda d: d["messages"]["help"].update(text="Hello {name}, what now?"))
    assert messages(content_copy)[0].startswith("en.json: messages.help.text: 'Hello {name}, what now?' does not match")


def test_a_broken_override_is_blamed_on_the_override(content_copy):
    (content_copy / "en-US.json").write_text(json.dumps({"messages": {"about_spasms": {"text": ""}}}))
    assert messages(content_copy) == ["en-US.json: messages.about_spasms.text: '' is too short"]


def test_an_override_of_nothing_is_a_typo(content_copy):
    (content_copy / "en-US.json").write_text(json.dumps({"messages": {"abuot_spasms": {"text": "Hello there."}}}))
    assert messages(content_copy) == ["en-US.json: messages.abuot_spasms: overrides nothing in the base file"]


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
