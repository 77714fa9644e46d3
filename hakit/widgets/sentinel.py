"""Sentinel + HAProxy 故障转移面板 (JupyterLab)。"""
from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go

from hakit.figures import sentinel as FS
from hakit.widgets._common import named, panel

__all__ = ["render_failover", "failover_panel"]


def render_failover(down_after_ms: int = 1000, sentinels: int = 3, quorum: int = 2, sentinels_lost: int = 0,
                    inter_ms: int = 500, fall: int = 2, rise: int = 1, failure: str = "crash") -> go.Figure:
    """参数 -> 故障转移甘特图（一个 down-after-milliseconds）。无法故障转移时抛出中文 ValueError。"""
    return FS.failover_figure(down_after_grid=(down_after_ms,), active=0, sentinels=sentinels, quorum=quorum,
                              sentinels_lost=sentinels_lost, inter_ms=inter_ms, fall=fall, rise=rise,
                              failure=failure)


def failover_panel() -> W.VBox:
    """控件：down-after-milliseconds、Sentinel 数、quorum、随主节点失去的 Sentinel 数、HAProxy inter/fall/rise、故障类型。"""
    controls = [
        named(W.IntText(value=1000, description="down-after (ms)"), "down_after_ms"),
        named(W.IntSlider(value=3, min=1, max=9, description="Sentinel 数"), "sentinels"),
        named(W.IntSlider(value=2, min=1, max=9, description="quorum"), "quorum"),
        named(W.IntSlider(value=0, min=0, max=9, description="失去的 Sentinel"), "sentinels_lost"),
        named(W.IntText(value=500, description="inter (ms)"), "inter_ms"),
        named(W.IntSlider(value=2, min=1, max=10, description="fall"), "fall"),
        named(W.IntSlider(value=1, min=1, max=10, description="rise"), "rise"),
        named(W.Dropdown(options=[("进程退出 (crash)", "crash"), ("挂起/分区 (hang)", "hang")], value="crash",
                         description="故障"), "failure"),
    ]
    return panel(controls, render_failover, "Redis Sentinel + HAProxy 故障转移")
