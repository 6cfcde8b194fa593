"""Reading processes from /proc: a server's workers and their memory (Linux)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["children", "status_kib"]


def children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (gunicorn's workers, for its master)."""
    try:
        return sorted(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:  # kernels without that file: scan every process's parent
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
        return sorted(found)


def status_kib(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status: VmRSS (resident now), VmHWM (peak resident)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(f"{field} not in /proc/{pid}/status")
