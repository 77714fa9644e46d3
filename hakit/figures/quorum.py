"""法定人数图：成员数 n 与多数派、容错数、集群可用性、写延迟（滑块选择单个成员的可用性 p）。"""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Optional, Sequence

from hakit.figures import _fast
from hakit.models import quorum as Q

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["P_GRID", "quorum_figure"]

P_GRID: tuple[float, ...] = (0.9, 0.95, 0.99, 0.995, 0.999)


def _pct(a: float) -> str:
    return f"{a * 100:.4f}".rstrip("0").rstrip(".") + "%"


def quorum_figure(max_n: int = 7, p_grid: Sequence[float] = P_GRID, active: int = 2,
                  rtt_base: float = 0.5, rtt_jitter: float = 1.0, fsync: float = 2.0,
                  send_cost: float = 0.3, title: Optional[str] = None) -> go.Figure:
    """三栏：(1) 多数派与可容忍故障数；(2) 集群可用性（几个 9），滑块选 p；(3) 期望提交延迟与
    p99（毫秒，:func:`~hakit.models.quorum.commit_latency_mean` / ``commit_latency_quantile``；follower
    RTT = ``rtt_base`` + 指数分布抖动，均值 ``rtt_jitter``；每次确认另加 ``fsync``；领导者每发一个
    follower 多花 ``send_cost``）。

    要点：偶数 n 不增加容错，可用性反而比 n-1 低；成员越多，要等的确认越多，写越慢。
    """
    if isinstance(max_n, bool) or not isinstance(max_n, int) or not 1 <= max_n <= 15:
        raise ValueError(f"max_n: Invalid value: {max_n!r}: 必须是 1 到 15 的整数")
    if not p_grid:
        raise ValueError("p_grid: Required value: 至少需要一个 p")
    if not 0 <= active < len(p_grid):
        raise ValueError(f"active: Invalid value: {active}: 必须在 0 到 {len(p_grid) - 1} 之间")
    ns = list(range(1, max_n + 1))
    # Assembled as plain dicts (hakit.figures._fast): the same figure make_subplots + add_trace +
    # update_layout produced, without plotly's per-property validation (a live widget callback).
    layout = _fast.row_layout(3, horizontal_spacing=0.08,
                              subplot_titles=("多数派与可容忍故障数", "集群可用性（几个 9）", "写提交延迟 (ms)"))
    data = [
        dict(type="bar", x=ns, y=[Q.majority(n) for n in ns], name="多数派 n//2+1", marker=dict(color="#1e88e5"),
             xaxis="x", yaxis="y"),
        dict(type="bar", x=ns, y=[Q.fault_tolerance(n) for n in ns], name="可容忍故障 (n-1)//2",
             marker=dict(color="#fb8c00"), xaxis="x", yaxis="y"),
    ]

    def avail(p: float):
        # p = 1 has infinitely many nines: no point (None) rather than a made-up finite value
        nines = [Q.cluster_nines(n, p) for n in ns]
        return ([None if x == float("inf") else round(x, 4) for x in nines],
                [_pct(Q.cluster_availability(n, p)) for n in ns])

    y, t = avail(p_grid[active])
    data.append(dict(type="scatter", x=ns, y=y, text=t, mode="lines+markers", name="集群可用性",
                     line=dict(color="#43a047"),
                     hovertemplate="n=%{x}：%{text}（%{y:.2f} 个 9）<extra></extra>", xaxis="x2", yaxis="y2"))
    avail_idx = len(data) - 1
    exp = [round(_latency(n, rtt_base, rtt_jitter, fsync, send_cost)[0], 3) for n in ns]
    mc = [round(_latency(n, rtt_base, rtt_jitter, fsync, send_cost)[1], 3) for n in ns]
    data.append(dict(type="scatter", x=ns, y=exp, mode="lines+markers", name="平均延迟", line=dict(color="#8e24aa"),
                     hovertemplate="n=%{x}：%{y:.2f} ms<extra>平均</extra>", xaxis="x3", yaxis="y3"))
    data.append(dict(type="scatter", x=ns, y=mc, mode="lines+markers", name="p99 延迟",
                     line=dict(color="#8e24aa", dash="dot"),
                     hovertemplate="n=%{x}：%{y:.2f} ms<extra>p99</extra>", xaxis="x3", yaxis="y3"))
    steps = []
    for p in p_grid:
        y, t = avail(p)
        steps.append(dict(method="restyle", label=_pct(p), args=[{"y": [y], "text": [t]}, [avail_idx]]))
    for ax in ("xaxis", "xaxis2", "xaxis3"):
        _fast.merge(layout[ax], dict(title=dict(text="成员数 n"), dtick=1))
    # no tick label here can overflow the figure: spare plotly.js measuring every one of the six
    # axes' labels to hide those that would (ticklabeloverflow), ~5-10 ms of a live redraw
    for ax in ("xaxis", "xaxis2", "xaxis3", "yaxis", "yaxis2", "yaxis3"):
        layout[ax]["ticklabeloverflow"] = "allow"
    for a in layout["annotations"]:  # subplot titles no wider than their column on a 640 px figure
        a["font"] = dict(size=13)
    layout["yaxis2"]["rangemode"] = "tozero"
    layout["yaxis3"]["rangemode"] = "tozero"
    layout["shapes"] = [dict(line=dict(color="#9e9e9e", dash="dot"), type="line", x0=Q.MAX_RECOMMENDED,
                             x1=Q.MAX_RECOMMENDED, xref="x", y0=0, y1=1, yref="y domain", showlegend=True,
                             name=f"etcd FAQ 建议的上限 n = {Q.MAX_RECOMMENDED}")]
    height = 460
    _fast.merge(layout, dict(
        height=height, barmode="group",
        # the panel's title wraps to two lines
        title=dict(text=title or "为什么是奇数个成员（etcd FAQ：建议最多 7 个）", x=0.5, y=_fast.title_y(height)),
        legend=dict(orientation="h", y=1.13, yanchor="bottom", x=0),
        margin=dict(t=140, b=120),
    ))
    if len(p_grid) > 1:
        layout["sliders"] = [dict(steps=steps, active=active, currentvalue=dict(prefix="单个成员可用性 p："),
                                  pad=dict(t=70), len=0.6, x=0.2)]
    return _fast.figure(data, layout)


@functools.lru_cache(maxsize=256)
def _latency(n: int, rtt_base: float, rtt_jitter: float, fsync: float, send_cost: float) -> tuple:
    """(mean, p99) of the model's commit latency: a pure function of its arguments, so cached."""
    return (Q.commit_latency_mean(n, rtt_base, rtt_jitter, fsync, send_cost),
            Q.commit_latency_quantile(n, rtt_base, rtt_jitter, fsync, send_cost, 99.0))
