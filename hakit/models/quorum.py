"""法定人数 (quorum)：多数派、容错数、集群可用性、分区后哪一侧能写、写延迟。

来源：

* etcd FAQ https://etcd.io/docs/v3.6/faq/ ："Why an odd number of cluster members?"——
  n 个成员的集群需要多数派 ``floor(n/2)+1`` 才能工作；把 3 个成员加到 4 个，多数派从 2
  变成 3，可容忍的故障数仍是 1，偶数成员不增加容错，反而多一个可能故障的成员。
  "What is maximum cluster size?"——集群大概不应超过 7 个成员（FAQ 举 Google Chubby 的
  5 个成员为例）；成员越多，每次写入要复制到的成员越多，写性能越差。
* Raft 论文（Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm",
  §5.3 Log replication）：领导者 (leader) 把日志条目复制到多数派服务器后即可提交
  (commit)；领导者自己的持久化也算一票。这是多数派复制，不是两阶段提交。

注意源章节说 “大多数指的是 (n-1)/2”：(n-1)/2（向下取整）是可容忍的故障数
(:func:`fault_tolerance`)，多数派是 ``floor(n/2)+1`` (:func:`majority`)。
"""
from __future__ import annotations

import math
import random
from numbers import Integral, Real
from typing import NamedTuple, Sequence

from hakit.models.availability import k_of_n, unavailability_k_of_n

__all__ = [
    "MAX_RECOMMENDED",
    "majority",
    "fault_tolerance",
    "has_quorum",
    "cluster_availability",
    "cluster_unavailability",
    "cluster_nines",
    "partition_quorum",
    "commit_latency",
    "expected_commit_latency",
    "commit_latency_mc",
    "commit_latency_mean",
    "commit_latency_quantile",
    "percentile",
    "LatencyStats",
    "quorum_table",
]

#: etcd FAQ 建议的最大集群规模。
MAX_RECOMMENDED = 7


def _is_int(v: object) -> bool:
    return isinstance(v, Integral) and not isinstance(v, bool)


def _check_n(n: object, name: str = "n") -> int:
    if not _is_int(n):
        raise ValueError(f"{name}: Invalid value: {n!r}: 集群成员数必须是大于等于 1 的整数")
    if n < 1:
        raise ValueError(f"{name}: Invalid value: {n}: 集群成员数必须是大于等于 1 的整数")
    return int(n)


def _check_count(v: object, name: str, upper: int) -> int:
    if not _is_int(v):
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
    return alive >= majority(n)


def cluster_availability(n: int, p: float) -> float:
    """每个成员独立地以概率 p 可用时，n 个成员中多数派可用的概率（二项分布精确求和）。

    ``sum(C(n, i) p^i (1-p)^(n-i) for i >= n//2+1)``。例如 p=0.99 时 n=3 约 0.999702，
    n=4 约 0.999408（比 3 个还低）。
    """
    n, p = _check_n(n), _check_p(p)
    return k_of_n(majority(n), n, p)


def cluster_unavailability(n: int, p: float) -> float:
    """``1 - cluster_availability(n, p)``, summed over the outcomes without a majority (exact even
    where ``1 - availability`` rounds to 0 in floating point)."""
    n, p = _check_n(n), _check_p(p)
    return unavailability_k_of_n(majority(n), n, p)


def cluster_nines(n: int, p: float) -> float:
    """集群可用性有几个 9：``-log10(cluster_unavailability(n, p))``；p = 1 时为 ``math.inf``。"""
    q = cluster_unavailability(n, p)
    return math.inf if q == 0 else -math.log10(q)


def _check_p(p: object) -> float:
    if isinstance(p, bool) or not isinstance(p, Real) or not (0.0 <= float(p) <= 1.0):
        raise ValueError(f"p: Invalid value: {p!r}: 单个成员的可用概率必须在 [0, 1] 之间")
    return float(p)


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
    m = majority(n)
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
    need = majority(len(rtts) + 1) - 1  # the leader's own vote counts
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
    k = majority(n) - 1
    if k == 0:
        return f
    m = n - 1
    return base + f + jit * math.fsum(1.0 / (m - i) for i in range(k))


class LatencyStats(NamedTuple):
    """:func:`commit_latency_mc` 的结果（毫秒）；``stats["mean"]`` 这样按键读取也可以。"""

    mean: float
    p50: float
    p99: float

    def __getitem__(self, key):
        return getattr(self, key) if isinstance(key, str) else tuple.__getitem__(self, key)

    def keys(self):
        return self._fields


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """第 q 百分位数（线性插值，与 numpy ``percentile`` 的缺省方法相同）；``sorted_values`` 已升序。"""
    if not sorted_values:
        raise ValueError("sorted_values: Required value: 至少需要一个样本")
    if isinstance(q, bool) or not isinstance(q, Real) or not 0 <= q <= 100:
        raise ValueError(f"q: Invalid value: {q!r}: 百分位必须在 [0, 100] 之间")
    h = (len(sorted_values) - 1) * q / 100.0
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def _check_samples(v: object) -> int:
    if not _is_int(v) or v < 1:
        raise ValueError(f"samples: Invalid value: {v!r}: 样本数必须是大于等于 1 的整数")
    return int(v)


def _check_seed(v: object) -> int:
    if not _is_int(v):
        raise ValueError(f"seed: Invalid value: {v!r}: 随机种子必须是整数")
    return int(v)


def commit_latency_mc(n: int, rtt_base: float, rtt_jitter: float, fsync: float = 0.0,
                      samples: int = 10_000, seed: int = 0, send_cost: float = 0.0) -> LatencyStats:
    """蒙特卡洛形式：同 :func:`expected_commit_latency` 的模型，返回 ``mean``、``p50``、``p99``（毫秒）。

    ``send_cost``：领导者向每个 follower 发送一条消息的串行开销（毫秒，CPU/网卡），第 j 个
    follower 的消息在 ``j * send_cost`` 时才发出。它让 “成员越多写越慢” 更明显：领导者要为每个
    成员付出发送成本，etcd FAQ 说的正是写入需要复制到更多成员。纯 Python（``random.Random(seed)``），
    同一组参数与种子总是给出同一个结果。
    """
    n = _check_n(n)
    base = _check_time(rtt_base, "rtt_base")
    jit = _check_time(rtt_jitter, "rtt_jitter")
    f = _check_time(fsync, "fsync")
    c = _check_time(send_cost, "send_cost")
    samples = _check_samples(samples)
    rnd = random.Random(_check_seed(seed))
    k = majority(n) - 1
    if k == 0:
        lat = [f] * samples
    else:
        offsets = [base + f + c * j for j in range(1, n)]
        lat = [max(f, _kth_ack(rnd, offsets, jit, k)) for _ in range(samples)]
    lat.sort()
    return LatencyStats(math.fsum(lat) / samples, percentile(lat, 50), percentile(lat, 99))


def _kth_ack(rnd: random.Random, offsets: list, jitter: float, k: int) -> float:
    """The k-th fastest follower acknowledgement of one write (exponential jitter, mean ``jitter``)."""
    if jitter == 0:
        acks = sorted(offsets)
    else:
        log, rand = math.log, rnd.random
        acks = sorted([o - jitter * log(1.0 - rand()) for o in offsets])
    return acks[k - 1]


def _ack_offsets(n: int, rtt_base: float, fsync: float, send_cost: float) -> list:
    return [rtt_base + fsync + send_cost * j for j in range(1, n)]


def _prob_committed_by(x: float, offsets: list, jitter: float, k: int) -> float:
    """P(at least k of the follower acks have arrived by time x): a Poisson-binomial tail."""
    dist = [1.0] + [0.0] * len(offsets)  # dist[i] = P(exactly i acks so far)
    for o in offsets:
        if x < o:
            continue
        f = 1.0 if jitter == 0 else -math.expm1(-(x - o) / jitter)
        for i in range(len(dist) - 1, 0, -1):
            dist[i] = dist[i] * (1.0 - f) + dist[i - 1] * f
        dist[0] *= 1.0 - f
    return math.fsum(dist[k:])


def commit_latency_quantile(n: int, rtt_base: float, rtt_jitter: float, fsync: float = 0.0,
                            send_cost: float = 0.0, q: float = 99.0) -> float:
    """:func:`commit_latency_mc` 的模型的第 ``q`` 百分位提交延迟（毫秒），精确计算（不抽样）：
    第 j 个 follower 的确认在 ``rtt_base + fsync + j * send_cost`` 加指数抖动后到达，提交时刻是第
    ``majority(n) - 1`` 个确认（Poisson-二项分布的尾概率，二分求根到 1e-9 ms）。"""
    n = _check_n(n)
    base, jit = _check_time(rtt_base, "rtt_base"), _check_time(rtt_jitter, "rtt_jitter")
    f, c = _check_time(fsync, "fsync"), _check_time(send_cost, "send_cost")
    if isinstance(q, bool) or not isinstance(q, Real) or not 0 < q < 100:
        raise ValueError(f"q: Invalid value: {q!r}: 百分位必须在 (0, 100) 之间")
    k = majority(n) - 1
    if k == 0:
        return f
    offs = _ack_offsets(n, base, f, c)
    lo, hi = offs[0], offs[-1] + jit * 50.0
    while hi - lo > 1e-9:
        mid = (lo + hi) / 2
        if _prob_committed_by(mid, offs, jit, k) >= q / 100.0:
            hi = mid
        else:
            lo = mid
    return hi


def commit_latency_mean(n: int, rtt_base: float, rtt_jitter: float, fsync: float = 0.0,
                        send_cost: float = 0.0) -> float:
    """:func:`commit_latency_mc` 的模型的期望提交延迟（毫秒），数值积分 ``∫ P(未提交) dt``
    （``send_cost = 0`` 时等于 :func:`expected_commit_latency`）。"""
    n = _check_n(n)
    base, jit = _check_time(rtt_base, "rtt_base"), _check_time(rtt_jitter, "rtt_jitter")
    f, c = _check_time(fsync, "fsync"), _check_time(send_cost, "send_cost")
    k = majority(n) - 1
    if k == 0:
        return f
    offs = _ack_offsets(n, base, f, c)
    if jit == 0:
        return offs[k - 1]
    # Simpson's rule, steps of at most jitter/20, on each piece between consecutive offsets (the
    # integrand has kinks there) and on the exponential tail (mass beyond 40 jitters < 1e-17).
    knots = sorted(set(offs[k - 1:])) + [offs[-1] + 40.0 * jit]
    total = offs[k - 1]
    for a, b in zip(knots, knots[1:]):
        steps = 2 * max(2, math.ceil((b - a) / jit * 10))
        h = (b - a) / steps
        ys = [1.0 - _prob_committed_by(a + i * h, offs, jit, k) for i in range(steps + 1)]
        total += h / 3 * (ys[0] + ys[-1] + 4 * math.fsum(ys[1:-1:2]) + 2 * math.fsum(ys[2:-1:2]))
    return total


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
