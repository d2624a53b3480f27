"""The roles of a story searched side by side, one process per role.

Each role's search is independent of the others, so on a machine with more than one
core `explore_all` can run them at once. The workers are forked: they inherit the
story and its compiled form (copy on write, nothing sent) and send back only the
`RoleReport`, a few kilobytes. Where forking is not possible or not safe (no `fork`
start method, other threads running) or a worker fails to start or dies, the search
runs in this process instead: the answers are the same either way.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

#: what a forked worker runs: set just before the fork, read by the worker
_job: Callable[[str], object] | None = None


def _run(role: str) -> object:
    assert _job is not None
    return _job(role)


def available() -> int:
    """How many processes a search may use here: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextlib.contextmanager
def no_collector() -> Iterator[None]:
    """The cyclic garbage collector off: a search makes no reference cycles, and the
    collector's full scans of its tables (hundreds of thousands of tuples) cost more
    than the search itself at times."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def per_role(job: Callable[[str], T], roles: Sequence[str], workers: int) -> dict[str, T]:
    """`job(role)` for each role: in up to `workers` forked processes when there are
    several roles and forking is safe, else one after another here."""
    global _job
    count = min(workers, len(roles))
    if count > 1 and can_fork():
        _job = job
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
                done: list[T] = list(pool.map(_run, roles))  # type: ignore[arg-type]
            return dict(zip(roles, done, strict=True))
        except (BrokenProcessPool, OSError):
            pass  # a worker could not start or died (out of memory?): search here
        finally:
            _job = None
    return {role: job(role) for role in roles}
