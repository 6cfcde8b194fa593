"""The Lambda bundle: built by ``python -m skill package``, then run from an
empty folder by a bare interpreter that sees only that folder and the
standard library.

One bundle is built per test session. The first build ever downloads wheels
from PyPI into build/wheels; later builds reuse the cache under build/.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from skill import answers, packaging
from skill.cli.main import main
from skill.cli.status import EXIT_PROBLEMS
from skill.content import load_content
from skill.content.validation import Problem
from skill.paths import REPO_ROOT
from skill.simulator import request_builder
from skill.speech import spoken
from tests.helpers import OTHER_SKILL_ID, SKILL_ID, ends_session, speech

NEVER_BUNDLED = (
    "flask", "jsonschema", "cryptography", "werkzeug", "gunicorn", "pytest", "hypothesis", "cfnlint", "yaml",
)

# Runs in the bare interpreter: answers each event on stdin, then reports
# what it could import and where every loaded module came from.
BARE_RUNNER = r"""
import importlib, importlib.util, json, pathlib, sys, sysconfig
folder = sys.argv[1]
sys.path.insert(0, folder)
import lambda_function
results = []
for event in json.load(sys.stdin):
    try:
        results.append({"response": lambda_function.lambda_handler(event, None)})
    except Exception as error:
        results.append(
            {"error": type(error).__name__, "value_error": isinstance(error, ValueError), "message": str(error)}
        )
for path in sorted(pathlib.Path(folder, "skill").rglob("*.py")):
    parts = path.relative_to(folder).with_suffix("").parts
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
stdlib = sysconfig.get_paths()["stdlib"]
outside = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None) and not module.__file__.startswith((folder, stdlib))
)
names = __NEVER_BUNDLED__
print(json.dumps({
    "results": results,
    "sys_path": sys.path,
    "importable": [name for name in names if importlib.util.find_spec(name) is not None],
    "outside": outside,
}))
""".replace("__NEVER_BUNDLED__", repr(NEVER_BUNDLED))


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip, built once per session through the command line."""
    output = tmp_path_factory.mktemp("dist") / "skill-lambda.zip"
    result = subprocess.run(
        [sys.executable, "-m", "skill", "package", "--output", str(output)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"{re.escape(str(output))}: \d+ KiB, \d+ files\n", result.stdout)
    return output


@pytest.fixture(scope="session")
def names(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as archive:
        return archive.namelist()


@pytest.fixture(scope="session")
def bare_run(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Events through lambda_handler from the unpacked zip, in ``python -I -S``."""
    folder = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(folder)
    events = [
        request_builder.envelope(request_builder.launch_request(), skill_id=SKILL_ID),
        request_builder.envelope(request_builder.intent_request("CausesIntent"), skill_id=SKILL_ID),
        {"httpMethod": "GET", "path": "/", "requestContext": {}},
        [],
        request_builder.envelope(request_builder.launch_request(), skill_id=OTHER_SKILL_ID),
    ]
    # -I: no environment variables, user site or current directory; -S: no site-packages.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", BARE_RUNNER, str(folder)],
        input=json.dumps(events),
        env={"ALEXA_SKILL_ID": SKILL_ID},
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    report["folder"] = str(folder)
    return report


# From the bare interpreter ---------------------------------------------------


@pytest.mark.slow  # builds the bundle (once per session)
def test_bundle_answers_a_launch_request(bare_run: dict[str, Any]) -> None:
    content = load_content("en-US")
    welcome, _, _ = spoken(answers.welcome(answers.Lines(content)), one_shot=False)
    response = bare_run["results"][0]["response"]
    assert speech(response) == " ".join(welcome.split())
    assert content.skill_name in speech(response)
    assert not ends_session(response)


@pytest.mark.slow  # builds the bundle (once per session)
def test_bundle_answers_an_intent_request(bare_run: dict[str, Any]) -> None:
    content = load_content("en-US")
    response = bare_run["results"][1]["response"]
    assert speech(response) == " ".join(answers.causes(answers.Lines(content)).text.split())
    assert ends_session(response)


@pytest.mark.slow  # builds the bundle (once per session)
def test_bundle_refuses_what_is_not_for_it(bare_run: dict[str, Any]) -> None:
    api_gateway, a_list, other_skill = bare_run["results"][2:]
    assert api_gateway["error"] == a_list["error"] == "NotAnAlexaRequest"
    assert "API Gateway" in api_gateway["message"] and "JSON array" in a_list["message"]
    assert other_skill["error"] == "WrongSkill" and OTHER_SKILL_ID in other_skill["message"]
    assert api_gateway["value_error"] and a_list["value_error"] and other_skill["value_error"]


@pytest.mark.slow  # builds the bundle (once per session)
def test_bundle_needs_nothing_but_itself_and_the_standard_library(bare_run: dict[str, Any]) -> None:
    assert bare_run["sys_path"][0] == bare_run["folder"]
    assert not any("site-packages" in entry or "dist-packages" in entry for entry in bare_run["sys_path"])
    assert bare_run["importable"] == []  # flask, jsonschema and friends are not there
    assert bare_run["outside"] == []  # every module came from the folder or the standard library


# The zip itself --------------------------------------------------------------


@pytest.mark.slow  # builds the bundle (once per session)
def test_handler_and_runtime_skill_modules_are_at_the_top(names: list[str]) -> None:
    skill_files = {name for name in names if name.startswith("skill/")}
    assert "lambda_function.py" in names
    assert {
        "skill/__init__.py",
        "skill/answers.py",
        "skill/handlers.py",
        "skill/speech.py",
        "skill/envelope.py",
        "skill/content/__init__.py",
        "skill/content/en.json",
    } <= skill_files
    left_out = re.compile(
        r"skill/(web|simulator|model|cli)/"
        r"|skill/content/(validation\.py|content\.schema\.json)"
        r"|skill/(__main__|packaging|markdown)\.py"
    )
    assert [name for name in skill_files if left_out.match(name)] == []


@pytest.mark.slow  # builds the bundle (once per session)
def test_bundle_is_pure_python(names: list[str]) -> None:
    assert [name for name in names if name.endswith((".so", ".pyd", ".dylib"))] == []
    assert [name for name in names if "__pycache__" in name or name.endswith(".pyc")] == []


@pytest.mark.slow  # builds the bundle (once per session)
def test_bundle_holds_only_the_pinned_runtime_dependencies(names: list[str]) -> None:
    top = {name.split("/")[0] for name in names}
    assert [name for name in top if name.lower().startswith(NEVER_BUNDLED)] == []
    installed = {
        re.sub(r"-[^-]+\.dist-info$", "", name).lower().replace("_", "-") for name in top if name.endswith(".dist-info")
    }
    pinned = {line.split("==")[0].lower().replace("_", "-") for line in packaging._requirement_lines()}
    assert installed == pinned
    assert "ask-sdk-core" in pinned and not pinned & {"flask", "jsonschema", "cryptography"}


@pytest.mark.slow  # builds the bundle (once per session)
def test_same_source_gives_the_same_bytes(bundle: Path, tmp_path: Path) -> None:
    again = packaging.build_bundle(tmp_path / "again.zip")
    assert again.path.read_bytes() == bundle.read_bytes()
    with zipfile.ZipFile(bundle) as archive:
        entries = archive.infolist()
    assert [entry.filename for entry in entries] == sorted(entry.filename for entry in entries)
    assert {entry.date_time for entry in entries} == {packaging.FIXED_TIME}


@pytest.mark.slow  # builds the bundle (once per session)
def test_unpacked_folder_beside_the_zip_holds_the_same_files(bundle: Path, names: list[str]) -> None:
    folder = packaging.unpacked_folder(bundle)
    assert folder == bundle.with_suffix("")
    assert sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()) == sorted(names)


# Failures --------------------------------------------------------------------


def test_package_stops_when_validation_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = Problem("en.json", "causes[0].summary", "31 words, at most 30")
    monkeypatch.setattr("skill.model.validation.validate_content", lambda directory: [problem])
    output = tmp_path / "skill-lambda.zip"
    assert main(["package", "--output", str(output)]) == EXIT_PROBLEMS
    assert "skill/content/en.json: causes[0].summary: 31 words, at most 30" in capsys.readouterr().err
    assert not output.exists()


def test_compiled_modules_are_refused(tmp_path: Path) -> None:
    (tmp_path / "speedups").mkdir()
    (tmp_path / "speedups" / "fast.cpython-314-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    with pytest.raises(packaging.PackagingError, match="compiled modules.*fast.cpython"):
        packaging.bundle_files(tmp_path)


def test_unpinned_dependencies_are_refused(tmp_path: Path) -> None:
    dist_info = tmp_path / "Flask-3.1.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: Flask\nVersion: 3.1.3\n")
    with pytest.raises(packaging.PackagingError, match="flask, not pinned"):
        packaging._check_installed(tmp_path)


def test_a_folder_that_is_not_a_bundle_is_never_replaced(tmp_path: Path) -> None:
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    with pytest.raises(packaging.PackagingError, match="not an unpacked bundle"):
        packaging.write_folder(precious, {})
    assert (precious / "keep.txt").read_text() == "mine"


def test_runtime_version_comes_from_the_template() -> None:
    assert re.fullmatch(r"3\.1[2-9]", packaging.runtime_version())


@pytest.mark.slow  # builds the bundle (once per session)
def test_cold_start_benchmark_runs_on_the_bundle(bundle: Path, tmp_path: Path) -> None:
    from benchmarks import cold_start

    setup = cold_start.Setup(cold_start.interpreter_flags(bytecode=False), runtime_imports=True)
    times = cold_start.measure(cold_start.unpack(bundle, tmp_path), runs=1, setup=setup)
    table, ratio = cold_start.report(times, setup)
    assert ratio > 0 and "| Leg Cramp Guide `lambda_handler`, JSON logs and EMF metrics |" in table


# Bytecode (--bytecode) ---------------------------------------------------------

THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="session")
def bytecode_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle with bytecode for this interpreter, as ``--bytecode`` makes it for the runtime's."""
    output = tmp_path_factory.mktemp("dist-bytecode") / "skill-lambda.zip"
    return packaging.build_bundle(output, bytecode=Path(sys.executable), bytecode_version=THIS_PYTHON).path


def test_bytecode_for_another_python_than_the_runtime_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "skill-lambda.zip"
    assert main(["package", "--output", str(output), "--bytecode", sys.executable]) == EXIT_PROBLEMS
    assert capsys.readouterr().err == (
        f"package: --bytecode: {sys.executable} is Python {THIS_PYTHON}, the template's runtime is "
        f"python{packaging.runtime_version()}: Lambda would ignore bytecode of another version\n"
    )
    assert not output.exists()


def test_bytecode_from_a_missing_python_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "python3.99"
    assert main(["package", "--output", str(tmp_path / "b.zip"), "--bytecode", str(missing)]) == EXIT_PROBLEMS
    assert capsys.readouterr().err == f"package: --bytecode: no Python interpreter {missing}\n"


@pytest.mark.slow  # builds a bundle
def test_bytecode_ships_for_every_module_and_the_same_bytes_each_time(bytecode_bundle: Path, tmp_path: Path) -> None:
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(bytecode_bundle) as archive:
        names = set(archive.namelist())
    sources = {name for name in names if name.endswith(".py")}
    compiled = {name for name in names if name.endswith(".pyc")}
    expected = {re.sub(r"([^/]+)\.py$", rf"__pycache__/\1.{tag}.pyc", name) for name in sources}
    assert compiled == expected
    again = packaging.build_bundle(tmp_path / "again.zip", bytecode=Path(sys.executable), bytecode_version=THIS_PYTHON)
    assert again.path.read_bytes() == bytecode_bundle.read_bytes()


# Runs in the bare interpreter; -B: it writes no bytecode of its own.
BYTECODE_RUNNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
print(json.dumps(lambda_function.lambda_handler(json.loads(sys.stdin.read()), None)))
"""


@pytest.mark.slow  # builds a bundle
def test_bytecode_is_what_runs(bytecode_bundle: Path, tmp_path: Path) -> None:
    folder = tmp_path / "task"
    with zipfile.ZipFile(bytecode_bundle) as archive:
        archive.extractall(folder)
    # Unchecked-hash bytecode never reads its source: a broken source proves the bytecode ran.
    for name in ("skill/core.py", "skill/handlers.py", "ask_sdk_model/__init__.py"):
        (folder / name).write_text("raise ImportError('the source was compiled, not the bytecode')\n")
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", BYTECODE_RUNNER, str(folder)],
        input=json.dumps(request_builder.envelope(request_builder.launch_request(), skill_id=SKILL_ID)),
        env={"ALEXA_SKILL_ID": SKILL_ID}, cwd=folder, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert load_content("en-US").skill_name in speech(json.loads(result.stdout))
