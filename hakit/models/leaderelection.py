"""领导者选举 (leader election)：kube-controller-manager / kube-scheduler 的主备切换时间线。

kube-controller-manager 与 kube-scheduler 在每个控制平面节点上各跑一份，但借助
``coordination.k8s.io/v1`` 的 Lease 对象做领导者选举，同一时刻只有持有租约的一个实例工作
（主备，active-standby）。本模块按 client-go ``tools/leaderelection`` 的实现计算：当前领导者在
时刻 ``death_at`` 死掉后，备用实例 (standby) 何时接管。所有时间单位为秒。

来源（每条规则对应一处）：

* [FLAGS] kube-controller-manager / kube-scheduler 命令行参考
  https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/ ：
  ``--leader-elect`` 默认 true，``--leader-elect-lease-duration`` 默认 15s，
  ``--leader-elect-renew-deadline`` 默认 10s，``--leader-elect-retry-period`` 默认 2s，
  ``--leader-elect-resource-lock`` 默认 leases。
* [LEASES] https://kubernetes.io/docs/concepts/architecture/leases/#leader-election
* [LE] client-go ``staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go``
  （https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go ）：

  - ``NewLeaderElector`` 校验：``leaseDuration must be greater than renewDeadline``；
    ``renewDeadline must be greater than retryPeriod*JitterFactor``；``JitterFactor = 1.2``。
  - ``acquire``：备用实例用 ``wait.JitterUntil(..., RetryPeriod, JitterFactor, ...)`` 轮询，
    相邻两次尝试间隔在 ``[RetryPeriod, RetryPeriod * (1 + JitterFactor))`` 之间（apimachinery
    ``wait.Jitter``：``d + rand * maxFactor * d``）。
  - ``tryAcquireOrRenew``：每次读到与上次不同的租约记录，就把**本地时钟**的当前时刻记为
    ``observedTime``；当 ``observedTime + leaseDurationSeconds`` 仍晚于现在 (``After(now)``) 时
    租约有效、不能抢；否则以乐观并发更新抢占（多个备用者同时抢时只有一个能成功）。
    所以过期是从备用者**观察到**最后一次续约的时刻算起，而不是从续约本身（容忍时钟偏差）。
  - ``renew``：领导者用 ``wait.Until(..., RetryPeriod)`` 每隔 retryPeriod 续约一次；每一轮在
    ``RenewDeadline`` 的超时内每 retryPeriod 重试，整轮失败就停止领导（kube-controller-manager
    随即退出）。因此一个连不上 API server 的领导者在最后一次成功续约后
    ``retryPeriod + renewDeadline`` 时放弃领导。
  - 租约记录里的 ``leaseDurationSeconds`` 是整数：``int(LeaseDuration / time.Second)``，备用者按
    观察到的记录里的这个整数判断过期（``isLeaseValid``），所以 15.9 s 的配置按 15 s 过期（:func:`lease_seconds`）。
  - ``release``（``ReleaseOnCancel``）：正常退出时可主动释放租约，备用者下一次轮询即可接管；
    本模块模拟的是进程崩溃 / 节点宕机，没有释放。

注意：client-go 的文档明确说明这一实现**不保证**同一时刻只有一个实例自认为是领导者（没有
fencing）；:func:`overlap_possible` 给出参数上的条件。
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from numbers import Real
from typing import Optional

__all__ = [
    "JITTER_FACTOR", "DEFAULTS", "LeaderElectionConfig", "validate", "takeover_bounds",
    "stepdown_after", "overlap_possible", "lease_seconds", "Timeline", "simulate",
]

#: client-go ``leaderelection.JitterFactor``。
JITTER_FACTOR = 1.2


@dataclass(frozen=True)
class LeaderElectionConfig:
    """三个参数（秒），缺省即 kube-controller-manager / kube-scheduler 的默认值 [FLAGS]。"""

    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0

    def __post_init__(self) -> None:
        validate(self.lease_duration, self.renew_deadline, self.retry_period)


def _pos(name: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(float(v)) or v <= 0:
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是大于 0 的有限数值（单位：秒）")
    return float(v)


def validate(lease_duration: float, renew_deadline: float, retry_period: float) -> None:
    """与 client-go ``NewLeaderElector`` 相同的校验 [LE]，不合法时抛出 ``ValueError``。"""
    ld = _pos("leaseDuration", lease_duration)
    rd = _pos("renewDeadline", renew_deadline)
    rp = _pos("retryPeriod", retry_period)
    if ld <= rd:
        raise ValueError(f"leaseDuration: Invalid value: {ld:g}: 必须大于 renewDeadline={rd:g}"
                         "（client-go：leaseDuration must be greater than renewDeadline）")
    if rd <= JITTER_FACTOR * rp:
        raise ValueError(f"renewDeadline: Invalid value: {rd:g}: 必须大于 retryPeriod×JitterFactor="
                         f"{JITTER_FACTOR * rp:g}（client-go：renewDeadline must be greater than "
                         "retryPeriod*JitterFactor）")


DEFAULTS = LeaderElectionConfig()


def lease_seconds(lease_duration: float) -> int:
    """租约记录里的 ``leaseDurationSeconds``：``int(LeaseDuration / time.Second)``（向零取整）[LE tryAcquireOrRenew]。"""
    return int(_pos("leaseDuration", lease_duration))


def takeover_bounds(lease_duration: float = 15.0, retry_period: float = 2.0,
                    jitter: bool = True) -> tuple[float, float]:
    """领导者最后一次续约之后，备用者接管的时间范围 ``(lo, hi)``（秒，开区间下界）。

    备用者在最后一次续约后的第一次轮询时刻 o 观察到它（``0 < o - r <= 间隔``），
    然后在 ``o + leaseDuration`` 之后的第一次轮询时抢到租约。

    * ``jitter=False``（每 retryPeriod 轮询一次，理想化）：接管时刻减去 r 落在
      ``(c, c + retryPeriod]``，``c = ceil(leaseDuration / retryPeriod) * retryPeriod``；
      默认 15 s / 2 s 时为 (16, 18]。
    * ``jitter=True``（client-go 实际行为，间隔 ∈ [rp, 2.2·rp)）：落在
      ``(leaseDuration, leaseDuration + 2 × 2.2 × retryPeriod)``；默认时为 (15, 23.8)。
    """
    ld = lease_seconds(lease_duration)
    rp = _pos("retryPeriod", retry_period)
    if jitter:
        return (ld, ld + 2 * (1 + JITTER_FACTOR) * rp)
    c = math.ceil(ld / rp - 1e-12) * rp
    return (c, c + rp)


def stepdown_after(renew_deadline: float = 10.0, retry_period: float = 2.0) -> float:
    """连不上 API server 的领导者在最后一次成功续约后多久放弃领导：``retryPeriod + renewDeadline`` [LE renew]。"""
    return _pos("retryPeriod", retry_period) + _pos("renewDeadline", renew_deadline)


def overlap_possible(lease_duration: float = 15.0, renew_deadline: float = 10.0,
                     retry_period: float = 2.0) -> bool:
    """被隔离的旧领导者放弃之前，备用者是否可能已经接管（两个实例同时自认为是领导者）。

    备用者最早在 ``r + leaseDuration`` 之后接管，旧领导者在 ``r + retryPeriod + renewDeadline``
    放弃；前者早于后者即可能重叠。默认 15 > 2 + 10，不会重叠（忽略时钟速率偏差与请求耗时）。
    """
    validate(lease_duration, renew_deadline, retry_period)
    return lease_seconds(lease_duration) < stepdown_after(renew_deadline, retry_period)


@dataclass
class Timeline:
    """:func:`simulate` 的结果（秒）。``polls[k]`` 是第 k 个备用者的 ``(时刻, 租约是否有效)``。"""

    config: LeaderElectionConfig
    death_at: float
    renewals: list = field(default_factory=list)
    last_renewal: float = 0.0
    polls: list = field(default_factory=list)
    observed: list = field(default_factory=list)      # 每个备用者观察到最后一次续约的时刻
    expiry: list = field(default_factory=list)        # observed + leaseDuration
    takeover_at: Optional[float] = None
    new_leader: Optional[int] = None
    horizon: float = 0.0

    @property
    def gap(self) -> float:
        """领导者死亡到新领导者接管之间没有控制器工作的时间（秒）。"""
        return (self.takeover_at - self.death_at) if self.takeover_at is not None else math.inf

    @property
    def since_last_renewal(self) -> float:
        return (self.takeover_at - self.last_renewal) if self.takeover_at is not None else math.inf


def simulate(death_at: float = 20.0, lease_duration: float = 15.0, renew_deadline: float = 10.0,
             retry_period: float = 2.0, standbys: int = 2, seed: int = 0, jitter: bool = True,
             horizon: Optional[float] = None) -> Timeline:
    """领导者（实例 0）从 t=0 起每 retryPeriod 续约一次，在 ``death_at`` 崩溃（不释放租约）。

    ``standbys`` 个备用者各自以随机初相位轮询（``jitter=True`` 时每次间隔再乘以
    ``1 + U[0, 1.2)``，与 client-go 相同），按 [LE] 的规则判断租约是否过期；最早抢到的成为新
    领导者（备用者编号 1…standbys）。``seed`` 固定随机数，结果可复现。
    """
    cfg = LeaderElectionConfig(lease_duration, renew_deadline, retry_period)
    death_at = _pos("death_at", death_at)
    if isinstance(standbys, bool) or not isinstance(standbys, int) or not 1 <= standbys <= 9:
        raise ValueError(f"standbys: Invalid value: {standbys!r}: 备用实例数必须是 1 到 9 的整数")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed: Invalid value: {seed!r}: 必须是整数")
    ld, rp = lease_seconds(cfg.lease_duration), cfg.retry_period
    hi = death_at + takeover_bounds(ld, rp, jitter)[1] + rp
    H = hi if horizon is None else _pos("horizon", horizon)
    rng = random.Random(seed)
    k = math.ceil(death_at / rp - 1e-12)           # 续约时刻 0, rp, …，严格早于 death_at
    renewals = [i * rp for i in range(k)]
    last = renewals[-1]
    tl = Timeline(config=cfg, death_at=death_at, renewals=renewals, last_renewal=last, horizon=H)

    def latest_renewal(t: float) -> float:
        return renewals[min(int(math.floor(t / rp + 1e-12)), len(renewals) - 1)]

    best: Optional[tuple[float, int]] = None
    for s in range(standbys):
        t = rng.uniform(0.0, rp)
        seen: Optional[float] = None
        obs_t = 0.0
        polls = []
        acquired = None
        while t <= H:
            rec = latest_renewal(t)
            if rec != seen:                          # 记录变了：重新计时（本地时钟）
                seen, obs_t = rec, t
            valid = obs_t + ld > t                   # observedTime + leaseDuration After(now)
            polls.append((round(t, 6), valid))
            if not valid:
                acquired = t
                break
            t += rp * (1.0 + (rng.random() * JITTER_FACTOR if jitter else 0.0))
        tl.polls.append(polls)
        tl.observed.append(obs_t)
        tl.expiry.append(obs_t + ld)
        if acquired is not None and (best is None or acquired < best[0]):
            best = (acquired, s + 1)
    if best is not None:
        tl.takeover_at, tl.new_leader = best
        # 之后租约已属于新领导者：其余备用者在那之后的轮询不再有意义
        tl.polls = [p if s + 1 == tl.new_leader else [x for x in p if x[0] < tl.takeover_at]
                    for s, p in enumerate(tl.polls)]
    return tl
