"""领导者选举面板：三个 leader-elect 参数、崩溃时刻、备用实例数、seed、是否抖动。"""
from __future__ import annotations

from hakit.figures.leaderelection import lease_timeline_figure
from hakit.models import leaderelection as L
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_leaderelection"]


def render_leaderelection(lease_duration: float = 15.0, renew_deadline: float = 10.0, retry_period: float = 2.0,
                          death_at: float = 20.0, standbys: int = 2, seed: int = 1, jitter: bool = True):
    """运行 :func:`hakit.models.leaderelection.simulate` 并画时间线；参数不合法时抛出 ValueError。"""
    tl = L.simulate(death_at, lease_duration, renew_deadline, retry_period, standbys=standbys, seed=seed,
                    jitter=jitter)
    note = ("注意：leaseDuration < retryPeriod + renewDeadline，被隔离的旧领导者放弃之前新领导者可能已上任（双主）"
            if L.overlap_possible(lease_duration, renew_deadline, retry_period) else None)
    return lease_timeline_figure(tl, note=note)


PANEL = register(Panel(
    name="leaderelection", title="Lease 领导者选举：主备切换时间线", render=render_leaderelection,
    controls=(
        Control("lease_duration", "float", "leaseDuration (s)", 15.0, width="250px"),
        Control("renew_deadline", "float", "renewDeadline (s)", 10.0, width="250px"),
        Control("retry_period", "float", "retryPeriod (s)", 2.0, width="250px"),
        Control("death_at", "float", "崩溃时刻 (s)", 20.0, width="250px"),
        Control("standbys", "int", "备用实例数", 2, width="250px"),
        Control("seed", "int", "seed", 1, width="250px"),
        Control("jitter", "bool", "轮询抖动（client-go JitterFactor 1.2）", True),
    ),
    largest=dict(lease_duration=60, renew_deadline=40, retry_period=2, death_at=100, standbys=5),
))
