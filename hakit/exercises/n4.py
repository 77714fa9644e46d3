"""第 N.4 节（容器云平台高可用设计）的练习：Sentinel 的 quorum 与多数派、故障转移窗口、N−1 容错。

Redis Sentinel 规则（https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/ ,
"Configuring Sentinel" 与 "Example Sentinel deployments"；领导者票数见 redis/redis 7.0.15
``src/sentinel.c`` 第 4746–4747 行：``voters/2+1`` 且不少于 quorum）：quorum 只用于判定客观下线 (ODOWN)；真正执行故障转移
需要一个 Sentinel 被选为 leader 并获得授权，这需要 **多数** Sentinel 进程投票；quorum 大于多数派时
需要 quorum 个。因此能执行故障转移的最少存活 Sentinel 数 = max(quorum, ⌊n/2⌋ + 1)。
down-after-milliseconds 默认 30000（上游 ``sentinel.conf``，勘误 E25）。
N−1 容错（勘误 E23）：N 个副本分布在不同节点上时最多可坏 N−1 个，replicas=1 没有冗余。
"""
from __future__ import annotations

from hakit.grading import exercise
from hakit.models import availability as av
from hakit.models import sentinel

#: Redis 默认的 down-after-milliseconds（毫秒），见上游 sentinel.conf。
SENTINEL_DOWN_AFTER_MS_DEFAULT = 30_000


@exercise(
    "n4.sentinel_votes_5_q2",
    question="5 个 Sentinel，`sentinel monitor mymaster ... 2`（quorum=2）。至少要有几个 Sentinel 存活且互通，才能真正执行故障转移？",
    kind="int",
    wrong_answers=[2, 5, None],
    hint="quorum 只决定何时判定客观下线；执行故障转移还需要选出一个领导者 Sentinel，这要多数 Sentinel 投票。",
)
def _votes() -> int:
    return sentinel.votes_needed(5, 2)


@exercise(
    "n4.sentinel_3_one_box_down",
    question="3 台机器，每台一个 Redis + 一个 Sentinel（quorum=2）。主库所在机器整机宕机（它的 Sentinel 也没了），还能自动故障转移吗？（True/False）",
    kind="bool",
    wrong_answers=[False, None],
    hint="数一数剩下几个 Sentinel，与 max(quorum, 多数派) 比较。",
)
def _three() -> bool:
    return 3 - 1 >= sentinel.votes_needed(3, 2)


@exercise(
    "n4.sentinel_2_one_box_down",
    question="只有 2 台机器，每台一个 Redis + 一个 Sentinel（quorum=1）。主库所在机器整机宕机，还能自动故障转移吗？（True/False）",
    kind="bool",
    wrong_answers=[True, None],
    hint="quorum=1 只让剩下的 Sentinel 能判定客观下线；它还得获得 2 个 Sentinel 中多数的授权。",
)
def _two() -> bool:
    return 2 - 1 >= sentinel.votes_needed(2, 1)


@exercise(
    "n4.sdown_default_seconds",
    question="不修改 down-after-milliseconds 时，主库停止响应后至少过多少秒，Sentinel 才会把它标记为主观下线 (SDOWN)？（单位：秒）",
    kind="number", abs_tol=0.01,
    wrong_answers=[180, 30000, 10, None],
    hint="看 down-after-milliseconds 的默认值，注意单位是毫秒；failover-timeout 是另一个参数。",
)
def _sdown() -> float:
    return SENTINEL_DOWN_AFTER_MS_DEFAULT / 1000


@exercise(
    "n4.failover_window",
    question="down-after-milliseconds 设为 2000，判定下线后 Sentinel 选出领导者并提升新主库约需 1.5 秒。按 发现时间 + 恢复时间，客户端大约有多少秒写不进去？（单位：秒）",
    kind="number", abs_tol=0.05,
    wrong_answers=[2001.5, 1.5, 2, None],
    hint="发现时间就是 down-after-milliseconds（换成秒），再加上故障转移本身的时间。",
)
def _window() -> float:
    return av.user_visible_outage(2000 / 1000, 1.5)


@exercise(
    "n4.n_minus_1_replicas3",
    question="无状态的 Deployment 有 3 个副本，分布在 3 个不同节点上，前面是 Service。最多可以同时坏掉几个 Pod，服务仍然可用？",
    kind="int",
    wrong_answers=[1, 3, None],
    hint="无状态服务不需要多数派：只要还有一个就绪的 Pod，Service 就能把流量转过去。",
)
def _n1_3() -> int:
    replicas = 3
    return replicas - 1


@exercise(
    "n4.n_minus_1_replicas1",
    question="原文说把 replicas 设为“不小于 1 的数”。replicas=1 时，能容忍几个 Pod 故障而服务不中断？",
    kind="int",
    wrong_answers=[1, None],
    hint="N − 1 容错：N = 1 时是多少？Pod 重建期间服务是否可用？",
)
def _n1_1() -> int:
    replicas = 1
    return replicas - 1


@exercise(
    "n4.min_replicas_node_failure",
    question="要让无状态服务在任意一个 Worker 节点故障时不中断，至少需要几个副本（分布在不同节点上）？",
    kind="int",
    wrong_answers=[1, 3, None],
    hint="节点故障会带走该节点上的全部 Pod；至少还要有一个在别的节点上。",
)
def _min_replicas() -> int:
    return 1 + 1
