"""可用性图：几个 9 与停机预算（滑块），串联/并联/k-of-n 组合（滑块）。

数据都来自 :mod:`hakit.models.availability`；滑块步骤预先算好 (``method: "update"``)，静态书页可用。
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from hakit.figures import _fast
from hakit.models import availability as A
from hakit.models import quorum as Q

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["NINES_GRID", "P_GRID", "nines_figure", "composition_figure", "nines_of"]

#: 滑块上的可用性档位。
NINES_GRID: tuple[float, ...] = (0.9, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999)
#: 组合图滑块上的单个组件可用性。
P_GRID: tuple[float, ...] = (0.9, 0.95, 0.99, 0.995, 0.999)
_PERIODS = ("year", "month", "week", "day")
_INCIDENT_COLORS = ("#c62828", "#6a1b9a")


def _pct(a: float) -> str:
    s = f"{a * 100:.5f}".rstrip("0").rstrip(".")
    return s + "%"


def nines_figure(levels: Sequence[float] = NINES_GRID, active: int = 5, title: Optional[str] = None) -> go.Figure:
    """停机预算柱状图（分钟，对数坐标）：每年/每月/每周/每天，滑块选择可用性；两条横线是源章节
    提到的两次事故（微信 2019-10-29 约 30 分钟，支付宝 2015-05-27 约 140 分钟，估计值），
    图注给出一次这样的中断用掉了多少年度预算。"""
    if not levels:
        raise ValueError("levels: Required value: 至少需要一个可用性档位")
    levels = [float(a) for a in levels]
    for a in levels:
        A.availability_to_nines(a)  # 校验：必须在 [0, 1) 内
    if not 0 <= active < len(levels):
        raise ValueError(f"active: Invalid value: {active}: 必须在 0 到 {len(levels) - 1} 之间")
    xs = [A.PERIOD_NAMES[p] for p in _PERIODS]

    def bars(a: float):
        b = A.downtime_budget(a)
        y = [b[p] / 60 for p in _PERIODS]
        return y, [A.format_duration(b[p]) for p in _PERIODS]

    def caption(a: float) -> str:
        parts = [f"可用性 {_pct(a)}（{A.availability_to_nines(a):.2f} 个 9），每年预算 {A.format_duration(A.downtime(a))}"]
        for inc in A.INCIDENTS:
            f = A.budget_fraction(inc.duration_s, a)
            parts.append(f"{inc.name} {inc.date}（约 {inc.duration_s / 60:.0f} 分钟）= 年度预算的 {f * 100:.0f}%")
        return "<br>".join(parts)

    y0, t0 = bars(levels[active])
    # plain dicts, one unvalidated Figure (hakit.figures._fast): the live panel redraws it
    data = [dict(type="bar", x=xs, y=y0, text=t0, textposition="outside", marker=dict(color="#1e88e5"),
                 name="允许的停机时间", hovertemplate="%{x}：%{text}<extra></extra>")]
    for inc, color in zip(A.INCIDENTS, _INCIDENT_COLORS):
        m = inc.duration_s / 60
        data.append(dict(type="scatter", x=[xs[0], xs[-1]], y=[m, m], mode="lines", line=dict(color=color, dash="dash"),
                         name=f"{inc.name.split('（')[0]} {inc.date}（约 {m:.0f} 分钟）",
                         hovertemplate=inc.note + "<extra></extra>"))

    def ann(a: float) -> list:
        return [dict(text=caption(a), x=0, y=1.0, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                     showarrow=False, align="left", font=dict(size=12))]

    steps = []
    for a in levels:
        y, t = bars(a)
        steps.append(dict(method="update", label=_pct(a), args=[{"y": [y], "text": [t]}, {"annotations": ann(a)}, [0]]))
    layout = dict(
        height=520, title=dict(text=title or "几个 9 与停机预算（年 = 365 天，月 = 1/12 年）", x=0.5),
        # headroom above the 90 % year bar so its label stays below the caption
        yaxis=dict(type="log", title=dict(text="停机预算（分钟，对数坐标）"), range=[-3.2, 5.6]),
        annotations=ann(levels[active]), margin=dict(t=150, b=110),
        legend=dict(orientation="h", y=-0.12, x=0),
    )
    if len(levels) > 1:
        layout["sliders"] = [dict(steps=steps, active=active, currentvalue=dict(prefix="可用性："),
                                  pad=dict(t=50), y=-0.18)]
    return _fast.figure(data, layout)


def nines_of(unavailability: float) -> float:
    """画图用：不可用度 q 的几个 9（:func:`hakit.models.availability.unavailability_to_nines`），
    封顶 15（q = 0 或小于浮点精度时画在 15 处）。"""
    return min(15.0, A.unavailability_to_nines(unavailability))


def composition_figure(p_grid: Sequence[float] = P_GRID, max_n: int = 7, active: int = 2,
                       title: Optional[str] = None) -> go.Figure:
    """串联、并联、多数派 (k-of-n, k = n//2+1) 与 “2-of-n” 的系统可用性（以几个 9 表示）随组件数 n 的变化；
    滑块选择单个组件的可用性 p。串联越多越差，并联越多越好，多数派在偶数 n 上不进步。"""
    if not p_grid:
        raise ValueError("p_grid: Required value: 至少需要一个 p")
    for p in p_grid:
        if not 0 < float(p) < 1:
            raise ValueError(f"p_grid: Invalid value: {p!r}: 单个组件的可用性必须在 (0, 1) 之间")
    if isinstance(max_n, bool) or not isinstance(max_n, int) or not 2 <= max_n <= 15:
        raise ValueError(f"max_n: Invalid value: {max_n!r}: 必须是 2 到 15 的整数")
    if not 0 <= active < len(p_grid):
        raise ValueError(f"active: Invalid value: {active}: 必须在 0 到 {len(p_grid) - 1} 之间")
    ns = list(range(1, max_n + 1))
    kinds = (
        ("串联 (series)", "#e53935", A.unavailability_series),
        ("并联 (parallel)", "#43a047", A.unavailability_parallel),
        ("多数派 k = n//2+1", "#1e88e5", lambda n, p: Q.cluster_unavailability(n, p)),
        ("至少 2 个 (2-of-n)", "#8e24aa", lambda n, p: A.unavailability_k_of_n(2, n, p) if n >= 2 else float("nan")),
    )

    def ys(p):
        out = []
        for _, _, q in kinds:
            vals = [q(n, p) for n in ns]
            out.append(([None if v != v else round(nines_of(v), 4) for v in vals],
                        [None if v != v else _pct(1 - v) for v in vals]))
        return out

    data = [dict(type="scatter", x=ns, y=y, text=t, mode="lines+markers", name=name, line=dict(color=color),
                 hovertemplate="n=%{x}：%{text}（%{y:.2f} 个 9）<extra>" + name + "</extra>")
            for (name, color, _), (y, t) in zip(kinds, ys(p_grid[active]))]
    steps = []
    for p in p_grid:
        step = ys(p)
        steps.append(dict(method="update", label=_pct(p),
                          args=[{"y": [d[0] for d in step], "text": [d[1] for d in step]},
                                {"title.text": f"组合后的可用性（单个组件 p = {_pct(p)}）"}]))
    layout = dict(
        height=480, title=dict(text=title or f"组合后的可用性（单个组件 p = {_pct(p_grid[active])}）", x=0.5),
        xaxis=dict(title=dict(text="组件数 n"), dtick=1),
        yaxis=dict(title=dict(text="几个 9（−log10 不可用率）"), rangemode="tozero"),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        margin=dict(t=110),
    )
    if len(p_grid) > 1:
        layout["sliders"] = [dict(steps=steps, active=active, currentvalue=dict(prefix="单个组件可用性 p："),
                                  pad=dict(t=50))]
    return _fast.figure(data, layout)
