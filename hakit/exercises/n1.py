"""第 N.1 节（绪论）的练习：几个 9、停机预算、串联/并联、k-of-n、MTBF/MTTR、发现+恢复时间。

期望答案全部由 :mod:`hakit.models.availability` 计算（一年按 365 天，见该模块的约定）。
"""
from __future__ import annotations

import math

from hakit.grading import exercise
from hakit.models import availability as av


@exercise(
    "n1.downtime_9995",
    question="可用性 99.95% 时，一年（365 天）最多允许停机多少分钟？（填一个数，单位：分钟）",
    kind="number", rel_tol=0.005,
    wrong_answers=[26.28, 4.38, 0.05, None],
    hint="允许停机时间 = (1 − 可用性) × 一年的时长；一年 = 365 × 24 × 60 分钟，注意最后换算成分钟。",
)
def _downtime_9995() -> float:
    return av.downtime(0.9995, "year") / 60


@exercise(
    "n1.downtime_9999_month",
    question="可用性 99.99% 时，每月（一年的 1/12）允许停机多少分钟？（单位：分钟）",
    kind="number", rel_tol=0.01,
    wrong_answers=[52.56, 0.0438, None],
    hint="先算每年的停机预算，再除以 12；本书的一个月 = 一年的 1/12。",
)
def _downtime_9999_month() -> float:
    return av.downtime(0.9999, "month") / 60


@exercise(
    "n1.nines_9995",
    question="99.95% 相当于“几个 9”？用 −log10(1 − A) 计算，保留两位小数。",
    kind="number", rel_tol=0.005,
    wrong_answers=[4, 3.5, None],
    hint="“几个 9” = −log10(不可用率)；99.95% 的不可用率是 0.0005，不是数一数写了几个 9。",
)
def _nines_9995() -> float:
    return av.availability_to_nines(0.9995)


@exercise(
    "n1.budget_fraction_30min_9999",
    question="SLA 为 99.99%（每年）。一次 30 分钟的中断用掉了全年停机预算的多少？（填 0 到 1 之间的小数）",
    kind="number", rel_tol=0.01,
    wrong_answers=[57.08, 0.3, 1.0, None],
    hint="比例 = 这次中断的时长 ÷ 全年停机预算；两者用同一单位。用小数表示，不要写成百分数。",
)
def _budget_fraction() -> float:
    return av.budget_fraction(30 * 60, 0.9999, "year")


@exercise(
    "n1.series_two_999",
    question="两个可用性都是 99.9% 的组件串联（都可用系统才可用），系统可用性是多少？（填小数，如 0.99）",
    kind="availability",
    wrong_answers=[0.999, 0.999999, 99.8, None],
    hint="串联时各组件的可用性相乘；串联后的可用性一定不高于其中最差的组件。",
)
def _series() -> float:
    return av.series(0.999, 0.999)


@exercise(
    "n1.parallel_two_999",
    question="两个可用性都是 99.9% 的组件并联（任一可用即可），系统可用性是多少？（填小数）",
    kind="availability",
    wrong_answers=[0.998001, 0.9995, None],
    hint="并联时先算“全部不可用”的概率（各不可用率相乘），再用 1 减去它。",
)
def _parallel() -> float:
    return av.parallel(0.999, 0.999)


@exercise(
    "n1.k_of_n_2of3_99",
    question="3 个独立组件，每个可用性 99%，至少 2 个可用系统才可用（2-of-3）。系统可用性是多少？",
    kind="availability",
    wrong_answers=[0.970299, 0.999999, 0.99, None],
    hint="把“恰好 2 个可用”和“3 个都可用”两种情况的概率相加：C(3,2)·p²·(1−p) + p³。",
)
def _k_of_n() -> float:
    return av.k_of_n(2, 3, 0.99)


@exercise(
    "n1.mtbf_mttr",
    question="某组件平均 30 天故障一次（MTBF = 30 天），每次平均修复 4 小时（MTTR = 4 小时）。稳态可用性是多少？",
    kind="availability",
    wrong_answers=[30 / 34, 4 / 724, None],
    hint="A = MTBF / (MTBF + MTTR)，两者必须先换成同一单位（例如都换成小时）。",
)
def _mtbf() -> float:
    return av.availability_from_mtbf(30 * 24, 4)


# Detection time of a probe-style health check: failureThreshold consecutive failures,
# one every periodSeconds -> about failureThreshold × periodSeconds (the kubelet's probe
# semantics: https://v1-36.docs.kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/).
@exercise(
    "n1.detect_plus_recover",
    question=("健康检查每 10 秒一次，连续失败 3 次才判定故障；判定后重新调度并启动新实例需要 60 秒。"
              "一次故障用户最多大约看到多少秒的中断？（按 发现时间 + 恢复时间 计算，单位：秒）"),
    kind="number", abs_tol=0.5,
    wrong_answers=[60, 70, 63, None],
    hint="用户看到的中断 = 发现故障的时间 + 恢复的时间；发现时间 ≈ 失败次数阈值 × 检查间隔。",
)
def _detect_recover() -> float:
    return av.user_visible_outage(3 * 10, 60)


@exercise(
    "n1.outages_per_year_9999",
    question="沿用上一题的单次中断时长。SLA 为 99.99%（每年），一年最多能承受几次这样的完整中断而不超出预算？（整数）",
    kind="int",
    wrong_answers=[36, 52, 3, None],
    hint="次数 = 全年停机预算 ÷ 单次中断时长，再向下取整（第 n+1 次就超支了）。",
)
def _outages() -> int:
    return math.floor(av.outages_per_budget(av.user_visible_outage(30, 60), 0.9999, "year"))
