"""Sentinel + HAProxy 故障转移面板。"""
from __future__ import annotations

from hakit.figures import sentinel as FS
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_failover"]


def render_failover(down_after_ms: int = 1000, sentinels: int = 3, quorum: int = 2, sentinels_lost: int = 0,
                    inter_ms: int = 500, fall: int = 2, rise: int = 1, failure: str = "crash"):
    """参数 -> 故障转移甘特图（一个 down-after-milliseconds）。无法故障转移时抛出中文 ValueError。"""
    return FS.failover_figure(down_after_grid=(down_after_ms,), active=0, sentinels=sentinels, quorum=quorum,
                              sentinels_lost=sentinels_lost, inter_ms=inter_ms, fall=fall, rise=rise,
                              failure=failure)


PANEL = register(Panel(
    name="failover", title="Redis Sentinel + HAProxy 故障转移", render=render_failover,
    controls=(
        Control("down_after_ms", "int", "down-after (ms)", 1000),
        Control("sentinels", "int", "Sentinel 数", 3, min=1, max=9, slider=True),
        Control("quorum", "int", "quorum", 2, min=1, max=9, slider=True),
        Control("sentinels_lost", "int", "失去的 Sentinel", 0, min=0, max=9, slider=True),
        Control("inter_ms", "int", "inter (ms)", 500),
        Control("fall", "int", "fall", 2, min=1, max=10, slider=True),
        Control("rise", "int", "rise", 1, min=1, max=10, slider=True),
        Control("failure", "choice", "故障", "crash",
                choices=(("进程退出 (crash)", "crash"), ("挂起/分区 (hang)", "hang"))),
    ),
    largest=dict(down_after_ms=1000, sentinels=9, quorum=5, sentinels_lost=4, inter_ms=500, fall=10,
                 rise=10, failure="hang"),
))
