"""实验 (labs) 的练习：etcd 法定人数、Redis 复制确认、把实测的故障转移时间折算成停机预算。

带参数的练习由实验把实测值传给 ``check``，例如
``check("labs.failover_budget_share", answer, failover_s=measured)``；注册时的 ``params``
只是测试用的示例值。事实依据见 design.md 的 “Lab facts”（本机用 Debian etcd 3.4、Redis 7.0 实测）。
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


# etcd API: https://etcd.io/docs/v3.5/learning/api_guarantees/ (serializable reads are served locally).
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
    question="在 master 上执行 SET 后 `WAIT 1 100` 返回 0。这次写入已经确认复制到至少一个副本了吗？（True/False）",
    kind="bool",
    wrong_answers=[True, None],
    hint="WAIT 返回的是在超时前确认了这次写入的副本个数。",
)
def _wait_zero() -> bool:
    return False


@exercise(
    "labs.old_master_role_after_empty_restart",
    question="旧 master 以空配置重启后（还没被 Sentinel 降级），`INFO replication` 里的 role 是什么？填一个英文单词。",
    kind="str",
    wrong_answers=["slave", "replica", None],
    hint="重启的进程不知道自己已被替换：没有 replicaof 配置的 redis-server 以什么角色启动？",
)
def _old_master_role() -> str:
    return "master"
