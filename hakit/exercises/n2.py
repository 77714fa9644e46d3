"""第 N.2 节（Kubernetes 集群高可用）的练习：多数派、容错数、偶数规模、分区、集群可用性。

期望答案由 :mod:`hakit.models.quorum` 计算。勘误 E01：多数派是 ⌊n/2⌋+1，(n−1)/2 是容错数
（etcd FAQ: https://etcd.io/docs/v3.6/faq/#what-is-failure-tolerance ）。
"""
from __future__ import annotations

from hakit.grading import exercise
from hakit.models import quorum as q


@exercise(
    "n2.majority_5",
    question="5 个成员的 etcd 集群，多数派（法定人数，quorum）是几个成员？",
    kind="int",
    wrong_answers=[2, 2.5, None],
    hint="多数派 = ⌊n/2⌋ + 1；原文的 (n−1)/2 其实是能容忍的故障数，不是多数派。",
)
def _majority_5() -> int:
    return q.majority(5)


@exercise(
    "n2.fault_tolerance_4",
    question="4 个成员的 etcd 集群最多能同时坏掉几个成员而仍能写入？",
    kind="int",
    wrong_answers=[2, 3, None],
    hint="剩下的成员必须仍构成多数派：容错数 = n − 多数派 = ⌊(n−1)/2⌋。",
)
def _ft_4() -> int:
    return q.fault_tolerance(4)


@exercise(
    "n2.min_size_tolerate_2",
    question="要能同时容忍 2 个成员故障，etcd 集群至少需要几个成员？",
    kind="int",
    wrong_answers=[3, 4, None],
    hint="找最小的 n，使 ⌊(n−1)/2⌋ ≥ 2。",
)
def _min_size() -> int:
    n = 1
    while q.fault_tolerance(n) < 2:
        n += 1
    return n


@exercise(
    "n2.even_sizes_no_gain",
    question="在规模 n = 2 … 7 中，哪些规模的容错数与 n − 1 个成员时完全相同（多加的那个成员没有带来容错）？填一个集合，如 {2, 5}。",
    kind="set",
    wrong_answers=[{3, 5, 7}, {2, 4}, None],
    hint="逐个比较 fault_tolerance(n) 与 fault_tolerance(n − 1)。",
)
def _even() -> set[int]:
    return {n for n in range(2, 8) if q.fault_tolerance(n) == q.fault_tolerance(n - 1)}


@exercise(
    "n2.has_quorum_5_2alive",
    question="5 个成员中只剩 2 个存活，集群还能选出 Leader 并提交写入吗？（True/False）",
    kind="bool",
    wrong_answers=[True, None],
    hint="存活成员数要 ≥ 多数派才行。",
)
def _hq() -> bool:
    return q.has_quorum(5, 2)


@exercise(
    "n2.partition_2_2",
    question="4 个成员的集群被网络分区切成 2 + 2 两半，有几侧能选出 Leader？（整数）",
    kind="int",
    wrong_answers=[1, 2, None],
    hint="每一侧都要单独达到整个集群（4 个成员）的多数派。",
)
def _partition() -> int:
    return sum(q.partition_quorum(4, [2, 2]))


@exercise(
    "n2.cluster_availability_3_099",
    question="3 个成员，每个成员独立地以 99% 的概率可用。集群有多数派的概率是多少？（填小数）",
    kind="availability",
    wrong_answers=[0.99, 0.970299, 0.999999, None],
    hint="至少 2 个成员可用：恰好 2 个可用与 3 个都可用的概率之和。",
)
def _ca3() -> float:
    return q.cluster_availability(3, 0.99)


@exercise(
    "n2.three_or_four",
    question="成员可用性都是 99% 时，3 个成员与 4 个成员的集群，哪个有多数派的概率更高？填 3 或 4。",
    kind="int",
    wrong_answers=[4, None],
    hint="分别算 cluster_availability(3, 0.99) 与 cluster_availability(4, 0.99)：4 个成员的多数派是 3。",
)
def _three_or_four() -> int:
    return 3 if q.cluster_availability(3, 0.99) > q.cluster_availability(4, 0.99) else 4


# ---- N.2.1 / N.2.2 / N.2.3（W1 添加）：控制平面、领导者选举、提交延迟 ----
from hakit.models import leaderelection as le  # noqa: E402
from hakit.models import topology as topo  # noqa: E402


@exercise(
    "n2.cp_failures_external",
    question="外部 etcd 拓扑：3 个控制平面节点、3 个 etcd 节点。最多同时坏几个控制平面节点，kube-apiserver 仍然可用？（整数）",
    kind="int",
    wrong_answers=[1, 3, None],
    hint="kube-apiserver 是多活（active-active），只要还有一个实例、且 etcd 保有法定人数即可；控制平面节点本身不组成多数派。",
)
def _cp_failures_external() -> int:
    g = topo.k8s_ha_cluster("external")
    best = 0
    for k in range(1, 4):
        if topo.impact(g, [f"cp{i}" for i in range(1, k + 1)]).services["kube-apiserver"][2]:
            best = k
    return best


@exercise(
    "n2.lease_takeover_latest",
    question=("领导者选举取默认值（leaseDuration 15 s、retryPeriod 2 s），假设备用实例严格每 2 s 轮询一次（不计抖动）。"
              "从领导者最后一次成功续约算起，备用实例最迟多少秒接管？"),
    kind="number",
    wrong_answers=[15, 17, None],
    hint="备用实例在最后一次续约之后的第一次轮询时才“看到”这次续约，从那一刻起再等满 leaseDuration，而且只在轮询时刻检查是否过期。",
)
def _lease_takeover_latest() -> float:
    return le.takeover_bounds(15, 2, jitter=False)[1]


@exercise(
    "n2.leader_stepdown",
    question="默认参数下（renewDeadline 10 s、retryPeriod 2 s），一个连不上 API 服务器的 kube-controller-manager 领导者在最后一次成功续约后多少秒放弃领导？",
    kind="number",
    wrong_answers=[10, 15, None],
    hint="续约每 retryPeriod 开始一轮，每一轮在 renewDeadline 内重试；整轮失败才放弃。",
)
def _leader_stepdown() -> float:
    return le.stepdown_after(10, 2)


@exercise(
    "n2.commit_latency_5",
    question=("5 个成员的 etcd 集群，Leader 到 4 个 Follower 的往返时延分别是 1、1、50、80 ms，每个成员 fsync 2 ms。"
              "一次写入的提交延迟是多少毫秒？（Leader 自己的 fsync 也是 2 ms）"),
    kind="number",
    wrong_answers=[82, 52, None],
    hint="Raft 只等多数派（3 个，Leader 自己算一个）：看足够多的 Follower 确认（RTT + fsync）与 Leader 自己的 fsync 各在何时完成。",
)
def _commit_latency_5() -> float:
    return q.commit_latency([1, 1, 50, 80], fsync=2)


# --- N.2.4 kube-proxy、N.2.5 etcd 拓扑 ------------------------------------------------------
@exercise(
    "n2.iptables_rules_10svc_3ep",
    question="iptables 模式下，10 个 ClusterIP Service（各 1 个端口、3 个就绪端点，默认配置）让 kube-proxy "
             "在 nat 表的 KUBE-SERVICES、KUBE-SVC-*、KUBE-SEP-* 链里一共写入多少条规则？",
    kind="int",
    wrong_answers=[30, 40, None],
    hint="每个 Service 端口：KUBE-SERVICES 1 条；KUBE-SVC 链 1 条伪装 + 每个端点 1 条；每个 KUBE-SEP 链 2 条。"
         "见 hakit.models.kubeproxy.iptables_rule_count。",
    source="https://github.com/kubernetes/kubernetes/blob/v1.36.1/pkg/proxy/iptables/proxier.go",
)
def _iptables_rules() -> int:
    from hakit.models import kubeproxy
    return kubeproxy.iptables_rule_count(10, 3)["nat_rules"]


@exercise(
    "n2.external_etcd_min_hosts",
    question="按 kubeadm 的高可用拓扑文档，外部 (external) etcd 拓扑至少需要多少台主机来运行控制平面节点与 etcd 成员（不计 Worker 节点和负载均衡器）？",
    kind="int",
    wrong_answers=[3, 5, None],
    hint="外部拓扑把 etcd 成员与控制平面节点放在不同的主机上：两类主机各至少需要几台，见 kubeadm 文档的 External etcd topology 一节。",
    source="https://v1-36.docs.kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/",
)
def _external_hosts() -> int:
    return 3 + 3


@exercise(
    "n2.proxy_mode_removed_126",
    question="原文列出的 kube-proxy 代理模式中，哪一个已在 Kubernetes v1.26 被移除？填模式名（英文）。",
    kind="str",
    wrong_answers=["ipvs", "iptables", None],
    hint="v1.26 起 kube-proxy 只负责编排转发规则，不再亲自转发数据包。见 hakit.models.kubeproxy.PROXY_MODES。",
    source="https://v1-36.docs.kubernetes.io/docs/reference/networking/virtual-ips/#proxy-modes",
)
def _removed_mode() -> str:
    from hakit.models import kubeproxy
    return next(m for m, (_, status, _) in kubeproxy.PROXY_MODES.items() if "v1.26 移除" in status)


@exercise(
    "n2.stacked_cp_failures_to_lose_quorum",
    question="堆叠 (stacked) etcd 拓扑、3 个控制平面节点。最少同时坏掉几台控制平面主机，etcd 就会失去法定人数、集群不可写？",
    kind="int",
    wrong_answers=[1, 3, None],
    hint="堆叠拓扑中每台控制平面主机上都有一个 etcd 成员：失去主机就失去成员。剩下的成员还构成多数派吗？",
    source="https://v1-36.docs.kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/",
)
def _stacked_quorum() -> int:
    from hakit.models import topology
    g = topology.k8s_ha_cluster("stacked")
    hosts = ["host-cp1", "host-cp2", "host-cp3"]
    for k in range(1, len(hosts) + 1):
        if not topology.impact(g, hosts[:k]).etcd["etcd"][2]:
            return k
    raise ValueError("堆叠拓扑模型中失去全部控制平面主机也没有失去法定人数：模型有误")
