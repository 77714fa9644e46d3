"""Plotly figures for kubelet probes (built from :mod:`hakit.models.probes`).

- :func:`probe_timeline_figure` — one :class:`~hakit.models.probes.Timeline` as a Gantt-like chart:
  a row per probe with pass/fail marks, the container state, the in-endpoints band, restarts.
- :func:`probe_scenarios_figure` — the static-book form: a slider (``method: "update"``) over
  the precomputed named scenarios.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from hakit.figures import _fast
from hakit.models import probes as P

if TYPE_CHECKING:
    import plotly.graph_objects as go

ROW_ENDPOINTS = "endpoints（就绪）"
ROW_STATE = "容器状态"
ROW_PROBE = {"startup": "startupProbe", "liveness": "livenessProbe", "readiness": "readinessProbe"}
ROWS = [ROW_ENDPOINTS, ROW_PROBE["readiness"], ROW_PROBE["liveness"], ROW_PROBE["startup"], ROW_STATE]
STATE_COLOR = {"starting": "#f9a825", "running": "#2e7d32", "restarting": "#c62828"}
STATE_LABEL = {"starting": "启动中（startup 未通过）", "running": "运行中", "restarting": "等待重启（CrashLoopBackOff）"}
REASON_LABEL = {"ok": "成功", "timeout": "超时", "starting": "连接被拒（应用启动中）", "hung": "无响应（hang）",
                "not-ready": "未就绪"}


def _traces(tl: P.Timeline) -> list:
    """The 11 traces of one timeline (plain dicts), always in the same order (so sliders can toggle them)."""
    traces = []
    for kind in ("startup", "liveness", "readiness"):
        ps = tl.probes_of(kind)
        for ok in (True, False):
            sel = [p for p in ps if p.success == ok]
            traces.append(dict(
                type="scatter",
                x=[round(p.time, 3) for p in sel], y=[ROW_PROBE[kind]] * len(sel), mode="markers",
                marker=dict(symbol="circle" if ok else "x", size=7 if ok else 8,
                            color="#2e7d32" if ok else "#c62828"),
                name="探测成功" if ok else "探测失败", legendgroup="ok" if ok else "fail",
                showlegend=(kind == "liveness"),
                text=[f"{ROW_PROBE[kind]} t={p.time:g}s：{REASON_LABEL[p.reason]}（耗时 {p.duration:g}s，第 {p.container} 个容器）"
                      for p in sel],
                hoverinfo="text"))
    for state in ("starting", "running", "restarting"):
        segs = [(a, b) for a, b, s in tl.states if s == state]
        traces.append(dict(
            type="bar",
            x=[round(b - a, 3) for a, b in segs], base=[round(a, 3) for a, _ in segs], y=[ROW_STATE] * len(segs),
            orientation="h", marker=dict(color=STATE_COLOR[state]), name=STATE_LABEL[state], width=0.6,
            hovertext=[f"{STATE_LABEL[state]}：{a:g}–{b:g}s" for a, b in segs], hoverinfo="text"))
    traces.append(dict(
        type="bar",
        x=[round(b - a, 3) for a, b in tl.ready], base=[round(a, 3) for a, _ in tl.ready],
        y=[ROW_ENDPOINTS] * len(tl.ready), orientation="h", marker=dict(color="#1565c0"), width=0.6,
        name="在 Service endpoints 中",
        hovertext=[f"Ready，接收流量：{a:g}–{b:g}s" for a, b in tl.ready], hoverinfo="text"))
    rs = tl.restarts
    traces.append(dict(
        type="scatter",
        x=[round(r, 3) for _e, _d, r in rs if r <= tl.horizon],
        y=[ROW_STATE] * sum(1 for _e, _d, r in rs if r <= tl.horizon),
        mode="markers", marker=dict(symbol="triangle-up", size=11, color="#000000"), name="容器重启",
        text=[f"第 {k + 1} 次重启：{e:g}s 退出，等待 {d:g}s，{r:g}s 启动" for k, (e, d, r) in enumerate(rs)
              if r <= tl.horizon],
        hoverinfo="text"))
    return traces


def _title(tl: P.Timeline, title: Optional[str]) -> str:
    head = title or "探针时间线"
    return f"{head}<br><sup>重启次数 restartCount = {tl.restart_count}，在 endpoints 中共 {tl.ready_seconds():.0f} s / {tl.horizon:.0f} s</sup>"


def _layout(horizon: float, title: str) -> dict:
    return dict(
        title=dict(text=title), barmode="overlay", height=420,
        xaxis=dict(title=dict(text="时间（秒）"), range=[-0.01 * horizon, horizon]),
        yaxis=dict(type="category", categoryorder="array", categoryarray=ROWS, title=dict(text=""),
                   range=[-0.5, len(ROWS) - 0.5]),
        legend=dict(orientation="h", y=-0.28), margin=dict(l=120, r=20, t=80, b=80))


def probe_timeline_figure(timeline: P.Timeline, title: Optional[str] = None) -> go.Figure:
    """Gantt-like chart of one simulated timeline."""
    if not isinstance(timeline, P.Timeline):
        raise ValueError("timeline 必须是 hakit.models.probes.simulate() 的结果（Timeline）")
    # Plain dicts, one unvalidated Figure (hakit.figures._fast): the same figure, fast enough for
    # the widget callback (plotly's per-property validation dominated it).
    return _fast.figure(_traces(timeline), _layout(timeline.horizon, _title(timeline, title)))


def probe_scenarios_figure(names: Optional[Sequence[str]] = None) -> go.Figure:
    """Static-book figure: a slider over precomputed named scenarios (``method: "update"``)."""
    names = list(names) if names is not None else P.scenario_names()
    if not names:
        raise ValueError("names 不能为空：至少选择一个场景")
    tls = [(n, P.simulate(**P.scenario(n))) for n in names]
    data, steps = _fast.stepped_groups(
        [_traces(tl) for _n, tl in tls],
        [{"title.text": _title(tl, P.SCENARIOS[n]["title"]), "xaxis.range": [-0.01 * tl.horizon, tl.horizon]}
         for n, tl in tls],
        [P.SCENARIOS[n].get("label", n) for n, _tl in tls])
    first = tls[0][1]
    layout = _fast.merge(_layout(first.horizon, _title(first, P.SCENARIOS[tls[0][0]]["title"])), dict(
        # the slider starts 170 px below the plot, under the legend's three rows (a phone, restarts shown)
        height=650, margin=dict(b=260), legend=dict(orientation="h", y=-0.24, yanchor="top"),
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="场景："), y=0, yanchor="top", x=0.02,
                      len=0.92, pad=dict(t=170))]))
    return _fast.figure(data, layout)
