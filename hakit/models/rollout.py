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
from typing import NamedTuple, Optional, Union

__all__ = [
    "IntOrPercent", "resolve_fenceposts", "max_surge", "max_unavailable", "new_rs_new_replicas",
    "new_rs_target", "old_rs_target", "cleanup_unhealthy_replicas", "scale_down_old_replica_sets",
    "OldReplicaSetStep", "reconcile_old_replica_sets", "validate_strategy", "parse_int_or_percent",
    "has_progress_deadline", "MAX_PROGRESS_DEADLINE_SECONDS", "Step", "Rollout", "simulate",
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


def _value_error(name: str, value: object) -> Optional[str]:
    """[VALIDATION] ValidatePositiveIntOrPercent / IsNotMoreThan100Percent for one field, or None."""
    path = f"{_FIELD}.{name}"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return f"{path}: Invalid value: {_fmt(value)}: 必须是整数或百分比字符串（例如 5 或 '25%'）"
    if isinstance(value, int):
        if value < 0:
            return f"{path}: Invalid value: {value}: 必须大于或等于 0（must be greater than or equal to 0）"
        return None
    if not _API_PERCENT.match(value):
        if re.fullmatch(r"-[0-9]+%", value):
            return f"{path}: Invalid value: {_fmt(value)}: 必须大于或等于 0"
        return (f"{path}: Invalid value: {_fmt(value)}: 必须是整数或百分比（例如 5 或 '5%'），字符串必须以 % 结尾"
                "（must be an integer or percentage (e.g '5%')）")
    if name == "maxUnavailable" and int(value[:-1]) > 100:
        return f"{path}: Invalid value: {_fmt(value)}: 不能大于 100%（must not be greater than 100%）"
    return None


def _scaled(name: str, value: IntOrPercent, total: int, round_up: bool) -> int:
    """[INTSTR] GetScaledValueFromIntOrPercent(ValueOrDefault(value, 0), total, roundUp), for a
    value the API server accepts (anything else raises instead of being scaled)."""
    error = _value_error(name, value)
    if error:
        raise ValueError(error)
    if value is None:  # [UTIL] intstrutil.ValueOrDefault(x, FromInt32(0))
        return 0
    if isinstance(value, int):
        return value
    product = int(value[:-1]) * total
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
    """``MaxUnavailable(deployment)`` [UTIL]: 0 when replicas is 0, never more than replicas
    (an integer above replicas is valid in the API and capped here, as upstream does)."""
    return _max_unavailable(replicas, max_surge, max_unavailable)


def _max_unavailable(replicas: int, surge: IntOrPercent, unavailable: IntOrPercent) -> int:
    # a module-level alias: parameters named ``max_unavailable`` shadow the public function
    _, resolved = resolve_fenceposts(surge, unavailable, replicas)
    if replicas == 0:
        return 0
    return min(resolved, replicas)


def new_rs_new_replicas(replicas: int, max_surge: IntOrPercent, all_pods: int, new_replicas: int) -> int:
    """``NewRSNewReplicas`` for RollingUpdate [UTIL], exactly: ``all_pods`` is the sum of
    spec.replicas over the ReplicaSets the controller passes in.

    If ``all_pods >= replicas + maxSurge`` the new ReplicaSet keeps its size; otherwise it grows by
    ``min(replicas + maxSurge - all_pods, replicas - new_replicas)``.
    """
    _check_count("spec.replicas", replicas)
    _check_count("allPods", all_pods)
    _check_count("newReplicaSet.spec.replicas", new_replicas)
    max_total = replicas + _scaled("maxSurge", max_surge, replicas, True)
    if all_pods >= max_total:
        return new_replicas
    return new_replicas + min(max_total - all_pods, replicas - new_replicas)


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
    if old_available > old_replicas:
        raise ValueError(f"oldReplicaSet.status.availableReplicas: Invalid value: {old_available}: "
                         f"不能大于 oldReplicaSet.spec.replicas（{old_replicas}）")
    if max_cleanup_count <= 0 or old_replicas == 0 or old_replicas == old_available:
        return 0
    return min(max_cleanup_count, old_replicas - old_available)


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
    min_available = replicas - _max_unavailable(replicas, max_surge, max_unavailable)
    if available <= min_available or old_replicas == 0:
        return old_replicas
    return old_replicas - min(old_replicas, available - min_available)


class OldReplicaSetStep(NamedTuple):
    """One ``reconcileOldReplicaSets`` for a single old ReplicaSet: its new ``size``, how many
    unhealthy pods were ``cleaned`` up and how many available pods were ``scaled_down``."""
    size: int
    cleaned: int
    scaled_down: int


def reconcile_old_replica_sets(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent,
                               old_replicas: int, old_available: int, new_replicas: int,
                               new_available: int) -> OldReplicaSetStep:
    """``reconcileOldReplicaSets`` [ROLLING] for one old ReplicaSet, step by step.

    ``maxScaledDown = allPods - minAvailable - (new.spec.replicas - new.availableReplicas)``
    with ``minAvailable = replicas - MaxUnavailable``; nothing happens if it is <= 0. Otherwise
    :func:`cleanup_unhealthy_replicas` (at most maxScaledDown), then
    :func:`scale_down_old_replica_sets` with the availability from ReplicaSet *status*
    (unchanged by the cleanup, whose pods were not available anyway).
    """
    _check_count("spec.replicas", replicas)
    for name, value in (("oldReplicaSet.spec.replicas", old_replicas),
                        ("oldReplicaSet.status.availableReplicas", old_available),
                        ("newReplicaSet.spec.replicas", new_replicas),
                        ("newReplicaSet.status.availableReplicas", new_available)):
        _check_count(name, value)
    if new_available > new_replicas:
        raise ValueError(f"newReplicaSet.status.availableReplicas: Invalid value: {new_available}: "
                         f"不能大于 newReplicaSet.spec.replicas（{new_replicas}）")
    min_available = replicas - _max_unavailable(replicas, max_surge, max_unavailable)
    max_scaled_down = old_replicas + new_replicas - min_available - (new_replicas - new_available)
    if old_replicas == 0 or max_scaled_down <= 0:
        cleanup_unhealthy_replicas(old_replicas, old_available, 0)   # validates old_available
        return OldReplicaSetStep(old_replicas, 0, 0)
    cleaned = cleanup_unhealthy_replicas(old_replicas, old_available, max_scaled_down)
    size = scale_down_old_replica_sets(replicas, max_surge, max_unavailable, old_replicas - cleaned,
                                       old_available + new_available)
    return OldReplicaSetStep(size, cleaned, old_replicas - cleaned - size)


def old_rs_target(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent,
                  old_replicas: int, old_available: int, new_replicas: int, new_available: int) -> int:
    """Size of the single old ReplicaSet after one ``reconcileOldReplicaSets`` step [ROLLING]
    (the ``size`` of :func:`reconcile_old_replica_sets`)."""
    return reconcile_old_replica_sets(replicas, max_surge, max_unavailable, old_replicas, old_available,
                                      new_replicas, new_available).size


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
        error = _value_error(name, value)
        if error:
            errors.append(error)
        else:
            values[name] = 0 if value is None else (value if isinstance(value, int) else int(value[:-1]))
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

    @property
    def progressing_status(self) -> str:
        """The Progressing condition's status (the field ``progressing`` keeps its old name)."""
        return self.progressing

    @property
    def available_status(self) -> str:
        """The Available condition's status (``available_condition``)."""
        return self.available_condition

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


#: [UTIL] ``HasProgressDeadline``: ``progressDeadlineSeconds`` = MaxInt32 means "no deadline".
MAX_PROGRESS_DEADLINE_SECONDS = 2_147_483_647


def has_progress_deadline(progress_deadline_seconds: Optional[float]) -> bool:
    """[UTIL] ``HasProgressDeadline``: set and not ``math.MaxInt32`` (2147483647). Without a
    deadline the controller removes the Progressing condition and never times out [PROGRESS]."""
    value = _check_seconds("spec.progressDeadlineSeconds", progress_deadline_seconds, allow_none=True)
    if value is not None and value > MAX_PROGRESS_DEADLINE_SECONDS:
        raise ValueError(f"spec.progressDeadlineSeconds: Invalid value: {progress_deadline_seconds}: "
                         f"不能大于 {MAX_PROGRESS_DEADLINE_SECONDS}（int32）")
    return value is not None and value != MAX_PROGRESS_DEADLINE_SECONDS


class _Condition:
    """The Deployment's Progressing condition as last written (status, reason, lastUpdateTime)."""
    __slots__ = ("status", "reason", "updated")

    def __init__(self, status: str, reason: str, updated: float) -> None:
        self.status, self.reason, self.updated = status, reason, updated

    def set(self, status: str, reason: str, now: float) -> None:
        self.status, self.reason, self.updated = status, reason, now


class _Sim:
    """One rolling update, one handler per event: a controller sync (:meth:`sync`: one
    ``rolloutRolling`` then ``syncRolloutStatus``), the rollback, the requeue of a stuck rollout."""

    def __init__(self, replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent,
                 startup: float, min_ready: float, deadline: Optional[float], good: bool) -> None:
        self.replicas, self.surge_in, self.unavailable_in = replicas, max_surge, max_unavailable
        self.startup, self.min_ready = startup, min_ready
        self.deadline = deadline if has_progress_deadline(deadline) else None
        self.min_available = replicas - _max_unavailable(replicas, max_surge, max_unavailable)
        self.v1, self.v2 = _RS(good=True), _RS(good=good)
        self.v1.replicas = replicas
        if replicas:
            self.v1.created, self.v1.prefix = [-math.inf], [replicas]
        # Deployment status as last written (revision 1 complete) + the Progressing condition.
        self.status = {"replicas": replicas, "updated": replicas, "ready": replicas, "available": replicas}
        self.cond = (_Condition("True", "NewReplicaSetAvailable", -math.inf) if self.deadline is not None
                     else _Condition("", "", -math.inf))
        self.rolled_back = self.created = self.complete = False

    def roles(self) -> tuple[_RS, _RS]:
        """(old, new) as the controller sees them."""
        return (self.v2, self.v1) if self.rolled_back else (self.v1, self.v2)

    def label(self, rs: _RS) -> str:
        role = "新" if rs is self.roles()[1] else "旧"
        return f"{role} ReplicaSet（修订版本 {1 if rs is self.v1 else 2}）"

    def observed_status(self, now: float) -> dict:
        """[SYNC] calculateStatus from the ReplicaSets' *status* (their pods, ready, available)."""
        old, new = self.roles()
        r_old, a_old = old.counts(now, self.startup, self.min_ready)
        r_new, a_new = new.counts(now, self.startup, self.min_ready)
        return {"replicas": old.pods() + new.pods(), "updated": new.pods(),
                "ready": r_old + r_new, "available": a_old + a_new}

    def reconcile(self, now: float) -> str:
        """One ``rolloutRolling`` [ROLLING] with the public step functions; returns what was done."""
        old, new = self.roles()
        actions = []
        if not self.created:
            # [SYNC] getNewReplicaSet creates the RS with NewRSNewReplicas pods (Progressing:
            # NewReplicaSetCreated when the Deployment has a progress deadline)
            self.created = True
            new.replicas = new_rs_target(self.replicas, self.surge_in, self.unavailable_in, old.replicas, 0)
            new.sync_pods(now)
            if self.deadline is not None:
                self.cond.set("True", "NewReplicaSetCreated", now)
            actions.append(f"创建{self.label(new)}，副本数 {new.replicas}")
        target = new_rs_target(self.replicas, self.surge_in, self.unavailable_in, old.replicas, new.replicas)
        if target != new.replicas:
            verb = "扩容" if target > new.replicas else "缩容"
            actions.append(f"{self.label(new)} {verb} {new.replicas}→{target}")
            new.replicas = target
            new.sync_pods(now)
            return "；".join(actions)
        _, a_old = old.counts(now, self.startup, self.min_ready)
        _, a_new = new.counts(now, self.startup, self.min_ready)
        step = reconcile_old_replica_sets(self.replicas, self.surge_in, self.unavailable_in, old.replicas,
                                          a_old, new.replicas, a_new)
        if step.size != old.replicas:
            what = ([f"清理不健康 Pod {step.cleaned} 个"] if step.cleaned else []) + \
                   ([f"缩容 {step.scaled_down} 个"] if step.scaled_down else [])
            actions.append(f"{self.label(old)} {old.replicas}→{step.size}（{'，'.join(what)}）")
            old.replicas = step.size
            old.sync_pods(now)
        return "；".join(actions)

    def sync_rollout_status(self, now: float, ns: dict) -> None:
        """[PROGRESS] syncRolloutStatus with ``ns``, the status computed from the ReplicaSets as
        this sync saw them (a scaling of this sync shows in the next one, which it triggers)."""
        replicas, status, cond = self.replicas, self.status, self.cond
        complete = ns["updated"] == replicas and ns["replicas"] == replicas and ns["available"] == replicas
        is_complete_deployment = ns["replicas"] == ns["updated"] and cond.reason == "NewReplicaSetAvailable"
        if self.deadline is not None and not is_complete_deployment:
            # [UTIL] DeploymentProgressing against the status the last sync wrote
            progressing = (ns["updated"] > status["updated"]
                           or ns["replicas"] - ns["updated"] < status["replicas"] - status["updated"]
                           or ns["ready"] > status["ready"] or ns["available"] > status["available"])
            if complete:
                if not (cond.status == "True" and cond.reason == "NewReplicaSetAvailable"):
                    cond.set("True", "NewReplicaSetAvailable", now)
            elif progressing:
                cond.set("True", "ReplicaSetUpdated", now)
            elif cond.reason not in ("NewReplicaSetAvailable", "ProgressDeadlineExceeded") \
                    and now > cond.updated + self.deadline:
                # [UTIL] DeploymentTimedOut: lastUpdateTime + progressDeadlineSeconds before now
                cond.set("False", "ProgressDeadlineExceeded", now)
        status.update(ns)
        self.complete = complete

    def step(self, now: float, action: str) -> Step:
        r1, a1 = self.v1.counts(now, self.startup, self.min_ready)
        r2, a2 = self.v2.counts(now, self.startup, self.min_ready)
        p1, p2 = self.v1.pods(), self.v2.pods()
        return Step(now, action or "同步状态（无扩缩容）", self.v1.replicas, self.v2.replicas, r1, p1 - r1, a1,
                    r2, p2 - r2, a2, p1 + p2, a1 + a2, self.cond.status, self.cond.reason,
                    "True" if a1 + a2 >= self.min_available else "False", self.rolled_back)

    def next_event(self, now: float, rollback: Optional[float]) -> float:
        """The next pod readiness/availability change, the rollback, or the requeue of a stuck
        rollout ([PROGRESS] requeueStuckDeployment: lastUpdateTime + deadline + 1 s)."""
        candidates = [self.v1.next_change(now, self.startup, self.min_ready),
                      self.v2.next_change(now, self.startup, self.min_ready)]
        if rollback is not None and not self.rolled_back and rollback > now:
            candidates.append(rollback)
        if self.deadline is not None and self.cond.reason not in ("NewReplicaSetAvailable",
                                                                   "ProgressDeadlineExceeded"):
            candidates.append(max(self.cond.updated + self.deadline + 1.0, now + 1e-9))
        return min(candidates)


def _record(result: "Rollout", step: Step, action: str) -> None:
    """Append ``step`` unless a sync that did nothing left everything as it was."""
    if result.steps and not action:
        prev = result.steps[-1]
        if all(getattr(prev, k) == getattr(step, k) for k in _COMPARED):
            return
    result.steps.append(step)


def _run(sim: _Sim, result: "Rollout", rollback: Optional[float], stop_at: Optional[float],
         max_syncs: int) -> float:
    """The event loop: at each event time, sync until a sync changes nothing. Returns the end time."""
    now, syncs = 0.0, 0
    while True:
        if rollback is not None and now >= rollback and not sim.rolled_back:
            sim.rolled_back = True
            _record(result, sim.step(now, "回滚（kubectl rollout undo）：修订版本 1 的 ReplicaSet 重新成为新 ReplicaSet"),
                    "rollback")
        while True:
            syncs += 1
            if syncs > max_syncs:
                raise ValueError(f"max_syncs: 同步次数超过 {max_syncs}，请缩短 until 或减少副本数")
            observed = sim.observed_status(now)
            action = sim.reconcile(now)
            sim.sync_rollout_status(now, observed)
            _record(result, sim.step(now, action), action)
            if not action:
                break
        if sim.complete and result.completed_at is None and sim.created:
            result.completed_at = now
        if sim.cond.reason == "ProgressDeadlineExceeded" and result.deadline_exceeded_at is None:
            result.deadline_exceeded_at = now
        nxt = sim.next_event(now, rollback)
        if math.isinf(nxt) or (stop_at is not None and nxt > stop_at):
            return now
        now = nxt


def simulate(replicas: int, max_surge: IntOrPercent = "25%", max_unavailable: IntOrPercent = "25%",
             startup_seconds: float = 10, min_ready_seconds: float = 0,
             progress_deadline_seconds: Optional[float] = 600, new_version_ready: bool = True,
             rollback_at: Optional[float] = None, until: Optional[float] = None,
             max_syncs: int = 100_000) -> Rollout:
    """Discrete-event rolling update of a Deployment from revision 1 to revision 2 at t = 0.

    Parameters use the Kubernetes API names: ``maxSurge``/``maxUnavailable`` (int, ``"25%"`` or
    None), ``minReadySeconds``, ``progressDeadlineSeconds``. Pods take ``startup_seconds`` to
    pass their readinessProbe. ``new_version_ready=False`` models a bad image / failing
    readinessProbe (the Deployment docs' ``nginx:1.161`` example: Progressing True
    ReplicaSetUpdated after the first progress, then False ProgressDeadlineExceeded);
    ``rollback_at`` (seconds) models ``kubectl rollout undo``: the revision-1 ReplicaSet becomes
    the new one again.

    ``progress_deadline_seconds=None`` or 2147483647 means no deadline ([UTIL]
    ``HasProgressDeadline``): the Deployment then has no Progressing condition at all
    (``progressing`` and ``progressing_reason`` are ``""``) and never times out;
    ``Rollout.complete`` / ``completed_at`` still report completion.

    The run stops when nothing else can happen (complete, or stalled with no pending event), or
    at ``until`` seconds. See the module docstring for the timing model.
    """
    _check_count("spec.replicas", replicas)
    validate_strategy(max_surge, max_unavailable, replicas)
    startup = _check_seconds("startup_seconds", startup_seconds)
    min_ready = _check_seconds("spec.minReadySeconds", min_ready_seconds)
    has_deadline = has_progress_deadline(progress_deadline_seconds)
    deadline = _check_seconds("spec.progressDeadlineSeconds", progress_deadline_seconds, allow_none=True)
    if deadline is not None and deadline <= min_ready:
        raise ValueError(f"spec.progressDeadlineSeconds: Invalid value: {progress_deadline_seconds}: "
                         "必须大于 minReadySeconds（must be greater than minReadySeconds）")
    rollback = _check_seconds("rollback_at", rollback_at, allow_none=True)
    stop_at = _check_seconds("until", until, allow_none=True)
    if not isinstance(new_version_ready, bool):
        raise ValueError(f"new_version_ready: Invalid value: {new_version_ready!r}: 必须是 True 或 False")
    sim = _Sim(replicas, max_surge, max_unavailable, startup, min_ready, deadline if has_deadline else None,
               new_version_ready)
    result = Rollout(replicas, resolve_fenceposts(max_surge, max_unavailable, replicas)[0],
                     replicas - sim.min_available, startup, min_ready, deadline, new_version_ready, rollback)
    now = _run(sim, result, rollback, stop_at, max_syncs)
    old_final, new_final = sim.roles()
    _, a_new = new_final.counts(now, startup, min_ready)
    result.complete = old_final.replicas == 0 and new_final.replicas == replicas and a_new == replicas
    if result.complete and result.completed_at is None:
        result.completed_at = result.steps[-1].time
    return result
