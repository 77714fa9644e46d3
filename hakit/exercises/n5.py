"""第 N.5 节（总结）的复习小测：选择题，答案填选项字母（多选题填多个字母，如 "A, C"）。

每题的依据写在题目旁边的注释里；勘误编号是书中的勘误（book/errata/eNN.md）。
"""
from __future__ import annotations

from hakit.grading import exercise

# 源文 N.5：“本质上其实都是通过增加冗余与故障转移来实现的”。
@exercise(
    "n5.q1_essence",
    question=("高可用架构（无论有状态还是无状态）本质上靠什么实现？\n"
              "A. 提高单台机器的性能  B. 增加冗余与故障转移  C. 减少组件数量  D. 关闭健康检查以减少误判"),
    kind="choice",
    wrong_answers=["A", "D", None],
    hint="回顾 N.1.1.1 的设计原则与 N.5 的总结。",
)
def _q1() -> str:
    return "B"


# 勘误 E01；etcd FAQ https://etcd.io/docs/v3.6/faq/#what-is-failure-tolerance
@exercise(
    "n5.q2_majority",
    question="5 个成员的 etcd 集群，写入需要几个成员确认（多数派）？\nA. 5  B. 2  C. 3  D. 4",
    kind="choice",
    wrong_answers=["B", "A", None],
    hint="多数派 = ⌊n/2⌋ + 1。",
)
def _q2() -> str:
    return "C"


# 勘误 E03：https://v1-36.docs.kubernetes.io/docs/setup/production-environment/tools/kubeadm/high-availability/
# 与 kube-controller-manager / kube-scheduler 的 --leader-elect（默认 true）。
@exercise(
    "n5.q3_controller_manager",
    question=("3 个控制平面节点上都运行着 kube-controller-manager，它们如何工作？\n"
              "A. 三个实例同时工作、分担负载  B. 只需要部署在一个节点上\n"
              "C. 由 etcd 轮流调度  D. 通过领导者选举（Lease）只有一个实例处于活跃状态"),
    kind="choice",
    wrong_answers=["A", "B", None],
    hint="kube-apiserver 是多活（active-active）的；kube-controller-manager 与 kube-scheduler 不是。",
)
def _q3() -> str:
    return "D"


# 勘误 E08：Raft 论文 §5.3，日志条目复制到多数派后即提交。
@exercise(
    "n5.q4_raft_commit",
    question=("Raft 中 Leader 何时可以提交（commit）一条日志？\n"
              "A. 多数派成员把它写入日志之后  B. 所有成员都确认之后（两阶段提交）\n"
              "C. Leader 自己写盘之后  D. 收到客户端的第二次确认之后"),
    kind="choice",
    wrong_answers=["B", "C", None],
    hint="Raft 的提交是法定人数复制（quorum replication），不是两阶段提交。",
)
def _q4() -> str:
    return "A"


# 勘误 E26：https://v1-36.docs.kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-identity
@exercise(
    "n5.q5_statefulset",
    question=("（多选）StatefulSet 的 Pod 被删除重建后，哪些保持不变？\n"
              "A. Pod 名称（如 redis-0）  B. 稳定的 DNS 名  C. Pod IP  D. 绑定的 PersistentVolumeClaim"),
    kind="choice",
    wrong_answers=["A, B, C, D", "A, B", None],
    hint="StatefulSet 保证的是身份（名称、DNS 名）与存储；IP 由网络插件重新分配。",
)
def _q5() -> str:
    return "A, B, D"


# 勘误 E11、E10：dockershim 在 v1.24 移除；kube-proxy userspace 模式在 v1.26 移除。
# https://kubernetes.io/blog/2022/02/17/dockershim-faq/ ; https://v1-36.docs.kubernetes.io/docs/reference/networking/virtual-ips/
@exercise(
    "n5.q6_removed",
    question=("（多选）下列哪些已经从 Kubernetes 中移除？\n"
              "A. dockershim  B. containerd 运行时支持  C. kube-proxy 的 userspace 模式  D. CRI-O 运行时支持"),
    kind="choice",
    wrong_answers=["A", "B, D", None],
    hint="containerd 和 CRI-O 都是当前的 CRI 运行时。",
)
def _q6() -> str:
    return "A, C"


# 勘误 E23。
@exercise(
    "n5.q7_replicas",
    question=("一个无状态服务要容忍一个节点故障，并在节点维护（drain）时不中断，下列哪组配置最合适？\n"
              "A. replicas: 1  B. replicas: 2，不加约束  C. replicas ≥ 2，按主机名反亲和分散，并配 PodDisruptionBudget\n"
              "D. replicas: 3，全部固定在同一节点"),
    kind="choice",
    wrong_answers=["B", "A", None],
    hint="需要冗余（≥2）、分散在不同节点上，以及应对自愿干扰（voluntary disruption）的 PodDisruptionBudget。",
)
def _q7() -> str:
    return "C"
