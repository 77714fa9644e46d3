"""法定人数 (quorum)：多数派、容错数、集群可用性、分区后哪一侧能写、写延迟。

来源：

* etcd FAQ https://etcd.io/docs/v3.5/faq/ ："Why an odd number of cluster members?"——
  n 个成员的集群需要多数派 ``floor(n/2)+1`` 才能工作；把 3 个成员加到 4 个，多数派从 2
  变成 3，可容忍的故障数仍是 1，偶数成员不增加容错，反而多一个可能故障的成员。
  "What is maximum cluster size?"——建议最多 7 个成员（5 个最常见），成员越多，
  每次写入要复制到的成员越多，写性能越差。
* Raft 论文（Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm",
  §5.3 Log replication）：领导者 (leader) 把日志条目复制到多数派服务器后即可提交
  (commit)；领导者自己的持久化也算一票。这是多数派复制，不是两阶段提交。

注意源章节说 “大多数指的是 (n-1)/2”：(n-1)/2（向下取整）是可容忍的故障数
(:func:`fault_tolerance`)，多数派是 ``floor(n/2)+1`` (:func:`majority`)。
"""
from __future__ import annotations

import math
from numbers import Real
from typing import Sequence

import numpy as np

__all__ = [
    "MAX_RECOMMENDED",
    "majority",
    "fault_tolerance",
    "has_quorum",
    "cluster_availability",
    "partition_quorum",
    "commit_latency",
    "expected_commit_latency",
    "commit_latency_mc",
    "quorum_table",
]

#: etcd FAQ 建议的最大集群规模。
MAX_RECOMMENDED = 7


def _check_n(n: object, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(f"{name}: Invalid value: {n!r}: 集群成员数必须是大于等于 1 的整数")
    if n < 1:
        raise ValueError(f"{name}: Invalid value: {n}: 集群成员数必须是大于等于 1 的整数")
    return int(n)


def _check_count(v: object, name: str, upper: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是整数")
    if v < 0 or v > upper:
        raise ValueError(f"{name}: Invalid value: {v}: 必须在 0 到 {upper} 之间")
    return int(v)


def _check_time(v: object, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(float(v)) or v < 0:
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是非负的有限数值（单位：毫秒）")
    return float(v)


def majority(n: int) -> int:
    """n 个成员的多数派（法定人数）``n // 2 + 1``。``majority(3) == 2``，``majority(4) == 3``。"""
    return _check_n(n) // 2 + 1


def fault_tolerance(n: int) -> int:
    """n 个成员能容忍几个成员故障而仍有多数派：``(n - 1) // 2``。``fault_tolerance(4) == 1``。"""
    return (_check_n(n) - 1) // 2


def has_quorum(n: int, alive: int) -> bool:
    """n 个成员中 ``alive`` 个存活时，是否还有多数派（能选主、能提交写入）。"""
    n = _check_n(n)
    alive = _check_count(alive, "alive", n)
    return alive >= n // 2 + 1


def cluster_availability(n: int, p: float) -> float:
    """每个成员独立地以概率 p 可用时，n 个成员中多数派可用的概率（二项分布精确求和）。

    ``sum(C(n, i) p^i (1-p)^(n-i) for i >= n//2+1)``。例如 p=0.99 时 n=3 约 0.999702，
    n=4 约 0.999408（比 3 个还低）。
    """
    n = _check_n(n)
    if isinstance(p, bool) or not isinstance(p, Real) or not (0.0 <= float(p) <= 1.0):
        raise ValueError(f"p: Invalid value: {p!r}: 单个成员的可用概率必须在 [0, 1] 之间")
    p = float(p)
    m = n // 2 + 1
    return math.fsum(math.comb(n, i) * p**i * (1.0 - p) ** (n - i) for i in range(m, n + 1))


def partition_quorum(n: int, sides: Sequence[int]) -> list[bool]:
    """网络分区后每一侧是否保有法定人数（能选出 leader 并提交写入）。

    ``sides`` 是各侧的成员数，总和不超过 n（不足的部分是已宕机的成员）。至多一侧为
    True；两侧各一半（例如 4 个成员分成 2+2）时两侧都没有法定人数，整个集群不可写。
    """
    n = _check_n(n)
    if isinstance(sides, (str, bytes)) or not isinstance(sides, Sequence) or len(sides) == 0:
        raise ValueError("sides: Invalid value: 必须是各分区成员数组成的非空列表，例如 [2, 1]")
    counts = [_check_count(s, f"sides[{i}]", n) for i, s in enumerate(sides)]
    if sum(counts) > n:
        raise ValueError(f"sides: Invalid value: {list(sides)}: 各侧成员数之和 {sum(counts)} 超过了成员总数 n={n}")
    m = n // 2 + 1
    return [c >= m for c in counts]


def commit_latency(follower_rtts: Sequence[float], fsync: float = 0.0,
                   leader_fsync: float | None = None) -> float:
    """一次写入的提交延迟（毫秒）：给定每个 follower 的往返时延 (RTT)。

    Raft 领导者并行地持久化自己的日志并把条目发给所有 follower；follower 的确认需要
    ``rtt + fsync``。领导者自己算一票，所以需要第 ``majority(n) - 1`` 快的 follower 确认，
    提交时刻 = ``max(leader_fsync, 第 (majority-1) 快的确认)``。n = len(follower_rtts) + 1。
    ``leader_fsync`` 缺省与 ``fsync`` 相同。
    """
    if isinstance(follower_rtts, (str, bytes)) or not isinstance(follower_rtts, Sequence):
        raise ValueError("follower_rtts: Invalid value: 必须是各 follower 往返时延（毫秒）组成的列表")
    rtts = [_check_time(r, f"follower_rtts[{i}]") for i, r in enumerate(follower_rtts)]
    f = _check_time(fsync, "fsync")
    lf = f if leader_fsync is None else _check_time(leader_fsync, "leader_fsync")
    n = len(rtts) + 1
    need = n // 2  # majority(n) - 1
    if need == 0:
        return lf
    acks = sorted(r + f for r in rtts)
    return max(lf, acks[need - 1])


def expected_commit_latency(n: int, rtt_base: float, rtt_jitter: float, fsync: float = 0.0) -> float:
    """解析形式：每个 follower 的 RTT = ``rtt_base`` + 均值为 ``rtt_jitter`` 的指数分布随机量。

    m = n-1 个独立同分布指数变量中第 k 小的期望是 ``rtt_jitter * sum_{i=0}^{k-1} 1/(m-i)``
    （指数分布顺序统计量）。k = majority(n) - 1。返回期望提交延迟（毫秒）。
    例如 jitter=1：n=3 -> 0.5，n=4 -> 0.833，n=5 -> 0.583（偶数更慢，成员更多也更慢）。
    """
    n = _check_n(n)
    base = _check_time(rtt_base, "rtt_base")
    jit = _check_time(rtt_jitter, "rtt_jitter")
    f = _check_time(fsync, "fsync")
    k = n // 2
    if k == 0:
        return f
    m = n - 1
    return base + f + jit * math.fsum(1.0 / (m - i) for i in range(k))


def commit_latency_mc(n: int, rtt_base: float, rtt_jitter: float, fsync: float = 0.0,
                      samples: int = 10_000, seed: int = 0, send_cost: float = 0.0) -> dict[str, float]:
    """蒙特卡洛形式：同 :func:`expected_commit_latency` 的模型，返回 ``mean``、``p50``、``p99``（毫秒）。

    ``send_cost``：领导者向每个 follower 发送一条消息的串行开销（毫秒，CPU/网卡），第 j 个
    follower 的消息在 ``j * send_cost`` 时才发出。它让 “成员越多写越慢” 更明显：领导者要为每个
    成员付出发送成本，etcd FAQ 说的正是写入需要复制到更多成员。
    """
    n = _check_n(n)
    base = _check_time(rtt_base, "rtt_base")
    jit = _check_time(rtt_jitter, "rtt_jitter")
    f = _check_time(fsync, "fsync")
    c = _check_time(send_cost, "send_cost")
    samples = _check_n(samples, "samples")
    k = n // 2
    if k == 0:
        lat = np.full(samples, f)
    else:
        rng = np.random.default_rng(seed)
        acks = base + f + rng.exponential(jit, size=(samples, n - 1)) if jit > 0 else np.full((samples, n - 1), base + f)
        acks = acks + c * np.arange(1, n)
        acks.sort(axis=1)
        lat = np.maximum(f, acks[:, k - 1])
    return {"mean": float(lat.mean()), "p50": float(np.percentile(lat, 50)), "p99": float(np.percentile(lat, 99))}


def quorum_table(sizes: Sequence[int] = tuple(range(1, 8)), p: float = 0.99,
                 rtt_base: float = 1.0, rtt_jitter: float = 1.0, fsync: float = 0.0) -> list[dict]:
    """每个集群规模一行：``n``、``majority``、``fault_tolerance``、``availability``、``latency_ms``（期望提交延迟）。"""
    return [
        {
            "n": _check_n(n),
            "majority": majority(n),
            "fault_tolerance": fault_tolerance(n),
            "availability": cluster_availability(n, p),
            "latency_ms": expected_commit_latency(n, rtt_base, rtt_jitter, fsync),
        }
        for n in sizes
    ]
