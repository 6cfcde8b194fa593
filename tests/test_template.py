"""lambda/template.yaml: what it deploys, under cfn-lint, ``sam validate --lint``
and the SAM translator itself (the SAM CLI's own venv, .venv-tools, made by
scripts/bootstrap), offline and without AWS credentials."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill import packaging
from skill.paths import LAMBDA_DIR, REPO_ROOT

TOOLS = REPO_ROOT / ".venv-tools" / "bin"
TOOLS_PINS = REPO_ROOT / "requirements-tools.txt"


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads !Ref, !Sub and friends as their long forms."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)  # type: ignore[arg-type]
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load(packaging.TEMPLATE.read_text(encoding="utf-8"), Loader=_CloudFormationLoader)


def tool(name: str) -> Path:
    path = TOOLS / name
    if not path.is_file():
        pytest.fail(f"{path.relative_to(REPO_ROOT)} is missing: run `bash scripts/bootstrap`")
    return path


def offline_env(tmp_path: Path) -> dict[str, str]:
    """No AWS credentials or profile, no telemetry, and no weekly version check of the SAM CLI
    (its last check is recorded as now), so nothing needs the network."""
    app_dir = tmp_path / "sam-app"
    app_dir.mkdir(exist_ok=True)
    (app_dir / "metadata.json").write_text(json.dumps({"telemetryEnabled": False, "lastVersionCheck": time.time()}))
    return {
        "PATH": f"{TOOLS}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SAM_CLI_TELEMETRY": "0",
        "__SAM_CLI_APP_DIR": str(app_dir),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }


def without_network() -> list[str]:
    """A command prefix that runs it with no network at all, where this user may (root, as CI is)."""
    if shutil.which("unshare") and os.geteuid() == 0:
        if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
            return ["unshare", "-n"]
    return []


def sam_validate(template_path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = [str(tool("sam")), "validate", "--lint", "--template-file", str(template_path), "--region", "us-east-1"]
    return subprocess.run(
        [*without_network(), *command],
        env=offline_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


# Linters ---------------------------------------------------------------------


@pytest.mark.slow  # cfn-lint in a subprocess
def test_template_passes_cfn_lint() -> None:
    # cfn-lint's own runner: errors, warnings and runtime deprecations, for every region by default.
    lint = "import sys; from cfnlint.runner import main; sys.exit(main())"
    result = subprocess.run(
        [sys.executable, "-c", lint, "--format", "parseable", "--", str(packaging.TEMPLATE)],
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.slow  # the SAM CLI in a subprocess
def test_sam_validate_lint_passes_offline_without_credentials(tmp_path: Path) -> None:
    result = sam_validate(packaging.TEMPLATE, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{packaging.TEMPLATE} is a valid SAM Template" in result.stdout


@pytest.mark.slow  # the SAM CLI in a subprocess
def test_sam_validate_lint_refuses_a_broken_snapstart_setting(tmp_path: Path) -> None:
    broken = tmp_path / "template.yaml"
    text = packaging.TEMPLATE.read_text(encoding="utf-8")
    broken.write_text(text.replace("ApplyOn: PublishedVersions", "ApplyOn: Always"), encoding="utf-8")
    result = sam_validate(broken, tmp_path)
    assert result.returncode != 0
    assert "E3030" in result.stdout + result.stderr  # 'Always' is not one of PublishedVersions, None


@pytest.mark.slow  # subprocesses in the tools venv
def test_tools_venv_holds_exactly_the_pinned_packages() -> None:
    pinned = {}
    for line in TOOLS_PINS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{TOOLS_PINS.name}: {line!r} is not pinned"
            pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    listing = (
        "import importlib.metadata as m, json, re\n"
        "print(json.dumps({re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version for d in m.distributions()}))"
    )
    result = subprocess.run([str(tool("python")), "-c", listing], capture_output=True, text=True, timeout=60)
    installed = json.loads(result.stdout)
    installed = {name: version for name, version in installed.items() if name not in ("pip", "setuptools")}
    assert installed == pinned
    assert "aws-sam-cli" in pinned and "cfn-lint" in pinned
    check = subprocess.run([str(tool("python")), "-m", "pip", "check"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout  # every requirement of every pinned package is pinned too


# What SAM makes of it ----------------------------------------------------------

TRANSLATE = """
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

template = yaml_parse(open(sys.argv[1]).read())
# sam deploy uploads the zip and puts its S3 address here before the transform.
template["Resources"]["SkillFunction"]["Properties"]["CodeUri"] = "s3://bucket/skill-lambda.zip"


class NoManagedPolicies:  # the policy names are already ARNs; nothing to look up in IAM
    def load(self):
        return {}


print(json.dumps(transform(template, {"SkillId": sys.argv[2]}, NoManagedPolicies())))
"""


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The CloudFormation that the SAM translator (what ``sam deploy`` runs) makes of the template."""
    home = tmp_path_factory.mktemp("sam")
    result = subprocess.run(
        [*without_network(), str(tool("python")), "-c", TRANSLATE, str(packaging.TEMPLATE), "amzn1.ask.skill.1234"],
        env=offline_env(home), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def resources_of_type(deployed: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: resource for name, resource in deployed["Resources"].items() if resource["Type"] == kind}


@pytest.mark.slow  # the SAM translator in a subprocess
def test_each_deploy_publishes_a_version_behind_an_alias_with_snapstart(deployed: dict[str, Any]) -> None:
    function = resources_of_type(deployed, "AWS::Lambda::Function")["SkillFunction"]["Properties"]
    assert function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    (version_name, version), = resources_of_type(deployed, "AWS::Lambda::Version").items()
    assert version["Properties"]["FunctionName"] == {"Ref": "SkillFunction"}
    (alias_name, alias), = resources_of_type(deployed, "AWS::Lambda::Alias").items()
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_name, "Version"]}
    assert deployed["Outputs"]["SkillEndpointArn"]["Value"] == {"Ref": alias_name}


@pytest.mark.slow  # the SAM translator in a subprocess
def test_only_the_skill_may_invoke_and_only_through_the_alias(deployed: dict[str, Any]) -> None:
    permissions = resources_of_type(deployed, "AWS::Lambda::Permission")
    (alias_name,) = resources_of_type(deployed, "AWS::Lambda::Alias")
    assert [permission["Properties"] for permission in permissions.values()] == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": alias_name},  # not $LATEST, which SnapStart does not apply to
            "Principal": "alexa-appkit.amazon.com",
            "EventSourceToken": {"Ref": "SkillId"},
        }
    ]


# The template as written -------------------------------------------------------


def test_template_deploys_what_package_builds(template: dict[str, Any]) -> None:
    function = template["Resources"]["SkillFunction"]["Properties"]
    assert function["Handler"] == "lambda_function.lambda_handler"
    assert (LAMBDA_DIR / function["CodeUri"]).resolve() == packaging.DEFAULT_OUTPUT
    assert function["Runtime"] == f"python{packaging.runtime_version()}"


def test_runtime_is_one_snapstart_supports(template: dict[str, Any]) -> None:
    runtime = template["Resources"]["SkillFunction"]["Properties"]["Runtime"]
    major, minor = map(int, runtime.removeprefix("python").split("."))
    assert (major, minor) >= (3, 12)


def test_template_answers_only_its_skill_in_time(template: dict[str, Any]) -> None:
    function = template["Resources"]["SkillFunction"]["Properties"]
    assert function["Timeout"] < 8  # Alexa waits 8 seconds
    assert function["Environment"]["Variables"]["ALEXA_SKILL_ID"] == {"Ref": "SkillId"}
    event = function["Events"]["AlexaSkill"]
    assert event == {"Type": "AlexaSkill", "Properties": {"SkillId": {"Ref": "SkillId"}}}
    assert function["AutoPublishAlias"] == "live"
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": "SkillLogGroup"}
    assert "RetentionInDays" in template["Resources"]["SkillLogGroup"]["Properties"]


def test_the_log_level_and_metrics_namespace_reach_the_function(template: dict[str, Any]) -> None:
    variables = template["Resources"]["SkillFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["LOG_LEVEL"] == "INFO"
    assert variables["METRICS_NAMESPACE"] == {"Ref": "MetricsNamespace"}
    assert template["Parameters"]["MetricsNamespace"]["Default"] == "LegCrampGuide"

