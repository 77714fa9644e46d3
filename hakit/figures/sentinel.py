"""Redis Sentinel + HAProxy 故障转移时间线（甘特图），滑块选择 ``down-after-milliseconds``。"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from hakit.figures import _fast
from hakit.models import sentinel as S

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["DOWN_AFTER_GRID", "failover_figure", "two_master_figure"]

DOWN_AFTER_GRID: tuple[int, ...] = (1000, 2000, 5000, 10_000, 30_000)
_COLORS = {"sdown": "#1e88e5", "odown": "#3949ab", "election": "#8e24aa", "promotion": "#00897b",
           "new_up": "#43a047", "old_down": "#e53935"}


def _bars(t: S.FailoverTimeline):
    labels = [p.label for p in t.phases]
    base = [p.start / 1000 for p in t.phases]
    dur = [(p.end - p.start) / 1000 for p in t.phases]
    lo = [p.duration[0] / 1000 for p in t.phases]
    hi = [p.duration[2] / 1000 for p in t.phases]
    text = [f"{d:.2f} s（{a:.2f}–{b:.2f}）" for d, a, b in zip(dur, lo, hi)]
    colors = [_COLORS.get(p.key, "#757575") for p in t.phases]
    return labels, base, dur, text, colors


def _caption(t: S.FailoverTimeline, da: float) -> str:
    lo, typ, hi = t.write_unavailable
    return (f"down-after-milliseconds = {da:.0f}：写不可用 {typ / 1000:.2f} s（区间 {lo / 1000:.2f}–{hi / 1000:.2f} s）；"
            f"所有写入恢复 ≈ {t.all_writes_ok[1] / 1000:.2f} s"
            + ("<br>实验实测约 1.9 s（down-after-milliseconds 1000，inter 500ms fall 2 rise 1）"
               if da == S.LAB["down_after_ms"] else ""))


def failover_figure(down_after_grid: Sequence[int] = DOWN_AFTER_GRID, active: int = 0, **params) -> go.Figure:
    """故障转移各阶段的甘特图（典型值，文字中给出最小–最大），滑块选择 ``down-after-milliseconds``。

    其余参数传给 :func:`hakit.models.sentinel.failover_timeline`，缺省用实验的 HAProxy 参数
    （``inter_ms=500, fall=2, rise=1``）与 3 个 Sentinel、quorum 2。
    """
    if not down_after_grid:
        raise ValueError("down_after_grid: Required value: 至少需要一个 down-after-milliseconds")
    if not 0 <= active < len(down_after_grid):
        raise ValueError(f"active: Invalid value: {active}: 必须在 0 到 {len(down_after_grid) - 1} 之间")
    kw = {k: v for k, v in S.LAB.items() if k != "down_after_ms"}
    kw.update(params)
    tls = [S.failover_timeline(down_after_ms=da, **kw) for da in down_after_grid]
    for da, t in zip(down_after_grid, tls):
        if not t.possible:
            raise ValueError(f"无法故障转移（down-after-milliseconds={da}）：{t.reason}")
    labels, base, dur, text, colors = _bars(tls[active])
    # Plain dicts, one unvalidated Figure at the end (hakit.figures._fast): same figure, a fraction
    # of the cost of validating every property (this is a live widget callback).
    data = [dict(type="bar", y=labels, x=dur, base=base, orientation="h", text=text, textposition="outside",
                 marker=dict(color=colors), cliponaxis=False,
                 hovertemplate="%{y}<br>%{base:.2f} s 起，持续 %{x:.2f} s<extra></extra>")]

    def ann(i: int) -> list:
        return [dict(text=_caption(tls[i], down_after_grid[i]), x=0, y=1.02, xref="paper", yref="paper",
                     xanchor="left", yanchor="bottom", showarrow=False, align="left", font=dict(size=12))]

    def shapes(i: int) -> list:
        w = tls[i].write_unavailable[1] / 1000
        return [dict(type="line", x0=w, x1=w, y0=-0.5, y1=len(labels) - 0.5, xref="x", yref="y",
                     line=dict(color="#212121", dash="dash"))]

    steps = []
    for i, (da, t) in enumerate(zip(down_after_grid, tls)):
        _, b, d, tx, _ = _bars(t)
        xmax = max(x + y for x, y in zip(b, d)) * 1.45
        steps.append(dict(method="update", label=f"{da} ms",
                          args=[{"x": [d], "base": [b], "text": [tx]},
                                {"annotations": ann(i), "shapes": shapes(i), "xaxis.range": [0, xmax]}]))
    xmax = max(x + y for x, y in zip(base, dur)) * 1.45
    layout = dict(
        height=440, title=dict(text="Sentinel + HAProxy 故障转移时间线（典型值）", x=0.5),
        xaxis=dict(title=dict(text="主节点宕机后的时间 (s)"), range=[0, xmax]),
        yaxis=dict(autorange="reversed"), annotations=ann(active), shapes=shapes(active),
        margin=dict(l=10, t=120, r=30), showlegend=False,
    )
    if len(down_after_grid) > 1:
        layout["sliders"] = [dict(steps=steps, active=active, currentvalue=dict(prefix="down-after-milliseconds："),
                                  pad=dict(t=60))]
    return _fast.figure(data, layout)


def two_master_figure(inter_grid: Sequence[int] = (500, 1000, 2000), active: int = 0, rise: int = 1,
                      fall: int = 2, **params) -> go.Figure:
    """旧主以空数据、``role:master`` 重启后的 “双主” 窗口：HAProxy 标记它 UP、Sentinel 把它降为
    副本、HAProxy 标记它 DOWN 的时刻（从重启算起），滑块选 HAProxy ``inter``。"""
    if not inter_grid:
        raise ValueError("inter_grid: Required value: 至少需要一个 inter")
    if not 0 <= active < len(inter_grid):
        raise ValueError(f"active: Invalid value: {active}: 必须在 0 到 {len(inter_grid) - 1} 之间")
    res = [S.two_master_window(inter_ms=i, rise=rise, fall=fall, **params) for i in inter_grid]
    names = ["HAProxy 标记旧主 UP（开始双主）", "Sentinel 发送 REPLICAOF（降为副本）", "HAProxy 标记旧主 DOWN（结束）"]

    def xs(r):
        return [r["up"][1] / 1000, r["demoted"][1] / 1000, r["down"][1] / 1000]

    def cap(r):
        lo, typ, hi = r["window"]
        return f"两个 role:master 同时在 HAProxy 后端：典型 {typ / 1000:.1f} s（{lo / 1000:.1f}–{hi / 1000:.1f} s）"

    import plotly.graph_objects as go  # the static book's figure only: the live book ships no plotly

    fig = go.Figure()
    r0 = res[active]
    fig.add_trace(go.Bar(y=["双主窗口"], x=[(r0["down"][1] - r0["up"][1]) / 1000], base=[r0["up"][1] / 1000],
                         orientation="h", marker_color="#e53935", name="双主窗口",
                         hovertemplate="%{base:.1f}–%{x:.1f} s<extra></extra>"))
    fig.add_trace(go.Scatter(x=xs(r0), y=names, mode="markers+text", text=[f"{v:.1f} s" for v in xs(r0)],
                             textposition="middle right", marker=dict(size=12, color="#212121"), name="事件"))
    steps = []
    for i, r in zip(inter_grid, res):
        steps.append(dict(method="update", label=f"{i} ms",
                          args=[{"x": [[(r["down"][1] - r["up"][1]) / 1000], xs(r)],
                                 "base": [[r["up"][1] / 1000], None],
                                 "text": [None, [f"{v:.1f} s" for v in xs(r)]]},
                                {"annotations": [dict(text=cap(r), x=0, y=1.02, xref="paper", yref="paper",
                                                      xanchor="left", yanchor="bottom", showarrow=False)]}]))
    fig.update_layout(
        template="plotly_white", height=380, title=dict(text="旧主空数据重启：双主窗口", x=0.5),
        xaxis=dict(title="旧主重启后的时间 (s)", range=[0, max(r["down"][2] for r in res) / 1000 * 1.15]),
        yaxis=dict(autorange="reversed"), showlegend=False,
        annotations=[dict(text=cap(r0), x=0, y=1.02, xref="paper", yref="paper", xanchor="left",
                          yanchor="bottom", showarrow=False)],
        margin=dict(l=10, t=110),
    )
    if len(inter_grid) > 1:
        fig.update_layout(sliders=[dict(steps=steps, active=active, currentvalue=dict(prefix="HAProxy inter："),
                                        pad=dict(t=50))])
    return fig
