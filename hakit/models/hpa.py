"""弹性伸缩 (HorizontalPodAutoscaler, HPA)：autoscaling/v2 的算法与 ``behavior``（稳定窗口、伸缩策略）。

Sources (read upstream, not copied; each rule below names its source):

- [DOCS] https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ :
  "Algorithm details" (``desiredReplicas = ceil[currentReplicas * (currentMetricValue /
  desiredMetricValue)]``, skipped when the ratio is within the tolerance, 0.1 by default via
  ``--horizontal-pod-autoscaler-tolerance``), the sync period (15 s,
  ``--horizontal-pod-autoscaler-sync-period``), "Configurable scaling behavior" and "Default
  Behavior" (scaleDown: stabilizationWindowSeconds 300, Percent 100 per 15 s; scaleUp:
  stabilizationWindowSeconds 0, Percent 100 per 15 s and Pods 4 per 15 s, selectPolicy Max).
- [CALC] kubernetes/kubernetes ``pkg/controller/podautoscaler/replica_calculator.go``
  (``GetResourceReplicas``: ``usageRatio = current/target``; unchanged if
  ``Tolerances.isWithin(usageRatio)``, i.e. ``1 - scaleDown <= usageRatio <= 1 + scaleUp``
  (the interval form since v1.33, kubernetes/kubernetes PR #130797, KEP-4951), else
  ``ceil(usageRatio * readyPodCount)``).
- [KEP4951] kubernetes/enhancements ``keps/sig-autoscaling/4951-configurable-hpa-tolerance``
  and ``pkg/features/kube_features.go`` ``HPAConfigurableTolerance`` (1.33 Alpha, 1.35 Beta
  default on, so on in the targeted 1.36): ``spec.behavior.scaleUp.tolerance`` /
  ``scaleDown.tolerance`` override the cluster-wide ``--horizontal-pod-autoscaler-tolerance``
  for one direction of one HPA; without ``behavior`` both sides use the flag.
- [HPA] ``pkg/controller/podautoscaler/horizontal.go``: ``reconcileAutoscaler`` (current >
  maxReplicas -> maxReplicas; current < minReplicas -> minReplicas; replicas 0 with minReplicas
  != 0 -> scaling disabled), ``stabilizeRecommendationWithBehaviors`` (scale-up: the *minimum*
  recommendation within the scaleUp window; scale-down: the *maximum* within the scaleDown
  window; samples strictly after ``now - window``), ``convertDesiredReplicasWithBehaviorRate``,
  ``calculateScaleUpLimitWithScalingRules`` / ``calculateScaleDownLimitWithBehaviors`` (period
  start replicas = current - added + removed within ``periodSeconds``; Percent up rounds up,
  Percent down truncates; selectPolicy Max = largest change) and ``storeScaleEvent``.
  An HPA *without* ``spec.behavior`` takes ``normalizeDesiredReplicas`` instead:
  ``stabilizeRecommendation`` (the highest recommendation of the last
  ``--horizontal-pod-autoscaler-downscale-stabilization`` = 5 min, samples not before the
  cutoff) and ``convertDesiredReplicasWithRules`` with ``calculateScaleUpLimit =
  max(2 × current, 4)`` (``scaleUpLimitFactor`` 2, ``scaleUpLimitMinimum`` 4); the API server
  fills in the default policies only when ``behavior`` is set
  (``pkg/apis/autoscaling/v2/defaults.go`` ``SetDefaults_HorizontalPodAutoscalerBehavior``).
- [VALID] ``pkg/apis/autoscaling/validation/validation.go`` (minReplicas >= 1, maxReplicas >=
  minReplicas, stabilizationWindowSeconds in [0, 3600], periodSeconds in (0, 1800], value > 0).

``tolerance`` is the kube-controller-manager flag ``--horizontal-pod-autoscaler-tolerance``
(cluster-wide, 0.1, both directions); a ``behavior`` may override either side [KEP4951].

Simplifications of :func:`simulate` (documented): the metric is the total demand divided evenly
over the current replicas (so utilization responds to scaling), new pods are ready and share
load at once (no CPU initialization period, no metrics-server averaging window), and the
scale target applies a new replica count before the next sync.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Callable, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

__all__ = [
    "Recommendation", "desired_replicas", "ScalingPolicy", "ScalingRules", "default_behavior",
    "behavior", "normalize_behavior", "convert_desired_replicas_with_behavior_rate",
    "stabilize_recommendation", "HPAStep", "HPARun", "simulate", "bursty_load",
    "DEFAULT_TOLERANCE", "DEFAULT_SYNC_PERIOD", "DEFAULT_DOWNSCALE_STABILIZATION",
    "Tolerances", "tolerances_for", "calculate_scale_up_limit", "convert_desired_replicas_with_rules",
    "SyncResult", "reconcile",
]

DEFAULT_TOLERANCE = 0.1      # [DOCS] --horizontal-pod-autoscaler-tolerance
DEFAULT_SYNC_PERIOD = 15     # [DOCS] --horizontal-pod-autoscaler-sync-period
DEFAULT_DOWNSCALE_STABILIZATION = 300   # [DOCS] --horizontal-pod-autoscaler-downscale-stabilization
SCALE_UP_LIMIT_FACTOR = 2.0  # [HPA] scaleUpLimitFactor (legacy path, no behavior)
SCALE_UP_LIMIT_MINIMUM = 4.0  # [HPA] scaleUpLimitMinimum


def _num(name: str, value: object, *, positive: bool = False, minimum: Optional[float] = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是有限的数字")
    if positive and value <= 0:
        raise ValueError(f"{name}: Invalid value: {value}: 必须大于 0（must be greater than 0）")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: Invalid value: {value}: 必须大于或等于 {minimum:g}")
    return float(value)


def _int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是整数（int）")
    if value < minimum:
        raise ValueError(f"{name}: Invalid value: {value}: 必须大于或等于 {minimum}"
                         f"（must be greater than or equal to {minimum}）")
    return value


def _check_bounds(min_replicas: object, max_replicas: object) -> tuple[int, Optional[int]]:
    lo = _int("spec.minReplicas", min_replicas, 1)
    if max_replicas is None:
        return lo, None
    hi = _int("spec.maxReplicas", max_replicas, 1)
    if hi < lo:
        raise ValueError(f"spec.maxReplicas: Invalid value: {hi}: 必须大于或等于 minReplicas（{lo}）"
                         "（must be greater than or equal to `minReplicas`）")
    return lo, hi


class Tolerances(NamedTuple):
    """[CALC] ``Tolerances{scaleDown, scaleUp}``: no scaling while
    ``1 - scale_down <= usageRatio <= 1 + scale_up``."""
    scale_down: float
    scale_up: float

    def is_within(self, ratio: float) -> bool:
        """[CALC] ``isWithin``: float64 like Go, so 110/100 == 1.0 + 0.1 is *within* 0.1."""
        return (1.0 - self.scale_down) <= ratio <= (1.0 + self.scale_up)


def _tolerances(tolerance: object) -> Tolerances:
    """A number (both sides) or a :class:`Tolerances` / ``(scale_down, scale_up)`` pair, validated."""
    if isinstance(tolerance, tuple) and len(tolerance) == 2:
        return Tolerances(_num("tolerance.scaleDown", tolerance[0]), _num("tolerance.scaleUp", tolerance[1]))
    t = _num("tolerance", tolerance)
    return Tolerances(t, t)


class Recommendation(int):
    """The replica count (an ``int``) plus why.

    This is the *formula's* value (one metric, then minReplicas/maxReplicas), not what one HPA
    sync writes: a sync also applies the scale-up/scale-down rate limit, see :func:`reconcile`.

    Attributes: ``raw`` (the metric's proposal before the minReplicas/maxReplicas clamp),
    ``ratio`` (currentValue / targetValue), ``within_tolerance`` (True: the HPA keeps the current
    count) and ``limited_by`` (``"minReplicas"``, ``"maxReplicas"`` or ``None``).
    """

    raw: int
    ratio: float
    within_tolerance: bool
    limited_by: Optional[str]

    def __new__(cls, value: int, raw: int, ratio: float, within_tolerance: bool,
                limited_by: Optional[str]) -> "Recommendation":
        obj = super().__new__(cls, value)
        obj.raw, obj.ratio, obj.within_tolerance, obj.limited_by = raw, ratio, within_tolerance, limited_by
        return obj

    def __repr__(self) -> str:
        return (f"Recommendation({int(self)}, raw={self.raw}, ratio={self.ratio:.3f}, "
                f"within_tolerance={self.within_tolerance}, limited_by={self.limited_by!r})")

    def __str__(self) -> str:
        return int.__repr__(self)

    __format__ = int.__format__

    def explain(self) -> str:
        """A one-line explanation in Chinese (the formula's value, before any rate limit)."""
        if self.within_tolerance:
            text = f"比值 {self.ratio:.3f} 在容差区间内，保持 {self.raw} 个副本"
        else:
            text = f"公式 ceil(副本数 × {self.ratio:.3f}) = {self.raw}"
        if self.limited_by:
            text += f"，受 {self.limited_by} 限制为 {int(self)}"
        return text


def _metric_proposal(current_replicas: int, current_value: float, target_value: float,
                     tolerances: Tolerances) -> tuple[int, float, bool]:
    """[CALC] (proposal, ratio, within_tolerance) with Go's float64 arithmetic."""
    ratio = current_value / target_value
    if tolerances.is_within(ratio):
        return current_replicas, ratio, True
    return int(math.ceil(ratio * current_replicas)), ratio, False


def desired_replicas(current_replicas: int, current_value: float, target_value: float,
                     tolerance: Union[float, Tuple[float, float]] = DEFAULT_TOLERANCE, min_replicas: int = 1,
                     max_replicas: Optional[int] = None) -> Recommendation:
    """The formula's replica count for one metric [DOCS][CALC], clamped to min/max [HPA].

    ``ceil(current_replicas * current_value / target_value)``, or ``current_replicas`` while
    the ratio is within ``[1 - tolerance, 1 + tolerance]`` (``tolerance`` may also be a
    ``(scale_down, scale_up)`` pair, as ``behavior.scaleDown/scaleUp.tolerance`` give
    [KEP4951]); then clamped to ``[min_replicas, max_replicas]`` (``None``: no upper bound). The
    clamp is not silent: ``limited_by`` names the bound and ``raw`` keeps the unclamped value.
    It leaves out the rate limit of one sync (:func:`reconcile` includes it).

    >>> desired_replicas(4, 90, 50)       # ceil(4 * 1.8) = 8
    Recommendation(8, raw=8, ratio=1.800, within_tolerance=False, limited_by=None)
    """
    if isinstance(current_replicas, int) and not isinstance(current_replicas, bool) and current_replicas == 0:
        raise ValueError("current_replicas: Invalid value: 0: 目标的副本数为 0 时 HPA 停止伸缩"
                         "（ScalingDisabled），必须是 >= 1 的整数")
    cur = _int("current_replicas", current_replicas, 1)
    value = _num("current_value", current_value)
    target = _num("target_value", target_value, positive=True)
    tols = _tolerances(tolerance)
    lo, hi = _check_bounds(min_replicas, max_replicas)
    raw, ratio, within = _metric_proposal(cur, value, target, tols)
    if hi is not None and raw > hi:
        return Recommendation(hi, raw, ratio, within, "maxReplicas")
    if raw < lo:
        return Recommendation(lo, raw, ratio, within, "minReplicas")
    return Recommendation(raw, raw, ratio, within, None)


# ----------------------------------------------------------------------------- behavior

@dataclass(frozen=True)
class ScalingPolicy:
    """``HPAScalingPolicy``: ``type`` ``"Pods"`` or ``"Percent"``, ``value``, ``period_seconds``."""
    type: str
    value: int
    period_seconds: int

    def __post_init__(self) -> None:
        if self.type not in ("Pods", "Percent"):
            raise ValueError(f"policies.type: Unsupported value: {self.type!r}: 只能是 \"Pods\" 或 \"Percent\"")
        _int("policies.value", self.value, 1)
        p = _int("policies.periodSeconds", self.period_seconds, 1)
        if p > 1800:
            raise ValueError(f"policies.periodSeconds: Invalid value: {p}: 不能大于 1800"
                             "（must be less than or equal to 1800）")


@dataclass(frozen=True)
class ScalingRules:
    """``HPAScalingRules``: stabilizationWindowSeconds, policies, selectPolicy (Max/Min/Disabled)
    and the per-HPA ``tolerance`` of this direction (None: the cluster-wide flag) [KEP4951]."""
    stabilization_window_seconds: int
    policies: tuple[ScalingPolicy, ...]
    select_policy: str = "Max"
    tolerance: Optional[float] = None

    def __post_init__(self) -> None:
        if self.tolerance is not None:
            object.__setattr__(self, "tolerance", _num("tolerance", self.tolerance))
        w = _int("stabilizationWindowSeconds", self.stabilization_window_seconds, 0)
        if w > 3600:
            raise ValueError(f"stabilizationWindowSeconds: Invalid value: {w}: 不能大于 3600（一小时）")
        if self.select_policy not in ("Max", "Min", "Disabled"):
            raise ValueError(f"selectPolicy: Unsupported value: {self.select_policy!r}: "
                             "只能是 \"Max\"、\"Min\" 或 \"Disabled\"")
        object.__setattr__(self, "policies", tuple(self.policies))
        if not self.policies:
            raise ValueError("policies: Required value: 至少需要一个伸缩策略（must specify at least one Policy）")
        for p in self.policies:
            if not isinstance(p, ScalingPolicy):
                raise ValueError(f"policies: Invalid value: {p!r}: 必须是 ScalingPolicy")


def _default_up() -> ScalingRules:
    return ScalingRules(0, (ScalingPolicy("Pods", 4, 15), ScalingPolicy("Percent", 100, 15)), "Max")


def _default_down() -> ScalingRules:
    return ScalingRules(300, (ScalingPolicy("Percent", 100, 15),), "Max")


def default_behavior() -> dict[str, ScalingRules]:
    """The autoscaling/v2 defaults [DOCS] ``{"scaleUp": ..., "scaleDown": ...}``."""
    return {"scaleUp": _default_up(), "scaleDown": _default_down()}


_RULES_KEYS = {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"}
_POLICY_KEYS = {"type", "value", "periodSeconds"}


def _unknown(where: str, obj: Mapping, allowed: set) -> None:
    """Reject keys the API does not have (a typo must not silently fall back to a default)."""
    unknown = sorted(set(obj) - allowed, key=str)
    if unknown:
        raise ValueError(f"{where}: 未知字段 {unknown}（unknown field），只允许 {sorted(allowed)}")


def _policy_from(p: object, where: str) -> ScalingPolicy:
    if isinstance(p, ScalingPolicy):
        return p
    if not isinstance(p, Mapping):
        raise ValueError(f"{where}: Invalid value: {p!r}: 必须是字典")
    _unknown(where, p, _POLICY_KEYS)
    return ScalingPolicy(p.get("type"), p.get("value"), p.get("periodSeconds"))


def _rules_from(obj: object, default: ScalingRules, name: str) -> ScalingRules:
    if obj is None:
        return default
    if isinstance(obj, ScalingRules):
        return obj
    if not isinstance(obj, Mapping):
        raise ValueError(f"behavior.{name}: Invalid value: {obj!r}: 必须是 ScalingRules 或字典")
    _unknown(f"spec.behavior.{name}", obj, _RULES_KEYS)
    window = obj.get("stabilizationWindowSeconds", default.stabilization_window_seconds)
    select = obj.get("selectPolicy", default.select_policy)
    pols = obj.get("policies")
    if pols is None:
        policies = default.policies
    elif isinstance(pols, (str, bytes, Mapping)) or not isinstance(pols, Sequence):
        raise ValueError(f"behavior.{name}.policies: Invalid value: {pols!r}: 必须是策略列表")
    else:
        policies = [_policy_from(p, f"spec.behavior.{name}.policies[{i}]") for i, p in enumerate(pols)]
    try:
        return ScalingRules(window, tuple(policies), select, obj.get("tolerance"))
    except ValueError as exc:
        raise ValueError(f"behavior.{name}.{exc}") from None


def normalize_behavior(spec: object = None) -> dict[str, ScalingRules]:
    """Fill a ``behavior`` (None, or a dict in manifest form or of :class:`ScalingRules`) with
    the defaults for whatever is missing, as API defaulting does when ``behavior`` is set.
    Unknown keys raise ``ValueError``."""
    if spec is None:
        return default_behavior()
    if not isinstance(spec, Mapping):
        raise ValueError(f"spec.behavior: Invalid value: {spec!r}: 必须是字典 {{'scaleUp':…, 'scaleDown':…}}")
    _unknown("spec.behavior", spec, {"scaleUp", "scaleDown"})
    return {"scaleUp": _rules_from(spec.get("scaleUp"), _default_up(), "scaleUp"),
            "scaleDown": _rules_from(spec.get("scaleDown"), _default_down(), "scaleDown")}


def tolerances_for(behavior: Optional[Mapping] = None, tolerance: float = DEFAULT_TOLERANCE) -> Tolerances:
    """[KEP4951] ``tolerancesForHpa``: the flag's ``tolerance`` on both sides, overridden per
    direction by ``behavior.scaleDown/scaleUp.tolerance`` (``HPAConfigurableTolerance``, on by
    default since v1.35)."""
    t = _num("tolerance", tolerance)
    if behavior is None:
        return Tolerances(t, t)
    rules = normalize_behavior(behavior)
    down, up = rules["scaleDown"].tolerance, rules["scaleUp"].tolerance
    return Tolerances(t if down is None else down, t if up is None else up)


def _manifest(rules: Mapping[str, ScalingRules]) -> dict:
    """``behavior`` in manifest form (camelCase), so a run's behavior can be fed back in."""
    out = {}
    for name, r in rules.items():
        d = {"stabilizationWindowSeconds": r.stabilization_window_seconds, "selectPolicy": r.select_policy,
             "policies": [{"type": p.type, "value": p.value, "periodSeconds": p.period_seconds}
                          for p in r.policies]}
        if r.tolerance is not None:
            d["tolerance"] = r.tolerance
        out[name] = d
    return out


def behavior(scale_down_window: int = 300, scale_up_window: int = 0,
             scale_up_policies: Optional[Sequence[ScalingPolicy]] = None,
             scale_down_policies: Optional[Sequence[ScalingPolicy]] = None,
             scale_up_select: str = "Max", scale_down_select: str = "Max",
             scale_up_tolerance: Optional[float] = None,
             scale_down_tolerance: Optional[float] = None) -> dict[str, ScalingRules]:
    """The default behavior with other stabilization windows, policies, selectPolicy or
    per-direction tolerances [KEP4951]."""
    up, down = _default_up(), _default_down()
    return {
        "scaleUp": ScalingRules(scale_up_window, tuple(scale_up_policies or up.policies), scale_up_select,
                                scale_up_tolerance),
        "scaleDown": ScalingRules(scale_down_window, tuple(scale_down_policies or down.policies),
                                  scale_down_select, scale_down_tolerance),
    }


def _timestamped(name: str, pairs: object) -> list[tuple[float, int]]:
    """``(timestamp, count)`` pairs, validated (a finite time, an int count >= 0)."""
    if isinstance(pairs, (str, bytes, Mapping)) or not isinstance(pairs, Sequence):
        raise ValueError(f"{name}: Invalid value: {pairs!r}: 必须是 (时间, 数量) 二元组的列表")
    out = []
    for i, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"{name}[{i}]: Invalid value: {pair!r}: 必须是 (时间, 数量) 二元组")
        out.append((_num(f"{name}[{i}].time", pair[0], minimum=None), _int(f"{name}[{i}].count", pair[1], 0)))
    return out


def _changed_within(period: int, events: list[tuple[float, int]], now: float) -> int:
    """[HPA] getReplicasChangePerPeriod: events strictly after now - period."""
    cutoff = now - period
    return sum(n for t, n in events if t > cutoff)


def _policy_bases(current: int, up_events, down_events, rules: ScalingRules, now: float):
    """Each policy with the replica count its period started from: the current count with the
    changes made within the policy's periodSeconds undone (as both upstream limit functions do)."""
    for p in rules.policies:
        yield p, current - _changed_within(p.period_seconds, up_events, now) + \
            _changed_within(p.period_seconds, down_events, now)


def _scale_up_limit(current: int, up_events, down_events, rules: ScalingRules, now: float) -> int:
    """[HPA] calculateScaleUpLimitWithScalingRules."""
    if rules.select_policy == "Disabled":
        return current
    results = [start + p.value if p.type == "Pods" else int(math.ceil(start * (1 + p.value / 100)))
               for p, start in _policy_bases(current, up_events, down_events, rules, now)]
    return min(results) if rules.select_policy == "Min" else max(results)


def _scale_down_limit(current: int, up_events, down_events, rules: ScalingRules, now: float) -> int:
    """[HPA] calculateScaleDownLimitWithBehaviors."""
    if rules.select_policy == "Disabled":
        return current
    results = [start - p.value if p.type == "Pods" else int(start * (1 - p.value / 100))  # Go int32() truncates
               for p, start in _policy_bases(current, up_events, down_events, rules, now)]
    return max(results) if rules.select_policy == "Min" else min(results)


def convert_desired_replicas_with_behavior_rate(
        current_replicas: int, desired_replicas: int, min_replicas: int, max_replicas: int,
        behavior: Optional[Mapping] = None, scale_up_events: Sequence[tuple[float, int]] = (),
        scale_down_events: Sequence[tuple[float, int]] = (), now: float = 0.0) -> tuple[int, str]:
    """``convertDesiredReplicasWithBehaviorRate`` [HPA]: apply the scaling policies, then
    minReplicas/maxReplicas, to a (stabilized) recommendation.

    Events are ``(timestamp, replica change)`` pairs of earlier scalings (changes > 0). Returns
    ``(replicas, reason)`` with the upstream condition reason: ``DesiredWithinRange``,
    ``ScaleUpLimit``, ``TooManyReplicas``, ``ScaleDownLimit`` or ``TooFewReplicas``.
    """
    cur = _int("current_replicas", current_replicas, 0)
    desired = _int("desired_replicas", desired_replicas, 0)
    lo, hi = _check_bounds(min_replicas, max_replicas)
    if hi is None:
        raise ValueError("spec.maxReplicas: Required value: 必须给出 maxReplicas")
    rules = normalize_behavior(behavior)
    up_events = _timestamped("scale_up_events", scale_up_events)
    down_events = _timestamped("scale_down_events", scale_down_events)
    return _convert(cur, desired, lo, hi, rules["scaleUp"], rules["scaleDown"], up_events, down_events, now)


def _convert(cur: int, desired: int, lo: int, hi: int, up: ScalingRules, down: ScalingRules,
             up_events, down_events, now: float) -> tuple[int, str]:
    if desired > cur:
        limit = max(_scale_up_limit(cur, up_events, down_events, up, now), cur)
        if hi > limit:
            allowed, why = limit, "ScaleUpLimit"
        else:
            allowed, why = hi, "TooManyReplicas"
        if desired > allowed:
            return allowed, why
    elif desired < cur:
        limit = min(_scale_down_limit(cur, up_events, down_events, down, now), cur)
        if lo < limit:
            allowed, why = limit, "ScaleDownLimit"
        else:
            allowed, why = lo, "TooFewReplicas"
        if desired < allowed:
            return allowed, why
    return desired, "DesiredWithinRange"


def calculate_scale_up_limit(current_replicas: int) -> int:
    """[HPA] ``calculateScaleUpLimit`` (HPA without ``behavior``): ``max(2 × current, 4)``."""
    cur = _int("current_replicas", current_replicas, 0)
    return int(max(SCALE_UP_LIMIT_FACTOR * cur, SCALE_UP_LIMIT_MINIMUM))


def convert_desired_replicas_with_rules(current_replicas: int, desired_replicas: int, min_replicas: int,
                                        max_replicas: int) -> tuple[int, str]:
    """[HPA] ``convertDesiredReplicasWithRules``: the legacy normalisation of an HPA without
    ``behavior``: minReplicas, then ``min(maxReplicas, max(2 × current, 4))``. Returns
    ``(replicas, reason)``: DesiredWithinRange, ScaleUpLimit, TooManyReplicas or TooFewReplicas."""
    cur = _int("current_replicas", current_replicas, 0)
    desired = _int("desired_replicas", desired_replicas, 0)
    lo, hi = _check_bounds(min_replicas, max_replicas)
    if hi is None:
        raise ValueError("spec.maxReplicas: Required value: 必须给出 maxReplicas")
    return _convert_with_rules(cur, desired, lo, hi)


def _convert_with_rules(cur: int, desired: int, lo: int, hi: int) -> tuple[int, str]:
    limit = int(max(SCALE_UP_LIMIT_FACTOR * cur, SCALE_UP_LIMIT_MINIMUM))
    allowed, why = (limit, "ScaleUpLimit") if hi > limit else (hi, "TooManyReplicas")
    if desired < lo:
        return lo, "TooFewReplicas"
    if desired > allowed:
        return allowed, why
    return desired, "DesiredWithinRange"


def _stabilize_legacy(recommendation: int, history: Sequence[tuple[float, int]], now: float,
                      window: float) -> int:
    """[HPA] ``stabilizeRecommendation``: the highest recommendation not before now - window."""
    best = recommendation
    for t, r in history:
        if not t < now - window and r > best:
            best = r
    return best


def stabilize_recommendation(current_replicas: int, recommendation: int,
                             history: Sequence[tuple[float, int]], now: float,
                             scale_up_window: int = 0, scale_down_window: int = 300) -> int:
    """``stabilizeRecommendationWithBehaviors`` [HPA]: the safest value in the windows.

    Scale-up uses the *smallest* recommendation of the scaleUp window, scale-down the *largest*
    of the scaleDown window (samples strictly after ``now - window``), both including the
    current ``recommendation``; ``history`` holds earlier ``(timestamp, recommendation)`` pairs.
    """
    cur = _int("current_replicas", current_replicas, 0)
    rec = _int("recommendation", recommendation, 0)
    _int("scale_up_window", scale_up_window, 0)
    _int("scale_down_window", scale_down_window, 0)
    return _stabilize(cur, rec, _timestamped("history", history), _num("now", now, minimum=None),
                      scale_up_window, scale_down_window)


def _stabilize(cur: int, recommendation: int, history: Sequence[tuple[float, int]], now: float,
               scale_up_window: int, scale_down_window: int) -> int:
    up_rec = down_rec = recommendation
    up_cut, down_cut = now - scale_up_window, now - scale_down_window
    for t, r in history:
        if t > up_cut:
            up_rec = min(up_rec, r)
        if t > down_cut:
            down_rec = max(down_rec, r)
    result = cur
    if result < up_rec:
        result = up_rec
    if result > down_rec:
        result = down_rec
    return result


# ----------------------------------------------------------------------------- one sync

class SyncResult(NamedTuple):
    """What one HPA sync decides [HPA] ``reconcileAutoscaler``.

    ``formula`` is the metric's proposal (``ceil(current × ratio)``, or the current count within
    tolerance) before stabilization and before any limit; ``stabilized`` after the
    stabilization window; ``desired_replicas`` what the sync writes to the scale subresource,
    after the rate limit and minReplicas/maxReplicas; ``reason`` the ScalingLimited reason.
    """
    current_replicas: int
    ratio: float
    within_tolerance: bool
    formula: int
    stabilized: int
    desired_replicas: int
    reason: str

    def explain(self) -> str:
        """Chinese one-liner that keeps the formula's value and the rate-limited one apart."""
        head = (f"比值 {self.ratio:.3f} 在容差区间内，公式值保持 {self.formula}" if self.within_tolerance
                else f"公式值 ceil({self.current_replicas} × {self.ratio:.3f}) = {self.formula}")
        if self.stabilized != self.formula:
            head += f"，稳定窗口后 {self.stabilized}"
        if self.desired_replicas != self.stabilized:
            head += f"，本次同步受 {self.reason} 限制"
        return head + f"：本次同步写入 {self.desired_replicas} 个副本（{self.reason}）"


class _Controller:
    """The per-HPA state the controller keeps between syncs (recommendations, scale events)."""

    def __init__(self, target: float, lo: int, hi: int, tolerances: Tolerances,
                 rules: Optional[Mapping[str, ScalingRules]], period: int) -> None:
        self.target, self.lo, self.hi, self.tolerances = target, lo, hi, tolerances
        self.rules, self.period = rules, period
        self.recs: list[tuple[float, int]] = []
        self.up_events: list[tuple[float, int]] = []
        self.down_events: list[tuple[float, int]] = []

    def sync(self, now: float, cur: int, value: float) -> SyncResult:
        """[HPA] reconcileAutoscaler for one metric value."""
        if cur > self.hi:
            return SyncResult(cur, value / self.target, False, self.hi, self.hi, self.hi, "TooManyReplicas")
        if cur < self.lo:
            return SyncResult(cur, value / self.target, False, self.lo, self.lo, self.lo, "TooFewReplicas")
        formula, ratio, within = _metric_proposal(cur, value, self.target, self.tolerances)
        if self.rules is None:
            stabilized = _stabilize_legacy(formula, self.recs, now, DEFAULT_DOWNSCALE_STABILIZATION)
            desired, reason = _convert_with_rules(cur, stabilized, self.lo, self.hi)
        else:
            up, down = self.rules["scaleUp"], self.rules["scaleDown"]
            stabilized = _stabilize(cur, formula, self.recs, now, up.stabilization_window_seconds,
                                    down.stabilization_window_seconds)
            desired, reason = _convert(cur, stabilized, self.lo, self.hi, up, down,
                                       self.up_events, self.down_events, now)
        self._remember(now, cur, formula, desired)
        return SyncResult(cur, ratio, within, formula, stabilized, desired, reason)

    def _remember(self, now: float, cur: int, formula: int, desired: int) -> None:
        """Keep what later syncs read: recommendations within the longest window, and (with a
        behavior only, as ``storeScaleEvent``) scale events within the longest policy period."""
        self.recs.append((now, formula))
        if self.rules is None:
            keep = DEFAULT_DOWNSCALE_STABILIZATION
            self.recs = [(t, r) for t, r in self.recs if t > now - keep - self.period]
            return
        up, down = self.rules["scaleUp"], self.rules["scaleDown"]
        keep = max(up.stabilization_window_seconds, down.stabilization_window_seconds)
        self.recs = [(t, r) for t, r in self.recs if t > now - keep - self.period]
        if desired > cur:
            self.up_events.append((now, desired - cur))
        elif desired < cur:
            self.down_events.append((now, cur - desired))
        longest = max(p.period_seconds for p in up.policies + down.policies) + self.period
        self.up_events = [e for e in self.up_events if e[0] > now - longest]
        self.down_events = [e for e in self.down_events if e[0] > now - longest]


def _controller(target_value: object, min_replicas: object, max_replicas: object, tolerance: object,
                behavior: object, sync_period: object = DEFAULT_SYNC_PERIOD) -> _Controller:
    target = _num("target_value", target_value, positive=True)
    lo, hi = _check_bounds(min_replicas, max_replicas)
    if hi is None:
        raise ValueError("spec.maxReplicas: Required value: 必须给出 maxReplicas")
    rules = None if behavior is None else normalize_behavior(behavior)
    return _Controller(target, lo, hi, tolerances_for(behavior, tolerance), rules,
                       _int("sync_period", sync_period, 1))


def reconcile(current_replicas: int, current_value: float, target_value: float, min_replicas: int = 1,
              max_replicas: int = 10, behavior: Optional[Mapping] = None,
              tolerance: float = DEFAULT_TOLERANCE) -> SyncResult:
    """One HPA sync with no earlier history [HPA]: the formula, stabilization and the rate limit.

    With ``behavior=None`` (no ``spec.behavior``) the legacy rule applies: at most
    ``max(2 × current, 4)``; with a ``behavior`` (even ``{}``) the defaulted policies do
    (4 Pods or 100 % per 15 s). E.g. 3 replicas at 200 for a target of 50, maxReplicas 10: the
    formula says 12, the sync writes 6 without behavior and 7 with the default behavior.
    """
    if isinstance(current_replicas, int) and not isinstance(current_replicas, bool) and current_replicas == 0:
        raise ValueError("current_replicas: Invalid value: 0: 目标的副本数为 0 时 HPA 停止伸缩（ScalingDisabled）")
    cur = _int("current_replicas", current_replicas, 1)
    value = _num("current_value", current_value)
    return _controller(target_value, min_replicas, max_replicas, tolerance, behavior).sync(0.0, cur, value)


# ----------------------------------------------------------------------------- simulation

@dataclass
class HPAStep:
    """One HPA sync: the replicas it saw, the metric, and what it decided."""
    time: float
    demand: float
    replicas: int          # current replicas at this sync (before scaling)
    metric: float          # per-pod metric = demand / replicas
    recommendation: int    # the formula's value (the metric's proposal, before stabilization and limits)
    stabilized: int        # after the stabilization window(s)
    desired: int           # after the rate limit and min/max: the count this sync writes
    reason: str            # DesiredWithinRange / ScaleUpLimit / ScaleDownLimit / TooManyReplicas / TooFewReplicas


@dataclass
class HPARun:
    """Result of :func:`simulate`. ``behavior`` is manifest-shaped (camelCase, can be passed
    back to :func:`simulate`), or None for an HPA without ``spec.behavior`` (legacy rules)."""
    target_value: float
    min_replicas: int
    max_replicas: int
    tolerance: float
    behavior: Optional[dict]
    sync_period: int
    steps: list[HPAStep] = field(default_factory=list)

    @property
    def scale_down_window(self) -> int:
        """The scale-down stabilization window in effect (the 5-minute flag without behavior)."""
        if self.behavior is None:
            return DEFAULT_DOWNSCALE_STABILIZATION
        return self.behavior["scaleDown"]["stabilizationWindowSeconds"]

    @property
    def tolerances(self) -> Tolerances:
        """[KEP4951] the tolerance interval this run used."""
        return tolerances_for(self.behavior, self.tolerance)

    @property
    def scale_events(self) -> int:
        """How many syncs changed the replica count."""
        return sum(1 for s in self.steps if s.desired != s.replicas)

    @property
    def direction_changes(self) -> int:
        """How many times scaling reversed direction (up after down or down after up): thrashing."""
        last = 0
        flips = 0
        for s in self.steps:
            d = (s.desired > s.replicas) - (s.desired < s.replicas)
            if d:
                if last and d != last:
                    flips += 1
                last = d
        return flips

    def column(self, name: str) -> list:
        return [getattr(s, name) for s in self.steps]

    def as_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k != "steps"}
        d["steps"] = [asdict(s) for s in self.steps]
        return d


def bursty_load(base: float = 60, peak: float = 300, period_seconds: int = 120, burst_seconds: int = 45,
                duration: int = 1800, sync_period: int = DEFAULT_SYNC_PERIOD) -> list[float]:
    """A demand series (one value per sync): ``peak`` for ``burst_seconds`` of every
    ``period_seconds``, ``base`` otherwise. Units: metric units summed over all pods (for CPU
    utilization, percent of one pod's request: 300 = three pods at 100 %)."""
    _num("base", base)
    _num("peak", peak)
    per = _int("period_seconds", period_seconds, 1)
    burst = _int("burst_seconds", burst_seconds, 0)
    dur = _int("duration", duration, 1)
    sp = _int("sync_period", sync_period, 1)
    return [float(peak) if (k * sp) % per < burst else float(base) for k in range(dur // sp + 1)]


def _demands(load: object, duration: object, period: int) -> tuple[list, list]:
    """(times, demands) of a load sequence or function ``load(t)``, validated."""
    if callable(load):
        if duration is None:
            raise ValueError("duration: Required value: load 是函数时必须给出 duration（秒）")
        dur = _num("duration", duration, positive=True)
        times = [k * period for k in range(int(dur // period) + 1)]
        return times, [_num(f"load({t})", load(t)) for t in times]
    try:
        demands = [_num(f"load[{i}]", v) for i, v in enumerate(load)]
    except TypeError:
        raise ValueError("load: Invalid value: 必须是数字序列或函数 load(t)") from None
    if not demands:
        raise ValueError("load: Invalid value: []: 至少需要一个数据点")
    if duration is not None:
        demands = demands[:int(_num("duration", duration, positive=True) // period) + 1]
    return [k * period for k in range(len(demands))], demands


def simulate(load: Union[Sequence[float], Callable[[float], float]], target_value: float = 50.0,
             initial_replicas: int = 1, min_replicas: int = 1, max_replicas: int = 10,
             tolerance: float = DEFAULT_TOLERANCE, behavior: Optional[Mapping] = None,
             sync_period: int = DEFAULT_SYNC_PERIOD, duration: Optional[float] = None) -> HPARun:
    """Run the HPA controller loop [HPA] over a demand curve.

    ``load`` is either a sequence (the total demand at each sync, ``t = k * sync_period``) or a
    function ``load(t)`` (then ``duration`` in seconds is required). At each sync the per-pod
    metric is ``demand / replicas``; the metric's proposal (the formula of
    :func:`desired_replicas`) is stabilized and rate-limited. ``behavior=None`` is an HPA
    without ``spec.behavior``: the legacy rules (5-minute scale-down window, scale-up at most
    ``max(2 × current, 4)`` per sync). A ``behavior`` (manifest dict or :func:`behavior`; ``{}``
    gives the autoscaling/v2 defaults) uses ``stabilizeRecommendationWithBehaviors`` and
    ``convertDesiredReplicasWithBehaviorRate`` with its policies and tolerances.
    """
    ctrl = _controller(target_value, min_replicas, max_replicas, tolerance, behavior, sync_period)
    cur = _int("initial_replicas", initial_replicas, 1)
    times, demands = _demands(load, duration, ctrl.period)
    run = HPARun(ctrl.target, ctrl.lo, ctrl.hi, _num("tolerance", tolerance),
                 None if ctrl.rules is None else _manifest(ctrl.rules), ctrl.period)
    for now, demand in zip(times, demands):
        metric = demand / cur
        r = ctrl.sync(now, cur, metric)
        run.steps.append(HPAStep(now, demand, cur, metric, r.formula, r.stabilized, r.desired_replicas, r.reason))
        cur = r.desired_replicas
    return run
