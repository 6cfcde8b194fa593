"""The simulator's understanding: typed utterances to the intents and slots Alexa would send."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.content import load_content
from skill.model import PACKAGE_DIR, model_path
from skill.simulator.evaluate import corpus_files, evaluate, main, read_corpus
from skill.simulator.matching import NO, YES
from skill.simulator.nlu import FALLBACK, Understander
from skill.simulator.text import normalise_utterance
from skill.simulator.vocabulary import builtin_samples, vocabulary

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CONTENT = load_content("en-US")


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander.for_locale("en-US")


def resolution(meaning, slot="cause") -> tuple[str, str | None]:
    authority = meaning.slots[slot]["resolutions"]["resolutionsPerAuthority"][0]
    values = authority.get("values") or [{}]
    return authority["status"]["code"], values[0].get("value", {}).get("id")



# Understanding --------------------------------------------------------------------


@pytest.mark.parametrize(
    "utterance",
    ["open leg cramp guide", "Alexa, start Leg Cramp Guide.", "launch leg cramp guide please", "leg cramp guide",
     "ask leg cramp guide"],
)
def test_invocations_launch_the_skill(understander, utterance):
    assert understander.understand(utterance).request_type == "LaunchRequest"


@pytest.mark.parametrize(
    "utterance, intent",
    [
        ("ask leg cramp guide why do my legs cramp", "CausesIntent"),
        ("Alexa, ask leg cramp guide to tell me about potassium", "CauseDetailIntent"),
        ("tell leg cramp guide how can i prevent leg cramps", "PreventionIntent"),
        ("ask leg cramp guide when should I see a doctor?", "SeeDoctorIntent"),
    ],
)
def test_ask_invocation_makes_a_one_shot_request(understander, utterance, intent):
    meaning = understander.understand(utterance)
    assert (meaning.intent, meaning.one_shot) == (intent, True)


@pytest.mark.parametrize(
    "utterance",
    ["WHY DO MY LEGS CRAMP?!", "um, why do my legs cramp", "Alexa why do my legs cramp please",
     "why do my leg cramp", "so why do my legs cramp", "why  do   my legs,  cramp"],
)
def test_case_punctuation_fillers_and_plurals_do_not_matter(understander, utterance):
    assert understander.understand(utterance).intent == "CausesIntent"


def test_the_word_lists_are_lower_case_words():
    """Normalised text is lower-case words without punctuation: an entry of another shape would never match."""
    words = vocabulary()
    single_words = [words.fillers, words.leading_fillers, words.function_words, words.generic_carrier_words,
                    words.negations, words.affirmations, words.one_shot_verbs, words.one_shot_links]
    for word_list in single_words:
        assert word_list and all(re.fullmatch(r"[a-z]+", word) for word in word_list)
    phrase = re.compile(r"[a-z]+( [a-z]+)*")
    assert all(phrase.fullmatch(verb) for verb in words.launch_verbs)
    for said, spelled_out in words.contractions.items():
        assert re.fullmatch(r"[a-z']+", said) and phrase.fullmatch(spelled_out)
    assert all(phrase.fullmatch(plural + " " + singular) for plural, singular in words.irregular_plurals.items())
    assert not words.negations & words.affirmations


def test_contractions_are_spelled_out():
    assert normalise_utterance("What's a cramp? I'm asking, don't laugh") == "what is a cramp i am asking do not laugh"


@pytest.mark.parametrize(
    "utterance", ["no that's okay", "no i'm ok", "nah that's ok", "no okay", "nope, okay", "i don't, okay"],
)
def test_a_no_that_shares_words_with_a_yes_is_a_no(understander, utterance):
    assert understander.understand(utterance).intent == NO


@pytest.mark.parametrize(
    "utterance",
    ["never okay", "i do not want that okay", "yes not interested", "yes i would not", "why not", "not sure",
     "yeah no", "don't go ahead"],
)
def test_a_negation_word_never_reaches_yes(understander, utterance):
    assert understander.understand(utterance).intent != YES


@pytest.mark.parametrize(
    "utterance",
    ["yes i'm good", "yeah i'm good", "yes i'm fine", "yup thanks", "yes i'm good thank you", "yeah, really"],
)
def test_an_affirmation_without_a_negation_never_reaches_no(understander, utterance):
    assert understander.understand(utterance).intent != NO


def test_no_yes_sample_says_no_and_no_no_sample_says_yes():
    """Otherwise the polarity rule would make the sample unreachable."""
    builtin, words = builtin_samples(), vocabulary()
    assert not [s for s in builtin[YES] if set(normalise_utterance(s).split()) & words.negations]
    assert not [s for s in builtin[NO] if set(normalise_utterance(s).split()) & words.affirmations]


@pytest.mark.parametrize(
    "utterance",
    ["what's the weather", "play some music", "what causes headaches", "turn off the lights", "blah blah"],
)
def test_what_the_skill_does_not_cover_reaches_the_fallback(understander, utterance):
    assert understander.understand(utterance).intent == FALLBACK


@pytest.mark.parametrize(
    "spoken, cause_id",
    [(synonym, cause.id) for cause in CONTENT.causes for synonym in (cause.name, *cause.synonyms)],
)
def test_every_slot_value_and_synonym_resolves_like_alexa(understander, spoken, cause_id):
    meaning = understander.understand(f"tell me about {spoken}")
    assert meaning.intent == "CauseDetailIntent"
    assert meaning.slots["cause"]["value"] == spoken
    assert resolution(meaning) == ("ER_SUCCESS_MATCH", cause_id)


def test_a_synonym_inside_a_paraphrase_is_found(understander):
    meaning = understander.understand("could you tell me more about magnesium")
    assert meaning.intent == "CauseDetailIntent"
    assert resolution(meaning) == ("ER_SUCCESS_MATCH", "ELECTROLYTE_IMBALANCE")


def test_words_that_are_no_known_value_resolve_to_no_match(understander):
    meaning = understander.understand("tell me about gravity")
    assert meaning.intent == "CauseDetailIntent"
    assert meaning.slots["cause"]["value"] == "gravity"
    assert resolution(meaning) == ("ER_SUCCESS_NO_MATCH", None)


def test_a_bare_slot_sample_only_takes_known_values(understander):
    assert understander.understand("potassium").intent == "CauseDetailIntent"
    assert understander.understand("gravity").intent == FALLBACK


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"])
def test_each_locale_is_understood_through_its_own_model(locale):
    assert model_path(PACKAGE_DIR, locale).is_file()
    assert Understander.for_locale(locale).understand("why do my legs cramp").intent == "CausesIntent"


# The corpus ------------------------------------------------------------------------


def model_samples() -> set[str]:
    samples = set()
    model = json.loads(model_path(PACKAGE_DIR, "en-US").read_text())
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        samples.update(normalise_utterance(sample) for sample in intent["samples"])
    return samples


def test_the_corpus_is_big_enough_and_not_in_the_model():
    rows = [row for path in corpus_files(CORPUS_DIR, "en-US").values() for row in read_corpus(path)]
    in_domain = [u for u, intent in rows if intent != FALLBACK]
    out_of_domain = [u for u, intent in rows if intent == FALLBACK]
    assert len(in_domain) >= 100 and len(out_of_domain) >= 20
    assert not model_samples() & {normalise_utterance(u) for u, _ in rows}


def test_corpus_figures_meet_their_targets(capsys):
    report = evaluate(CORPUS_DIR, "en-US")
    with capsys.disabled():
        print("\n" + report.table())
    assert report.figure("utterances", "in-domain").share >= 0.95
    assert report.figure("fallback", "out-of-domain").share == 1.0
    assert report.figure("heldout", "out-of-domain").share == 1.0


def test_the_evaluator_prints_the_figures_and_every_miss(capsys):
    assert main([str(CORPUS_DIR)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| corpus | utterances | reach the expected intent | share | target |\n")
    assert "| utterances, in-domain | " in out
    misses = evaluate(CORPUS_DIR, "en-US").misses
    assert out.count("\nmiss: ") == len(misses)


@pytest.mark.parametrize(
    "argv, message",
    [([], "the following arguments are required: CORPUS_DIR"), (["no-such-folder"], "no-such-folder: no such folder"),
     ([str(CORPUS_DIR), "--locale", "xx-XX"], "no utterances.xx-XX.jsonl")],
    ids=["no-folder", "missing-folder", "no-corpus-for-the-locale"],
)
def test_the_evaluator_needs_a_corpus_folder(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m skill.simulator.evaluate") and message in err
