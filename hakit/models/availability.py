"""可用性 (availability) 的计算：几个 9、停机预算、串联/并联/k-of-n 组合、MTBF/MTTR。

约定 (conventions)，全书统一：

* 一年 = 365 天（不计闰年），``YEAR = 31 536 000 s``。于是 99.99% 对应每年
  52.56 分钟停机，这与常见的 SLA 换算表一致。
* 一个月 = 一年的 1/12 = 30.4167 天（``MONTH = YEAR / 12``），这样 12 个月的预算
  正好加起来等于一年的预算。（有些云厂商的 SLA 按自然月或 30 天计算，数值会略有不同。）
* 一周 = 7 天，一天 = 86 400 s。

所有时间都以秒 (s) 为单位；可用性是 0 到 1 之间的小数（0.9999，而不是 99.99）。

组合公式（各组件独立失效的假设下）：

* 串联 (series)：全部组件都可用系统才可用，``A = Π a_i``。
* 并联 (parallel)：任一组件可用即可，``A = 1 - Π (1 - a_i)``。
* k-of-n：n 个相同组件（各自可用概率 p）中至少 k 个可用，二项分布求和。
* 稳态可用性 ``A = MTBF / (MTBF + MTTR)``。

用户看到的一次中断 = 发现故障的时间 (detection) + 故障转移/恢复的时间 (failover/recovery)。
"""
from __future__ import annotations

import math
from typing import NamedTuple
from dataclasses import dataclass
from numbers import Real

__all__ = [
    "DAY",
    "WEEK",
    "MONTH",
    "YEAR",
    "PERIODS",
    "PERIOD_NAMES",
    "Incident",
    "INCIDENTS",
    "nines_to_availability",
    "availability_to_nines",
    "downtime",
    "downtime_budget",
    "availability_from_downtime",
    "series",
    "parallel",
    "k_of_n",
    "unavailability_series",
    "unavailability_parallel",
    "unavailability_k_of_n",
    "unavailability_to_nines",
    "availability_from_mtbf",
    "user_visible_outage",
    "detection_time",
    "OutageParts",
    "outage_breakdown",
    "budget_fraction",
    "outages_per_budget",
    "format_duration",
]

DAY = 86_400.0
WEEK = 7 * DAY
YEAR = 365 * DAY
MONTH = YEAR / 12
#: 预算周期名 -> 秒数。
PERIODS: dict[str, float] = {"year": YEAR, "month": MONTH, "week": WEEK, "day": DAY}
#: 预算周期的中文名。
PERIOD_NAMES: dict[str, str] = {"year": "每年", "month": "每月", "week": "每周", "day": "每天"}


@dataclass(frozen=True)
class Incident:
    """一次真实事故：名称、日期、中断时长（秒）与出处说明。"""

    name: str
    date: str
    duration_s: float
    note: str


#: 源章节 N.1.1 提到的两次事故。时长是近似值：
#: 微信 2019-10-29 “支付系统宕机近 30 分钟”（源文）；
#: 支付宝 2015-05-27 源文只说 “直到当日晚上 7 点 20 分” 恢复，公开报道的故障开始时间约为
#: 17 时左右，因此按约 2 小时 20 分（140 分钟）估计——这是估计值，不是官方数字。
INCIDENTS: tuple[Incident, ...] = (
    # Durations are estimates (erratum E31): Alipay from press reports of about 2–2.5 h; for
    # WeChat Pay no public report gives a duration, so the seed's 30 minutes is used as stated.
    Incident("支付宝（杭州机房光纤被挖断）", "2015-05-27", 140 * 60.0,
             "估计值：约 140 分钟（报道为约 2–2.5 小时，见勘误 E31）"),
    Incident("微信支付", "2019-10-29", 30 * 60.0,
             "原文的数字：宕机近 30 分钟（无公开来源，见勘误 E31）"),
)


def _check_prob(value: object, name: str, *, open_low: bool = False, open_high: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是 0 到 1 之间的数（例如 0.999 表示 99.9%）")
    v = float(value)
    low_ok = v > 0 if open_low else v >= 0
    high_ok = v < 1 if open_high else v <= 1
    if not (low_ok and high_ok):
        lo = "(0" if open_low else "[0"
        hi = "1)" if open_high else "1]"
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须在区间 {lo}, {hi} 内（可用性用小数表示，例如 0.999 表示 99.9%）")
    return v


def _check_nonneg(value: object, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是有限的数值（单位：秒）")
    v = float(value)
    if positive and v <= 0:
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须大于 0")
    if v < 0:
        raise ValueError(f"{name}: Invalid value: {value!r}: 不能为负数")
    return v


def _check_period(period: str) -> float:
    if period not in PERIODS:
        raise ValueError(f"period: Unsupported value: {period!r}: 支持的取值为 {', '.join(PERIODS)}")
    return PERIODS[period]


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是整数")
    if value < minimum:
        raise ValueError(f"{name}: Invalid value: {value}: 必须大于等于 {minimum}")
    return value


def nines_to_availability(nines: float) -> float:
    """几个 9 -> 可用性：``1 - 10**(-nines)``。``nines`` 可以是小数（3.5 个 9 ≈ 99.968%）。

    >>> nines_to_availability(4)
    0.9999
    """
    if isinstance(nines, bool) or not isinstance(nines, Real) or not math.isfinite(float(nines)):
        raise ValueError(f"nines: Invalid value: {nines!r}: 必须是有限的数值")
    if nines < 0:
        raise ValueError(f"nines: Invalid value: {nines!r}: 不能为负数（0 个 9 即可用性 0）")
    return round(1.0 - 10.0 ** (-float(nines)), 15)


def availability_to_nines(availability: float) -> float:
    """可用性 -> 几个 9：``-log10(1 - A)``；A 必须小于 1（100% 没有有限的 9 的个数）。"""
    a = _check_prob(availability, "availability", open_high=True)
    return -math.log10(1.0 - a)


def downtime(availability: float, period: str = "year") -> float:
    """一个周期内允许的停机时间（秒）：``(1 - A) * period``。

    >>> round(downtime(0.9999) / 60, 2)   # 99.99% -> 每年 52.56 分钟
    52.56
    """
    a = _check_prob(availability, "availability")
    return (1.0 - a) * _check_period(period)


def downtime_budget(availability: float) -> dict[str, float]:
    """每年/每月/每周/每天的停机预算（秒），键为 ``year``、``month``、``week``、``day``。"""
    a = _check_prob(availability, "availability")
    return {name: (1.0 - a) * secs for name, secs in PERIODS.items()}


def availability_from_downtime(downtime_s: float, period: str = "year") -> float:
    """反算：一个周期内停机 ``downtime_s`` 秒对应的可用性。停机不能超过周期本身。"""
    secs = _check_period(period)
    d = _check_nonneg(downtime_s, "downtime_s")
    if d > secs:
        raise ValueError(f"downtime_s: Invalid value: {downtime_s!r}: 不能超过周期长度 {secs:g} s（{period}）")
    return 1.0 - d / secs


def series(*availabilities: float) -> float:
    """串联：所有组件都可用系统才可用，``Π a_i``。结果不大于其中最小的一个。"""
    if not availabilities:
        raise ValueError("series: 至少需要一个组件的可用性")
    out = 1.0
    for i, a in enumerate(availabilities):
        out *= _check_prob(a, f"availabilities[{i}]")
    return out


def parallel(*availabilities: float) -> float:
    """并联（冗余）：任一组件可用系统即可用，``1 - Π (1 - a_i)``。结果不小于其中最大的一个。"""
    if not availabilities:
        raise ValueError("parallel: 至少需要一个组件的可用性")
    q = 1.0
    for i, a in enumerate(availabilities):
        q *= 1.0 - _check_prob(a, f"availabilities[{i}]")
    return 1.0 - q


def _k_n_p(k: object, n: object, p: object) -> tuple[int, int, float]:
    n = _check_int(n, "n", 1)
    k = _check_int(k, "k", 0)
    if k > n:
        raise ValueError(f"k: Invalid value: {k}: 不能大于 n={n}")
    return k, n, _check_prob(p, "p")


def _binomial(n: int, p: float, alive: range) -> float:
    """n 个独立组件中恰好 i 个可用（i 取遍 ``alive``）的概率之和。"""
    return math.fsum(math.comb(n, i) * p**i * (1.0 - p) ** (n - i) for i in alive)


def k_of_n(k: int, n: int, p: float) -> float:
    """n 个独立组件（各自可用概率 p）中至少 k 个可用的概率（二项分布精确求和）。

    ``k_of_n(1, n, p)`` 是并联，``k_of_n(n, n, p)`` 是串联，``k_of_n(n//2+1, n, p)`` 是
    法定人数 (quorum)。要求 ``0 <= k <= n``（k = 0 时恒为 1）。
    """
    k, n, p = _k_n_p(k, n, p)
    return _binomial(n, p, range(k, n + 1))


def unavailability_k_of_n(k: int, n: int, p: float) -> float:
    """``1 - k_of_n(k, n, p)``，按 “可用的少于 k 个” 的结果求和：p 接近 1 时 ``1 - k_of_n`` 会被浮点舍入成 0，这里不会。"""
    k, n, p = _k_n_p(k, n, p)
    return _binomial(n, p, range(0, k))


def unavailability_series(n: int, p: float) -> float:
    """n 个相同组件串联的不可用度 ``1 - p**n``（用 ``expm1`` 计算，p 接近 1 时不丢精度）。"""
    n = _check_int(n, "n", 1)
    p = _check_prob(p, "p")
    return -math.expm1(n * math.log(p)) if p > 0 else 1.0


def unavailability_parallel(n: int, p: float) -> float:
    """n 个相同组件并联的不可用度 ``(1 - p)**n``。"""
    n = _check_int(n, "n", 1)
    return (1.0 - _check_prob(p, "p")) ** n


def unavailability_to_nines(q: float) -> float:
    """不可用度 q -> 几个 9：``-log10 q``；q = 0 时为 ``math.inf``。"""
    q = _check_prob(q, "unavailability")
    return math.inf if q == 0 else -math.log10(q)


def availability_from_mtbf(mtbf: float, mttr: float) -> float:
    """稳态可用性 ``MTBF / (MTBF + MTTR)``。MTBF 必须大于 0，MTTR 不能为负；两者单位相同。"""
    f = _check_nonneg(mtbf, "mtbf", positive=True)
    r = _check_nonneg(mttr, "mttr")
    return f / (f + r)


def user_visible_outage(detection_s: float, recovery_s: float) -> float:
    """用户看到的一次中断 = 发现时间 + 故障转移/恢复时间（秒）。"""
    return _check_nonneg(detection_s, "detection_s") + _check_nonneg(recovery_s, "recovery_s")


def detection_time(period_s: float, failure_threshold: int) -> float:
    """健康检查每 ``period_s`` 秒一次、连续 ``failure_threshold`` 次失败才判定故障时的发现时间（约
    ``period × threshold``，如 Kubernetes 探针的 ``periodSeconds × failureThreshold``、HAProxy 的 ``inter × fall``）。"""
    if isinstance(failure_threshold, bool) or not isinstance(failure_threshold, int) or failure_threshold < 1:
        raise ValueError(f"failureThreshold: Invalid value: {failure_threshold!r}: 必须是大于或等于 1 的整数")
    return _check_nonneg(period_s, "periodSeconds", positive=True) * failure_threshold


class OutageParts(NamedTuple):
    """一次中断的两段（秒）：发现故障、恢复（修复 / 故障转移）。"""

    detect: float
    recover: float


def outage_breakdown(period_s: float, failure_threshold: int, repair_s: float, failover_s: float) -> dict:
    """同一组件的三种设计，一次故障用户看到的中断：设计名 -> :class:`OutageParts`。

    单实例（无冗余）要修复（``repair_s``）；主备要故障转移（``failover_s``）；多活 + 负载均衡只需
    负载均衡器不再把流量发给坏实例（恢复 0 s）。三者的发现时间相同（:func:`detection_time`）。
    """
    detect = detection_time(period_s, failure_threshold)
    return {"单实例（无冗余）": OutageParts(detect, _check_nonneg(repair_s, "repair_s")),
            "主备 + 故障转移": OutageParts(detect, _check_nonneg(failover_s, "failover_s")),
            "多活 + 负载均衡": OutageParts(detect, 0.0)}


def budget_fraction(outage_s: float, availability: float, period: str = "year") -> float:
    """一次持续 ``outage_s`` 秒的中断用掉了多少停机预算（比例，可以大于 1 表示超支）。

    例如 99.99% 每年预算 52.56 分钟，一次 30 分钟的中断用掉约 57%。
    """
    o = _check_nonneg(outage_s, "outage_s")
    a = _check_prob(availability, "availability", open_high=True)
    return o / ((1.0 - a) * _check_period(period))


def outages_per_budget(outage_s: float, availability: float, period: str = "year") -> float:
    """一个周期的预算够发生几次这样的中断：``budget / outage_s``（``outage_s`` 必须大于 0）。"""
    o = _check_nonneg(outage_s, "outage_s", positive=True)
    a = _check_prob(availability, "availability")
    return (1.0 - a) * _check_period(period) / o


def format_duration(seconds: float) -> str:
    """把秒数写成中文的时长：``3153.6`` -> ``"52 分 34 秒"``。"""
    s = _check_nonneg(seconds, "seconds")
    if s < 1:
        return f"{s * 1000:.0f} 毫秒"
    if s < 60:
        return f"{s:.1f} 秒"
    if s < 3600:
        m, r = divmod(round(s), 60)
        return f"{m} 分 {r} 秒" if r else f"{m} 分钟"
    if s < DAY:
        h, r = divmod(round(s / 60), 60)
        return f"{h} 小时 {r} 分" if r else f"{h} 小时"
    d, r = divmod(round(s / 3600), 24)
    return f"{d} 天 {r} 小时" if r else f"{d} 天"
