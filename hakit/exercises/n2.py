"""第 N.2 节（Kubernetes 集群高可用）的练习：多数派、容错数、偶数规模、分区、集群可用性。

期望答案由 :mod:`hakit.models.quorum` 计算。勘误 1：多数派是 ⌊n/2⌋+1，(n−1)/2 是容错数
（etcd FAQ: https://etcd.io/docs/v3.5/faq/#what-is-failure-tolerance ）。
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
    question="5 个成员中只剩 2 个存活，集群还能选出 leader 并提交写入吗？（True/False）",
    kind="bool",
    wrong_answers=[True, None],
    hint="存活成员数要 ≥ 多数派才行。",
)
def _hq() -> bool:
    return q.has_quorum(5, 2)


@exercise(
    "n2.partition_2_2",
    question="4 个成员的集群被网络分区切成 2 + 2 两半，有几侧能选出 leader？（整数）",
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
