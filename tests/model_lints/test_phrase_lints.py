"""Each phrase people are told to say, in the manifest's listings or in the content, must reach
one intent of the model: the lints fire on a broken copy."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.model_lints.broken_copy import (
    ALL_LOCALES,
    LISTINGS,
    MANIFEST,
    Copy,
    Json,
    intent,
)

ABOUT_SPASMS, SEE_DOCTOR = "AboutSpasmsIntent", "SeeDoctorIntent"

# --- manifest ----------------------------------------------------------------


def set_phrase(listing: Json, index: int, phrase: str) -> None:
    listing["examplePhrases"][index] = phrase


def test_an_example_phrase_the_model_does_not_say(copy):
    copy.edit_listings(lambda listing: set_phrase(listing, 1, "Alexa, ask leg cramp guide why is the sky blue"))
    assert [m for m in copy.messages() if "en-US" in m] == [
        f'{MANIFEST}: {LISTINGS}.en-US.examplePhrases[1]: example phrase "Alexa, ask leg '
        'cramp guide why is the sky blue": no sample matches after "Alexa, ask leg cramp guide"'
    ]


def test_an_example_phrase_two_intents_say(copy):
    copy.edit_models(lambda lm: intent(lm, SEE_DOCTOR)["samples"].append("how can i prevent leg cramps"), ["en-US"])
    assert (
        f'{MANIFEST}: {LISTINGS}.en-US.examplePhrases[2]: example phrase "Alexa, ask leg '
        'cramp guide how can I prevent leg cramps": samples of several intents match (PreventionIntent, '
        'SeeDoctorIntent) after "Alexa, ask leg cramp guide"'
    ) in copy.messages()


def test_an_example_phrase_that_does_not_ask_the_skill(copy):
    copy.edit_listings(lambda listing: set_phrase(listing, 2, "Alexa, why do my legs cramp"))
    assert (
        f'{MANIFEST}: {LISTINGS}.en-GB.examplePhrases[2]: example phrase "Alexa, why do my '
        'legs cramp" must start "Alexa, ask leg cramp guide"'
    ) in copy.messages()


def test_the_first_example_phrase_opens_the_skill(copy):
    copy.edit_listings(lambda listing: set_phrase(listing, 0, "Alexa, launch leg cramp guide"))
    assert (
        f"{MANIFEST}: {LISTINGS}.en-IN.examplePhrases[0]: "
        'the first example phrase must be "Alexa, open leg cramp guide"'
    ) in copy.messages()


def test_a_description_suggesting_a_phrase_the_model_lacks(copy):
    copy.edit_listings(lambda listing: listing.update(description='Ask "why is the sky blue". Not medical advice.'))
    assert (
        f'{MANIFEST}: {LISTINGS}.en-AU.description: suggests "why is the sky blue", '
        "which no sample matches in en-AU"
    ) in copy.messages()


def test_a_model_without_a_listing(copy):
    copy.edit_manifest(lambda m: m["publishingInformation"]["locales"].pop("en-CA"))
    assert copy.messages() == [
        f"{MANIFEST}: {LISTINGS}: no listing for en-CA, which has a model"
    ]


# --- the content -------------------------------------------------------------


def read_content(copy: Copy, name: str = "en.json") -> Json:
    data: Json = json.loads((copy.content / name).read_text())
    return data


def set_text(key: str, text: str) -> Callable[[Json], None]:
    return lambda data: data["messages"][key].update(text=text)


def test_a_content_phrase_no_sample_matches(copy):
    copy.edit_content("en.json", set_text("help", 'You can ask "why is the sky blue". What would you like to know?'))
    assert copy.messages() == [
        'skill/content/en.json: messages.help.text: suggests "why is the sky blue", '
        f"which no sample matches in {ALL_LOCALES}"
    ]


def test_a_content_phrase_whose_sample_was_removed(copy):
    # The help message suggests "what is a charley horse".
    copy.edit_models(lambda lm: intent(lm, ABOUT_SPASMS)["samples"].remove("what is a charley horse"))
    assert copy.messages() == [
        'skill/content/en.json: messages.help.text: suggests "what is a charley horse", '
        f"which no sample matches in {ALL_LOCALES}"
    ]


def test_a_content_phrase_in_a_direct_answer_in_a_locale_override_names_the_override(copy):
    (copy.content / "en-US.json").write_text('{"answers": {"about_spasms": {"text": "Say it."}}}')
    copy.edit_content("en-US.json", lambda data: data["answers"]["about_spasms"].update(
        text='Say "tell me about sweat glands".'
    ))
    assert copy.messages() == [
        'skill/content/en-US.json: answers.about_spasms.text: suggests "tell me about sweat glands", '
        "which no sample matches in en-US"
    ]


def test_a_content_phrase_in_one_wording_of_several_names_that_wording(copy):
    copy.edit_content("en.json", lambda data: data["messages"]["ask_anything"]["text"].append(
        'Ask "why is the sky blue".'
    ))
    index = len(read_content(copy)["messages"]["ask_anything"]["text"]) - 1
    assert copy.messages() == [
        f'skill/content/en.json: messages.ask_anything.text[{index}]: suggests "why is the sky blue", '
        f"which no sample matches in {ALL_LOCALES}"
    ]


def test_a_content_phrase_with_a_cause_is_said_with_each_cause(copy):
    copy.edit_content("en.json", set_text("offer_cause", 'Say "more about {cause}".'))
    assert copy.messages() == []
    copy.edit_content("en.json", set_text("offer_cause", 'Say "even more about {cause}".'))
    assert (
        'skill/content/en.json: messages.offer_cause.text: suggests "even more about nerve compression", '
        f"which no sample matches in {ALL_LOCALES}"
    ) in copy.messages()


def test_content_problems_are_reported_and_skip_the_content_lints(copy):
    copy.edit_content("en.json", lambda d: d["causes"][0].pop("synonyms"))
    assert copy.messages() == ["skill/content/en.json: causes[0]: 'synonyms' is a required property"]


