"""Speaking answers aloud with espeak-ng, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

INSTALL_HINT = "espeak-ng is not installed; install it (for example: apt-get install espeak-ng) to hear answers"
# Said inside "FILE: cannot write the spoken answer (...)", hence no parentheses of its own.
WAV_INSTALL_HINT = "espeak-ng is not installed; install it, for example with apt-get install espeak-ng"


class VoiceUnavailable(RuntimeError):
    """Nothing was said or written: espeak-ng is missing or failed, or the WAV file cannot be written."""


def speak(text: str, wav: Path | None = None, voice: str = "en-us") -> None:
    """Say ``text`` through the speakers, or write it to ``wav`` instead.

    With ``wav``, a VoiceUnavailable says why the file was not written, without the path.
    """
    program = shutil.which("espeak-ng")
    if program is None:
        raise VoiceUnavailable(INSTALL_HINT if wav is None else WAV_INSTALL_HINT)
    command = [program, "-v", voice, "-s", "160"]
    created = False
    if wav is not None:
        created = _check_writable(wav)
        command += ["-w", str(wav)]
    try:
        # Text goes on stdin so nothing in it is read as an option.
        result = subprocess.run(command + ["--stdin"], input=text, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        _remove_if_empty(wav, created)
        raise VoiceUnavailable(f"espeak-ng could not be run: {error}") from None
    problem = result.stderr.strip()
    if result.returncode != 0:
        _remove_if_empty(wav, created)
        raise VoiceUnavailable(f"espeak-ng failed: {problem or result.returncode}")
    # espeak-ng exits 0 even when it cannot open its -w file ("Can't write to: ..."): look at the file.
    if wav is not None and problem and _is_empty(wav):
        _remove_if_empty(wav, created)
        raise VoiceUnavailable(f"espeak-ng wrote nothing: {problem}")


def _check_writable(wav: Path) -> bool:
    """Raise VoiceUnavailable if ``wav`` cannot be written; True if this made it (empty).

    Opened to append, so an existing file is left as it is until espeak-ng writes it.
    """
    existed = wav.exists()
    try:
        with wav.open("ab"):
            pass
    except OSError as error:
        raise VoiceUnavailable(_why_unwritable(wav, error)) from None
    return not existed


def _why_unwritable(wav: Path, error: OSError) -> str:
    parent = wav.parent
    if isinstance(error, (FileNotFoundError, NotADirectoryError)) and not parent.is_dir():
        return f"{parent} is not a directory" if parent.exists() else f"directory {parent} does not exist"
    return error.strerror or str(error)


def _is_empty(wav: Path) -> bool:
    try:
        return wav.stat().st_size == 0
    except OSError:
        return True


def _remove_if_empty(wav: Path | None, created: bool) -> None:
    """Take away the empty file ``_check_writable`` made, so a failure leaves nothing behind."""
    if wav is not None and created and _is_empty(wav):
        wav.unlink(missing_ok=True)


def voice_for(locale: str) -> str:
    """espeak-ng's closest English voice for a skill locale."""
    return {"en-GB": "en-gb", "en-AU": "en-gb", "en-IN": "en-gb"}.get(locale, "en-us")
