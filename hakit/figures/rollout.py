"""滚动更新时间线图：新旧 ReplicaSet 的就绪/未就绪 Pod（堆叠）、可用 Pod 曲线，以及
``replicas - maxUnavailable`` 与 ``replicas + maxSurge`` 两条界线。

数据全部来自 :func:`hakit.models.rollout.simulate`。静态书页用的 :func:`rollout_slider_figure`
把 (maxSurge, maxUnavailable) 的一个小网格预先算好，滑块步骤用 ``method: "update"`` 替换数据。
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from hakit.figures import _fast
from hakit.models import rollout as R

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["rollout_figure", "rollout_slider_figure", "SURGE_GRID", "UNAVAILABLE_GRID"]

#: 静态滑块网格（replicas=10 时分别解析为 0、1、3、3 与 0、1、2、3）。
SURGE_GRID: tuple = (0, 1, "25%", 3)
UNAVAILABLE_GRID: tuple = (0, 1, "25%", 3)

_COLORS = {
    "old_ready": "#1565c0", "old_not_ready": "#90caf9",
    "new_ready": "#2e7d32", "new_not_ready": "#ffb74d",
}
_NAMES = {
    "old_ready": "旧版本（修订版本 1）就绪", "old_not_ready": "旧版本（修订版本 1）未就绪",
    "new_ready": "新版本（修订版本 2）就绪", "new_not_ready": "新版本（修订版本 2）未就绪",
}
_STACK = ("old_ready", "old_not_ready", "new_ready", "new_not_ready")


# Plain dicts, one unvalidated Figure with plotly_white (hakit.figures._fast); the tests run full
# validation on every figure built here.
_figure = _fast.figure


def _series(r: R.Rollout, t_end: Optional[float] = None) -> dict:
    """x/y arrays; the last state is held until ``t_end`` so a stall stays visible."""
    steps = r.steps
    xs = [s.time for s in steps]
    cols = {k: [getattr(s, k) for s in steps] for k in _STACK + ("available", "total_pods")}
    last = steps[-1].time
    end = t_end if t_end is not None else last + max(10.0, 0.08 * last, r.startup_seconds)
    if end > last:
        xs.append(end)
        for v in cols.values():
            v.append(v[-1])
    return {"x": xs, **cols, "end": end}


def _summary(r: R.Rollout) -> str:
    head = (f"replicas={r.replicas}，maxSurge→{r.max_surge}，maxUnavailable→{r.max_unavailable}："
            f"Pod 总数 ≤ {r.max_total}，可用 Pod ≥ {r.min_available}")
    if r.complete and r.completed_at is not None:
        tail = f"{'回滚' if r.rollback_at is not None and r.steps[-1].rolled_back else '更新'}完成于 t = {r.completed_at:g} s"
    elif r.deadline_exceeded_at is not None:
        tail = f"停滞：t = {r.deadline_exceeded_at:g} s 时 Progressing=False（ProgressDeadlineExceeded）"
    else:
        tail = "未完成"
    return head + "<br>" + tail


def _traces(r: R.Rollout, t_end: Optional[float] = None) -> list[dict]:
    d = _series(r, t_end)
    traces = []
    for k in _STACK:
        traces.append(dict(
            type="scatter", x=d["x"], y=d[k], name=_NAMES[k], stackgroup="pods", mode="lines",
            line=dict(width=0.5, shape="hv", color=_COLORS[k]), fillcolor=_COLORS[k],
            hovertemplate="t=%{x}s：%{y}<extra>" + _NAMES[k] + "</extra>"))
    # one stepped line through every sync's total (syncs at the same instant make a vertical spike,
    # e.g. the surge peak): one SVG path, where a marker per sync cost the live panel ~15 ms a redraw
    traces.append(dict(type="scatter", x=d["x"], y=d["total_pods"], name="Pod 总数（每次同步）", mode="lines",
                       line=dict(color="#424242", width=1, shape="hv"),
                       hovertemplate="t=%{x}s：Pod 总数 %{y}<extra></extra>"))
    traces.append(dict(type="scatter", x=d["x"], y=d["available"], name="可用 Pod（available）", mode="lines",
                       line=dict(color="black", width=2.5, shape="hv"),
                       hovertemplate="t=%{x}s：可用 %{y}<extra></extra>"))
    return traces


def _bands(r: R.Rollout, end: float) -> tuple[list, list]:
    shapes = [
        dict(type="line", x0=0, x1=end, y0=r.max_total, y1=r.max_total, line=dict(color="#757575", dash="dash")),
        dict(type="line", x0=0, x1=end, y0=r.min_available, y1=r.min_available, line=dict(color="#c62828", dash="dash")),
    ]
    notes = [
        dict(x=end, y=r.max_total, xanchor="right", yanchor="bottom", showarrow=False,
             text=f"replicas + maxSurge = {r.max_total}", font=dict(color="#616161", size=11),
             bgcolor="rgba(255,255,255,0.75)"),
        dict(x=end, y=r.min_available, xanchor="right", yanchor="top", showarrow=False,
             text=f"replicas − maxUnavailable = {r.min_available}", font=dict(color="#c62828", size=11),
             bgcolor="rgba(255,255,255,0.75)"),
        dict(text=_summary(r), x=0, y=1.0, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
             showarrow=False, align="left", font=dict(size=12)),
    ]
    # the two event labels sit on different rows, and on the inner side of their line near the right edge
    # (rows 18 px apart, whatever the plot height)
    for t, label, color, shift in ((r.deadline_exceeded_at, "ProgressDeadlineExceeded", "#c62828", 0),
                                   (r.rollback_at, "回滚（rollout undo）", "#6a1b9a", -18)):
        if t is not None and t <= end:
            shapes.append(dict(type="line", x0=t, x1=t, y0=0, y1=1, yref="paper", line=dict(color=color, dash="dot")))
            notes.append(dict(x=t, y=1.0, yshift=shift, yref="paper", text=label, showarrow=False,
                              xanchor="right" if t > 0.6 * end else "left",
                              yanchor="top", font=dict(color=color, size=11)))
    return shapes, notes


def _layout(title: str, **extra) -> dict:
    # the title hangs from the top edge, so a wrapped title and the summary above the plot (both of
    # which grow the top margin) do not meet; the plot is tall enough that the "replicas + maxSurge"
    # label stays below the two event-label rows; the legend starts below the time axis title
    layout = dict(
        height=600, title=dict(text=title, x=0.5, y=1, yanchor="top", pad=dict(t=16)),
        xaxis=dict(title=dict(text="时间（秒）")),
        yaxis=dict(title=dict(text="Pod 数"), rangemode="tozero", ticklabelstandoff=6),  # "0"s apart at the origin
        legend=dict(orientation="h", y=-0.2, yanchor="top", x=0), margin=dict(t=90, b=140),
    )
    layout.update(extra)
    return layout


def rollout_figure(rollout: R.Rollout, title: str = "滚动更新时间线（RollingUpdate）") -> go.Figure:
    """Timeline of one :class:`~hakit.models.rollout.Rollout`: stacked old/new ready/not-ready
    pods, the available-pod line, and the ``replicas - maxUnavailable`` / ``replicas + maxSurge``
    bounds. Several syncs can happen at the same instant: the thin stepped line goes through the
    pod total after each of them (a vertical spike, e.g. the surge peak)."""
    if not isinstance(rollout, R.Rollout) or not rollout.steps:
        raise ValueError("rollout: Invalid value: 必须是 hakit.models.rollout.simulate() 的结果")
    end = _series(rollout)["end"]
    shapes, notes = _bands(rollout, end)
    layout = _layout(title, shapes=shapes, annotations=notes)
    layout["yaxis"]["range"] = [0, rollout.max_total * 1.15 + 1]
    return _figure(_traces(rollout), layout)


def _label(v: R.IntOrPercent) -> str:
    return "None" if v is None else str(v)


def rollout_slider_figure(replicas: int = 10, surges: Sequence = SURGE_GRID,
                          unavailables: Sequence = UNAVAILABLE_GRID, startup_seconds: float = 10,
                          min_ready_seconds: float = 0, bad_image: bool = False,
                          progress_deadline_seconds: float = 120,
                          rollback_at: Optional[float] = None) -> go.Figure:
    """Static-book figure: one slider step per valid (maxSurge, maxUnavailable) pair of the grid
    (pairs the API server rejects, 0/0, are skipped), precomputed with ``method: "update"``.

    ``bad_image=True`` is the "new version never becomes ready" variant (a short
    ``progress_deadline_seconds`` keeps the time axis readable).
    """
    combos = []
    for s in surges:
        for u in unavailables:
            try:
                R.validate_strategy(s, u, replicas)
            except ValueError:
                continue
            combos.append((s, u))
    if not combos:
        raise ValueError("surges/unavailables: Invalid value: 网格里没有合法的 (maxSurge, maxUnavailable) 组合")
    runs = [R.simulate(replicas, s, u, startup_seconds=startup_seconds, min_ready_seconds=min_ready_seconds,
                       progress_deadline_seconds=progress_deadline_seconds, new_version_ready=not bad_image,
                       rollback_at=rollback_at) for s, u in combos]
    t_end = max(_series(r)["end"] for r in runs)
    y_max = max(r.max_total for r in runs) * 1.15 + 1
    title = "滚动更新：新版本无法就绪（坏镜像）" if bad_image else "滚动更新：拖动滑块改变 maxSurge / maxUnavailable"
    active = 0
    for i, (s, u) in enumerate(combos):
        if (s, u) == ("25%", "25%"):
            active = i
    shapes, notes = _bands(runs[active], t_end)
    steps = []
    for (s, u), r in zip(combos, runs):
        tr = _traces(r, t_end)
        sh, an = _bands(r, t_end)
        steps.append(dict(method="update", label=f"{_label(s)} / {_label(u)}",
                          args=[{"x": [t["x"] for t in tr], "y": [t["y"] for t in tr]},
                                {"shapes": sh, "annotations": an}]))
    layout = _layout(
        title, shapes=shapes, annotations=notes, height=600, margin=dict(t=110, b=230),
        legend=dict(orientation="h", y=-0.16, x=0),
        sliders=[dict(steps=steps, active=active, currentvalue=dict(prefix="maxSurge / maxUnavailable："),
                      pad=dict(t=10), y=-0.36, yanchor="top")])
    layout["title"] = dict(text=title, x=0.5)  # one line: centred in the top margin
    layout["xaxis"]["range"] = [0, t_end]
    layout["yaxis"]["range"] = [0, y_max]
    return _figure(_traces(runs[active], t_end), layout)
