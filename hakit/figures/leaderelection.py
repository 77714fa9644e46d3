"""领导者选举时间线图（基于 :mod:`hakit.models.leaderelection`）。

- :func:`lease_timeline_figure` —— 一次崩溃的时间线：领导者的续约、崩溃时刻、每个备用者的
  轮询（租约仍有效 / 已过期并抢到）、各备用者看到的租约倒计时、理论接管窗口（阴影）。
- :func:`lease_slider_figure` —— 静态书页用：滑块在预先算好的若干 ``leaseDuration`` 之间切换
  （``method: "update"``）。
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from hakit.figures import _fast
from hakit.models import leaderelection as L

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["LEASE_GRID", "lease_timeline_figure", "lease_slider_figure"]

#: 滑块上的 leaseDuration（秒）；renewDeadline=10 时必须 > 10。
LEASE_GRID: tuple[float, ...] = (11.0, 15.0, 20.0, 30.0, 60.0)
_HOLDER = "实例 0（原领导者）"


def _row(s: int) -> str:
    return f"实例 {s}（备用）"


def _traces(tl: L.Timeline) -> list:
    """每次运行固定 5 条轨迹（plain dicts）：续约、崩溃、租约倒计时、轮询（有效）、抢到租约。"""
    n = len(tl.polls)
    cx, cy = [], []
    for s in range(n):
        cx += [tl.observed[s], tl.expiry[s], None]
        cy += [_row(s + 1), _row(s + 1), None]
    px, py = [], []
    for s, polls in enumerate(tl.polls):
        for t, valid in polls:
            if valid:
                px.append(t)
                py.append(_row(s + 1))
    win_x = [tl.takeover_at] if tl.takeover_at is not None else []
    win_y = [_row(tl.new_leader)] if tl.new_leader is not None else []
    ld = L.lease_seconds(tl.config.lease_duration)  # the Lease record keeps whole seconds
    return [
        dict(type="scatter", x=list(tl.renewals), y=[_HOLDER] * len(tl.renewals), mode="markers",
             name="续约 Lease（renewTime）",
             marker=dict(symbol="line-ns-open", size=14, color="#1565c0", line=dict(width=2)),
             hovertemplate="t=%{x:.1f} s 续约<extra></extra>"),
        dict(type="scatter", x=[tl.death_at], y=[_HOLDER], mode="markers", name="领导者崩溃",
             marker=dict(symbol="x", size=14, color="#c62828"),
             hovertemplate="t=%{x:.1f} s 崩溃<extra></extra>"),
        dict(type="scatter", x=cx, y=cy, mode="lines", name=f"租约倒计时（观察到最后一次续约 + {ld:g} s）",
             line=dict(color="#fb8c00", width=6), opacity=0.45, hoverinfo="skip"),
        dict(type="scatter", x=px, y=py, mode="markers", name="轮询：租约仍有效，不能抢",
             marker=dict(symbol="circle-open", size=8, color="#757575"),
             hovertemplate="t=%{x:.2f} s 轮询<extra></extra>"),
        dict(type="scatter", x=win_x, y=win_y, mode="markers", name="租约已过期：抢到租约，成为新领导者",
             marker=dict(symbol="star", size=16, color="#2e7d32"),
             hovertemplate="t=%{x:.2f} s 接管<extra></extra>"),
    ]


def _shapes(tl: L.Timeline) -> list:
    lo, hi = L.takeover_bounds(tl.config.lease_duration, tl.config.retry_period, jitter=True)
    r = tl.last_renewal
    out = [dict(type="rect", xref="x", yref="paper", x0=r + lo, x1=r + hi, y0=0, y1=1,
                fillcolor="#a5d6a7", opacity=0.25, line=dict(width=0), layer="below"),
           dict(type="line", xref="x", yref="paper", x0=r, x1=r, y0=0, y1=1,
                line=dict(color="#1565c0", dash="dot", width=1))]
    if tl.takeover_at is not None:
        out.append(dict(type="line", xref="x", yref="paper", x0=tl.takeover_at, x1=tl.takeover_at,
                        y0=0, y1=1, line=dict(color="#2e7d32", dash="dash", width=1.5)))
    return out


def _title(tl: L.Timeline) -> str:
    c = tl.config
    lo, hi = L.takeover_bounds(c.lease_duration, c.retry_period, jitter=True)
    return (f"leaseDuration={c.lease_duration:g} s、renewDeadline={c.renew_deadline:g} s、"
            f"retryPeriod={c.retry_period:g} s：崩溃后 {tl.gap:.1f} s 由实例 {tl.new_leader} 接管"
            f"<br><sup>最后一次续约后 {tl.since_last_renewal:.1f} s；理论窗口（绿色阴影）"
            f"({lo:g}, {hi:.1f}) s</sup>")


def _layout(tl: L.Timeline, n_rows: int) -> dict:
    return dict(
        height=220 + 45 * n_rows, title=dict(text=_title(tl), x=0.5),
        xaxis=dict(title=dict(text="时间 (s)"), range=[0, tl.horizon]),
        yaxis=dict(categoryorder="array", categoryarray=[_row(s) for s in range(n_rows - 1, 0, -1)] + [_HOLDER]),
        # the legend sits on the figure's bottom edge (pixels, not a fraction of the short plot)
        shapes=_shapes(tl), legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0),
        margin=dict(t=90, b=140, l=140),
    )


def lease_timeline_figure(tl: L.Timeline, note: Optional[str] = None) -> go.Figure:
    """一次 :func:`hakit.models.leaderelection.simulate` 结果的时间线；``note``：图上方的红色提示。"""
    if not isinstance(tl, L.Timeline):
        raise ValueError("tl 必须是 hakit.models.leaderelection.simulate() 的结果（Timeline）")
    layout = _layout(tl, len(tl.polls) + 1)
    if note:
        layout["annotations"] = [dict(text=note, xref="paper", yref="paper", x=0, y=1.02, showarrow=False,
                                      font=dict(color="#c62828"), xanchor="left")]
    return _fast.figure(_traces(tl), layout)


def lease_slider_figure(lease_grid: Sequence[float] = LEASE_GRID, death_at: float = 20.0,
                        renew_deadline: float = 10.0, retry_period: float = 2.0, standbys: int = 2,
                        seed: int = 1, active: Optional[int] = None) -> go.Figure:
    """滑块选择 ``leaseDuration``：每一步是一次预先算好的模拟（同一 seed）。"""
    grid = [float(x) for x in lease_grid]
    if not grid:
        raise ValueError("lease_grid: Required value: 至少需要一个 leaseDuration")
    runs = [L.simulate(death_at, ld, renew_deadline, retry_period, standbys=standbys, seed=seed) for ld in grid]
    if active is None:
        active = grid.index(15.0) if 15.0 in grid else 0
    if not 0 <= active < len(grid):
        raise ValueError(f"active: Invalid value: {active}: 必须在 0 到 {len(grid) - 1} 之间")
    data = []
    per = 5
    for k, tl in enumerate(runs):
        for tr in _traces(tl):
            data.append(dict(tr, visible=k == active, showlegend=True, legendgroup=tr["name"]))
    steps = []
    for k, (ld, tl) in enumerate(zip(grid, runs)):
        vis = [False] * (per * len(runs))
        vis[k * per:(k + 1) * per] = [True] * per
        steps.append(dict(method="update", label=f"{ld:g} s",
                          args=[{"visible": vis}, {"title.text": _title(tl), "shapes": _shapes(tl),
                                                   "xaxis.range": [0, tl.horizon]}]))
    layout = _layout(runs[active], standbys + 1)
    # the slider starts a fixed 50 px below the plot (under the time axis title), the legend (up
    # to four rows on a phone) below it on the bottom edge
    _fast.merge(layout, dict(height=layout["height"] + 200, margin=dict(b=250),
                             sliders=[dict(active=active, steps=steps, currentvalue=dict(prefix="leaseDuration："),
                                           y=0, yanchor="top", x=0.02, len=0.9, pad=dict(t=50))]))
    return _fast.figure(data, layout)
