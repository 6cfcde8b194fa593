"""Reading the package's files and their JSON Schemas; what ``python -m skill validate`` prints."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from skill.model import model_path
from skill.paths import REPO_ROOT
from tests.model_lints.broken_copy import (
    LISTINGS,
    LM,
    MANIFEST,
    MODEL,
    in_every_locale,
    intent,
    intent_index,
    sample_field,
)

CAUSES, PREVENTION = "CausesIntent", "PreventionIntent"


def test_an_untouched_copy_is_clean(copy):
    assert copy.messages() == []


# --- files and schemas -------------------------------------------------------


def test_a_missing_locale_model_is_named(copy):
    model_path(copy.package, "en-IN").unlink()
    assert copy.messages() == [
        f"{MODEL.format('en-IN')}: file is missing: the skill answers en-IN",
        f"{MANIFEST}: {LISTINGS}.en-IN: no interaction model for en-IN",
    ]


def test_invalid_json_names_line_and_column(copy):
    model_path(copy.package, "en-AU").write_text('{"interactionModel": ')
    assert f"{MODEL.format('en-AU')}: invalid JSON at line 1 column 22: Expecting value" in copy.messages()


def test_the_model_schema_names_the_field(copy):
    copy.edit_models(lambda lm: intent(lm, PREVENTION).pop("samples"), ["en-GB"])
    assert copy.messages() == [
        f"{MODEL.format('en-GB')}: {LM}.intents[{intent_index(PREVENTION)}]: 'samples' is a required property"
    ]


def test_the_model_schema_refuses_names_alexa_refuses(copy):
    copy.edit_models(lambda lm: intent(lm, CAUSES).update(name="Causes2Intent"))
    pattern = "'^(AMAZON\\\\.)?[A-Za-z_]+$'"
    where = f"{LM}.intents[{intent_index(CAUSES)}].name: "
    expected = in_every_locale(f"{{file}}: {where}'Causes2Intent' does not match {pattern}")
    assert [m for m in copy.messages() if where in m] == expected


def test_the_manifest_schema_names_the_field(copy):
    copy.edit_manifest(lambda m: m["privacyAndCompliance"].update(allowsPurchases="no"))
    assert copy.messages() == [
        f"{MANIFEST}: manifest.privacyAndCompliance.allowsPurchases: 'no' is not of type 'boolean'"
    ]


def test_the_manifest_schema_limits_example_phrases_to_three(copy):
    copy.edit_listings(lambda listing: listing["examplePhrases"].append("Alexa, ask leg cramp guide what is a cramp"))
    assert f"{MANIFEST}: {LISTINGS}.en-US.examplePhrases: " in "\n".join(copy.messages())
    assert any(m.endswith("is too long") for m in copy.messages())


def test_the_manifest_schema_refuses_a_placeholder_arn(copy):
    copy.edit_manifest(lambda m: m["apis"]["custom"].update(endpoint={"uri": "TOBEREPLACED"}))
    assert copy.messages() == [
        f"{MANIFEST}: manifest.apis.custom.endpoint: "
        "{'uri': 'TOBEREPLACED'} is not valid under any of the given schemas"
    ]


# --- one format for every problem --------------------------------------------


def test_content_and_package_problems_name_their_fields_alike(copy):
    copy.edit_content("en.json", lambda d: d["causes"][2].update(summary="x"))
    copy.edit_manifest(lambda m: m["privacyAndCompliance"].update(allowsPurchases="no"))
    copy.edit_models(lambda lm: intent(lm, PREVENTION).pop("samples"), ["en-GB"])
    assert copy.messages() == [
        "skill/content/en.json: causes[2].summary: 'x' is too short",
        f"{MODEL.format('en-GB')}: {LM}.intents[{intent_index(PREVENTION)}]: 'samples' is a required property",
        f"{MANIFEST}: manifest.privacyAndCompliance.allowsPurchases: 'no' is not of type 'boolean'",
    ]


# --- the command line on a broken copy ---------------------------------------


@pytest.mark.slow
def test_validate_prints_each_problem_and_exits_1(copy):
    copy.edit_models(lambda lm: intent(lm, PREVENTION)["samples"].append("why do my thighs cramp"), ["en-GB"])
    copy.edit_manifest(lambda m: m["publishingInformation"]["locales"].pop("en-CA"))
    result = subprocess.run(
        [sys.executable, "-m", "skill", "validate", "--package", str(copy.package)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    sample = f"{MODEL.format('en-GB')}: {sample_field(PREVENTION)}"
    assert result.stdout.splitlines() == [
        f'{sample}: sample "why do my thighs cramp" is also in CausesIntent',
        f'{sample}: sample "why do my thighs cramp" is not in en-US',
        f"{MANIFEST}: {LISTINGS}: no listing for en-CA, which has a model",
    ]
    assert all(re.fullmatch(r"[\w/.-]+\.json: [\w.\[\]-]+: .+", line) for line in result.stdout.splitlines())
    assert result.stderr == ""
