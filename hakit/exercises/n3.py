"""第 N.3 节（应用高可用）的练习：滚动更新的 fencepost、startupProbe 保护时长、HPA 副本数。

- 滚动更新：:func:`hakit.models.rollout.resolve_fenceposts`（上游
  ``pkg/controller/deployment/util/deployment_util.go`` 的 ``ResolveFenceposts``：maxSurge 向上取整，
  maxUnavailable 向下取整，两者都为 0 时 maxUnavailable 取 1）。
- startupProbe：保护时长 = failureThreshold × periodSeconds
  （https://v1-36.docs.kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
  “Protect slow starting containers with startup probes”）。
- HPA：:func:`hakit.models.hpa.desired_replicas`
  （https://v1-36.docs.kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details）。
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
    hint="百分比乘以 replicas 后：maxSurge 向上取整，maxUnavailable 向下取整（宁可多创建 Pod，也不多停 Pod）。",
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
    question="应用最坏情况下需要 245 秒才能启动。startupProbe 的 periodSeconds=10，按官方文档的估算（failureThreshold × periodSeconds ≥ 最坏启动时间），failureThreshold 至少设为多少？",
    kind="int",
    wrong_answers=[24, 245, None],
    hint="failureThreshold ≥ 最坏启动时间 ÷ periodSeconds，结果向上取整。",
)
def _startup_ft() -> int:
    return math.ceil(245 / 10)


@exercise(
    "n3.hpa_scale_up",
    question="当前 4 个副本，平均 CPU 利用率 80%，HPA 目标 60%。HPA 算出的期望副本数是多少？",
    kind="int",
    wrong_answers=[5, 4, None],
    hint="期望副本数 desiredReplicas = ceil(currentReplicas × currentMetricValue / desiredMetricValue)，向上取整。",
)
def _hpa_up() -> int:
    return int(hpa.desired_replicas(4, 80, 60))


@exercise(
    "n3.hpa_tolerance",
    question="当前 4 个副本，平均 CPU 利用率 64%，HPA 目标 60%（默认容差 0.1）。期望副本数是多少？",
    kind="int",
    wrong_answers=[5, None],
    hint="比值 current/target 落在容差区间 [1 − 0.1, 1 + 0.1] 之内时，HPA 不改变副本数。",
)
def _hpa_tol() -> int:
    return int(hpa.desired_replicas(4, 64, 60))


@exercise(
    "n3.hpa_scale_down",
    question="当前 10 个副本，平均 CPU 利用率 22%，HPA 目标 50%。不考虑缩容稳定窗口，公式算出的期望副本数是多少？",
    kind="int",
    wrong_answers=[4, 23, None],
    hint="同一个公式也用于缩容：比值小于 1 时结果小于当前副本数，仍然向上取整。",
)
def _hpa_down() -> int:
    return int(hpa.desired_replicas(10, 22, 50))


@exercise(
    "n3.hpa_max_replicas",
    question="当前 8 个副本，指标 200（目标 50），maxReplicas=10，没有写 spec.behavior。HPA 这一次同步设置的副本数是多少？",
    kind="int",
    wrong_answers=[32, 16, 8, None],
    hint="先按公式算；这一次同步最多扩到 max(2 × 当前副本数, 4)，再受 maxReplicas 约束。",
)
def _hpa_max() -> int:
    return int(hpa.reconcile(8, 200, 50, max_replicas=10).desired_replicas)


# ---- N.3.2.5–N.3.2.7：Service、Ingress、StatefulSet（hakit.models.service；上游 pkg/proxy/iptables/proxier.go、
# https://v1-36.docs.kubernetes.io/docs/concepts/workloads/controllers/statefulset/ 、
# https://v1-36.docs.kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/）
from hakit.models import availability as _av  # noqa: E402
from hakit.models import service as _svc  # noqa: E402


def _svc_eps(n: int, unready: set = frozenset()):
    return _svc.endpoint_slice([(f"pod-{i}", f"10.244.1.{10 + i}", i not in unready) for i in range(n)])


@exercise(
    "n3.svc_first_rule_prob_4",
    question="一个 ClusterIP Service 有 4 个就绪端点（iptables 模式）。KUBE-SVC 链第 1 条规则的 --probability 是多少？（小数）",
    kind="number", abs_tol=1e-6,
    wrong_answers=[1.0, 0.5, 0.3333333333, None],
    hint="第 i 条规则（从 0 数）的概率是 1/(n−i)；第 1 条要在 4 个端点里挑中自己。",
)
def _svc_first() -> float:
    return float(_svc.kube_svc_rules(_svc_eps(4))[0].probability)


@exercise(
    "n3.svc_share_after_unready",
    question="5 个 Pod 的 Service 中有 1 个 Pod 的就绪探针失败。kube-proxy 更新规则后，剩下的每个 Pod 被选中的概率是多少？（小数）",
    kind="number", abs_tol=1e-6,
    wrong_answers=[0.2, 0.8, None],
    hint="未就绪的端点在 EndpointSlice 中 ready=false，不会写进 KUBE-SVC 链；链按剩下的 m 个端点重写。",
)
def _svc_unready() -> float:
    shares = _svc.endpoint_shares(_svc.kube_svc_rules(_svc_eps(5, {2})))
    return float(next(iter(shares.values())))


@exercise(
    "n3.svc_fqdn",
    question="名字空间 shop 中名为 backend 的 Service，在默认集群域下的全限定域名 (FQDN) 是什么？",
    kind="str",
    wrong_answers=["backend.default.svc.cluster.local", "backend.shop.cluster.local", None],
    hint="格式是 <service>.<namespace>.svc.<集群域>，集群域默认 cluster.local。",
)
def _svc_fqdn() -> str:
    return _svc.service_fqdn("backend", "shop")


@exercise(
    "n3.ingress_one_of_3",
    question="Ingress Controller 以 DaemonSet 运行在 3 个 Worker 节点上，每个节点独立可用 99%，节点 VIP 会摘除故障节点。至少一个节点上的 Ingress 可用的概率是多少？",
    kind="availability",
    wrong_answers=[0.99, 0.970299, None],
    hint="这是 k-of-n 中 k = 1 的情形：1 − (1 − p)^n。",
)
def _ingress() -> float:
    return _av.k_of_n(1, 3, 0.99)


@exercise(
    "n3.ingress_update_serving",
    question="Ingress Controller DaemonSet 占用主机 80/443 端口，运行在 4 个节点上，updateStrategy 为默认的 RollingUpdate（maxUnavailable=1）。更新期间任一时刻至少有几个节点上的 Ingress 在服务？",
    kind="int",
    wrong_answers=[4, 0, None],
    hint="默认 maxSurge=0、maxUnavailable=1：每次先删一个节点上的旧 Pod，再在该节点上建新 Pod。",
)
def _ingress_upd() -> int:
    return 4 - max(len(b) for b in _svc.daemonset_update_batches(4, 1))


@exercise(
    "n3.sts_pvc_name",
    question="StatefulSet redis 的 volumeClaimTemplates 中有一个名为 data 的模板。序号为 2 的 Pod 使用的 PVC 叫什么？",
    kind="str",
    wrong_answers=["redis-2-data", "data-2", "redis-data-2", None],
    hint="PVC 名 = <模板名>-<StatefulSet 名>-<序号>。",
)
def _sts_pvc() -> str:
    return _svc.pvc_name("data", "redis", 2)


@exercise(
    "n3.sts_ordered_batches",
    question="replicas=4、podManagementPolicy 为默认值 OrderedReady 的 StatefulSet 从零创建，要分几批依次创建 Pod（每批等上一批 Running 且 Ready）？",
    kind="int",
    wrong_answers=[1, 2, None],
    hint="OrderedReady 按序号 0, 1, 2, … 逐个创建；Parallel 才会一次全部创建。",
)
def _sts_batches() -> int:
    return len(_svc.statefulset_order(4, "OrderedReady"))


# --- N.3.1 故障点、N.3.2.1 ReplicaSet ---------------------------------------------------------
@exercise(
    "n3.etcd_two_dc_survivors",
    question="3 个 etcd 成员按 {'A': 2, 'B': 1} 放在两个数据中心。失去哪些数据中心后 etcd 仍保有法定人数？填数据中心名的集合，例如 {'A'}；都不行就填 set()。",
    kind="set",
    wrong_answers=[{"A", "B"}, {"A"}, None],
    hint="失去一个数据中心后，剩下的成员数必须 ≥ ⌊3/2⌋+1 = 2。见 hakit.models.topology.etcd_dc_loss。",
    source="https://etcd.io/docs/v3.6/faq/#what-is-failure-tolerance",
)
def _two_dc() -> set:
    from hakit.models import topology
    return {dc for dc, ok in topology.etcd_dc_loss({"A": 2, "B": 1}).items() if ok}


@exercise(
    "n3.zone_antiaffinity_pending",
    question="集群只有两个可用区 (topology.kubernetes.io/zone)。一个 replicas=3 的 Deployment 使用按 zone 的 "
             "requiredDuringSchedulingIgnoredDuringExecution podAntiAffinity，会有几个 Pod 保持 Pending？",
    kind="int",
    wrong_answers=[0, 3, None],
    hint="硬性反亲和：每个 zone 最多一个该应用的 Pod；放不下的 Pod 不会被调度。",
    source="https://v1-36.docs.kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity",
)
def _zone_pending() -> int:
    from hakit.models import topology
    g = topology.failure_points(app_replicas=0)
    g.remove_node("app")
    return len(topology.schedule(g, "web", 3, "required", topology.ZONE).pending)


@exercise(
    "n3.rs_after_rollout",
    question="一个 Deployment 完成了一次滚动更新（revisionHistoryLimit 保持默认 10）。此后它拥有几个 ReplicaSet？",
    kind="int",
    wrong_answers=[1, 0, None],
    hint="旧 ReplicaSet 被缩到 0 但不会删除（保留用于回滚，直到超过 revisionHistoryLimit）。",
    source="https://v1-36.docs.kubernetes.io/docs/concepts/workloads/controllers/deployment/#clean-up-policy",
)
def _rs_after() -> int:
    return 2


@exercise(
    "n3.rollout_max_pods_6",
    question="replicas=6，maxSurge=25%，maxUnavailable=25%。滚动更新过程中同一时刻最多有几个 Pod？",
    kind="int",
    wrong_answers=[7, 6, None],
    hint="上限是 replicas + maxSurge，maxSurge 的百分比向上取整。",
    source="https://v1-36.docs.kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge",
)
def _max_pods_6() -> int:
    return max(s.total_pods for s in rollout.simulate(6, "25%", "25%").steps)
