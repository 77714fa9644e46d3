"""领导者选举面板 (JupyterLab)：三个 leader-elect 参数、崩溃时刻、备用实例数、seed、是否抖动。"""
from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go

from hakit.figures.leaderelection import lease_timeline_figure
from hakit.models import leaderelection as L
from hakit.widgets._common import named, panel

__all__ = ["render_leaderelection", "leaderelection_panel"]


def render_leaderelection(lease_duration: float = 15.0, renew_deadline: float = 10.0, retry_period: float = 2.0,
                          death_at: float = 20.0, standbys: int = 2, seed: int = 1,
                          jitter: bool = True) -> go.Figure:
    """运行 :func:`hakit.models.leaderelection.simulate` 并画时间线；参数不合法时抛出 ValueError。"""
    tl = L.simulate(death_at, lease_duration, renew_deadline, retry_period, standbys=standbys, seed=seed,
                    jitter=jitter)
    fig = lease_timeline_figure(tl)
    if L.overlap_possible(lease_duration, renew_deadline, retry_period):
        fig.add_annotation(text="注意：leaseDuration < retryPeriod + renewDeadline，被隔离的旧领导者放弃之前"
                                "新领导者可能已上任（双主）", xref="paper", yref="paper", x=0, y=1.02,
                           showarrow=False, font=dict(color="#c62828"), xanchor="left")
    return fig


def leaderelection_panel() -> W.VBox:
    """控件是纯文本/数值框（从不截断）；不合法的组合显示中文提示。"""
    style = {"description_width": "initial"}
    lay = W.Layout(width="250px")
    controls = [
        named(W.FloatText(value=15, description="leaseDuration (s)", style=style, layout=lay), "lease_duration"),
        named(W.FloatText(value=10, description="renewDeadline (s)", style=style, layout=lay), "renew_deadline"),
        named(W.FloatText(value=2, description="retryPeriod (s)", style=style, layout=lay), "retry_period"),
        named(W.FloatText(value=20, description="崩溃时刻 (s)", style=style, layout=lay), "death_at"),
        named(W.IntText(value=2, description="备用实例数", style=style, layout=lay), "standbys"),
        named(W.IntText(value=1, description="seed", style=style, layout=lay), "seed"),
        named(W.Checkbox(value=True, description="轮询抖动（client-go JitterFactor 1.2）", style=style), "jitter"),
    ]
    return panel(controls, render_leaderelection, title="Lease 领导者选举：主备切换时间线")
