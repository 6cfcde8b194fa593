"""The Lambda bundle: ``lambda_function.py``, the runtime part of ``skill`` and
its pinned pure-Python dependencies, as one deterministic zip.

``python -m skill package`` runs ``validate_everything`` and then
``build_bundle``. Downloaded wheels and the installed dependency tree are
cached under ``build/`` so a repeated build needs neither pip nor the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from skill.paths import BUILD_DIR, DIST_DIR, LAMBDA_DIR, LAMBDA_ENTRY, SKILL_DIR

HANDLER = LAMBDA_ENTRY
REQUIREMENTS = LAMBDA_DIR / "requirements.txt"
TEMPLATE = LAMBDA_DIR / "template.yaml"
DEFAULT_OUTPUT = DIST_DIR / "skill-lambda.zip"

# Parts of skill/ that only the CLI, web service, simulator and checks use.
LEFT_OUT = (
    "__main__.py",
    "cli/",
    "markdown.py",
    "packaging.py",
    "paths.py",
    "jsonfiles.py",
    "schemas.py",
    "web/",
    "simulator/",
    "model/",
    "content/validation.py",
    "content/content.schema.json",
)
BUNDLED_SUFFIXES = (".py", ".json")
# Never in the bundle, whatever lambda/requirements.txt says.
NOT_FOR_LAMBDA = frozenset(
    {"flask", "jsonschema", "fastjsonschema", "cryptography", "gunicorn", "pytest", "hypothesis", "cfn-lint"}
)
COMPILED_SUFFIXES = (".so", ".pyd", ".dylib")
# Zip entries carry this time, so the same files give the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_DONE = ".complete"


class PackagingError(Exception):
    """Packaging cannot go on; the message says what to fix."""


@dataclass(frozen=True)
class Bundle:
    path: Path
    size: int
    file_count: int


def validate_everything() -> list[str]:
    """Every problem that should stop a deploy, one printable line each: the
    content and the skill package (models, manifest), as ``validate`` checks them,
    and the screens' documents."""
    from skill.handlers import INTENT_ANSWERS
    from skill.model.build import stale_problems
    from skill.model.validation import validate_package
    from skill.screens.documents import document_problems

    problems = validate_package(handled_intents=INTENT_ANSWERS.keys())
    return [str(problem) for problem in problems] + stale_problems() + document_problems()


def build_bundle(
    output: Path = DEFAULT_OUTPUT,
    cache_dir: Path = BUILD_DIR,
    bytecode: Path | None = None,
    bytecode_version: str | None = None,
) -> Bundle:
    """Write the zip, and the same files unpacked beside it (for ``ask deploy``).

    With ``bytecode`` (a Python interpreter of the template's runtime version,
    or of ``bytecode_version`` where a benchmark runs the bundle on another)
    every module also ships compiled, so a cold start need not compile them.
    """
    files = bundle_files(dependencies(cache_dir))
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix="bytecode-") as compiled:
        if bytecode is not None:
            files.update(compile_bytecode(files, bytecode, bytecode_version or runtime_version(), Path(compiled)))
        write_zip(output, files)
        write_folder(unpacked_folder(output), files)
    return Bundle(output, output.stat().st_size, len(files))


def unpacked_folder(output: Path) -> Path:
    """dist/skill-lambda.zip -> dist/skill-lambda/."""
    return output.with_suffix("") if output.suffix == ".zip" else output.with_name(output.name + ".d")


def runtime_version(template: Path = TEMPLATE) -> str:
    """The Python version of the template's Lambda runtime, such as "3.14"."""
    found = re.findall(r"^\s*Runtime:\s*python(3\.\d+)\s*$", template.read_text(encoding="utf-8"), re.MULTILINE)
    if len(set(found)) != 1:
        raise PackagingError(f"{template}: expected one 'Runtime: python3.N', found {found or 'none'}")
    return found[0]


def bundle_files(dependencies_dir: Path) -> dict[str, Path]:
    """Archive name -> file on disk, for everything that goes in the bundle."""
    files = {"lambda_function.py": HANDLER}
    files.update(_skill_files())
    for name, path in _dependency_files(dependencies_dir).items():
        if name in files:
            raise PackagingError(f"a dependency ships {name}, which clashes with the skill's own file")
        files[name] = path
    compiled = sorted(name for name in files if name.endswith(COMPILED_SUFFIXES))
    if compiled:
        raise PackagingError(f"compiled modules would make the bundle platform-specific: {', '.join(compiled)}")
    return files


# Run by the runtime's interpreter: compile each module for the path it has on
# Lambda (/var/task/NAME, so tracebacks name it), as unchecked-hash bytecode: the
# bundle's files never change once deployed, so Lambda need not even stat the
# source, and the bytes depend on the source alone, not on file times.
_COMPILE = """
import importlib.util, json, py_compile, sys
target, names = sys.argv[1], json.loads(sys.stdin.read())
out = {}
for name, source in names.items():
    cached = importlib.util.cache_from_source(name)
    py_compile.compile(
        source, cfile=f"{target}/{cached}", dfile=f"/var/task/{name}", doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    out[cached] = f"{target}/{cached}"
print(json.dumps({"version": "%d.%d" % sys.version_info[:2], "files": out}))
"""


def compile_bytecode(files: dict[str, Path], python: Path, version: str, work_dir: Path) -> dict[str, Path]:
    """Archive name -> compiled file (in ``work_dir``), for every module in ``files``,
    by ``python``, which must be Python ``version``."""
    found = shutil.which(str(python))
    if found is None:
        raise PackagingError(f"--bytecode: no Python interpreter {python}")
    actual = subprocess.run(
        [found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
    ).stdout.strip()
    if actual != version:
        raise PackagingError(
            f"--bytecode: {python} is Python {actual or '?'}, the template's runtime is python{version}: "
            "Lambda would ignore bytecode of another version"
        )
    sources = {name: str(path) for name, path in files.items() if name.endswith(".py")}
    result = subprocess.run(
        [found, "-I", "-c", _COMPILE, str(work_dir)], input=json.dumps(sources), capture_output=True, text=True,
        env={"PYTHONHASHSEED": "0"},  # frozensets of strings in constants keep one order
    )  # fmt: skip
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-3:]
        raise PackagingError("--bytecode: compiling failed:\n" + "\n".join(detail))
    return {name: Path(path) for name, path in json.loads(result.stdout)["files"].items()}


def _skill_files() -> dict[str, Path]:
    files = {}
    for path in SKILL_DIR.rglob("*"):
        relative = path.relative_to(SKILL_DIR).as_posix()
        if (
            path.is_file()
            and path.suffix in BUNDLED_SUFFIXES
            and "__pycache__" not in path.parts
            and not relative.startswith(LEFT_OUT)
        ):
            files[f"skill/{relative}"] = path
    return files


def _dependency_files(dependencies_dir: Path) -> dict[str, Path]:
    files = {}
    for path in dependencies_dir.rglob("*"):
        relative = path.relative_to(dependencies_dir)
        # bin/ holds console scripts nothing on Lambda runs.
        if path.is_file() and relative.parts[0] not in ("bin", _DONE) and "__pycache__" not in relative.parts:
            files[relative.as_posix()] = path
    return files


def write_zip(output: Path, files: dict[str, Path]) -> None:
    """A zip that depends only on the files' names and bytes: sorted, fixed times."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.create_system = 3  # Unix, so the permissions below apply
            entry.external_attr = 0o100644 << 16  # a regular file, readable by Lambda's user
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[name].read_bytes(), compresslevel=9)
    os.replace(partial, output)


def write_folder(folder: Path, files: dict[str, Path]) -> None:
    """The bundle unpacked: what ask-resources.json points the ASK CLI at."""
    if folder.exists():
        if not (folder / "lambda_function.py").is_file():
            raise PackagingError(f"{folder} exists and is not an unpacked bundle; move it out of the way")
        shutil.rmtree(folder)
    for name, path in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def dependencies(cache_dir: Path = BUILD_DIR) -> Path:
    """lambda/requirements.txt installed as pure-Python wheels, cached by its content."""
    flags = _wheel_flags(runtime_version())
    key = hashlib.sha256(REQUIREMENTS.read_bytes() + " ".join(flags).encode()).hexdigest()[:16]
    target = cache_dir / "lambda-deps" / key
    if (target / _DONE).is_file():
        return target
    wheels = cache_dir / "wheels"
    partial = target.with_name(f"{key}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    # Offline from cached wheels first; only a missing wheel needs the index.
    if not _install(partial, wheels, flags, check=False):
        shutil.rmtree(partial, ignore_errors=True)
        _pip("download", "--dest", str(wheels), *flags, "-r", str(REQUIREMENTS))
        _install(partial, wheels, flags, check=True)
    _check_installed(partial)
    (partial / _DONE).write_text("")
    if (target / _DONE).is_file():  # a concurrent build finished first
        shutil.rmtree(partial)
        return target
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def _wheel_flags(python_version: str) -> list[str]:
    # Only py3-none-any wheels: no compiled modules, whatever this machine is.
    return [
        "--only-binary=:all:",
        "--platform", "any",
        "--implementation", "py",
        "--abi", "none",
        "--python-version", python_version,
    ]  # fmt: skip


def _install(target: Path, wheels: Path, flags: list[str], check: bool) -> bool:
    return _pip(
        "install", "--target", str(target), "--no-index", "--find-links", str(wheels),
        "--no-compile", *flags, "-r", str(REQUIREMENTS),
        check=check,
    )  # fmt: skip


def _pip(*args: str, check: bool = True) -> bool:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 and check:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise PackagingError(f"pip {args[0]} failed:\n" + "\n".join(detail))
    return result.returncode == 0


def _check_installed(target: Path) -> None:
    """Only what lambda/requirements.txt pins, and nothing that is never for Lambda."""
    pinned = {_canonical(line.split("==")[0]) for line in _requirement_lines()}
    installed = {_canonical(_metadata_name(meta)) for meta in target.glob("*.dist-info/METADATA")}
    if unpinned := sorted(installed - pinned):
        raise PackagingError(f"pip installed {', '.join(unpinned)}, not pinned in {REQUIREMENTS.name}: pin it")
    if forbidden := sorted(installed & NOT_FOR_LAMBDA):
        raise PackagingError(f"{', '.join(forbidden)} must not go into the Lambda bundle")


def _requirement_lines() -> list[str]:
    lines = (line.split("#")[0].strip() for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _metadata_name(metadata: Path) -> str:
    for line in metadata.read_text(encoding="utf-8").splitlines():
        if line.startswith("Name:"):
            return line.removeprefix("Name:").strip()
    raise PackagingError(f"{metadata}: no Name field")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
