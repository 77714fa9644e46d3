"""kubelet 探针时间线模拟器 (liveness / readiness / startup probes).

A discrete-event model of what the kubelet's prober workers and its restart back-off do for
one container of a Pod (restartPolicy ``Always``).

Sources (each rule below cites one of these tags):
- [K8S-PROBE-CONCEPT] https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
- [K8S-PROBE-TASK] https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
  (defaults: periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3,
  initialDelaySeconds 0; "Minimum value is 1"; successThreshold must be 1 for liveness and startup;
  a startup probe with failureThreshold*periodSeconds protects a slow start)
- [K8S-POD-LIFECYCLE] https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
  (container restarts: the first restart is immediate, then an exponential back-off 10 s, 20 s,
  40 s … capped at 300 s, reset once the container ran 10 minutes without problems)
- [WORKER] kubernetes/kubernetes pkg/kubelet/prober/worker.go: ``run`` (a ticker of periodSeconds,
  first probe right away), ``doProbe`` (skip while ``int(time since StartedAt) <
  initialDelaySeconds``; startup gates liveness/readiness; ``lastResult``/``resultRun`` against
  success/failureThreshold; a liveness/startup failure puts the worker on hold until a new
  container and resets ``resultRun``); initial results: readiness Failure, liveness Success.
- [BACKOFF] kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_manager.go (``doBackOff``) and
  client-go util/flowcontrol/backoff.go (``IsInBackOffSince``, ``Next``, an entry expires after
  2 × maxDuration = 600 s).
- [VALIDATION] kubernetes/kubernetes pkg/apis/core/validation/validation.go (``validateProbe``;
  "must be 1" for liveness/startup successThreshold).

Simplifications (stated, not hidden): the container starts at t = 0 (no image pull); the
EndpointSlice controller's propagation delay is ignored (in endpoints == Ready); the kubelet's
sync-loop latency is ignored.

Public API (names follow the Kubernetes API):
- ``ProbeSpec``            the five timing fields of a probe, with API-server-style validation
- ``AppBehavior``          how the application inside the container behaves over time
- ``simulate(...)``        -> ``Timeline``: probe executions, container states, restarts, endpoints
- ``restart_delay(k)``     CrashLoopBackOff delay before the k-th back-off restart
- ``SCENARIOS``            named scenarios; ``scenario(name)`` returns kwargs for ``simulate``
"""
from __future__ import annotations

from hakit.models import _scenarios

import heapq
import math
import numbers
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

__all__ = [
    "ProbeSpec", "AppBehavior", "ProbeResult", "ContainerRun", "Timeline",
    "restart_delay", "simulate", "SCENARIOS", "scenario", "scenario_names",
    "BACKOFF_INITIAL_SECONDS", "BACKOFF_MAX_SECONDS", "BACKOFF_RESET_SECONDS", "PROBE_KINDS",
]

PROBE_KINDS = ("startup", "liveness", "readiness")
#: [BACKOFF] initial back-off, cap, and expiry of the back-off entry (2 × cap).
BACKOFF_INITIAL_SECONDS = 10.0
BACKOFF_MAX_SECONDS = 300.0
BACKOFF_RESET_SECONDS = 600.0

_FIELDS_MIN1 = ("periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold")


def _is_int(v: object) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


@dataclass(frozen=True)
class ProbeSpec:
    """A probe's timing fields, exactly as in ``v1.Probe`` (defaults from [K8S-PROBE-TASK]).

    Defaults: periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3,
    initialDelaySeconds 0. The API server turns an *unset* (0) field into its default; this model
    has no "unset", so 0 is rejected instead of being silently replaced.
    """

    initialDelaySeconds: int = 0
    periodSeconds: int = 10
    timeoutSeconds: int = 1
    successThreshold: int = 1
    failureThreshold: int = 3

    def validate(self, kind: str = "liveness", container_index: int = 0) -> None:
        """Raise ``ValueError`` (Chinese, with the field path) like the API server [VALIDATION].

        Example message: ``spec.containers[0].livenessProbe.periodSeconds: Invalid value: 0:
        must be greater than or equal to 1（periodSeconds 必须 ≥ 1）``.
        """
        if kind not in PROBE_KINDS:
            raise ValueError(f"探针类型 {kind!r} 无效：只能是 startup、liveness 或 readiness")
        base = f"spec.containers[{container_index}].{kind}Probe"
        for name in ("initialDelaySeconds",) + _FIELDS_MIN1:
            v = getattr(self, name)
            if not _is_int(v):
                raise ValueError(f"{base}.{name}: Invalid value: {v!r}: 必须是整数（int32 秒数或次数）")
        if self.initialDelaySeconds < 0:
            raise ValueError(f"{base}.initialDelaySeconds: Invalid value: {self.initialDelaySeconds}: "
                             "must be greater than or equal to 0（initialDelaySeconds 不能为负数）")
        for name in _FIELDS_MIN1:
            v = getattr(self, name)
            if v < 1:
                raise ValueError(f"{base}.{name}: Invalid value: {v}: must be greater than or equal to 1"
                                 f"（{name} 的最小值是 1）")
        if kind in ("liveness", "startup") and self.successThreshold != 1:
            # [VALIDATION] / [K8S-PROBE-TASK]: "Must be 1 for liveness and startup Probes."
            raise ValueError(f"{base}.successThreshold: Invalid value: {self.successThreshold}: must be 1"
                             f"（{kind}Probe 的 successThreshold 只能是 1）")


@dataclass(frozen=True)
class AppBehavior:
    """What the application does (times are seconds).

    - ``startupSeconds``: after each container start, the app refuses connections until then
      (every probe fails at once) — a slow start.
    - ``responseSeconds``: how long the app takes to answer a probe; a number, or a function
      ``f(t) -> seconds`` of the absolute time ``t`` (time-varying latency). A probe whose
      response takes longer than ``timeoutSeconds`` fails [K8S-PROBE-TASK].
    - ``hangAt``: absolute time at which the container running then hangs (never answers
      again); a restarted container is healthy (a deadlock that a restart cures).
    - ``readinessFailIntervals``: absolute ``(start, end)`` intervals during which only the
      readiness endpoint fails (e.g. a dependency is down) while liveness still succeeds.
    - ``crashAfterSeconds``: the process exits by itself this long after each start (None = never).
    """

    startupSeconds: float = 0.0
    responseSeconds: Union[float, Callable[[float], float]] = 0.05
    hangAt: Optional[float] = None
    readinessFailIntervals: tuple = ()
    crashAfterSeconds: Optional[float] = None

    def validate(self) -> None:
        def num(name: str, v: object, allow_none: bool = False) -> None:
            if v is None and allow_none:
                return
            if not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v) or v < 0:
                raise ValueError(f"AppBehavior.{name}: Invalid value: {v!r}: 必须是 ≥ 0 的有限秒数")
        num("startupSeconds", self.startupSeconds)
        if not callable(self.responseSeconds):
            num("responseSeconds", self.responseSeconds)
        num("hangAt", self.hangAt, allow_none=True)
        num("crashAfterSeconds", self.crashAfterSeconds, allow_none=True)
        if self.crashAfterSeconds is not None and self.crashAfterSeconds <= 0:
            raise ValueError(f"AppBehavior.crashAfterSeconds: Invalid value: {self.crashAfterSeconds}: "
                             "必须 > 0（或 None 表示不崩溃）")
        for iv in self.readinessFailIntervals:
            if (not isinstance(iv, (tuple, list)) or len(iv) != 2
                    or not all(isinstance(x, numbers.Real) for x in iv) or not iv[0] < iv[1]):
                raise ValueError(f"AppBehavior.readinessFailIntervals: Invalid value: {iv!r}: "
                                 "每一项必须是 (开始, 结束) 且 开始 < 结束")

    def response_at(self, t: float) -> float:
        r = self.responseSeconds(t) if callable(self.responseSeconds) else self.responseSeconds
        if not isinstance(r, numbers.Real) or not math.isfinite(r) or r < 0:
            raise ValueError(f"AppBehavior.responseSeconds({t:g}) = {r!r}: 响应时间必须是 ≥ 0 的有限秒数")
        return float(r)


@dataclass(frozen=True)
class ProbeResult:
    """One probe execution: started at ``time``, took ``duration`` s (≤ timeoutSeconds).

    ``reason``: "ok", "timeout" (slower than timeoutSeconds), "starting" (connection refused
    during start-up), "hung" (no answer: counts as a timeout), "not-ready" (readiness endpoint
    reports failure). ``container``: index of the container run (0 = first start).
    """

    time: float
    kind: str
    success: bool
    reason: str
    container: int
    duration: float = 0.0


@dataclass(frozen=True)
class ContainerRun:
    """One run of the container: from ``start`` until ``end`` (None = still running at horizon).

    ``reason`` why it ended: "liveness" / "startup" (killed after the probe's failureThreshold),
    "crash" (the process exited), "horizon". ``killed_at``: when the kubelet decided to kill it.
    ``started_at``: when ``started`` became true (startup probe succeeded, or ``start`` if none).
    """

    index: int
    start: float
    end: Optional[float]
    reason: str
    started_at: Optional[float]
    killed_at: Optional[float] = None


@dataclass
class Timeline:
    """Result of :func:`simulate` (all times in seconds since the Pod started).

    - ``probes``: [ProbeResult] in start order
    - ``runs``: [ContainerRun]
    - ``states``: [(start, end, state)], state in "starting" (running, startup probe not yet
      passed), "running" (started), "restarting" (exited, waiting: CrashLoopBackOff)
    - ``ready``: [(start, end)] intervals where the container is Ready, i.e. in the endpoints
    - ``restarts``: [(exit_time, delay, restart_time)]; ``restart_count``
    """

    horizon: float
    probes: list = field(default_factory=list)
    runs: list = field(default_factory=list)
    states: list = field(default_factory=list)
    ready: list = field(default_factory=list)
    restarts: list = field(default_factory=list)
    restart_count: int = 0
    specs: dict = field(default_factory=dict)

    def in_endpoints(self, t: float) -> bool:
        """True if the Pod is in the Service's ready endpoints at time ``t``."""
        return any(a <= t < b for a, b in self.ready)

    def ready_seconds(self) -> float:
        """Total time in the endpoints."""
        return sum(b - a for a, b in self.ready)

    def probes_of(self, kind: str) -> list:
        return [p for p in self.probes if p.kind == kind]


def restart_delay(k: int) -> float:
    """Back-off delay before the ``k``-th back-off restart (k = 0, 1, …): min(10·2^k, 300) s.

    [K8S-POD-LIFECYCLE]/[BACKOFF]: the first restart after a crash is immediate (no back-off
    entry yet); the ``k``-th *following* restart waits ``min(10·2^k, 300)`` seconds.
    """
    if not _is_int(k) or k < 0:
        raise ValueError(f"k: Invalid value: {k!r}: 必须是 ≥ 0 的整数")
    return min(BACKOFF_INITIAL_SECONDS * 2.0 ** min(k, 64), BACKOFF_MAX_SECONDS)


# ---------------------------------------------------------------------------------------------
# simulation

_EV_EXIT, _EV_START, _EV_DONE, _EV_TICK = 0, 1, 2, 3   # order of events at equal times
_KIND_ORDER = {"startup": 0, "liveness": 1, "readiness": 2}


class _Worker:
    __slots__ = ("kind", "spec", "last_result", "result_run", "on_hold", "result", "tick")

    def __init__(self, kind: str, spec: ProbeSpec) -> None:
        self.kind = kind
        self.spec = spec
        self.last_result: Optional[bool] = None   # results.Unknown
        self.result_run = 0
        self.on_hold = False
        # [WORKER] initial values: readiness Failure, liveness Success, startup Unknown
        self.result: Optional[bool] = {"readiness": False, "liveness": True, "startup": None}[kind]
        self.tick = 0.0          # the latest ticker tick consumed


def simulate(
    app: AppBehavior = AppBehavior(),
    *,
    livenessProbe: Optional[ProbeSpec] = None,
    readinessProbe: Optional[ProbeSpec] = None,
    startupProbe: Optional[ProbeSpec] = None,
    horizon: float = 300.0,
    terminationSeconds: float = 0.0,
) -> Timeline:
    """Simulate the kubelet probing one container from t = 0 to ``horizon`` seconds.

    ``terminationSeconds``: how long a killed container takes to stop (an app that handles
    SIGTERM stops at once; a hung one waits for terminationGracePeriodSeconds, default 30).
    Returns a :class:`Timeline`. Raises ``ValueError`` (Chinese) on invalid input.
    """
    if not isinstance(app, AppBehavior):
        raise ValueError("app 必须是 AppBehavior 对象")
    app.validate()
    specs = {}
    for kind, spec in (("startup", startupProbe), ("liveness", livenessProbe), ("readiness", readinessProbe)):
        if spec is None:
            continue
        if not isinstance(spec, ProbeSpec):
            raise ValueError(f"{kind}Probe 必须是 ProbeSpec 对象或 None，收到 {type(spec).__name__}")
        spec.validate(kind)
        specs[kind] = spec
    if not isinstance(horizon, numbers.Real) or not math.isfinite(horizon) or not 0 < horizon <= 86400:
        raise ValueError(f"horizon: Invalid value: {horizon!r}: 必须在 (0, 86400] 秒之间")
    if (not isinstance(terminationSeconds, numbers.Real) or not math.isfinite(terminationSeconds)
            or terminationSeconds < 0):
        raise ValueError(f"terminationSeconds: Invalid value: {terminationSeconds!r}: 必须是 ≥ 0 的秒数")

    tl = Timeline(horizon=float(horizon), specs=dict(specs))
    workers = {k: _Worker(k, s) for k, s in specs.items()}
    heap: list = []
    seq = 0

    def push(t: float, ev: int, kind: str = "", payload: object = None) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(heap, (t, ev, _KIND_ORDER.get(kind, 0), seq, kind, payload))

    # container state
    run_idx = -1
    run_start = 0.0
    running = False
    started = False
    killing = False
    run_started_at: Optional[float] = None
    run_killed_at: Optional[float] = None
    hung_run: Optional[int] = None
    backoff: Optional[float] = None     # [BACKOFF] per-container entry: current back-off
    backoff_update = 0.0                # entry.lastUpdate
    state_since = 0.0
    state = "starting"
    ready = False
    ready_since = 0.0

    def set_state(t: float, new: str) -> None:
        nonlocal state, state_since
        if new != state:
            if t > state_since:
                tl.states.append((state_since, t, state))
            state, state_since = new, t

    def update_ready(t: float) -> None:
        # Ready = running and started and (readiness result success, or no readiness probe)
        nonlocal ready, ready_since
        r = running and started and (workers["readiness"].result is True if "readiness" in workers else True)
        if r != ready:
            if ready and t > ready_since:
                tl.ready.append((ready_since, t))
            ready, ready_since = r, t

    def start_container(t: float) -> None:
        nonlocal run_idx, run_start, running, started, killing, run_started_at, run_killed_at
        run_idx += 1
        run_start, running, killing = t, True, False
        run_killed_at = None
        started = "startup" not in workers   # no startup probe: started at once [WORKER]
        run_started_at = t if started else None
        for w in workers.values():           # new container ID: initial value, hold released
            w.on_hold = False
            w.result = {"readiness": False, "liveness": True, "startup": None}[w.kind]
        set_state(t, "running" if started else "starting")
        if app.crashAfterSeconds is not None:
            push(t + app.crashAfterSeconds, _EV_EXIT, "", (run_idx, "crash"))
        update_ready(t)

    def probe_outcome(kind: str, spec: ProbeSpec, t: float) -> tuple:
        hung = app.hangAt is not None and app.hangAt <= t and (
            hung_run == run_idx or (hung_run is None and run_start <= app.hangAt))
        if hung:
            return False, "hung", float(spec.timeoutSeconds)
        if t - run_start < app.startupSeconds:
            return False, "starting", 0.0
        r = app.response_at(t)
        if r > spec.timeoutSeconds:     # [K8S-PROBE-TASK] timeoutSeconds
            return False, "timeout", float(spec.timeoutSeconds)
        if kind == "readiness" and any(a <= t < b for a, b in app.readinessFailIntervals):
            return False, "not-ready", r
        return True, "ok", r

    def next_tick_after(w: _Worker, s: float, c: float) -> float:
        # Go ticker semantics [WORKER run]: ticks at k*period; one missed tick is buffered.
        p = w.spec.periodSeconds
        nxt = w.tick + p
        if nxt <= c + 1e-12:          # a tick passed while probing: run again right away
            w.tick = math.floor((c + 1e-12) / p) * p
            return c
        w.tick = nxt
        return nxt

    start_container(0.0)
    for kind in workers:
        push(0.0, _EV_TICK, kind)

    while heap:
        t, ev, _o, _s, kind, payload = heapq.heappop(heap)
        if t > horizon:
            break
        if ev == _EV_EXIT:
            ridx, reason = payload
            if ridx != run_idx or not running:
                continue
            running = False
            hung_run = None if hung_run == ridx else hung_run
            tl.runs.append(ContainerRun(ridx, run_start, t, reason, run_started_at, run_killed_at))
            update_ready(t)
            # [BACKOFF] doBackOff: no (or expired) entry -> restart now; else wait entry.backoff
            if backoff is None or t - backoff_update > BACKOFF_RESET_SECONDS:
                delay = 0.0
            else:
                delay = backoff
            restart_at = t + delay
            set_state(t, "restarting")
            tl.restarts.append((t, delay, restart_at))
            push(restart_at, _EV_START)
        elif ev == _EV_START:
            # Next(): new entry at 10 s, or double (cap 300 s); an expired entry restarts at 10 s
            if backoff is None or t - backoff_update > BACKOFF_RESET_SECONDS:
                backoff = BACKOFF_INITIAL_SECONDS
            else:
                backoff = min(backoff * 2.0, BACKOFF_MAX_SECONDS)
            backoff_update = t
            tl.restart_count += 1
            start_container(t)
        elif ev == _EV_TICK:
            w = workers[kind]
            spec = w.spec
            skip = (not running or w.on_hold
                    or int(t - run_start) < spec.initialDelaySeconds      # [WORKER] int32 truncation
                    or (kind == "startup") == started)                     # startup gates the others
            if skip:
                if not running and kind == "readiness":
                    w.result = False
                push(next_tick_after(w, t, t), _EV_TICK, kind)
                continue
            if app.hangAt is not None and hung_run is None and run_start <= app.hangAt <= t:
                hung_run = run_idx
            ok, reason, dur = probe_outcome(kind, spec, t)
            tl.probes.append(ProbeResult(t, kind, ok, reason, run_idx, dur))
            push(t + dur, _EV_DONE, kind, (run_idx, ok, t))
        elif ev == _EV_DONE:
            w = workers[kind]
            ridx, ok, s = payload
            push(next_tick_after(w, s, t), _EV_TICK, kind)
            if ridx != run_idx or not running:
                continue
            spec = w.spec
            if w.last_result == ok:
                w.result_run += 1
            else:
                w.last_result, w.result_run = ok, 1
            if (not ok and w.result_run < spec.failureThreshold) or (ok and w.result_run < spec.successThreshold):
                continue                       # below threshold: keep the previous result
            w.result = ok
            if kind == "startup" and ok and not started:
                started = True
                run_started_at = t
                set_state(t, "running")
            if kind in ("liveness", "startup") and not ok and not killing:
                # [WORKER] onHold until a new container, resultRun reset; kubelet kills it
                w.on_hold, w.result_run = True, 0
                killing = True
                run_killed_at = t
                push(t + terminationSeconds, _EV_EXIT, "", (run_idx, kind))
            update_ready(t)

    # close open intervals at the horizon
    if running:
        tl.runs.append(ContainerRun(run_idx, run_start, None, "horizon", run_started_at, run_killed_at))
    if horizon > state_since:
        tl.states.append((state_since, float(horizon), state))
    if ready and horizon > ready_since:
        tl.ready.append((ready_since, float(horizon)))
    tl.probes = [p for p in tl.probes if p.time <= horizon]
    tl.restarts = [r for r in tl.restarts if r[0] <= horizon]
    return tl


# ---------------------------------------------------------------------------------------------
# scenarios

def _slow_window(t: float) -> float:
    """Responses of 1.5 s (> timeoutSeconds 1) between t = 60 s and t = 120 s, else 0.2 s."""
    return 1.5 if 60.0 <= t < 120.0 else 0.2


SCENARIOS: dict = {
    "healthy": dict(
        label="健康",
        title="健康应用：默认参数的 liveness + readiness",
        kwargs=dict(app=AppBehavior(startupSeconds=5.0), livenessProbe=ProbeSpec(),
                    readinessProbe=ProbeSpec(periodSeconds=5), horizon=180.0)),
    "slow-start-no-startup": dict(
        label="慢启动·无 startupProbe",
        title="慢启动（90 s），只有 liveness：启动期间被反复杀死（CrashLoopBackOff）",
        kwargs=dict(app=AppBehavior(startupSeconds=90.0), livenessProbe=ProbeSpec(),
                    readinessProbe=ProbeSpec(periodSeconds=5), horizon=600.0)),
    "slow-start-with-startup": dict(
        label="慢启动·有 startupProbe",
        title="慢启动（90 s），startupProbe failureThreshold 30 × periodSeconds 10 = 300 s 保护启动",
        kwargs=dict(app=AppBehavior(startupSeconds=90.0), livenessProbe=ProbeSpec(),
                    readinessProbe=ProbeSpec(periodSeconds=5),
                    startupProbe=ProbeSpec(periodSeconds=10, failureThreshold=30), horizon=600.0)),
    "hang": dict(
        label="死锁 hang",
        title="应用在 t=120 s 死锁（hang）：liveness 超时 3 次后重启容器",
        kwargs=dict(app=AppBehavior(startupSeconds=5.0, hangAt=120.0), livenessProbe=ProbeSpec(),
                    readinessProbe=ProbeSpec(periodSeconds=5), horizon=300.0)),
    "slow-responses": dict(
        label="响应变慢",
        title="60–120 s 响应 1.5 s，超过 timeoutSeconds=1：探针判定失败并重启",
        kwargs=dict(app=AppBehavior(startupSeconds=5.0, responseSeconds=_slow_window),
                    livenessProbe=ProbeSpec(), readinessProbe=ProbeSpec(periodSeconds=5), horizon=300.0)),
    "aggressive-liveness": dict(
        label="激进的 liveness",
        title="过于激进的 liveness（initialDelaySeconds 5，failureThreshold 1）对 15 s 的启动：重启循环",
        kwargs=dict(app=AppBehavior(startupSeconds=15.0),
                    livenessProbe=ProbeSpec(initialDelaySeconds=5, periodSeconds=5, failureThreshold=1),
                    readinessProbe=ProbeSpec(periodSeconds=5), horizon=900.0)),
    "readiness-failure": dict(
        label="readiness 失败",
        title="依赖故障 60–150 s：readiness 失败，Pod 移出 endpoints；liveness 正常，不重启",
        kwargs=dict(app=AppBehavior(startupSeconds=5.0, readinessFailIntervals=((60.0, 150.0),)),
                    livenessProbe=ProbeSpec(), readinessProbe=ProbeSpec(periodSeconds=5, failureThreshold=2),
                    horizon=240.0)),
}


def scenario_names() -> list:
    """Names of the preset scenarios, in teaching order."""
    return _scenarios.names(SCENARIOS)


def scenario(name: str) -> dict:
    """Keyword arguments for :func:`simulate` of a named scenario (``simulate(**scenario(n))``)."""
    return _scenarios.kwargs(SCENARIOS, name)
