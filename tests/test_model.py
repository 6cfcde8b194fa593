"""The skill package as shipped: generated, complete, consistent and clean."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from typing import Any

import pytest

from skill.content import SUPPORTED_LOCALES, load_content, merged_data
from skill.handlers import INTENT_ANSWERS
from skill.model import CAUSE_TYPE, model_locales, model_path
from skill.model.build import built_files, stale_files, stale_problems, write_models
from skill.model.build import main as build_main
from skill.model.matching import QUOTED, match_model, matches_sample
from skill.model.validation import package_summary, validate_package
from skill.paths import PACKAGE_DIR, REPO_ROOT, SKILL_DIR

INVOCATION = "leg cramp guide"
CUSTOM_INTENTS = ("CausesIntent", "CauseDetailIntent", "AboutSpasmsIntent", "PreventionIntent", "SeeDoctorIntent")


def language_model(locale: str) -> dict[str, Any]:
    return json.loads(model_path(PACKAGE_DIR, locale).read_text())["interactionModel"]["languageModel"]


def samples(locale: str, intent_name: str) -> list[str]:
    return next(intent["samples"] for intent in language_model(locale)["intents"] if intent["name"] == intent_name)


def manifest() -> dict[str, Any]:
    return json.loads((PACKAGE_DIR / "skill.json").read_text())["manifest"]


def intents_saying(phrase: str, locale: str = "en-US") -> list[str]:
    return [match.intent for match in match_model(phrase, language_model(locale))]


# --- one source, every locale -----------------------------------------------


def test_the_package_validates_clean():
    assert [str(problem) for problem in validate_package(handled_intents=INTENT_ANSWERS.keys())] == []


def test_the_committed_models_are_what_the_generator_makes():
    assert stale_files() == [], "run: python -m skill.model.build"
    for path, text in built_files().items():
        assert path.read_text(encoding="utf-8") == text


def test_a_hand_edited_model_is_reported_as_stale(tmp_path):
    write_models(tmp_path)
    edited = model_path(tmp_path, "en-GB")
    edited.write_text(edited.read_text().replace('"why do my legs cramp"', '"why do my legs hurt"'))
    [problem] = stale_problems(tmp_path)
    assert problem.startswith(f"{edited}: out of date with skill/model/samples.yaml")
    assert problem.endswith("run python -m skill.model.build")


def test_the_generator_writes_every_locale(tmp_path):
    written = write_models(tmp_path)
    assert sorted(path.stem for path in written) == sorted(SUPPORTED_LOCALES)
    assert model_locales(tmp_path) == model_locales(PACKAGE_DIR)
    assert write_models(tmp_path) == [], "a second run changes nothing"


def test_build_check_passes_on_the_committed_models(capsys):
    assert build_main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_every_answered_locale_has_a_model():
    assert model_locales(PACKAGE_DIR) == sorted(SUPPORTED_LOCALES)


def test_the_locales_are_identical():
    reference = language_model("en-US")
    for locale in SUPPORTED_LOCALES:
        assert language_model(locale) == reference, locale


# --- the contract with the skill core ----------------------------------------


def test_the_invocation_name():
    assert language_model("en-US")["invocationName"] == INVOCATION


def test_the_model_has_exactly_the_intents_the_skill_handles():
    names = [intent["name"] for intent in language_model("en-US")["intents"]]
    assert sorted(names) == sorted(INTENT_ANSWERS)
    assert set(CUSTOM_INTENTS) <= set(names)


def test_the_model_package_does_not_import_the_skills_runtime():
    """The handled intents are an argument of the checks (validate passes them), not an import."""
    runtime = ("skill.handlers", "skill.answers", "skill.web", "skill.simulator", "ask_sdk")
    for path in sorted((SKILL_DIR / "model").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert [name for name in imported if name.startswith(runtime)] == [], path.name


def test_cause_detail_has_the_cause_slot():
    intent = next(i for i in language_model("en-US")["intents"] if i["name"] == "CauseDetailIntent")
    assert intent["slots"] == [{"name": "cause", "type": CAUSE_TYPE}]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_cause_values_are_the_contents_causes(locale):
    (cause_type,) = [t for t in language_model(locale)["types"] if t["name"] == CAUSE_TYPE]
    expected = [
        {"id": cause.id, "name": {"value": cause.name, "synonyms": list(cause.synonyms)}}
        for cause in load_content(locale).causes
    ]
    assert cause_type["values"] == expected
    ids = [value["id"] for value in cause_type["values"]]
    assert ids == ["NERVE_COMPRESSION", "POOR_CONDITIONING", "ELECTROLYTE_IMBALANCE"]


# --- samples -----------------------------------------------------------------


@pytest.mark.parametrize("intent_name, at_least", [("CausesIntent", 30)] + [(name, 20) for name in CUSTOM_INTENTS[1:]])
def test_each_custom_intent_has_enough_samples(intent_name, at_least):
    assert len(samples("en-US", intent_name)) >= at_least


# Issue 11: each direct answer is reached by at least ten phrasings.
MIN_DIRECT_ANSWER_SAMPLES = 10


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_direct_answers_intent_has_at_least_ten_samples(locale):
    counts = {intent["name"]: len(intent["samples"]) for intent in language_model(locale)["intents"]}
    answers = load_content(locale).answers
    assert len(answers) >= 10, "the content's direct answers"
    short = {
        key: counts.get(entry.intent, 0)
        for key, entry in answers.items()
        if counts.get(entry.intent, 0) < MIN_DIRECT_ANSWER_SAMPLES
    }
    assert short == {}, f"answers whose intent has fewer than {MIN_DIRECT_ANSWER_SAMPLES} samples in {locale}"


def test_each_direct_answer_has_its_own_intent():
    intents = [entry.intent for entry in load_content("en-US").answers.values()]
    assert len(set(intents)) == len(intents)


@pytest.mark.parametrize(
    "words",
    ["legs", "calves", "thighs", "hamstring", "quadriceps", "quads", "muscles", "cramp", "spasm", "charley horse",
     "why", "what causes", "reasons", "my", "people"],
)
def test_causes_samples_cover_how_people_ask(words):
    assert any(re.search(rf"\b{words}", sample) for sample in samples("en-US", "CausesIntent")), words


@pytest.mark.parametrize(
    "sample",
    ["{cause}", "tell me about {cause}", "what about {cause}", "more about {cause}", "tell me more about {cause}"],
)
def test_cause_detail_takes_a_cause_named_alone_or_asked_about(sample):
    assert sample in samples("en-US", "CauseDetailIntent")


@pytest.mark.parametrize(
    "phrase, intent",
    [
        ("nerve compression", "CauseDetailIntent"),
        ("pinched nerve", "CauseDetailIntent"),
        ("Tell me about magnesium.", "CauseDetailIntent"),
        ("what about being out of shape", "CauseDetailIntent"),
        ("Why do my calves cramp?", "CausesIntent"),
        ("what causes a charley horse", "CausesIntent"),
        ("what is a charley horse", "AboutSpasmsIntent"),
        ("how do I prevent hamstring cramps", "PreventionIntent"),
        ("are leg cramps dangerous", "SeeDoctorIntent"),
        # Issue 11: narrow questions, a cramp now, red flags, other topics, limits, follow-ups.
        ("how long does a cramp last", "DurationIntent"),
        ("I sweat a lot when I run", "SweatingIntent"),
        ("why do I cramp when I sit for a long time", "NerveTriggersIntent"),
        ("what are electrolytes", "ElectrolytesIntent"),
        ("could it be my back", "SpineIntent"),
        ("my calf is cramping right now", "CrampNowIntent"),
        ("my leg is swollen", "EmergencyIntent"),
        ("is it a heart attack", "EmergencyIntent"),
        ("I can't feel my leg", "EmergencyIntent"),
        ("why does my stomach cramp", "OtherTopicIntent"),
        ("how do I prevent headaches", "OtherTopicIntent"),
        ("when should I see a doctor about my knee", "OtherTopicIntent"),
        ("does stretching help leg cramps", "NotCoveredIntent"),
        ("what was that", "AMAZON.RepeatIntent"),
        ("the second one", "ListItemIntent"),
    ],
)
def test_phrases_reach_one_intent(phrase, intent):
    assert intents_saying(phrase) == [intent]


def test_no_slot_free_sample_belongs_to_two_intents():
    owners: dict[str, str] = {}
    for intent in language_model("en-US")["intents"]:
        for sample in intent["samples"]:
            assert owners.setdefault(sample, intent["name"]) == intent["name"], sample
            assert intents_saying(sample) == [intent["name"]] or "{" in sample, sample


# --- the content's suggestions and the manifest ------------------------------


def suggested_phrases(locale: str) -> set[str]:
    texts: list[str] = []

    def walk(data: Any) -> None:
        if isinstance(data, str):
            texts.append(data)
        elif isinstance(data, dict):
            for value in data.values():
                walk(value)
        elif isinstance(data, list):
            for value in data:
                walk(value)

    walk(merged_data(locale))
    return {phrase for text in texts for phrase in QUOTED.findall(text)}


# What the welcome, help and fallback messages tell people to say, and where it leads.
SUGGESTED = {
    "why do my legs cramp": "CausesIntent",
    "how do I prevent cramps": "PreventionIntent",
    "what is a charley horse": "AboutSpasmsIntent",
    "when should I see a doctor": "SeeDoctorIntent",
}


def test_the_content_suggests_these_phrases():
    assert suggested_phrases("en-US") == set(SUGGESTED)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_suggested_phrase_is_a_sample_of_its_intent(locale):
    for phrase in suggested_phrases(locale):
        assert intents_saying(phrase, locale) == [SUGGESTED[phrase]], phrase


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_example_phrases_open_the_skill_then_ask_a_sample(locale):
    phrases = manifest()["publishingInformation"]["locales"][locale]["examplePhrases"]
    assert phrases[0] == f"Alexa, open {INVOCATION}"
    assert 1 <= len(phrases) <= 3
    prefix = f"Alexa, ask {INVOCATION} "
    for phrase in phrases[1:]:
        assert phrase.startswith(prefix)
        assert len(intents_saying(phrase.removeprefix(prefix), locale)) == 1, phrase


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_listing_says_educational_not_medical_advice(locale):
    listing = manifest()["publishingInformation"]["locales"][locale]
    assert listing["name"] == "Leg Cramp Guide"
    assert "educational" in listing["description"]
    assert "not medical advice" in listing["description"]


def test_the_manifest_is_publishable():
    data = manifest()
    assert set(data["publishingInformation"]["locales"]) == set(SUPPORTED_LOCALES)
    assert data["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"
    assert data["privacyAndCompliance"] == {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }
    assert data["apis"]["custom"]["endpoint"]["uri"]


# --- ask-resources.json ------------------------------------------------------


def test_ask_resources_deploys_this_package_and_the_lambda_bundle():
    from skill.packaging import DEFAULT_OUTPUT, TEMPLATE, unpacked_folder

    resources = json.loads((REPO_ROOT / "ask-resources.json").read_text())
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    profile = resources["profiles"]["default"]
    assert (REPO_ROOT / profile["skillMetadata"]["src"]).resolve() == PACKAGE_DIR
    assert (REPO_ROOT / profile["code"]["default"]["src"]).resolve() == unpacked_folder(DEFAULT_OUTPUT)
    infrastructure = profile["skillInfrastructure"]
    assert infrastructure["type"] == "@ask-cli/lambda-deployer"
    # The same function as the SAM template describes, whichever way it is deployed.
    template = TEMPLATE.read_text()
    assert infrastructure["userConfig"]["runtime"] == re.search(r"^\s*Runtime:\s*(\S+)", template, re.M).group(1)
    assert infrastructure["userConfig"]["handler"] == re.search(r"^\s*Handler:\s*(\S+)", template, re.M).group(1)


# --- the matcher -------------------------------------------------------------


CAUSES = {"cause": ["electrolyte imbalance", "electrolytes", "out of shape"]}


@pytest.mark.parametrize(
    "phrase, sample",
    [
        ("Tell me about electrolytes!", "tell me about {cause}"),
        ("tell me about   OUT of shape", "tell me about {cause}"),
        ("electrolyte imbalance", "{cause}"),
        ("what's a cramp", "what's a cramp"),
    ],
)
def test_the_matcher_ignores_case_and_punctuation(phrase, sample):
    assert matches_sample(phrase, ["{cause}", "tell me about {cause}", "what's a cramp"], CAUSES) == sample


@pytest.mark.parametrize(
    "phrase",
    [
        "tell me about",
        "tell me about sweating",
        "tell me all about electrolytes",
        "tell me about electrolytes now",
        "whats a cramp",
    ],
)
def test_the_matcher_is_exact(phrase):
    assert matches_sample(phrase, ["tell me about {cause}", "what's a cramp"], CAUSES) is None


def test_a_slot_without_values_matches_nothing():
    assert matches_sample("tell me about electrolytes", ["tell me about {cause}"], {}) is None


# --- the command line --------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_validate_prints_a_summary_and_exits_0_when_clean():
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"ok: {package_summary()}, content valid\n"
    intents = len(INTENT_ANSWERS)  # the model has exactly the handled intents (tested above)
    assert re.fullmatch(rf"ok: 5 locales, {intents} intents, \d+ samples each, content valid\n", result.stdout)
    assert result.stderr == ""
