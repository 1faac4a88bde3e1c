"""How the benchmark measures: each step in a fresh child process, its process tree's memory sampled.

A fresh interpreter per step makes the memory figure that step's own (nothing inherited from earlier
steps), and sampling /proc from the parent sees the step's worker processes too (a forkserver pool's
workers are grandchildren, which RUSAGE_CHILDREN would miss).
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import threading
import time
import traceback
from pathlib import Path

from bench import REPO

SAMPLE_INTERVAL_S = 0.1


def _status_kb(pid: int, *keys: str) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if name in keys:
                    values[name] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError, IndexError):
        pass
    return values


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: the fields start after the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


class TreeMemorySampler(threading.Thread):
    """Samples the resident memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL_S):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_tree_kb = 0  # the most the whole tree held at one moment (sum of RSS)
        self.peak_process_kb = 0  # the most any single process held (its VmHWM)
        self.max_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def sample(self) -> None:
        pids = _descendants(self.pid) if os.path.isdir("/proc") else []
        tree = 0
        for pid in pids:
            status = _status_kb(pid, "VmRSS", "VmHWM")
            tree += status.get("VmRSS", 0)
            self.peak_process_kb = max(self.peak_process_kb, status.get("VmHWM", 0))
        self.peak_tree_kb = max(self.peak_tree_kb, tree)
        self.max_processes = max(self.max_processes, len(pids))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _child_main(module: str, function: str, kwargs: dict, conn) -> None:
    try:
        result = getattr(importlib.import_module(module), function)(**kwargs)
        own_peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
        conn.send(("ok", result, own_peak_kb))
    except BaseException:
        conn.send(("error", traceback.format_exc(), 0))
    finally:
        conn.close()


def run_in_child(module: str, function: str, **kwargs) -> dict:
    """Run module.function(**kwargs) in a fresh interpreter; its dict result gains the memory figures."""
    load_average = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    ctx = multiprocessing.get_context("spawn")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child_main, args=(module, function, kwargs, child_conn), name=f"bench-{function}"
    )
    started = time.perf_counter()
    process.start()
    child_conn.close()
    sampler = TreeMemorySampler(process.pid)
    sampler.start()
    try:
        status, payload, own_peak_kb = parent_conn.recv()
    except EOFError:
        status, payload, own_peak_kb = "error", f"the step process died (exit code {process.exitcode})", 0
    finally:
        sampler.stop()
        process.join()
    if status != "ok":
        raise RuntimeError(f"benchmark step {function} failed:\n{payload}")
    result = dict(payload)
    result["memory"] = {
        "peak_tree_rss_mb": round(max(sampler.peak_tree_kb, own_peak_kb) / 1024, 1),
        "peak_main_process_mb": round(own_peak_kb / 1024, 1),
        "peak_single_process_mb": round(max(sampler.peak_process_kb, own_peak_kb) / 1024, 1),
        "processes": sampler.max_processes,
    }
    result["step_wall_s"] = round(time.perf_counter() - started, 3)
    result["load_average"] = load_average
    return result


def median(values: list[float]) -> float:
    """The median, for short steps repeated a few times."""
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): a latency that was actually observed."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return float(ordered[rank - 1])


def machine_info() -> dict:
    """CPU count and model, memory, Python and DuckDB versions: what the figures were measured on."""
    import duckdb

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = round(int(line.split()[1]) / 1024)
                break
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_mb": memory_mb,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
    }


def git_state() -> dict:
    """The commit measured, and whether the working tree had changes on top of it."""

    def git(*args: str) -> str | None:
        try:
            # GIT_OPTIONAL_LOCKS=0: `git status` must not refresh (write) the index of the repository it reads.
            env = os.environ | {"GIT_OPTIONAL_LOCKS": "0"}
            out = subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, env=env
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    changes = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(changes) if changes is not None else None}
