"""Run claims in isolated worker processes, each under a time and memory budget.

Every claim is parsed and decided inside a worker (`derive.engine.check_claim`), so a
hostile expression (``10**10**10``, a memory bomb, 10 000 nested parentheses) can only cost
its own budget: the parent kills a worker that overruns its wall time, replaces a worker
that dies, and records the claim as ``undecided`` with the reason. Workers are forked
from a parent that has already imported sympy and the engine, so starting or replacing
one takes milliseconds, and they live for many claims.

Results come back in input order whatever ``jobs`` is. Ctrl-C stops the workers and raises
`RunInterrupted`, which carries the results that finished (the rest are marked not run).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import multiprocessing
import os
import resource
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from derive import engine
from derive.cache import claim_fingerprint
from derive.model import Claim, Evidence, Method, Outcome, Result, Settings, Verdict

__all__ = [
    "RECURSION_LIMIT",
    "RunInterrupted",
    "RunPlan",
    "budget_result",
    "not_run_result",
    "plan_run",
    "run_claims",
]

#: Recursion limit inside workers: deep enough for long sympy expression trees; the worker's
#: stack rlimit is raised to match so that Python raises RecursionError before C overflows.
RECURSION_LIMIT = 20_000
_STACK_BYTES = 256 << 20
#: A worker is replaced after this many claims or once its resident memory passes half its
#: cap, so that sympy's caches and heap fragmentation cannot accumulate into a false "memory".
_MAX_TASKS_PER_WORKER = 2000
_GRACE_SECONDS = 0.5  # extra wall time for pickling and the pipe before a worker is killed
#: Claims queued per worker: on a loaded machine each round trip costs a scheduler wake-up,
#: so a worker keeps the next claims in its pipe; idle workers take over queued claims
#: stuck behind a slow one (the first answer wins), so the tail of a run does not wait.
_PREFETCH = 3
_STEAL_AFTER = 1.0  # seconds a claim must have run before the claims queued behind it are taken over
_EXIT_MEMORY = 99  # a worker's exit status when even receiving a claim ran out of memory
#: A worker that got less CPU time than this share of the wall time a claim took was starved
#: by the machine's load; a budget that ran out then says little about the claim (see
#: `derive.cache.cacheable`). Claims shorter than _STARVED_AFTER seconds are not judged.
_STARVED_SHARE = 0.8
_STARVED_AFTER = 0.25
#: The parent waits for its workers in slices of at most this many seconds. Python runs signal
#: handlers only in the main thread, and a Ctrl-C the kernel gave to another thread of the
#: process (numpy's BLAS threads from its import until the first fork, a host program's threads)
#: does not wake a main thread asleep in poll(): without slices it would be noticed only at the
#: next claim's deadline, minutes later.
_WAKE_EVERY = 0.5

Progress = Callable[[int, int, Result], None]


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during `run_claims`; ``results`` holds every claim in input order, unfinished ones marked not run."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__("interrupted")
        self.results = results


def budget_result(claim: Claim, reason: str, summary: str, seconds: float) -> Result:
    """An ``undecided`` result for a claim whose worker was stopped (timeout, memory, crash)."""
    evidence = Evidence(Method.BUDGET, summary, reason=reason)
    return Result(claim, Verdict.UNDECIDED, Method.BUDGET, seconds, (Outcome(Verdict.UNDECIDED, evidence),))


def not_run_result(claim: Claim) -> Result:
    """The result recorded for a claim a Ctrl-C stopped before it finished."""
    evidence = Evidence(Method.NONE, "not run (interrupted)", reason="interrupted")
    return Result(claim, Verdict.UNDECIDED, Method.NONE, 0.0, (Outcome(Verdict.UNDECIDED, evidence),))


def _internal_error_result(claim: Claim, exc: BaseException, seconds: float) -> Result:
    where = _innermost_frame(exc)
    summary = f"internal error: {type(exc).__name__}: {exc}{where}; please report this claim to the derive developers"
    evidence = Evidence(Method.NONE, summary[:2000], reason="internal")
    return Result(claim, Verdict.ERROR, Method.NONE, seconds, (Outcome(Verdict.ERROR, evidence),))


def _innermost_frame(exc: BaseException) -> str:
    tb = exc.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return f" (in {os.path.basename(code.co_filename)}:{tb.tb_lineno}, {code.co_name})"


def _timeout_summary(limit: float) -> str:
    return f"stopped after {limit:g} s (timeout); raise --timeout or the claim's timeout:"


def _memory_summary(memory_mb: int) -> str:
    return f"stopped: ran out of memory (cap {memory_mb} MB); raise --memory or simplify the claim"


# ---------------------------------------------------------------------------------------
# The worker side.


def _limit_resources(memory_mb: int) -> None:
    # Address-space cap: allocations beyond it raise MemoryError inside the worker instead of
    # pushing the machine into swap or the OOM killer.
    if memory_mb > 0:
        # The cap is what a claim may add to what the worker inherits from its parent (a test
        # session or a notebook may already map far more than an idle derive process).
        limit = (memory_mb << 20) + _mapped_bytes()
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    # A larger stack lets the recursion limit below be reached as a clean RecursionError.
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    stack = _STACK_BYTES if hard == resource.RLIM_INFINITY else min(_STACK_BYTES, hard)
    if soft != resource.RLIM_INFINITY and soft < stack:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_STACK, (stack, hard))
    sys.setrecursionlimit(RECURSION_LIMIT)


def _die_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this worker if the parent dies (even by SIGKILL), so a
    hostile claim can never keep running in an orphaned process."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # noqa: PLC0415 - Linux only, in the worker

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _unblock_sigint() -> None:
    """Let SIGINT through to this thread again (a worker starts with the mask `_sigint_held` set)."""
    if hasattr(signal, "pthread_sigmask"):
        with contextlib.suppress(OSError, ValueError):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold Ctrl-C back from this thread for the block, then restore the mask it had before.

    A Ctrl-C that arrives meanwhile stays pending and is raised as KeyboardInterrupt when the
    mask is restored (`signal.pthread_sigmask` runs the handlers it unblocks), so whatever the
    block set up must already be where the interrupt handling will find it. The previous mask
    is restored, not SIGINT unblocked, so a caller that blocks Ctrl-C itself keeps it blocked.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def _worker_main(conn: Connection, memory_mb: int, parent: int) -> None:
    """Serve claims from ``conn`` until told to stop; never raise."""
    # Ctrl-C reaches the whole process group: the parent decides what to do, not the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _unblock_sigint()
    _die_with_parent(parent)
    _limit_resources(memory_mb)
    done = 0
    baseline = _resident_mb()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:
            os._exit(_EXIT_MEMORY)  # the claim is too large even to unpickle under the cap
        if message is None:
            return
        index, claim, settings = message
        start, cpu = time.perf_counter(), time.process_time()
        retire = False
        try:
            result = engine.check_claim(claim, settings)
        except MemoryError:
            result = budget_result(claim, "memory", _memory_summary(memory_mb), time.perf_counter() - start)
            retire = True
        except RecursionError:
            ev = Evidence(
                Method.PARSE, "expression too deeply nested to check (RecursionError)", reason="RecursionError"
            )
            result = Result(
                claim, Verdict.UNDECIDED, Method.PARSE, time.perf_counter() - start, (Outcome(Verdict.UNDECIDED, ev),)
            )
        except Exception as exc:  # one claim must never take down the run
            result = _internal_error_result(claim, exc, time.perf_counter() - start)
        done += 1
        wall = time.perf_counter() - start
        starved = wall > _STARVED_AFTER and time.process_time() - cpu < _STARVED_SHARE * wall
        # Retire after a MemoryError (the heap may be left fragmented), after many claims, or once
        # resident memory has grown by half the cap; the parent replaces a retiring worker.
        grown = _resident_mb() - baseline
        retire = retire or done >= _MAX_TASKS_PER_WORKER or (memory_mb > 0 and grown > memory_mb / 2)
        try:
            conn.send((index, result, retire, starved))
        except MemoryError:
            retire = True
            with contextlib.suppress(Exception):
                stopped = budget_result(claim, "memory", _memory_summary(memory_mb), result.seconds)
                conn.send((index, stopped, True, starved))
        except Exception as exc:  # an unpicklable result: report it rather than die
            with contextlib.suppress(Exception):
                conn.send((index, _internal_error_result(claim, exc, result.seconds), retire, starved))
        if retire:
            return


# ---------------------------------------------------------------------------------------
# The parent side.


@dataclass
class _Task:
    """A claim sent to a worker. Only the head of a worker's queue is running."""

    index: int
    limit: float
    deadline: float = 0.0
    stolen: bool = False  # also handed to another worker; the first answer wins


def _started(task: _Task) -> float:
    """When the parent considers ``task`` started (its deadline minus its budget)."""
    return task.deadline - task.limit - _GRACE_SECONDS


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process
    conn: Connection
    queue: deque[_Task] = field(default_factory=deque)

    @property
    def busy(self) -> bool:
        return bool(self.queue)


@dataclass
class _Pool:
    memory_mb: int
    context: Any
    workers: list[_Worker] = field(default_factory=list)

    def spawn(self) -> _Worker:
        parent_conn, child_conn = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_worker_main, args=(child_conn, self.memory_mb, os.getpid()), daemon=True)
        # Ctrl-C is held back across the fork, so a child never sees it before it has chosen to
        # ignore it; the parent raises a held one when the mask is restored, by which time the
        # worker is in the pool, so that `shutdown` stops it (an untracked worker would outlive
        # the run until the interpreter's exit handlers).
        with _sigint_held():
            try:
                process.start()
            except BaseException:
                parent_conn.close()
                child_conn.close()
                raise
            child_conn.close()
            worker = _Worker(process, parent_conn)
            self.workers.append(worker)
        return worker

    def discard(self, worker: _Worker, *, kill: bool) -> None:
        if kill and worker.process.is_alive():
            with contextlib.suppress(OSError):
                worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        self.workers.remove(worker)

    def shutdown(self) -> None:
        for worker in list(self.workers):
            if not worker.busy:
                with contextlib.suppress(OSError, ValueError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 1.0
        for worker in list(self.workers):
            if worker.busy:
                self.discard(worker, kill=True)
                continue
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            self.discard(worker, kill=True)


def _preload() -> None:
    """Import the engine and its tiers in the parent, so forked workers start warm."""
    for name in (
        "sympy",
        "derive.engine",
        "derive.language.parsing",
        "derive.tiers.symbolic",
        "derive.tiers.numeric",
        "derive.montecarlo.tier",
    ):
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _context() -> Any:
    # fork is fast (the parent's imports are shared) and the parent keeps no threads while
    # the pool runs; other platforms fall back to their default start method.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


#: Signals a process raises on itself when it faults: a claim too deep for the C stack, or a
#: bug in a compiled library. Any other signal came from outside the worker.
_FAULTS = frozenset(
    getattr(signal, name)
    for name in ("SIGSEGV", "SIGBUS", "SIGABRT", "SIGFPE", "SIGILL", "SIGSYS")
    if hasattr(signal, name)
)


def _death_result(
    claim: Claim, exitcode: int | None, memory_mb: int, seconds: float, *, oom_killed: bool = False
) -> Result:
    """The result for a claim whose worker died: never "out of memory" unless the cap was reached.

    The memory cap is an address-space limit, so reaching it raises MemoryError inside the
    worker (reported as reason "memory", or exit status `_EXIT_MEMORY`). A signal is a crash
    when the worker raised it on itself (`_FAULTS`), otherwise a kill from outside derive; a
    SIGKILL is blamed on the system's out-of-memory killer only when the kernel counted one
    meanwhile (``oom_killed``). None of these is cached: they say nothing certain about the claim.
    """
    if exitcode == _EXIT_MEMORY:
        return budget_result(claim, "memory", _memory_summary(memory_mb), seconds)
    if exitcode is None or exitcode >= 0:
        summary = f"worker exited unexpectedly (status {exitcode}) while checking this claim"
        return budget_result(claim, f"worker crashed: exit {exitcode}", summary, seconds)
    signum = -exitcode
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    if signum in _FAULTS:
        summary = (
            f"worker crashed: signal {signum} ({name}) while checking this claim; it may be too large or deep"
            " to check in this budget"
        )
        return budget_result(claim, f"worker crashed: signal {signum}", summary, seconds)
    if oom_killed:
        summary = (
            f"worker killed by signal {signum} ({name}) while the system's out-of-memory killer was acting: the"
            f" machine ran short of memory (the worker's own cap of {memory_mb} MB was not reached); run it again"
        )
        return budget_result(claim, f"killed: signal {signum} ({name}), out of memory (system)", summary, seconds)
    summary = (
        f"worker killed by signal {signum} ({name}) from outside derive after {seconds:.3g} s (not by its"
        f" {memory_mb} MB memory cap, which stops a claim with a MemoryError); run it again"
    )
    return budget_result(claim, f"killed: signal {signum} ({name})", summary, seconds)


def _oom_kills() -> int | None:
    """How many processes the kernel's out-of-memory killer has killed in this cgroup, if it says."""
    try:
        with open("/proc/self/cgroup") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    v2 = [line.split(":", 2)[2] for line in lines if line.startswith("0::")]
    v1 = [line.split(":", 2)[2] for line in lines if line.split(":")[1:2] == ["memory"]]
    candidates = [f"/sys/fs/cgroup{path.rstrip('/')}/memory.events" for path in v2]
    candidates += [f"/sys/fs/cgroup/memory{path.rstrip('/')}/memory.oom_control" for path in v1]
    candidates += ["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"]
    for candidate in candidates:
        try:
            with open(candidate) as fh:
                for line in fh:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            continue
    return None


@dataclass
class RunPlan:
    """What a run must do: cache hits, the cache keys of the misses, the claims to check (first
    copies) and the later copies of each, which share its result."""

    hits: dict[int, Result] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    pending: list[int] = field(default_factory=list)
    twins: dict[int, list[int]] = field(default_factory=dict)


def plan_run(claims: Sequence[Claim], settings: Settings, cache: Any) -> RunPlan:
    """The `RunPlan` of ``claims``: looked up in ``cache`` (None: no cache), copies found.

    A step 150 students wrote alike is decided once: the same claim under the same settings
    gets the same result (the cache relies on that too). Also used by `derive.cluster`.
    """
    plan = RunPlan()
    first: dict[str, int] = {}  # a claim's fingerprint -> the index of its first copy
    for index, claim in enumerate(claims):
        if cache is not None:
            key = cache.key(claim, settings)
            hit = cache.get(key, claim)
            if hit is not None:
                plan.hits[index] = hit
                continue
            plan.keys[index] = key
        twin = first.setdefault(claim_fingerprint(claim), index)
        if twin != index:
            plan.twins.setdefault(twin, []).append(index)
        else:
            plan.pending.append(index)
    return plan


def run_claims(
    claims: Sequence[Claim],
    settings: Settings | None = None,
    *,
    jobs: int = 0,
    cache: Any = None,
    progress: Progress | None = None,
) -> list[Result]:
    """Check every claim in a worker process; return the results in input order.

    ``jobs`` is the number of workers (0 or less: one per core). Each claim gets
    ``claim.timeout`` or ``settings.timeout`` seconds of wall time and ``settings.memory_mb``
    of address space; a claim that exceeds either is ``undecided`` (method ``budget``,
    reason ``"timeout"`` or ``"memory"``) and the run goes on with a fresh worker.
    ``cache`` is a `derive.cache.ResultCache` (or None): hits skip the workers, and
    cacheable new results are stored. ``progress(done, total, result)`` is called after each
    claim. Ctrl-C raises `RunInterrupted` carrying what finished.
    """
    run = _Run(list(claims), settings or Settings(), cache, progress)
    try:
        plan = plan_run(run.claims, run.settings, cache)
        run.keys, run.twins, run.pending = plan.keys, plan.twins, deque(plan.pending)
        for index, hit in plan.hits.items():
            run.finish(index, hit)
        if run.pending:
            run.execute(jobs)
    except KeyboardInterrupt:
        partial = [r if r is not None else not_run_result(run.claims[i]) for i, r in enumerate(run.results)]
        raise RunInterrupted(partial) from None
    return [r for r in run.results if r is not None]


@dataclass
class _Run:
    """The state of one `run_claims` call: what is pending, what finished, and the pool."""

    claims: list[Claim]
    settings: Settings
    cache: Any
    progress: Progress | None
    results: list[Result | None] = field(init=False)
    pending: deque[int] = field(default_factory=deque)
    keys: dict[int, str] = field(default_factory=dict)
    twins: dict[int, list[int]] = field(default_factory=dict)  # index -> later copies of the same claim
    done: int = 0
    oom_kills: int | None = None  # the kernel's count when the run started or a worker last died

    def __post_init__(self) -> None:
        self.results = [None] * len(self.claims)

    def finish(self, index: int, result: Result) -> None:
        self.results[index] = result
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.claims), result)
        for twin in self.twins.pop(index, ()):
            self.finish(twin, dataclasses.replace(result, claim=self.claims[twin]))

    def execute(self, jobs: int) -> None:
        _preload()
        self.oom_kills = _oom_kills()
        jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
        pool = _Pool(self.settings.memory_mb, _context())
        try:
            for _ in range(min(jobs, len(self.pending))):
                pool.spawn()
            while self.done < len(self.claims):
                if not pool.workers:
                    pool.spawn()
                self._dispatch(pool)
                self._collect(pool)
        finally:
            # A second Ctrl-C must not cut the shutdown short and leave workers running (it is
            # bounded: every worker is killed or joined within seconds); it is raised after it.
            with _sigint_held():
                pool.shutdown()

    def _limit(self, index: int) -> float:
        claim = self.claims[index]
        return float(claim.timeout if claim.timeout is not None else self.settings.timeout)

    def _dispatch(self, pool: _Pool) -> None:
        """Top up the workers' queues round-robin; when the pending list is dry, let idle
        workers take over claims queued behind a claim that has run for a while elsewhere."""
        if not self.pending and any(not w.busy for w in pool.workers):
            self._steal(pool)
        for depth in range(1, _PREFETCH + 1):
            for worker in list(pool.workers):
                if self.pending and len(worker.queue) < depth:
                    self._send_next(pool, worker)

    def _steal(self, pool: _Pool) -> None:
        now = time.monotonic()
        for worker in pool.workers:
            if len(worker.queue) < 2 or now - _started(worker.queue[0]) < _STEAL_AFTER:
                continue
            for task in list(worker.queue)[1:]:
                if not task.stolen and self.results[task.index] is None:
                    task.stolen = True
                    self.pending.append(task.index)

    def _send_next(self, pool: _Pool, worker: _Worker) -> None:
        current = worker
        if not current.process.is_alive():
            if current.busy:
                return  # its death is collected (and its queue re-queued) in _collect
            pool.discard(current, kill=True)
            current = pool.spawn()
        index = self.pending[0]
        if any(t.index == index for t in current.queue):
            return  # a claim taken over from this very worker: leave it for another one
        self.pending.popleft()
        if self.results[index] is not None:
            return  # a taken-over claim its first worker finished meanwhile
        task = _Task(index, self._limit(index))
        if not current.queue:
            task.deadline = time.monotonic() + task.limit + _GRACE_SECONDS
        try:
            current.conn.send((index, self.claims[index], self.settings))
        except Exception as exc:  # the claim itself cannot be pickled
            self.finish(index, _internal_error_result(self.claims[index], exc, 0.0))
            return
        current.queue.append(task)

    def _collect(self, pool: _Pool) -> None:
        """Wait for an answer, a death, a deadline or a chance to take over queued claims."""
        busy = [w for w in pool.workers if w.busy]
        if not busy:
            return
        wake = min(w.queue[0].deadline for w in busy)
        if not self.pending and len(busy) < len(pool.workers):
            stuck = [_started(w.queue[0]) + _STEAL_AFTER for w in busy if len(w.queue) > 1]
            wake = min([wake, *stuck])
        timeout = min(max(0.0, wake - time.monotonic()), _WAKE_EVERY)
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout))
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                self._receive(pool, worker)
            elif time.monotonic() >= worker.queue[0].deadline:
                task = worker.queue[0]
                stopped = budget_result(self.claims[task.index], "timeout", _timeout_summary(task.limit), task.limit)
                self._retire(pool, worker, stopped)

    def _receive(self, pool: _Pool, worker: _Worker) -> None:
        task = worker.queue[0]
        try:
            while worker.conn.poll():
                got, outcome, retire, starved = worker.conn.recv()
                if got != task.index:  # answers come in the order claims were sent; be loud if not
                    msg = f"worker answered claim #{got} while working on #{task.index}"
                    raise RuntimeError(msg)
                if retire:
                    self._retire(pool, worker, outcome, starved=starved)
                    return
                worker.queue.popleft()
                self._record(task.index, outcome, starved=starved)
                if not worker.queue:
                    return
                task = worker.queue[0]
                task.deadline = time.monotonic() + task.limit + _GRACE_SECONDS
            if worker.process.is_alive():
                return
            raise EOFError
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            elapsed = max(0.0, time.monotonic() - _started(task))
            kills = _oom_kills()
            oom = kills is not None and self.oom_kills is not None and kills > self.oom_kills
            self.oom_kills = kills
            died = _death_result(
                self.claims[task.index], worker.process.exitcode, self.settings.memory_mb, elapsed, oom_killed=oom
            )
            self._retire(pool, worker, died)

    def _retire(self, pool: _Pool, worker: _Worker, outcome: Result, *, starved: bool = False) -> None:
        """Record ``outcome`` for the worker's current claim, put its queued claims back, replace it."""
        head = worker.queue.popleft()
        for task in reversed(worker.queue):
            if self.results[task.index] is None and task.index not in self.pending:
                self.pending.appendleft(task.index)
        worker.queue.clear()
        pool.discard(worker, kill=True)
        if self.pending:
            pool.spawn()
        self._record(head.index, outcome, starved=starved)

    def _record(self, index: int, outcome: Result, *, starved: bool = False) -> None:
        if index < 0 or self.results[index] is not None:
            return  # a duplicate answer for a stolen claim: the first one stands
        claim = self.claims[index]
        outcome = dataclasses.replace(outcome, claim=claim)  # the caller's object, not a pickled copy
        if self.cache is not None and index in self.keys:
            self.cache.put(self.keys[index], outcome, starved=starved)
        self.finish(index, outcome)
