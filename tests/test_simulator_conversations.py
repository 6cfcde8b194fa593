"""The simulator's conversations, in process and through the Lambda entry: replay and sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.simulator.device import VirtualDevice
from skill.simulator.replay import load_dialog, replay
from skill.simulator.transports import in_process, through_lambda

DIALOGS = sorted((Path(__file__).resolve().parent / "dialogs").glob("*.yaml"))


@pytest.mark.parametrize("dialog", DIALOGS, ids=[path.stem for path in DIALOGS])
def test_main_conversations_replay_in_process(dialog):
    assert replay(load_dialog(dialog), in_process()) is None


@pytest.mark.parametrize("dialog", DIALOGS, ids=[path.stem for path in DIALOGS])
def test_main_conversations_replay_through_the_lambda_entry(dialog):
    assert replay(load_dialog(dialog), through_lambda()) is None


def test_a_session_ends_and_the_next_utterance_starts_a_new_one():
    sent = []
    transport = in_process()
    device = VirtualDevice(lambda envelope: sent.append(envelope) or transport(envelope))
    device.say("open leg cramp guide")
    device.say("next")
    device.say("stop")
    device.say("next")
    sessions = [envelope["session"]["sessionId"] for envelope in sent]
    assert sessions[0] == sessions[1] == sessions[2] != sessions[3]
    assert [envelope["session"]["new"] for envelope in sent] == [True, False, False, True]
    # The place among the causes travelled in the session attributes, then was forgotten.
    assert sent[2]["session"]["attributes"]["cause_index"] == 0
    assert sent[3]["session"]["attributes"] == {}


@pytest.mark.parametrize(
    "dialog_locale, flags, sent",
    [("en-AU", [], "en-AU"), ("en-AU", ["--locale", "en-GB"], "en-GB"),
     (None, [], "en-US"), (None, ["--locale", "en-IN"], "en-IN")],
    ids=["the-dialogs-own", "flag-over-the-dialogs", "en-US-by-default", "flag-over-the-default"],
)
def test_replay_locale_flag_overrides_the_dialogs_locale(tmp_path, monkeypatch, capsys, dialog_locale, flags, sent):
    from skill import __main__ as cli
    from skill.simulator import transports

    dialog = tmp_path / "locale.yaml"
    dialog.write_text(("" if dialog_locale is None else f"locale: {dialog_locale}\n") + (
        "steps:\n  - say: open leg cramp guide\n  - say: why do my legs cramp\n"
    ))
    locales = []
    skill = transports.in_process()

    def recording(envelope):
        locales.append(envelope["request"]["locale"])
        return skill(envelope)

    monkeypatch.setattr(transports, "in_process", lambda: recording)
    assert cli.main(["replay", *flags, str(dialog)]) == 0
    assert f"ok: {dialog}: 2 steps" in capsys.readouterr().out
    assert locales and set(locales) == {sent}
