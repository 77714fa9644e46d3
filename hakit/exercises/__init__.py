"""The course's exercises, one module per chapter, registered in :mod:`hakit.grading`.

How a notebook uses them (answer cell, then check cell)::

    # 答案单元格
    ### BEGIN SOLUTION
    downtime_min = 262.8
    ### END SOLUTION

    # 检查单元格
    from hakit.grading import check
    check("n1.downtime_9995", downtime_min)

``hakit.grading.describe(id)`` returns the question text (choices included for n5). Answer
kinds: see :mod:`hakit.grading`. Labs pass measured values as keyword arguments, e.g.
``check("labs.failover_budget_share", share, failover_s=measured)``.

Exercise ids (``tests/test_grading.py`` checks this list against the registry)
-------------------------------------------------------------------------------
n1 — 绪论：几个 9 与停机预算 (hakit.models.availability)
  n1.downtime_9995                99.95% 一年允许停机多少分钟（number）
  n1.downtime_9999_month          99.99% 每月允许停机多少分钟（number）
  n1.nines_9995                   99.95% 是几个 9：−log10(1−A)（number）
  n1.budget_fraction_30min_9999   一次 30 分钟中断占 99.99% 年度预算的比例（number，0–1）
  n1.series_two_999               两个 99.9% 组件串联的可用性（availability）
  n1.parallel_two_999             两个 99.9% 组件并联的可用性（availability）
  n1.k_of_n_2of3_99               2-of-3、每个 99% 的可用性（availability）
  n1.mtbf_mttr                    MTBF 30 天、MTTR 4 小时的稳态可用性（availability）
  n1.detect_plus_recover          检查 10 s×3 次 + 恢复 60 s 的用户可见中断（number，秒）
  n1.outages_per_year_9999        上题的中断一年能承受几次（int）
n2 — Kubernetes 集群高可用：法定人数 (hakit.models.quorum)
  n2.majority_5                   5 成员的多数派（int）
  n2.fault_tolerance_4            4 成员能容忍几个故障（int）
  n2.min_size_tolerate_2          容忍 2 个故障至少几个成员（int）
  n2.even_sizes_no_gain           n=2…7 中加一个成员不增加容错的规模（set）
  n2.has_quorum_5_2alive          5 成员剩 2 个能否写入（bool）
  n2.partition_2_2                4 成员分区成 2+2，几侧能选主（int）
  n2.cluster_availability_3_099   3 成员、每个 99% 时有多数派的概率（availability）
  n2.three_or_four                3 与 4 个成员哪个更可用（int：3 或 4）
  n2.iptables_rules_10svc_3ep     10 个 Service×3 个端点时 kube-proxy 的 iptables nat 规则数（int）
  n2.external_etcd_min_hosts      外部 etcd 拓扑至少几台控制平面 + etcd 主机（int）
  n2.proxy_mode_removed_126       v1.26 移除的 kube-proxy 模式（str）
  n2.stacked_cp_failures_to_lose_quorum 堆叠拓扑最少坏几台控制平面主机 etcd 失去法定人数（int）
  n2.cp_failures_external        外部 etcd、3 个控制平面节点最多坏几个 apiserver 仍可用（int）
  n2.lease_takeover_latest       leaseDuration 15 s、retryPeriod 2 s（不计抖动）最迟几秒接管（number，秒）
  n2.leader_stepdown             连不上 API server 的领导者几秒后放弃领导（number，秒）
  n2.commit_latency_5            5 成员、RTT 1/1/50/80 ms、fsync 2 ms 的提交延迟（number，毫秒）
n3 — 应用高可用：滚动更新、探针、HPA (hakit.models.rollout, hakit.models.hpa)
  n3.fenceposts_10_25pct          replicas=10、25%/25% 的 (surge, unavailable)（seq）
  n3.rollout_bounds_10            上题滚动更新中最多 Pod 数与最少可用数（dict：max_pods, min_available）
  n3.fenceposts_both_zero         replicas=4、maxSurge=0、maxUnavailable=10% 的 fencepost（seq）
  n3.startup_protection           startupProbe period 10 s × failureThreshold 30 的保护时长（number，秒）
  n3.startup_failure_threshold    最坏启动 245 s、period 10 s 时 failureThreshold 至少多少（int）
  n3.hpa_scale_up                 4 副本、80%/60% 的期望副本数（int）
  n3.hpa_tolerance                4 副本、64%/60%（容差内）的期望副本数（int）
  n3.hpa_scale_down               10 副本、22%/50% 的期望副本数（int）
  n3.hpa_max_replicas             8 副本、200/50、maxReplicas=10 的结果（int）
  n3.etcd_two_dc_survivors        etcd {A:2, B:1} 失去哪些数据中心仍有法定人数（set）
  n3.zone_antiaffinity_pending    两个 zone、按 zone 硬性反亲和、replicas=3 时 Pending 的 Pod 数（int）
  n3.rs_after_rollout             完成一次滚动更新后 Deployment 拥有几个 ReplicaSet（int）
  n3.rollout_max_pods_6           replicas=6、25%/25% 时滚动更新中最多 Pod 数（int）
  n3.svc_first_rule_prob_4        4 个就绪端点时 KUBE-SVC 第 1 条规则的 --probability（number）
  n3.svc_share_after_unready      5 个 Pod 中 1 个未就绪后每个 Pod 的概率（number）
  n3.svc_fqdn                     shop 命名空间 backend Service 的 FQDN（str）
  n3.ingress_one_of_3             3 节点 DaemonSet、每节点 99% 时 Ingress 可用性（availability）
  n3.ingress_update_serving       4 节点、maxUnavailable=1 更新时至少几个节点在服务（int）
  n3.sts_pvc_name                 StatefulSet redis 模板 data 序号 2 的 PVC 名（str）
  n3.sts_ordered_batches          replicas=4、OrderedReady 创建分几批（int）
n4 — 容器云平台高可用：Sentinel 与 N−1 (hakit.models.quorum, hakit.models.availability)
  n4.sentinel_votes_5_q2          5 个 Sentinel、quorum=2 时执行故障转移至少要几个（int）
  n4.sentinel_3_one_box_down      3 机各一 Sentinel、master 整机宕机能否故障转移（bool）
  n4.sentinel_2_one_box_down      2 机各一 Sentinel、quorum=1、master 整机宕机能否故障转移（bool）
  n4.sdown_default_seconds        默认 down-after-milliseconds 对应几秒（number）
  n4.failover_window              down-after 2000 ms + 提升 1.5 s 的写中断（number，秒）
  n4.n_minus_1_replicas3          3 副本无状态服务最多坏几个仍可用（int）
  n4.n_minus_1_replicas1          replicas=1 能容忍几个故障（int）
  n4.min_replicas_node_failure    容忍一个节点故障至少几个副本（int）
n5 — 总结：复习小测（choice，填字母；q5、q6 为多选）
  n5.q1_essence                   高可用的本质
  n5.q2_majority                  5 成员 etcd 的多数派
  n5.q3_controller_manager        多个 controller manager 如何工作（leader election）
  n5.q4_raft_commit               Raft 何时提交
  n5.q5_statefulset               StatefulSet 重建后保持不变的（多选）
  n5.q6_removed                   已从 Kubernetes 移除的（多选）
  n5.q7_replicas                  容忍节点故障与 drain 的配置
labs — 实验
  labs.etcd_minority_write                3 成员停 2 个后能否写入（bool）
  labs.etcd_minority_serializable_read    只剩 1 个成员时 serializable 读能否回答（bool）
  labs.failover_budget_share              实测故障转移耗时占 99.99% 年度预算的比例（number，参数 failover_s）
  labs.redis_wait_zero                    WAIT 1 100 返回 0 时写入是否已复制（bool）
  labs.old_master_role_after_empty_restart 旧 master 空配置重启后的 role（str）
  labs.k1_quorum_prediction               3 个控制平面节点停 k 个后能否写入（dict）
  labs.k2_rollout_bounds                  replicas 6、maxSurge 2、maxUnavailable 1 的 Pod 上下限（seq）
  labs.k3_backoff_delays                  前 6 次重启前 kubelet 的等待秒数（seq）
  labs.k4_hpa_desired                     HPA 一次同步的期望副本数（int）
  labs.k5_pdb_allowed                     minAvailable 2 时两次驱逐各是否允许（seq）
  labs.k5_pdb_refusal_status              被 PDB 拒绝的驱逐的 HTTP 状态码（int）
  labs.k6_statefulset_kept                删除 StatefulSet 的 Pod 后保持不变的属性（dict）
  labs.redis_failover_window              由实测写入日志得出的故障转移窗口（number）
"""
