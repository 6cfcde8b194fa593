"""Speaking answers aloud with espeak-ng, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

INSTALL_HINT = "espeak-ng is not installed; install it (for example: apt-get install espeak-ng) to hear answers"


class VoiceUnavailable(RuntimeError):
    pass


def speak(text: str, wav: Path | None = None, voice: str = "en-us") -> None:
    """Say ``text`` through the speakers, or write it to ``wav`` instead."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise VoiceUnavailable(INSTALL_HINT)
    command = [program, "-v", voice, "-s", "160"]
    if wav is not None:
        command += ["-w", str(wav)]
    # Text goes on stdin so nothing in it is read as an option.
    result = subprocess.run(command + ["--stdin"], input=text, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise VoiceUnavailable(f"espeak-ng failed: {result.stderr.strip() or result.returncode}")


def voice_for(locale: str) -> str:
    """espeak-ng's closest English voice for a skill locale."""
    return {"en-GB": "en-gb", "en-AU": "en-gb", "en-IN": "en-gb"}.get(locale, "en-us")
