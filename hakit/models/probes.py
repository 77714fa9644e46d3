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
- [WORKER] kubernetes/kubernetes pkg/kubelet/prober/worker.go: ``run`` (``doProbe`` when the
  worker starts, usually before the container exists, after a random sleep of up to one period
  only right after a kubelet restart; then a ticker of periodSeconds anchored to that moment),
  ``doProbe`` (skip while ``int(time since StartedAt) <
  initialDelaySeconds``; startup gates liveness/readiness; ``lastResult``/``resultRun`` against
  success/failureThreshold; a liveness/startup failure puts the worker on hold until a new
  container and resets ``resultRun``); initial results: readiness Failure, liveness Success.
- [BACKOFF] kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_manager.go ``doBackOff``:
  ``ts := cStatus.FinishedAt``; ``if backOff.IsInBackOffSince(key, ts)`` wait, else
  ``backOff.Next(key, ts)`` and start. client-go util/flowcontrol/backoff.go: ``Next`` creates
  an entry at the initial delay, or doubles it (capped), when ``hasExpired(eventTime,
  lastUpdate)`` is false, and sets ``lastUpdate = now`` (the restart); ``IsInBackOffSince`` is
  ``now - eventTime < backoff``. pkg/kubelet/kubelet.go sets ``HasExpiredFunc`` to
  ``eventTime.Sub(lastUpdate) > 600 s``: the reset is judged by the time the container
  *exited* against its previous restart, so a container that crashes 595 s after each restart
  keeps doubling.
- [BACKOFF-MAX] pkg/kubelet/kubelet.go: with feature gate ``KubeletCrashLoopBackOffMax``
  (pkg/features/kube_features.go: 1.32 Alpha, 1.35 Beta on by default, so on in 1.36) the cap is
  the KubeletConfiguration's ``crashLoopBackOff.maxContainerRestartPeriod`` (KEP-5593: 1 s to
  300 s), and if it is below 10 s the initial delay equals it.
- [GRACE] https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination and
  …/configure-liveness-readiness-startup-probes/#probe-level-terminationgraceperiodseconds: a
  liveness/startup kill sends SIGTERM and waits the probe's ``terminationGracePeriodSeconds``,
  else the Pod's (default 30 s), before SIGKILL.
- [MANAGER] pkg/kubelet/prober/prober_manager.go ``UpdatePodStatus``: for a started container
  that is not Ready it sends on the readiness worker's ``manualTriggerCh`` (the docs: "While a
  container is not Ready, the readiness probe may be executed at times other than the
  configured periodSeconds interval").
- [VALIDATION] kubernetes/kubernetes pkg/apis/core/validation/validation.go (``validateProbe``;
  "must be 1" for liveness/startup successThreshold).

Simplifications (stated, not hidden): the container starts at t = 0 (no image pull); the
EndpointSlice controller's propagation delay is ignored (in endpoints == Ready); the kubelet's
sync-loop latency is ignored. Each worker's ticker ticks at ``probe_phase + k × periodSeconds``
(``probe_phase`` in [0, periodSeconds), default 0: the earliest case), so the first probe lands
in [initialDelaySeconds, initialDelaySeconds + periodSeconds) after the container starts. A
killed container that still answers stops at SIGTERM; a hung one runs until SIGKILL, i.e. for
the grace period. The on-demand readiness probe (``readiness_on_demand=True``) is modelled at
the moment a container becomes started (the kubelet's pod sync after the container-started or
startup-probe event); later manual triggers are not.

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
from typing import Callable, NamedTuple, Optional, Union

__all__ = [
    "ProbeSpec", "AppBehavior", "ProbeResult", "ContainerRun", "Timeline", "StateSegment", "Interval", "Restart",
    "restart_delay", "simulate", "SCENARIOS", "scenario", "scenario_names",
    "BACKOFF_INITIAL_SECONDS", "BACKOFF_MAX_SECONDS", "BACKOFF_RESET_SECONDS", "PROBE_KINDS",
    "DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS",
]

PROBE_KINDS = ("startup", "liveness", "readiness")
#: [BACKOFF] initial back-off and default cap (kubelet containerBackOffPeriod, MaxContainerBackOff),
#: and the kubelet's HasExpiredFunc: an exit more than 600 s after the last restart resets it.
BACKOFF_INITIAL_SECONDS = 10.0
BACKOFF_MAX_SECONDS = 300.0
BACKOFF_RESET_SECONDS = 600.0
#: [GRACE] Pod spec.terminationGracePeriodSeconds default.
DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30

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
    #: [GRACE] probe-level override of the Pod's grace period for a liveness/startup kill
    terminationGracePeriodSeconds: Optional[int] = None

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
        g = self.terminationGracePeriodSeconds
        if g is not None and (not _is_int(g) or g < 1):
            raise ValueError(f"{base}.terminationGracePeriodSeconds: Invalid value: {g!r}: "
                             "must be greater than 0（探针级 terminationGracePeriodSeconds 必须是 ≥ 1 的整数）")
        if g is not None and kind == "readiness":
            raise ValueError(f"{base}.terminationGracePeriodSeconds: Invalid value: {g}: "
                             "must not be set for readinessProbes（只能用于 liveness 与 startup 探针）")
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


class StateSegment(NamedTuple):
    """``Timeline.states`` row: the container was in ``state`` from ``start`` to ``end``."""
    start: float
    end: float
    state: str


class Interval(NamedTuple):
    """``Timeline.ready`` row: in the endpoints from ``start`` to ``end``."""
    start: float
    end: float


class Restart(NamedTuple):
    """``Timeline.restarts`` row: the container exited at ``exit_time``, the kubelet waited
    ``delay`` (CrashLoopBackOff) and started it at ``restart_time`` (possibly after the horizon)."""
    exit_time: float
    delay: float
    restart_time: float


@dataclass
class Timeline:
    """Result of :func:`simulate` (all times in seconds since the Pod started).

    - ``probes``: [ProbeResult] in start order
    - ``runs``: [ContainerRun]
    - ``states``: [StateSegment(start, end, state)], state in "starting" (running, startup probe
      not yet passed), "running" (started), "restarting" (exited, waiting: CrashLoopBackOff)
    - ``ready``: [Interval(start, end)] where the container is Ready, i.e. in the endpoints
    - ``restarts``: [Restart(exit_time, delay, restart_time)], one per exit up to the horizon
      (its restart may fall after it); ``restart_count`` counts the restarts that happened
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


def _backoff_bounds(max_container_restart_period: object) -> tuple[float, float]:
    """[BACKOFF-MAX] (initial, cap) for a node's ``crashLoopBackOff.maxContainerRestartPeriod``."""
    m = max_container_restart_period
    if not isinstance(m, numbers.Real) or isinstance(m, bool) or not math.isfinite(m) or not 1 <= m <= 300:
        raise ValueError(f"maxContainerRestartPeriod: Invalid value: {m!r}: 必须在 1 s 到 300 s 之间"
                         "（KubeletConfiguration crashLoopBackOff.maxContainerRestartPeriod）")
    cap = float(m)
    return min(BACKOFF_INITIAL_SECONDS, cap), cap


def restart_delay(k: int, max_container_restart_period: float = BACKOFF_MAX_SECONDS) -> float:
    """Back-off delay before the ``k``-th back-off restart (k = 0, 1, …): min(10·2^k, 300) s.

    [K8S-POD-LIFECYCLE]/[BACKOFF]: the first restart after a crash is immediate (no back-off
    entry yet); the ``k``-th *following* restart waits ``min(initial·2^k, cap)`` seconds, with
    cap = the node's ``maxContainerRestartPeriod`` (default 300 s) and initial = min(10 s, cap)
    [BACKOFF-MAX].
    """
    if not _is_int(k) or k < 0:
        raise ValueError(f"k: Invalid value: {k!r}: 必须是 ≥ 0 的整数")
    initial, cap = _backoff_bounds(max_container_restart_period)
    return min(initial * 2.0 ** min(k, 64), cap)


# ---------------------------------------------------------------------------------------------
# simulation

_EV_EXIT, _EV_START, _EV_DONE, _EV_TICK = 0, 1, 2, 3   # order of events at equal times
_KIND_ORDER = {"startup": 0, "liveness": 1, "readiness": 2}
_INITIAL = {"readiness": False, "liveness": True, "startup": None}   # [WORKER] initialValue


class _Worker:
    __slots__ = ("kind", "spec", "phase", "last_result", "result_run", "on_hold", "result", "tick",
                 "busy", "tick_pending")

    def __init__(self, kind: str, spec: ProbeSpec, phase: float) -> None:
        self.kind = kind
        self.spec = spec
        self.phase = phase
        self.last_result: Optional[bool] = None   # results.Unknown
        self.result_run = 0
        self.on_hold = False
        self.result: Optional[bool] = _INITIAL[kind]
        self.tick = phase         # the latest ticker tick consumed
        self.busy = False         # a probe is running
        self.tick_pending = False  # a tick arrived while probing (the ticker's 1-slot channel)

    def next_tick_after(self, c: float) -> float:
        """Go ticker semantics [WORKER run]: ticks at phase + k·period; one missed tick is buffered."""
        p = self.spec.periodSeconds
        nxt = self.tick + p
        if nxt <= c + 1e-12:          # a tick passed while probing: run again right away
            self.tick = self.phase + math.floor((c + 1e-12 - self.phase) / p) * p
            return c
        self.tick = nxt
        return nxt


def _check_phase(probe_phase: object, specs: dict) -> dict:
    """``probe_phase``: one number for every worker or ``{kind: seconds}``; each in [0, period)."""
    phases = probe_phase if isinstance(probe_phase, dict) else {k: probe_phase for k in specs}
    unknown = set(phases) - set(PROBE_KINDS)
    if unknown:
        raise ValueError(f"probe_phase: 未知的探针类型 {sorted(unknown)}")
    out = {}
    for kind, spec in specs.items():
        v = phases.get(kind, 0.0)
        if not isinstance(v, numbers.Real) or isinstance(v, bool) or not 0 <= v < spec.periodSeconds:
            raise ValueError(f"probe_phase[{kind}]: Invalid value: {v!r}: 必须在 [0, periodSeconds={spec.periodSeconds}) 之间")
        out[kind] = float(v)
    return out


class _ProbeSim:
    """The kubelet's probe workers and restart back-off for one container: one handler per event
    (:meth:`on_exit`, :meth:`on_start`, :meth:`on_tick`, :meth:`on_done`)."""

    def __init__(self, app: AppBehavior, specs: dict, horizon: float, grace: float, backoff: tuple,
                 phases: dict, on_demand: bool) -> None:
        self.app, self.horizon, self.grace, self.on_demand = app, horizon, grace, on_demand
        self.backoff_initial, self.backoff_max = backoff
        self.tl = Timeline(horizon=horizon, specs=dict(specs))
        self.workers = {k: _Worker(k, s, phases[k]) for k, s in specs.items()}
        self.heap: list = []
        self.seq = 0
        self.run_idx, self.run_start = -1, 0.0
        self.running = self.started = self.killing = False
        self.run_started_at: Optional[float] = None
        self.run_killed_at: Optional[float] = None
        self.hung_run: Optional[int] = None
        self.backoff: Optional[float] = None    # [BACKOFF] per-container entry: current back-off
        self.backoff_update = 0.0               # entry.lastUpdate (the last restart)
        self.finished_at = 0.0                  # FinishedAt of the exited container
        self.state, self.state_since = "starting", 0.0
        self.ready, self.ready_since = False, 0.0

    # -- bookkeeping -----------------------------------------------------------------------
    def push(self, t: float, ev: int, kind: str = "", payload: object = None) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, ev, _KIND_ORDER.get(kind, 0), self.seq, kind, payload))

    def set_state(self, t: float, new: str) -> None:
        if new == self.state:
            return
        if t > self.state_since:
            self.tl.states.append(StateSegment(self.state_since, t, self.state))
        self.state, self.state_since = new, t
        last = self.tl.states[-1] if self.tl.states else None
        if last is not None and last.state == new and last.end == t:   # an instant restart: one segment
            self.tl.states.pop()
            self.state_since = last.start

    def update_ready(self, t: float) -> None:
        """Ready = running and started and (readiness result success, or no readiness probe)."""
        w = self.workers.get("readiness")
        r = self.running and self.started and (w.result is True if w is not None else True)
        if r != self.ready:
            if self.ready and t > self.ready_since:
                self.tl.ready.append(Interval(self.ready_since, t))
            self.ready, self.ready_since = r, t

    def mark_started(self, t: float) -> None:
        self.started, self.run_started_at = True, t
        self.set_state(t, "running")
        w = self.workers.get("readiness")
        if self.on_demand and w is not None and not w.busy:
            self.push(t, _EV_TICK, "readiness", "manual")      # [MANAGER] manualTriggerCh

    def start_container(self, t: float) -> None:
        self.run_idx += 1
        self.run_start, self.running, self.killing = t, True, False
        self.run_killed_at, self.started, self.run_started_at = None, False, None
        for w in self.workers.values():           # new container ID: initial value, hold released
            w.on_hold = False
            w.result = _INITIAL[w.kind]
        self.set_state(t, "starting")
        if "startup" not in self.workers:         # no startup probe: started at once [WORKER]
            self.mark_started(t)
        if self.app.crashAfterSeconds is not None:
            self.push(t + self.app.crashAfterSeconds, _EV_EXIT, "", (self.run_idx, "crash"))
        self.update_ready(t)

    def is_hung(self, t: float) -> bool:
        hang = self.app.hangAt
        return hang is not None and hang <= t and (
            self.hung_run == self.run_idx or (self.hung_run is None and self.run_start <= hang))

    def probe_outcome(self, kind: str, spec: ProbeSpec, t: float) -> tuple:
        if self.is_hung(t):
            return False, "hung", float(spec.timeoutSeconds)
        if t - self.run_start < self.app.startupSeconds:
            return False, "starting", 0.0
        r = self.app.response_at(t)
        if r > spec.timeoutSeconds:     # [K8S-PROBE-TASK] timeoutSeconds
            return False, "timeout", float(spec.timeoutSeconds)
        if kind == "readiness" and any(a <= t < b for a, b in self.app.readinessFailIntervals):
            return False, "not-ready", r
        return True, "ok", r

    def kill(self, t: float, w: _Worker) -> None:
        """[WORKER] onHold until a new container, resultRun reset; the kubelet kills it [GRACE]."""
        w.on_hold, w.result_run = True, 0
        self.killing, self.run_killed_at = True, t
        grace = w.spec.terminationGracePeriodSeconds
        grace = self.grace if grace is None else float(grace)
        self.push(t + (grace if self.is_hung(t) else 0.0), _EV_EXIT, "", (self.run_idx, w.kind))

    # -- handlers --------------------------------------------------------------------------
    def on_exit(self, t: float, payload: tuple) -> None:
        ridx, reason = payload
        if ridx != self.run_idx or not self.running:
            return
        self.running = False
        self.hung_run = None if self.hung_run == ridx else self.hung_run
        self.tl.runs.append(ContainerRun(ridx, self.run_start, t, reason, self.run_started_at, self.run_killed_at))
        self.update_ready(t)
        self.finished_at = t
        # [BACKOFF] doBackOff: no (or expired) entry -> restart now; else wait entry.backoff
        delay = 0.0 if self.backoff is None or self._expired() else self.backoff
        self.set_state(t, "restarting")
        self.tl.restarts.append(Restart(t, delay, t + delay))
        self.push(t + delay, _EV_START)

    def _expired(self) -> bool:
        # kubelet HasExpiredFunc: eventTime (FinishedAt) - lastUpdate (last restart) > 600 s
        return self.finished_at - self.backoff_update > BACKOFF_RESET_SECONDS

    def on_start(self, t: float) -> None:
        # [BACKOFF] Next(key, FinishedAt): new entry, or double (capped); lastUpdate = now
        if self.backoff is None or self._expired():
            self.backoff = self.backoff_initial
        else:
            self.backoff = min(self.backoff * 2.0, self.backoff_max)
        self.backoff_update = t
        self.tl.restart_count += 1
        self.start_container(t)

    def on_tick(self, t: float, kind: str, payload: object) -> None:
        w = self.workers[kind]
        manual = payload == "manual"
        if w.busy:                               # a tick while probing waits in the channel
            w.tick_pending = w.tick_pending or not manual
            return
        skip = (not self.running or w.on_hold
                or int(t - self.run_start) < w.spec.initialDelaySeconds   # [WORKER] int32 truncation
                or (kind == "startup") == self.started)                   # startup gates the others
        if skip:
            if not self.running and kind == "readiness":
                w.result = False
            if not manual:
                self.push(w.next_tick_after(t), _EV_TICK, kind)
            return
        if self.app.hangAt is not None and self.hung_run is None and self.run_start <= self.app.hangAt <= t:
            self.hung_run = self.run_idx
        ok, reason, dur = self.probe_outcome(kind, w.spec, t)
        self.tl.probes.append(ProbeResult(t, kind, ok, reason, self.run_idx, dur))
        w.busy = True
        self.push(t + dur, _EV_DONE, kind, (self.run_idx, ok, manual))

    def on_done(self, t: float, kind: str, payload: tuple) -> None:
        w = self.workers[kind]
        ridx, ok, manual = payload
        w.busy = False
        if not manual:
            self.push(w.next_tick_after(t), _EV_TICK, kind)
        elif w.tick_pending:
            w.tick_pending = False
            self.push(t, _EV_TICK, kind)
        if ridx != self.run_idx or not self.running:
            return
        if w.last_result == ok:
            w.result_run += 1
        else:
            w.last_result, w.result_run = ok, 1
        if (not ok and w.result_run < w.spec.failureThreshold) or (ok and w.result_run < w.spec.successThreshold):
            return                       # below threshold: keep the previous result
        w.result = ok
        if kind == "startup" and ok and not self.started:
            self.mark_started(t)
        if kind in ("liveness", "startup") and not ok and not self.killing:
            self.kill(t, w)
        self.update_ready(t)

    # -- main loop -------------------------------------------------------------------------
    def run(self) -> Timeline:
        self.start_container(0.0)
        for kind, w in self.workers.items():
            self.push(w.phase, _EV_TICK, kind)
        while self.heap:
            t, ev, _o, _s, kind, payload = heapq.heappop(self.heap)
            if t > self.horizon:
                break
            if ev == _EV_EXIT:
                self.on_exit(t, payload)
            elif ev == _EV_START:
                self.on_start(t)
            elif ev == _EV_TICK:
                self.on_tick(t, kind, payload)
            else:
                self.on_done(t, kind, payload)
        return self.close()

    def close(self) -> Timeline:
        """Close the open intervals at the horizon."""
        tl, horizon = self.tl, self.horizon
        if self.running:
            tl.runs.append(ContainerRun(self.run_idx, self.run_start, None, "horizon", self.run_started_at,
                                        self.run_killed_at))
        if horizon > self.state_since:
            tl.states.append(StateSegment(self.state_since, horizon, self.state))
        if self.ready and horizon > self.ready_since:
            tl.ready.append(Interval(self.ready_since, horizon))
        tl.probes = [p for p in tl.probes if p.time <= horizon]
        tl.restarts = [r for r in tl.restarts if r[0] <= horizon]
        return tl


def _seconds(name: str, value: object) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是 ≥ 0 的秒数")
    return float(value)


def simulate(
    app: AppBehavior = AppBehavior(),
    *,
    livenessProbe: Optional[ProbeSpec] = None,
    readinessProbe: Optional[ProbeSpec] = None,
    startupProbe: Optional[ProbeSpec] = None,
    horizon: float = 300.0,
    terminationGracePeriodSeconds: float = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
    maxContainerRestartPeriod: float = BACKOFF_MAX_SECONDS,
    probe_phase: Union[float, dict] = 0.0,
    readiness_on_demand: bool = False,
) -> Timeline:
    """Simulate the kubelet probing one container from t = 0 to ``horizon`` seconds.

    - ``terminationGracePeriodSeconds``: the Pod's grace period (default 30 s) [GRACE]; a
      probe's own ``terminationGracePeriodSeconds`` overrides it for its kills. A responsive
      container stops at SIGTERM; a hung one runs until SIGKILL at the end of the grace period.
    - ``maxContainerRestartPeriod``: the node's CrashLoopBackOff cap, 1–300 s [BACKOFF-MAX].
    - ``probe_phase``: when each worker's ticker ticks, ``phase + k × periodSeconds`` (a number or
      ``{kind: seconds}``, each in [0, periodSeconds)) [WORKER].
    - ``readiness_on_demand``: also probe readiness the moment a container becomes started
      [MANAGER].

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
    grace = _seconds("terminationGracePeriodSeconds", terminationGracePeriodSeconds)
    if not isinstance(readiness_on_demand, bool):
        raise ValueError(f"readiness_on_demand: Invalid value: {readiness_on_demand!r}: 必须是 True 或 False")
    sim = _ProbeSim(app, specs, float(horizon), grace, _backoff_bounds(maxContainerRestartPeriod),
                    _check_phase(probe_phase, specs), readiness_on_demand)
    return sim.run()


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
        title="应用在 t=120 s 死锁（hang）：liveness 超时 3 次后 kubelet 发 SIGTERM，30 s 宽限期后 SIGKILL 并重启",
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
