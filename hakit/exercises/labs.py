"""实验 (labs) 的练习：etcd 法定人数、Redis 复制确认、把实测的故障转移时间折算成停机预算。

带参数的练习由实验把实测值传给 ``check``，例如
``check("labs.failover_budget_share", answer, failover_s=measured)``；注册时的 ``params``
只是测试用的示例值。事实依据写在各练习旁的注释里（上游文档），本机实验用的是 Debian 12 的 etcd 3.4.23 与 Redis 7.0.15。
"""
from __future__ import annotations

from hakit.grading import exercise
from hakit.models import availability as av
from hakit.models import quorum as q


@exercise(
    "labs.etcd_minority_write",
    question="3 成员的 etcd 集群停掉 2 个成员后，剩下的 1 个成员还能接受写入吗？（True/False）",
    kind="bool",
    wrong_answers=[True, None],
    hint="写入需要多数派确认；剩下的成员数够不够多数派？",
)
def _minority_write() -> bool:
    return q.has_quorum(3, 1)


# etcd API: https://etcd.io/docs/v3.4/learning/api_guarantees/ (serializable reads are served locally).
@exercise(
    "labs.etcd_minority_serializable_read",
    question="同上，只剩 1 个成员时，带 `--consistency=s`（serializable）的读请求能得到回答吗？（True/False）",
    kind="bool",
    wrong_answers=[False, None],
    hint="serializable 读由本地成员直接回答，不经过多数派，因此可能读到旧数据。",
)
def _serializable() -> bool:
    return True


@exercise(
    "labs.failover_budget_share",
    question="把你测得的一次故障转移耗时（秒）折算成 99.99% 年度停机预算的比例（0 到 1 之间的小数）。",
    kind="number", rel_tol=0.01,
    params={"failover_s": 1.5},
    wrong_answers=[0.0476, 0.5708, None],
    hint="比例 = 中断时长 ÷ 年度预算；99.99% 的年度预算约 52.56 分钟，注意换成秒。",
)
def _budget_share(failover_s: float) -> float:
    return av.budget_fraction(failover_s, 0.9999, "year")


# Redis WAIT: https://redis.io/docs/latest/commands/wait/ returns the number of replicas that acknowledged.
@exercise(
    "labs.redis_wait_zero",
    question="在主库（master）上执行 SET 后 `WAIT 1 100` 返回 0。这次写入已经确认复制到至少一个副本了吗？（True/False）",
    kind="bool",
    wrong_answers=[True, None],
    hint="WAIT 返回的是在超时前确认了这次写入的副本个数。",
)
def _wait_zero() -> bool:
    return False


@exercise(
    "labs.old_master_role_after_empty_restart",
    question="旧主库（master）以空配置重启后（还没被 Sentinel 降级），`INFO replication` 里的 role 是什么？填一个英文单词。",
    kind="str",
    wrong_answers=["slave", "replica", None],
    hint="重启的进程不知道自己已被替换：没有 replicaof 配置的 redis-server 以什么角色启动？",
)
def _old_master_role() -> str:
    return "master"


# ------------------------------------------------------------------ Kubernetes labs (labs/k8s_*.ipynb)
# The solvers use the rules of hakit.lab.kube_checks (written independently of the models the
# notebooks' solutions call: quorum.has_quorum, rollout.resolve_fenceposts, hpa.desired_replicas).
# Sources: see the docstring of hakit.lab.kube_checks.
def _kube_checks():
    from hakit.lab import kube_checks
    return kube_checks


@exercise(
    "labs.k1_quorum_prediction",
    question="3 个控制平面节点（stacked etcd）停掉 k 个（k = 0…3）之后集群还能写入吗？填字典 {k: True/False}。",
    kind="dict",
    params={"members": 3},
    wrong_answers=[{0: True, 1: False, 2: False, 3: False}, {0: True, 1: True, 2: True, 3: False}, None],
    hint="写入要经过 etcd 多数派：n 个成员至少要有 ⌊n/2⌋+1 个存活。",
)
def _k1_quorum(members: int) -> dict:
    return _kube_checks().quorum_table(members)


@exercise(
    "labs.k2_rollout_bounds",
    question="replicas 6、maxSurge 2、maxUnavailable 1 的滚动更新中，Pod 总数最多几个、可用 Pod 最少几个？填 (max_pods, min_available)。",
    kind="seq",
    params={"replicas": 6, "max_surge": 2, "max_unavailable": 1},
    wrong_answers=[(7, 5), (8, 6), None],
    hint="maxSurge 按向上取整、maxUnavailable 按向下取整换算成个数；上限 = replicas + surge，下限 = replicas - unavailable。",
)
def _k2_bounds(replicas: int, max_surge, max_unavailable) -> tuple:
    surge, unavailable = _kube_checks().fenceposts(replicas, max_surge, max_unavailable)
    return (replicas + surge, replicas - unavailable)


@exercise(
    "labs.k3_backoff_delays",
    question="容器一启动就崩溃（restartPolicy: Always）。前 6 次重启之前 kubelet 各等待多少秒？填 6 个数的列表。",
    kind="seq",
    params={},
    wrong_answers=[[10, 20, 40, 80, 160, 320], [0, 10, 20, 40, 80], None],
    hint="第一次崩溃后立即重启；之后从 10 s 开始每次翻倍，有一个上限。",
)
def _k3_backoff() -> list:
    return _kube_checks().expected_backoff_delays(6)


@exercise(
    "labs.k4_hpa_desired",
    question="HPA 目标 CPU 利用率 50%，当前 2 个副本、平均利用率 90%。下一次同步算出的期望副本数是多少？",
    kind="int",
    params={"current_replicas": 2, "current_value": 90, "target_value": 50},
    wrong_answers=[3, 2, None],
    hint="desiredReplicas = ⌈currentReplicas × currentMetricValue / desiredMetricValue⌉（比值与 1 的偏差在容差 0.1 以内时不变）。",
)
def _k4_hpa(current_replicas: int, current_value: float, target_value: float) -> int:
    return _kube_checks().hpa_desired(current_replicas, current_value, target_value)


@exercise(
    "labs.k5_pdb_allowed",
    question="3 个副本、PodDisruptionBudget minAvailable 2，紧接着发出两次驱逐（Eviction API）。两次各会被允许吗？填 [True/False, True/False]。",
    kind="seq",
    params={"replicas": 3, "min_available": 2},
    wrong_answers=[[True, True], [False, False], None],
    hint="PDB 的 disruptionsAllowed = 当前健康副本数 − minAvailable；每允许一次驱逐就少一个。",
)
def _k5_allowed(replicas: int, min_available: int) -> list:
    return _kube_checks().pdb_evictions_allowed(replicas, min_available, 2)


@exercise(
    "labs.k5_pdb_refusal_status",
    question="PDB 不允许的那次驱逐，API 服务器返回的 HTTP 状态码是多少？",
    kind="int",
    params={},
    wrong_answers=[403, 409, None],
    hint="Eviction API 文档（API-initiated eviction）写明了被 PDB 拒绝时的状态码：意思是“请稍后再试”。",
    source="Kubernetes 文档 API-initiated Eviction：https://v1-36.docs.kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/",
)
def _k5_status() -> int:
    return 429


@exercise(
    "labs.k6_statefulset_kept",
    question="删除 StatefulSet 的 Pod web-1 之后，哪些保持不变？填字典 {name, dns, volume, ip: True/False}（ip 指“保证保持”）。",
    kind="dict",
    params={},
    wrong_answers=[{"name": True, "dns": True, "volume": True, "ip": True},
                   {"name": True, "dns": False, "volume": True, "ip": False}, None],
    hint="StatefulSet 保证的是序号、稳定的网络身份（DNS 名）和存储卷；Pod 是重新创建的。",
)
def _k6_kept() -> dict:
    return dict(_kube_checks().STATEFULSET_KEPT)


# ------------------------------------------------------------------ Redis Sentinel lab (measured)
@exercise(
    "labs.redis_failover_window",
    question="从写入日志 runs[0][\"writes\"]（每条 (kill 之后的秒数, 是否成功, 由哪个实例确认)）算出写入不可用窗口：kill 之后第一次由新主库确认写入的时刻（秒）。",
    kind="number", abs_tol=1e-6,
    params={"writes": [(0.01, False, None), (0.8, False, None), (2.4, True, "redis-1"), (2.45, True, "redis-1")],
            "old": "redis-0"},
    wrong_answers=[0.01, 0.8, None],
    hint="要找的不是第一次失败，而是第一条“成功、且确认它的不是旧主库”的记录。",
)
def _redis_window(writes, old: str) -> float:
    return next(float(t) for t, ok, served in writes if ok and served != old)
