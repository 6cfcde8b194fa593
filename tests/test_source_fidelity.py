"""The content retells the source article in its own words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.content import CONTENT_DIR

ARTICLE_PATH = Path("shared") / "seed" / "causes-of-leg-spasms.txt"


def find_article() -> Path:
    """The source article in ../shared beside the checkout, or beside a folder holding it (a worktree)."""
    folders = Path(__file__).resolve().parents[1:]
    found = [folder / ARTICLE_PATH for folder in folders if (folder / ARTICLE_PATH).is_file()]
    return found[0] if found else folders[0].parent / ARTICLE_PATH


ARTICLE = find_article()
# Five words in a row is a copied phrase, not a shared term ("mild to moderate pain").
COPIED_RUN = 5


NUMBER_WORDS = {"10": "ten", "3": "three", "2": "two", "1": "one"}


def words(text: str) -> list[str]:
    """Lower-case words, numerals spelled out, so "10 minutes" and "ten minutes" compare equal."""
    return [NUMBER_WORDS.get(word, word) for word in re.findall(r"[a-z0-9']+", text.lower())]


def strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings(value)]
    return []


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the source article lives in ../shared beside the checkout")
def test_no_sentence_copies_the_article():
    article = words(ARTICLE.read_text(encoding="utf-8"))
    article_runs = {tuple(article[i:i + COPIED_RUN]) for i in range(len(article) - COPIED_RUN + 1)}
    copied = []
    for path in sorted(CONTENT_DIR.glob("*.json")):
        for text in strings(json.loads(path.read_text(encoding="utf-8"))):
            said = words(text)
            copied += [
                f"{path.name}: {' '.join(said[i:i + COPIED_RUN])!r}"
                for i in range(len(said) - COPIED_RUN + 1)
                if tuple(said[i:i + COPIED_RUN]) in article_runs
            ]
    assert copied == []


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the source article lives in ../shared beside the checkout")
def test_every_section_named_by_the_content_is_a_heading_of_the_article():
    headings = set(ARTICLE.read_text(encoding="utf-8").splitlines())
    schema = json.loads((CONTENT_DIR / "content.schema.json").read_text())
    assert set(schema["$defs"]["section"]["enum"]) <= headings
