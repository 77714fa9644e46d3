"""第 N.3 节（应用高可用）的练习：滚动更新的 fencepost、startupProbe 保护时长、HPA 副本数。

- 滚动更新：:func:`hakit.models.rollout.resolve_fenceposts`（上游
  ``pkg/controller/deployment/util/deployment_util.go`` 的 ``ResolveFenceposts``：maxSurge 向上取整，
  maxUnavailable 向下取整，两者都为 0 时 maxUnavailable 取 1）。
- startupProbe：保护时长 = failureThreshold × periodSeconds
  （https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
  “Protect slow starting containers with startup probes”）。
- HPA：:func:`hakit.models.hpa.desired_replicas`
  （https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details）。
"""
from __future__ import annotations

import math

from hakit.grading import exercise
from hakit.models import hpa, rollout


@exercise(
    "n3.fenceposts_10_25pct",
    question="replicas=10，maxSurge=25%，maxUnavailable=25%。Deployment 控制器实际使用的 (maxSurge, maxUnavailable) 各是几个 Pod？填元组 (surge, unavailable)。",
    kind="seq",
    wrong_answers=[(3, 3), (2, 2), (2.5, 2.5), None],
    hint="百分比乘以 replicas 后：maxSurge 向上取整，maxUnavailable 向下取整（宁可多起、不可多停）。",
)
def _fp10() -> tuple[int, int]:
    return tuple(rollout.resolve_fenceposts("25%", "25%", 10))


@exercise(
    "n3.rollout_bounds_10",
    question=("沿用上一题（replicas=10，两个参数都是 25%）。滚动更新过程中 Pod 总数最多是多少？可用 Pod 最少是多少？"
              "填字典 {'max_pods': ..., 'min_available': ...}。"),
    kind="dict",
    wrong_answers=[{"max_pods": 12, "min_available": 8}, {"max_pods": 13, "min_available": 7},
                   {"max_pods": 13, "min_available": None}, None],
    hint="最多 = replicas + 取整后的 maxSurge；最少可用 = replicas − 取整后的 maxUnavailable。",
)
def _bounds() -> dict[str, int]:
    surge, unavailable = rollout.resolve_fenceposts("25%", "25%", 10)
    return {"max_pods": 10 + surge, "min_available": 10 - unavailable}


@exercise(
    "n3.fenceposts_both_zero",
    question="replicas=4，maxSurge=0，maxUnavailable=10%。控制器实际使用的 (maxSurge, maxUnavailable) 是多少？填元组。",
    kind="seq",
    wrong_answers=[(0, 0), (0, 0.4), (1, 0), None],
    hint="10% × 4 向下取整是 0；两个值同时为 0 时滚动更新永远无法前进，控制器会怎样处理？",
)
def _fp_zero() -> tuple[int, int]:
    return tuple(rollout.resolve_fenceposts(0, "10%", 4))


@exercise(
    "n3.startup_protection",
    question="startupProbe 设置 periodSeconds=10、failureThreshold=30。应用最多有多少秒完成启动，之后才会被 kubelet 重启？",
    kind="number", abs_tol=0.5,
    wrong_answers=[40, 30, 10, None],
    hint="启动探针连续失败 failureThreshold 次、每次间隔 periodSeconds 秒后才判定失败。",
)
def _startup() -> float:
    period_seconds, failure_threshold = 10, 30
    return failure_threshold * period_seconds


@exercise(
    "n3.startup_failure_threshold",
    question="应用最坏情况下需要 250 秒才能启动。startupProbe 的 periodSeconds=10，按 failureThreshold × periodSeconds ≥ 最坏启动时间，failureThreshold 至少设为多少？",
    kind="int",
    wrong_answers=[24, 250, None],
    hint="failureThreshold ≥ 最坏启动时间 ÷ periodSeconds，结果向上取整。",
)
def _startup_ft() -> int:
    return math.ceil(250 / 10)


@exercise(
    "n3.hpa_scale_up",
    question="当前 4 个副本，平均 CPU 利用率 90%，HPA 目标 60%。HPA 算出的期望副本数是多少？",
    kind="int",
    wrong_answers=[5, 3, None],
    hint="期望副本数 desiredReplicas = ceil(currentReplicas × currentMetricValue / desiredMetricValue)，向上取整。",
)
def _hpa_up() -> int:
    return int(hpa.desired_replicas(4, 90, 60))


@exercise(
    "n3.hpa_tolerance",
    question="当前 4 个副本，平均 CPU 利用率 64%，HPA 目标 60%（默认容差 0.1）。期望副本数是多少？",
    kind="int",
    wrong_answers=[5, None],
    hint="比值 current/target 与 1 相差不超过容差（0.1）时，HPA 不改变副本数。",
)
def _hpa_tol() -> int:
    return int(hpa.desired_replicas(4, 64, 60))


@exercise(
    "n3.hpa_scale_down",
    question="当前 10 个副本，平均 CPU 利用率 20%，HPA 目标 50%。不考虑缩容稳定窗口，公式算出的期望副本数是多少？",
    kind="int",
    wrong_answers=[25, 5, None],
    hint="同一个公式也用于缩容：ceil(10 × 20 / 50)。",
)
def _hpa_down() -> int:
    return int(hpa.desired_replicas(10, 20, 50))


@exercise(
    "n3.hpa_max_replicas",
    question="当前 8 个副本，指标 200（目标 50），maxReplicas=10。HPA 最终设置的副本数是多少？",
    kind="int",
    wrong_answers=[32, 8, None],
    hint="先按公式算，再夹到 [minReplicas, maxReplicas] 之间。",
)
def _hpa_max() -> int:
    return int(hpa.desired_replicas(8, 200, 50, max_replicas=10))
