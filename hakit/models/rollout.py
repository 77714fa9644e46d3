"""滚动更新 (RollingUpdate)：Kubernetes Deployment 控制器的精确语义（整数运算，不是近似）。

Kubernetes Deployment controller semantics for ``strategy.type: RollingUpdate``.

Sources (read upstream, not copied; each rule below names its source):

- [ROLLING] kubernetes/kubernetes ``pkg/controller/deployment/rolling.go``:
  ``rolloutRolling``, ``reconcileNewReplicaSet``, ``reconcileOldReplicaSets``,
  ``cleanupUnhealthyReplicas``, ``scaleDownOldReplicaSetsForRollingUpdate``.
- [UTIL] ``pkg/controller/deployment/util/deployment_util.go``: ``ResolveFenceposts``,
  ``NewRSNewReplicas``, ``MaxUnavailable``, ``MaxSurge``, ``DeploymentComplete``,
  ``DeploymentProgressing``, ``DeploymentTimedOut``.
- [INTSTR] ``staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go``:
  ``GetScaledValueFromIntOrPercent`` (a string must end in ``%``; ``ceil`` when rounding up,
  ``floor`` otherwise).
- [VALIDATION] ``pkg/apis/apps/validation/validation.go``: ``ValidateRollingUpdateDeployment``,
  ``ValidatePositiveIntOrPercent``, ``IsNotMoreThan100Percent``, ``ValidateDeploymentSpec``
  (progressDeadlineSeconds must be greater than minReadySeconds).
- [PROGRESS] ``pkg/controller/deployment/progress.go``: ``syncRolloutStatus`` (Progressing
  condition reasons NewReplicaSetCreated / ReplicaSetUpdated / NewReplicaSetAvailable /
  ProgressDeadlineExceeded) and ``requeueStuckDeployment`` (resync at
  lastUpdateTime + progressDeadlineSeconds + 1 s).
- [SYNC] ``pkg/controller/deployment/sync.go``: ``calculateStatus`` (Available condition
  MinimumReplicasAvailable iff available >= replicas - MaxUnavailable) and ``getNewReplicaSet``
  (a new ReplicaSet is created with ``NewRSNewReplicas`` pods; the Progressing condition becomes
  NewReplicaSetCreated).
- [RSCTRL] ``pkg/controller/replicaset/replica_set.go`` / ``controller_utils.go``
  (``ActivePodsWithRanks``): when a ReplicaSet scales down it deletes not-ready pods first, then
  the pods that have been ready for the shortest time.

The simulation's timing model (documented simplifications, everything else follows the source):

* Informers have zero latency: creating/deleting pods and updating ReplicaSet status is instant.
* The Deployment controller syncs whenever a pod changes state (becomes ready or available), at
  the rollback, and at the requeue time of ``requeueStuckDeployment``. Each sync is one
  ``rolloutRolling``; because a ReplicaSet update re-enqueues the Deployment, the controller
  syncs again at the same instant until a sync changes nothing.
* A pod of a good template becomes ready ``startup_seconds`` after creation and available
  ``min_ready_seconds`` later. With ``new_version_ready=False`` (bad image) revision-2 pods never
  become ready. Revision-1 pods that exist at t = 0 are ready and available.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Optional, Union

__all__ = [
    "IntOrPercent", "resolve_fenceposts", "max_surge", "max_unavailable", "new_rs_new_replicas",
    "new_rs_target", "old_rs_target", "cleanup_unhealthy_replicas", "scale_down_old_replica_sets", "validate_strategy", "parse_int_or_percent",
    "Step", "Rollout", "simulate",
]

IntOrPercent = Union[int, str, None]

_FIELD = "spec.strategy.rollingUpdate"
# [INTSTR] the controller accepts anything strconv.Atoi parses before the "%".
_CTRL_PERCENT = re.compile(r"^[+-]?[0-9]+%$")
# [VALIDATION] utilvalidation.IsValidPercent: ^[0-9]+%$
_API_PERCENT = re.compile(r"^[0-9]+%$")


def _fmt(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def _check_count(name: str, value: object, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: Invalid value: {_fmt(value)}: 必须是整数（int），且 >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name}: Invalid value: {value}: 必须大于或等于 {minimum}")
    return value


def _check_type(name: str, value: object) -> None:
    if value is None or isinstance(value, str):
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"{_FIELD}.{name}: Invalid value: {_fmt(value)}: 必须是整数或百分比字符串（例如 5 或 '25%'）")


def _scaled(name: str, value: IntOrPercent, total: int, round_up: bool) -> int:
    """[INTSTR] GetScaledValueFromIntOrPercent(ValueOrDefault(value, 0), total, roundUp)."""
    _check_type(name, value)
    if value is None:  # [UTIL] intstrutil.ValueOrDefault(x, FromInt32(0))
        return 0
    if isinstance(value, int):
        return value
    if not _CTRL_PERCENT.match(value):
        raise ValueError(
            f"{_FIELD}.{name}: Invalid value: {_fmt(value)}: 必须是整数或百分比（例如 5 或 '5%'），"
            "字符串必须以 % 结尾")
    pct = int(value[:-1])
    product = pct * total
    # exact integer ceil/floor of pct*total/100 (Go: math.Ceil/math.Floor of the float quotient)
    return -((-product) // 100) if round_up else product // 100


def parse_int_or_percent(text: object) -> IntOrPercent:
    """Turn user input into an IntOrString value: ``"3"`` -> 3, ``" 25% "`` -> ``"25%"``.

    For widgets and notebooks (a YAML ``maxSurge: 3`` is an int, ``maxSurge: "25%"`` a string).
    Anything else raises ``ValueError`` (never guessed or clamped).
    """
    if isinstance(text, bool):
        raise ValueError(f"Invalid value: {text}: 必须是整数或百分比（例如 1 或 25%）")
    if isinstance(text, int) or text is None:
        return text
    if not isinstance(text, str):
        raise ValueError(f"Invalid value: {text!r}: 必须是整数或百分比（例如 1 或 25%）")
    s = text.strip()
    if re.fullmatch(r"[+-]?[0-9]+", s):
        return int(s)
    if _CTRL_PERCENT.match(s):
        return s
    raise ValueError(f"Invalid value: {_fmt(text)}: 必须是整数或百分比（例如 1 或 25%）")


def resolve_fenceposts(max_surge: IntOrPercent, max_unavailable: IntOrPercent, replicas: int) -> tuple[int, int]:
    """``ResolveFenceposts`` [UTIL]: ``(surge, unavailable)`` for ``replicas`` desired pods.

    Percentages are scaled against ``replicas``: surge rounds up, unavailable rounds down
    [INTSTR]; ``None`` counts as 0. If both resolve to 0 (e.g. ``"1%"`` of 10 rounds down to 0),
    unavailable becomes 1 "on the theory that surge might not work due to quota" [UTIL].
    A string that is not a percentage raises ``ValueError``.

    >>> resolve_fenceposts("25%", "25%", 10)
    (3, 2)
    """
    _check_count("spec.replicas", replicas)
    surge = _scaled("maxSurge", max_surge, replicas, True)
    unavailable = _scaled("maxUnavailable", max_unavailable, replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent = None) -> int:
    """``MaxSurge(deployment)`` [UTIL]: the resolved surge."""
    return resolve_fenceposts(max_surge, max_unavailable, replicas)[0]


def max_unavailable(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent) -> int:
    """``MaxUnavailable(deployment)`` [UTIL]: 0 when replicas is 0, never more than replicas."""
    _, unavailable = resolve_fenceposts(max_surge, max_unavailable, replicas)
    if replicas == 0:
        return 0
    return min(unavailable, replicas)


def new_rs_new_replicas(replicas: int, max_surge: IntOrPercent, all_pods: int, new_replicas: int) -> int:
    """``NewRSNewReplicas`` for RollingUpdate [UTIL], exactly: ``all_pods`` is the sum of
    spec.replicas over the ReplicaSets the controller passes in.

    If ``all_pods >= replicas + maxSurge`` the new ReplicaSet keeps its size; otherwise it grows by
    ``min(replicas + maxSurge - all_pods, replicas - new_replicas)``.
    """
    _check_count("spec.replicas", replicas)
    _check_count("allPods", all_pods)
    _check_count("newReplicaSet.spec.replicas", new_replicas)
    surge = _scaled("maxSurge", max_surge, replicas, True)
    max_total = replicas + surge
    if all_pods >= max_total:
        return new_replicas
    return new_replicas + min(max_total - all_pods, replicas - new_replicas)


def _new_target(replicas: int, surge: int, old_replicas: int, new_replicas: int) -> int:
    """reconcileNewReplicaSet with a resolved surge (no validation; used by :func:`simulate`)."""
    if new_replicas >= replicas:
        return replicas
    all_pods = old_replicas + new_replicas
    if all_pods >= replicas + surge:
        return new_replicas
    return new_replicas + min(replicas + surge - all_pods, replicas - new_replicas)


def new_rs_target(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent,
                  old_replicas: int, new_replicas: int) -> int:
    """Size of the new ReplicaSet after one ``reconcileNewReplicaSet`` step [ROLLING].

    * new == replicas: unchanged; new > replicas: scaled down to replicas.
    * otherwise ``NewRSNewReplicas`` [UTIL]: if all pods (old + new) already reach
      ``replicas + maxSurge`` nothing happens; else scale up by
      ``min(replicas + maxSurge - allPods, replicas - new)``.

    ``max_unavailable`` is parsed (a bad value raises) but does not enter the formula.
    """
    _check_count("spec.replicas", replicas)
    _check_count("oldReplicaSet.spec.replicas", old_replicas)
    _check_count("newReplicaSet.spec.replicas", new_replicas)
    resolve_fenceposts(max_surge, max_unavailable, replicas)  # validates both values
    if new_replicas == replicas:
        return new_replicas
    if new_replicas > replicas:
        return replicas
    return new_rs_new_replicas(replicas, max_surge, old_replicas + new_replicas, new_replicas)


def cleanup_unhealthy_replicas(old_replicas: int, old_available: int, max_cleanup_count: int) -> int:
    """``cleanupUnhealthyReplicas`` [ROLLING] for one old ReplicaSet: how many pods it removes.

    ``min(maxCleanupCount, spec.replicas - status.availableReplicas)`` (0 if the RS is empty or
    has no unhealthy pods, or maxCleanupCount <= 0).
    """
    _check_count("oldReplicaSet.spec.replicas", old_replicas)
    _check_count("oldReplicaSet.status.availableReplicas", old_available)
    if isinstance(max_cleanup_count, bool) or not isinstance(max_cleanup_count, int):
        raise ValueError(f"maxCleanupCount: Invalid value: {_fmt(max_cleanup_count)}: 必须是整数")
    if max_cleanup_count <= 0 or old_replicas == 0 or old_replicas == old_available:
        return 0
    return max(0, min(max_cleanup_count, old_replicas - old_available))


def scale_down_old_replica_sets(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent,
                                old_replicas: int, available: int) -> int:
    """``scaleDownOldReplicaSetsForRollingUpdate`` [ROLLING] for one old ReplicaSet: its new size.

    ``available`` is the available pod count over *all* ReplicaSets (from their status). Nothing
    happens unless ``available > replicas - MaxUnavailable``; then the old RS loses
    ``min(old_replicas, available - minAvailable)`` pods.
    """
    _check_count("spec.replicas", replicas)
    _check_count("oldReplicaSet.spec.replicas", old_replicas)
    _check_count("availableReplicas", available)
    min_available = replicas - globals()["max_unavailable"](replicas, max_surge, max_unavailable)
    if available <= min_available or old_replicas == 0:
        return old_replicas
    return old_replicas - min(old_replicas, available - min_available)


def _old_rs_step(replicas: int, unavailable: int, old_replicas: int, old_available: int,
                 new_replicas: int, new_available: int) -> tuple[int, int, int]:
    """reconcileOldReplicaSets for one old RS: returns (new size, cleaned, scaled down)."""
    if old_replicas == 0:
        return old_replicas, 0, 0
    all_pods = old_replicas + new_replicas
    min_available = replicas - unavailable
    new_unavailable = new_replicas - new_available
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return old_replicas, 0, 0
    cleaned = cleanup_unhealthy_replicas(old_replicas, old_available, max_scaled_down)
    size = old_replicas - cleaned
    # scaleDownOldReplicaSetsForRollingUpdate: availability from ReplicaSet *status* (unchanged
    # by the cleanup, whose pods were not available anyway).
    available = old_available + new_available
    scaled = 0
    if available > min_available and size > 0:
        scaled = min(size, available - min_available)
        size -= scaled
    return size, cleaned, scaled


def old_rs_target(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent,
                  old_replicas: int, old_available: int, new_replicas: int, new_available: int) -> int:
    """Size of the single old ReplicaSet after one ``reconcileOldReplicaSets`` step [ROLLING].

    ``maxScaledDown = allPods - minAvailable - (new.spec.replicas - new.availableReplicas)``
    with ``minAvailable = replicas - MaxUnavailable``; nothing happens if it is <= 0. Otherwise
    unhealthy old pods are cleaned up first (at most maxScaledDown), then old pods are scaled
    down while ``available > minAvailable`` (available counted from ReplicaSet status).
    """
    _check_count("spec.replicas", replicas)
    for name, value in (("oldReplicaSet.spec.replicas", old_replicas),
                        ("oldReplicaSet.status.availableReplicas", old_available),
                        ("newReplicaSet.spec.replicas", new_replicas),
                        ("newReplicaSet.status.availableReplicas", new_available)):
        _check_count(name, value)
    if old_available > old_replicas:
        raise ValueError(f"oldReplicaSet.status.availableReplicas: Invalid value: {old_available}: "
                         f"不能大于 oldReplicaSet.spec.replicas（{old_replicas}）")
    if new_available > new_replicas:
        raise ValueError(f"newReplicaSet.status.availableReplicas: Invalid value: {new_available}: "
                         f"不能大于 newReplicaSet.spec.replicas（{new_replicas}）")
    unavailable = globals()["max_unavailable"](replicas, max_surge, max_unavailable)
    return _old_rs_step(replicas, unavailable, old_replicas, old_available, new_replicas, new_available)[0]


def validate_strategy(max_surge: IntOrPercent, max_unavailable: IntOrPercent,
                      replicas: Optional[int] = None) -> None:
    """The API server's ``ValidateRollingUpdateDeployment`` [VALIDATION]; raises ``ValueError``.

    * each value: an int >= 0 or a string ``^[0-9]+%$`` ("must be an integer or percentage");
    * maxUnavailable as a percentage must not be over 100%;
    * both 0 is invalid: ``spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0:
      may not be 0 when `maxSurge` is 0``.

    ``None`` counts as 0 here, like :func:`resolve_fenceposts` (the real API server defaults an
    omitted field to ``25%`` before validating). ``replicas``, if given, must be an int >= 0.
    All errors are collected and joined with "; ".
    """
    errors: list[str] = []
    if replicas is not None:
        try:
            _check_count("spec.replicas", replicas)
        except ValueError as exc:
            errors.append(str(exc))
    values = {}
    for name, value in (("maxUnavailable", max_unavailable), ("maxSurge", max_surge)):
        path = f"{_FIELD}.{name}"
        if value is None:
            values[name] = 0
        elif isinstance(value, bool) or not isinstance(value, (int, str)):
            errors.append(f"{path}: Invalid value: {_fmt(value)}: 必须是整数或百分比（例如 '5%'）")
        elif isinstance(value, str):
            if not _API_PERCENT.match(value):
                if re.fullmatch(r"-[0-9]+%", value):
                    errors.append(f"{path}: Invalid value: {_fmt(value)}: 必须大于或等于 0")
                else:
                    errors.append(f"{path}: Invalid value: {_fmt(value)}: "
                                  "必须是整数或百分比（例如 '5%'）（must be an integer or percentage (e.g '5%')）")
            else:
                values[name] = int(value[:-1])
                if name == "maxUnavailable" and values[name] > 100:
                    errors.append(f"{path}: Invalid value: {_fmt(value)}: 不能大于 100%（must not be greater than 100%）")
        else:
            if value < 0:
                errors.append(f"{path}: Invalid value: {value}: 必须大于或等于 0（must be greater than or equal to 0）")
            values[name] = value
    if values.get("maxUnavailable") == 0 and values.get("maxSurge") == 0:
        shown = _fmt(max_unavailable if max_unavailable is not None else 0)
        errors.append(f"{_FIELD}.maxUnavailable: Invalid value: {shown}: 不能与 maxSurge 同时为 0"
                      "（may not be 0 when `maxSurge` is 0）")
    if errors:
        raise ValueError("; ".join(errors))


# ----------------------------------------------------------------------------- simulation

@dataclass
class Step:
    """The Deployment after one controller sync (``action`` says what the sync did)."""
    time: float
    action: str
    old_replicas: int
    new_replicas: int
    old_ready: int
    old_not_ready: int
    old_available: int
    new_ready: int
    new_not_ready: int
    new_available: int
    total_pods: int
    available: int
    progressing: str          # "True" / "False" ("" when progressDeadlineSeconds is None: no condition)
    progressing_reason: str   # NewReplicaSetCreated / ReplicaSetUpdated / NewReplicaSetAvailable / ProgressDeadlineExceeded
    available_condition: str  # "True" (MinimumReplicasAvailable) / "False" (MinimumReplicasUnavailable)
    rolled_back: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Rollout:
    """Result of :func:`simulate`.

    ``old``/``new`` always mean revision 1 / revision 2 (the bad or updated template), also after
    a rollback, so that a figure's colours stay stable; ``rolled_back`` on a step says which one
    the controller treats as new.
    """
    replicas: int
    max_surge: int
    max_unavailable: int
    startup_seconds: float
    min_ready_seconds: float
    progress_deadline_seconds: Optional[float]
    new_version_ready: bool
    rollback_at: Optional[float]
    steps: list[Step] = field(default_factory=list)
    complete: bool = False
    completed_at: Optional[float] = None
    deadline_exceeded_at: Optional[float] = None

    @property
    def min_available(self) -> int:
        """``replicas - MaxUnavailable``: the floor the controller keeps (from available pods)."""
        return self.replicas - self.max_unavailable

    @property
    def max_total(self) -> int:
        """``replicas + maxSurge``: the ceiling on all pods."""
        return self.replicas + self.max_surge

    def column(self, name: str) -> list:
        return [getattr(s, name) for s in self.steps]

    def as_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k != "steps"}
        d["steps"] = [s.as_dict() for s in self.steps]
        return d


class _RS:
    """One ReplicaSet: spec.replicas and its pods grouped in cohorts created at the same instant.

    Cohorts are only appended (newest) and removed from the end (the ReplicaSet controller
    deletes the newest pods first [RSCTRL]), so creation times stay sorted and a running prefix
    sum gives ready/available counts with a binary search.
    """

    __slots__ = ("replicas", "created", "prefix", "good")

    def __init__(self, good: bool):
        self.replicas = 0
        self.created: list[float] = []   # creation time of each cohort, ascending
        self.prefix: list[int] = []      # pods in cohorts[0..i]
        self.good = good

    def pods(self) -> int:
        return self.prefix[-1] if self.prefix else 0

    def sync_pods(self, now: float) -> None:
        """The ReplicaSet controller: create or delete pods to match spec.replicas [RSCTRL]."""
        diff = self.replicas - self.pods()
        if diff > 0:
            if self.created and self.created[-1] == now:
                self.prefix[-1] += diff
            else:
                self.created.append(now)
                self.prefix.append(self.pods() + diff)
        elif diff < 0:  # delete the newest pods: not ready, or ready for the shortest time
            target = self.replicas
            while self.prefix and (self.prefix[-2] if len(self.prefix) > 1 else 0) >= target:
                self.prefix.pop()
                self.created.pop()
            if self.prefix:
                self.prefix[-1] = target

    def _upto(self, t: float) -> int:
        i = bisect_right(self.created, t)
        return self.prefix[i - 1] if i else 0

    def counts(self, now: float, startup: float, min_ready: float) -> tuple[int, int]:
        """(ready, available) at ``now``."""
        if not self.good:
            return 0, 0
        return self._upto(now - startup), self._upto(now - startup - min_ready)

    def next_change(self, now: float, startup: float, min_ready: float) -> float:
        if not self.good:
            return math.inf
        best = math.inf
        for delay in (startup, startup + min_ready):
            i = bisect_right(self.created, now - delay)
            if i < len(self.created):
                t = self.created[i] + delay
                if now < t < best:
                    best = t
        return best


_COMPARED = tuple(k for k in Step.__dataclass_fields__ if k not in ("time", "action"))


def _check_seconds(name: str, value: object, allow_none: bool = False) -> Optional[float]:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name}: Invalid value: {_fmt(value)}: 必须是有限的数字（秒）")
    if value < 0:
        raise ValueError(f"{name}: Invalid value: {value}: 必须大于或等于 0")
    return float(value)


def simulate(replicas: int, max_surge: IntOrPercent = "25%", max_unavailable: IntOrPercent = "25%",
             startup_seconds: float = 10, min_ready_seconds: float = 0,
             progress_deadline_seconds: Optional[float] = 600, new_version_ready: bool = True,
             rollback_at: Optional[float] = None, until: Optional[float] = None,
             max_syncs: int = 100_000) -> Rollout:
    """Discrete-event rolling update of a Deployment from revision 1 to revision 2 at t = 0.

    Parameters use the Kubernetes API names: ``maxSurge``/``maxUnavailable`` (int, ``"25%"`` or
    None), ``minReadySeconds``, ``progressDeadlineSeconds`` (None = no deadline). Pods take
    ``startup_seconds`` to pass their readinessProbe. ``new_version_ready=False`` models a bad
    image / failing readinessProbe; ``rollback_at`` (seconds) models ``kubectl rollout undo``:
    the revision-1 ReplicaSet becomes the new one again.

    ``progress_deadline_seconds=None`` means no deadline: as upstream, the Deployment then has no
    Progressing condition at all (``progressing`` and ``progressing_reason`` are ``""``) and never
    times out; ``Rollout.complete`` / ``completed_at`` still report completion.

    The run stops when nothing else can happen (complete, or stalled with no pending event), or
    at ``until`` seconds. See the module docstring for the timing model.
    """
    _check_count("spec.replicas", replicas)
    validate_strategy(max_surge, max_unavailable, replicas)
    startup = _check_seconds("startup_seconds", startup_seconds)
    min_ready = _check_seconds("spec.minReadySeconds", min_ready_seconds)
    deadline = _check_seconds("spec.progressDeadlineSeconds", progress_deadline_seconds, allow_none=True)
    if deadline is not None and deadline <= min_ready:
        raise ValueError(f"spec.progressDeadlineSeconds: Invalid value: {progress_deadline_seconds}: "
                         "必须大于 minReadySeconds（must be greater than minReadySeconds）")
    rollback = _check_seconds("rollback_at", rollback_at, allow_none=True)
    stop_at = _check_seconds("until", until, allow_none=True)
    if not isinstance(new_version_ready, bool):
        raise ValueError(f"new_version_ready: Invalid value: {new_version_ready!r}: 必须是 True 或 False")

    surge, _ = resolve_fenceposts(max_surge, max_unavailable, replicas)
    unavailable = globals()["max_unavailable"](replicas, max_surge, max_unavailable)
    min_available = replicas - unavailable

    v1 = _RS(good=True)
    v1.replicas = replicas
    if replicas:
        v1.created, v1.prefix = [-math.inf], [replicas]
    v2 = _RS(good=new_version_ready)
    result = Rollout(replicas, surge, unavailable, startup, min_ready, deadline,
                     new_version_ready, rollback)

    # Deployment status as last written: (replicas, updated, ready, available) + conditions.
    status = {"replicas": replicas, "updated": replicas, "ready": replicas, "available": replicas}
    cond = {"status": "True", "reason": "NewReplicaSetAvailable", "updated": -math.inf}
    state = {"rolled_back": False, "created": False, "complete": False}

    def label(rs: _RS) -> str:
        role = "新" if rs is roles()[1] else "旧"
        return f"{role} ReplicaSet（修订版 {1 if rs is v1 else 2}）"

    def roles() -> tuple[_RS, _RS]:
        return (v2, v1) if state["rolled_back"] else (v1, v2)  # (old, new)

    def new_status(now: float) -> dict:
        old, new = roles()
        r_old, a_old = old.counts(now, startup, min_ready)
        r_new, a_new = new.counts(now, startup, min_ready)
        return {"replicas": old.pods() + new.pods(), "updated": new.pods(),
                "ready": r_old + r_new, "available": a_old + a_new}

    def reconcile(now: float) -> str:
        """One rolloutRolling [ROLLING]; returns what was done ('' if nothing)."""
        old, new = roles()
        actions = []
        if not state["created"]:
            # [SYNC] getNewReplicaSet creates the RS with NewRSNewReplicas pods
            state["created"] = True
            new.replicas = _new_target(replicas, surge, old.replicas, 0)
            new.sync_pods(now)
            cond.update(status="True", reason="NewReplicaSetCreated", updated=now)
            actions.append(f"创建{label(new)}，副本数 {new.replicas}")
        target = _new_target(replicas, surge, old.replicas, new.replicas)
        if target != new.replicas:
            verb = "扩容" if target > new.replicas else "缩容"
            actions.append(f"{label(new)} {verb} {new.replicas}→{target}")
            new.replicas = target
            new.sync_pods(now)
            return "；".join(actions)
        _, a_old = old.counts(now, startup, min_ready)
        _, a_new = new.counts(now, startup, min_ready)
        size, cleaned, scaled = _old_rs_step(replicas, unavailable, old.replicas, a_old,
                                             new.replicas, a_new)
        if size != old.replicas:
            what = []
            if cleaned:
                what.append(f"清理不健康 Pod {cleaned} 个")
            if scaled:
                what.append(f"缩容 {scaled} 个")
            actions.append(f"{label(old)} {old.replicas}→{size}（{'，'.join(what)}）")
            old.replicas = size
            old.sync_pods(now)
        return "；".join(actions)

    def sync_rollout_status(now: float) -> None:
        """[PROGRESS] syncRolloutStatus (Progressing condition) with the status just computed."""
        ns = new_status(now)
        complete = (ns["updated"] == replicas and ns["replicas"] == replicas
                    and ns["available"] == replicas)
        is_complete_deployment = ns["replicas"] == ns["updated"] and cond["reason"] == "NewReplicaSetAvailable"
        if deadline is not None and not is_complete_deployment:
            old_old = status["replicas"] - status["updated"]
            new_old = ns["replicas"] - ns["updated"]
            progressing = (ns["updated"] > status["updated"] or new_old < old_old
                           or ns["ready"] > status["ready"] or ns["available"] > status["available"])
            if complete:
                if not (cond["status"] == "True" and cond["reason"] == "NewReplicaSetAvailable"):
                    cond.update(status="True", reason="NewReplicaSetAvailable", updated=now)
            elif progressing:
                cond.update(status="True", reason="ReplicaSetUpdated", updated=now)
            elif cond["reason"] == "ProgressDeadlineExceeded":
                pass
            elif cond["reason"] != "NewReplicaSetAvailable" and now > cond["updated"] + deadline:
                cond.update(status="False", reason="ProgressDeadlineExceeded", updated=now)
        elif deadline is None:
            # "If there is no progressDeadlineSeconds set, remove any Progressing condition."
            cond.update(status="", reason="", updated=now)
        status.update(ns)
        state["complete"] = complete

    def record(now: float, action: str) -> None:
        r1, a1 = v1.counts(now, startup, min_ready)
        r2, a2 = v2.counts(now, startup, min_ready)
        p1, p2 = v1.pods(), v2.pods()
        step = Step(now, action or "同步状态（无扩缩容）", v1.replicas, v2.replicas, r1, p1 - r1, a1, r2, p2 - r2, a2,
                    p1 + p2, a1 + a2, cond["status"], cond["reason"],
                    "True" if a1 + a2 >= min_available else "False", state["rolled_back"])
        if result.steps and not action:
            prev = result.steps[-1]
            if all(getattr(prev, k) == getattr(step, k) for k in _COMPARED):
                return
        result.steps.append(step)

    now = 0.0
    syncs = 0
    while True:
        if rollback is not None and now >= rollback and not state["rolled_back"]:
            state["rolled_back"] = True
            record(now, "回滚（kubectl rollout undo）：修订版 1 的 ReplicaSet 重新成为新 ReplicaSet")
        first = True
        while True:
            syncs += 1
            if syncs > max_syncs:
                raise ValueError(f"max_syncs: 同步次数超过 {max_syncs}，请缩短 until 或减少副本数")
            action = reconcile(now)
            sync_rollout_status(now)
            if action or first:
                record(now, action)
            first = False
            if not action:
                break
        if state["complete"] and result.completed_at is None and state["created"]:
            result.completed_at = now
        if cond["reason"] == "ProgressDeadlineExceeded" and result.deadline_exceeded_at is None:
            result.deadline_exceeded_at = now
        # next event
        candidates = [v1.next_change(now, startup, min_ready), v2.next_change(now, startup, min_ready)]
        if rollback is not None and not state["rolled_back"] and rollback > now:
            candidates.append(rollback)
        if (deadline is not None and cond["reason"] not in ("NewReplicaSetAvailable", "ProgressDeadlineExceeded")):
            # [PROGRESS] requeueStuckDeployment: lastUpdateTime + deadline + 1 s
            candidates.append(max(cond["updated"] + deadline + 1.0, now + 1e-9))
        nxt = min(candidates)
        if math.isinf(nxt) or (stop_at is not None and nxt > stop_at):
            break
        now = nxt
    last = result.steps[-1]
    old_final, new_final = (v2, v1) if state["rolled_back"] else (v1, v2)
    _, a_new = new_final.counts(now, startup, min_ready)
    result.complete = (old_final.replicas == 0 and new_final.replicas == replicas and a_new == replicas)
    if result.complete and result.completed_at is None:
        result.completed_at = last.time
    return result
