"""法定人数面板 (JupyterLab)：成员数、单个成员可用性、存活成员数。"""
from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go

from hakit.figures import quorum as FQ
from hakit.models import quorum as Q
from hakit.widgets._common import named, panel

__all__ = ["render_quorum", "quorum_panel"]


def render_quorum(n: int = 3, p_pct: float = 99.0, alive: int = 2) -> go.Figure:
    """n 个成员、每个可用 p（百分数）、当前存活 ``alive`` 个：图 + 标题中的结论。"""
    p = float(p_pct) / 100.0
    ok = Q.has_quorum(n, alive)
    avail = Q.cluster_availability(n, p)
    fig = FQ.quorum_figure(max_n=max(7, n), p_grid=(p,), active=0)
    fig.update_layout(title_text=(f"n={n}：多数派 {Q.majority(n)}，可容忍 {Q.fault_tolerance(n)} 个故障；"
                                  f"存活 {alive} 个 -> {'有' if ok else '没有'}法定人数；"
                                  f"p={p_pct}% 时集群可用性 {avail * 100:.6f}%"))
    return fig


def quorum_panel() -> W.VBox:
    """控件：n、p (%)、存活成员数。"""
    controls = [
        named(W.IntSlider(value=3, min=0, max=9, description="成员数 n"), "n"),
        named(W.BoundedFloatText(value=99.0, min=0, max=100, step=0.1, description="p (%)"), "p_pct"),
        named(W.IntSlider(value=2, min=0, max=9, description="存活"), "alive"),
    ]
    return panel(controls, render_quorum, "法定人数 (quorum)")
