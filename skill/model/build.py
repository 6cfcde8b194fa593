"""Write every locale's interaction model from one source.

``python -m skill.model.build`` rewrites
``interaction_model/interactionModels/custom/<locale>.json`` for each locale
the skill answers, from ``skill/model/samples.yaml`` (invocation name, intents,
samples, name-free ingress points) and the content (every custom slot type's values and synonyms,
from the content list ``samples.yaml`` names for it). ``--check`` writes nothing and exits 1 when a file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from skill.content import SUPPORTED_LOCALES, Content, load_content
from skill.model import PACKAGE_DIR, REPO_ROOT, SAMPLES_PATH, dump_json, model_path


def load_source(path: Path = SAMPLES_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def slot_type(name: str, content_list: str, content: Content) -> dict[str, Any]:
    """A custom slot type whose values and synonyms come straight from a content list."""
    values = content.causes if content_list == "causes" else content.terms[content_list]
    return {
        "name": name,
        "values": [
            {"id": value.id, "name": {"value": value.name, "synonyms": list(value.synonyms)}} for value in values
        ],
    }


def build_model(source: dict[str, Any], content: Content) -> dict[str, Any]:
    """One locale's interaction model."""
    intents = []
    for intent in source["intents"]:
        built: dict[str, Any] = {"name": intent["name"]}
        if intent.get("slots"):
            built["slots"] = [{"name": slot["name"], "type": slot["type"]} for slot in intent["slots"]]
        built["samples"] = list(intent.get("samples") or [])
        intents.append(built)
    types = [slot_type(name, content_list, content) for name, content_list in source["slot_types"].items()]
    built_model: dict[str, Any] = {
        "languageModel": {
            "invocationName": source["invocation_name"],
            "intents": intents,
            "types": types,
            "modelConfiguration": {
                "fallbackIntentSensitivity": {"level": source["fallback_intent_sensitivity"]},
            },
        }
    }
    if source.get("name_free"):
        built_model["_nameFreeInteraction"] = name_free_interaction(source["name_free"])
    return {"interactionModel": built_model}


def name_free_interaction(name_free: dict[str, Any]) -> dict[str, Any]:
    """The ingress points of Amazon's Name-free Interaction Toolkit: the launch phrases, then each intent's."""
    points: list[dict[str, Any]] = []
    if name_free.get("launch"):
        points.append({"type": "LAUNCH", "sampleUtterances": _raw_text(name_free["launch"])})
    for intent, phrases in (name_free.get("intents") or {}).items():
        points.append({"type": "INTENT", "name": intent, "sampleUtterances": _raw_text(phrases)})
    return {"ingressPoints": points}


def _raw_text(phrases: list[str]) -> list[dict[str, str]]:
    return [{"format": "RAW_TEXT", "value": phrase} for phrase in phrases]


def built_files(package_dir: Path = PACKAGE_DIR, source_path: Path = SAMPLES_PATH) -> dict[Path, str]:
    """Every model file the source makes, with its exact text."""
    source = load_source(source_path)
    return {
        model_path(package_dir, locale): dump_json(build_model(source, load_content(locale)))
        for locale in SUPPORTED_LOCALES
    }


def stale_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Model files that are missing or differ from what the source makes."""
    return [
        path
        for path, text in built_files(package_dir).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def stale_problems(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """A printable line for each model file that needs regenerating."""
    return [
        f"{_shown(path)}: out of date with skill/model/samples.yaml and the content; "
        "run python -m skill.model.build"
        for path in stale_files(package_dir)
    ]


def write_models(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Write every model file; return those whose text changed."""
    stale = stale_files(package_dir)
    for path, text in built_files(package_dir).items():
        if path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return stale


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill.model.build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a model file is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"{_shown(path)}: out of date; run python -m skill.model.build")
        return 1 if stale else 0
    for path in write_models():
        print(f"wrote {_shown(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
