"""Long-lived render processes forked from the build (which imports WeasyPrint first when a
format needs it, so no worker pays for it): a timeout and memory cap per job."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from leafpress.errors import Diagnostic, LeafletError
from leafpress.limits import JOB_TIMEOUT, MEMORY_LIMIT, out_of_memory



@dataclass(frozen=True)
class Outcome:
    """What became of one job: a result, or an error message for the user."""

    key: Any
    result: Any = None
    error: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()  # a LeafletError raised by the job, with lines
    traceback: str | None = None  # an unexpected exception's, for `build --debug`


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the build dies, even by SIGKILL, mid-render."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: an idle worker still exits on EOF
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _serve(conn: Connection, setup: Callable[[], Callable[[Any], Any]], memory_limit: int,
           parent: int) -> None:
    """Worker loop: build the job handler once, then answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    handle = setup()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        key, payload = job
        try:
            conn.send(Outcome(key, result=handle(payload)))
        except LeafletError as exc:
            conn.send(Outcome(key, error=str(exc), diagnostics=tuple(exc.diagnostics)))
        except MemoryError:
            conn.send(Outcome(key, error=out_of_memory(memory_limit)))
        except (RecursionError, SystemError):
            # Deep recursion that meets the memory cap can surface from CPython as a
            # SystemError ("error return without exception set") instead.
            conn.send(Outcome(key, error="nested too deeply to render; flatten lists and quotes"))
        except Exception as exc:  # noqa: BLE001 - reported to the user, never swallowed
            detail = traceback.format_exception_only(exc)[-1].strip()
            conn.send(Outcome(key, error=f"could not render: {detail}",
                              traceback=traceback.format_exc()))


class _Worker:
    def __init__(self, context, setup, memory_limit):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, setup, memory_limit, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[Any, float] | None = None  # (key, deadline)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run_jobs(
    jobs: Iterable[tuple[Any, Any]],
    setup: Callable[[], Callable[[Any], Any]],
    workers: int,
    timeout: float = JOB_TIMEOUT,
    memory_limit: int = MEMORY_LIMIT,
) -> Iterator[Outcome]:
    """Run (key, payload) jobs on worker processes, yielding each Outcome as it ends.

    `setup` runs once in each worker and returns the handler for payloads. A job that
    overruns its timeout or kills its worker yields an error; its worker is replaced and
    the other jobs go on.
    """
    pending = list(jobs)
    pending.reverse()
    if not pending:
        return
    context = multiprocessing.get_context("fork")
    # Never more workers than jobs: each one is a process to fork and to feed.
    pool = [_Worker(context, setup, memory_limit) for _ in range(max(1, min(workers, len(pending))))]

    def feed(worker: _Worker) -> None:
        if worker.job is None and pending:
            key, payload = pending.pop()
            worker.conn.send((key, payload))
            worker.job = (key, time.monotonic() + timeout)

    try:
        for worker in pool:
            feed(worker)
        while any(worker.job for worker in pool):
            busy = [worker for worker in pool if worker.job]
            soonest = min(worker.job[1] for worker in busy)
            ready = wait([worker.conn for worker in busy], max(0.0, soonest - time.monotonic()))
            for index, worker in enumerate(pool):
                if worker.job is None:
                    continue
                key, deadline = worker.job
                if worker.conn in ready:
                    try:
                        outcome = worker.conn.recv()
                    except (EOFError, OSError):
                        outcome = Outcome(key, error="the renderer stopped unexpectedly: "
                                                     + out_of_memory(memory_limit, crash=True))
                        pool[index] = _replace(worker, context, setup, memory_limit)
                    else:
                        worker.job = None
                    # Hand out the next job before the caller writes this result, so the
                    # worker renders while the parent does its I/O.
                    feed(pool[index])
                    yield outcome
                elif time.monotonic() >= deadline:
                    pool[index] = _replace(worker, context, setup, memory_limit)
                    feed(pool[index])
                    seconds = f"{timeout:g} second{'' if timeout == 1 else 's'}"
                    yield Outcome(key, error=f"took longer than {seconds} to render; stopped")
    finally:
        for worker in pool:
            worker.stop(kill=worker.job is not None)


def _replace(worker: _Worker, context, setup, memory_limit) -> _Worker:
    worker.stop(kill=True)
    return _Worker(context, setup, memory_limit)
