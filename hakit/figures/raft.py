"""Plotly figures for the Raft simulation (built from :mod:`hakit.models.raft`).

- :func:`raft_timeline_figure` — role of each node over time (follower / candidate / leader /
  down), elections (term, winner), partitions (shaded), crashes, committed entries.
- :func:`raft_scenarios_figure` — the static-book form: a slider (``method: "update"``) over
  precomputed (scenario, seed) runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from hakit.figures import _fast
from hakit.models import raft as R

if TYPE_CHECKING:
    import plotly.graph_objects as go

ROLE_COLOR = {"follower": "#b0bec5", "precandidate": "#ffe082", "candidate": "#fb8c00",
              "leader": "#1565c0", "down": "#424242"}
ROLE_LABEL = {"follower": "Follower（跟随者）", "precandidate": "PreCandidate（预投票）",
              "candidate": "Candidate（候选人）", "leader": "Leader（领导者）", "down": "宕机 down"}
ROW_COMMIT = "已提交 commit"


def _node(i: int) -> str:
    return f"节点 {i}"


def _traces(tr: R.RaftTrace) -> list:
    """Always 8 traces (plain dicts) in the same order (5 roles, elections, crashes, commits)."""
    n = tr.config.n
    out = []
    for role in R.ROLES:
        xs, bs, ys, hv = [], [], [], []
        for node in range(n):
            for a, b, r, term in tr.roles.get(node, []):
                if r == role:
                    xs.append(round((b - a) / 1000, 4))
                    bs.append(round(a / 1000, 4))
                    ys.append(_node(node))
                    hv.append(f"{_node(node)} {ROLE_LABEL[role]}，term {term}：{a / 1000:.3f}–{b / 1000:.3f}s")
        out.append(dict(type="bar", x=xs, base=bs, y=ys, orientation="h", width=0.6, name=ROLE_LABEL[role],
                        marker=dict(color=ROLE_COLOR[role], line=dict(width=0)), hovertext=hv, hoverinfo="text"))
    el = tr.elections
    out.append(dict(type="scatter", x=[round(t / 1000, 4) for t, _tm, _w in el], y=[_node(w) for _t, _tm, w in el],
                          mode="markers+text", marker=dict(symbol="star", size=13, color="#ffd600",
                                                           line=dict(width=1, color="#000")),
                          text=[f"T{tm}" for _t, tm, _w in el], textposition="top center", name="当选（term）",
                          hovertext=[f"{t / 1000:.3f}s：{_node(w)} 当选 term {tm} 的 Leader" for t, tm, w in el],
                          hoverinfo="text"))
    cr = tr.crashes
    out.append(dict(type="scatter", x=[round(at / 1000, 4) for _n, at, _r in cr], y=[_node(node) for node, _a, _r in cr],
                          mode="markers", marker=dict(symbol="x", size=14, color="#d50000"), name="崩溃 crash",
                          hovertext=[f"{at / 1000:.3f}s：{_node(node)} 崩溃" +
                                     (f"，{r / 1000:.3f}s 重启" if r is not None else "") for node, at, r in cr],
                          hoverinfo="text"))
    cm = [c for c in tr.commits]
    out.append(dict(type="scatter", x=[round(t / 1000, 4) for t, _i, _tm, _v in cm], y=[ROW_COMMIT] * len(cm),
                          mode="markers", marker=dict(symbol="line-ns-open", size=12, color="#2e7d32"),
                          name="日志条目提交",
                          hovertext=[f"{t / 1000:.3f}s 提交 index {i}（term {tm}，" +
                                     ("空条目" if v is None else f"写入 #{v}") + "）" for t, i, tm, v in cm],
                          hoverinfo="text"))
    return out


def _shapes(tr: R.RaftTrace) -> list:
    return [dict(type="rect", xref="x", yref="paper", x0=a / 1000, x1=min(b, tr.horizon_ms) / 1000, y0=0, y1=1,
                 fillcolor="rgba(198,40,40,0.10)", line=dict(width=0), layer="below")
            for a, b, _g in tr.partitions]


def _partition_label(groups: tuple) -> str:
    if len(groups) < 2:  # e.g. it isolates the leader, and there was none when it began
        return "网络分区：无人被隔离（所有节点仍在同一组）"
    return "网络分区：" + " | ".join("{" + ",".join(map(str, g)) + "}" for g in groups)


def _annotations(tr: R.RaftTrace) -> list:
    return [dict(x=a / 1000, y=1.0, xref="x", yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                 text=_partition_label(groups), font=dict(size=11, color="#b71c1c"))
            for a, _b, groups in tr.partitions]


def _title(tr: R.RaftTrace, title: Optional[str]) -> str:
    c = tr.config
    head = title or "Raft 时间线"
    return (f"{head}<br><sup>{c.n} 个节点，heartbeat {c.heartbeat_ms:g} ms，election timeout "
            f"{c.election_timeout_ms:g} ms，延迟 {c.delay_ms[0]:g}–{c.delay_ms[1]:g} ms，丢包 {c.loss:.0%}，"
            f"CheckQuorum {'开' if c.check_quorum else '关'}，PreVote {'开' if c.pre_vote else '关'}，"
            f"seed {tr.seed}：{len(tr.elections)} 次选举，{len(tr.commits)} 条提交</sup>")


def _layout(tr: R.RaftTrace, title: str, n_max: int) -> dict:
    rows = [ROW_COMMIT] + [_node(i) for i in range(n_max - 1, -1, -1)]
    # The title's first line sits 28 px below the top edge (_fast.title_y), so the top margin keeps
    # a row free above the plot for the partition label; the y range has headroom for the term
    # label over a star on the top row.
    height = 220 + 38 * (n_max + 1)
    layout = dict(
        title=dict(text=title, y=_fast.title_y(height), yanchor="middle"), barmode="overlay", height=height,
        xaxis=dict(title=dict(text="时间（秒）"), range=[0, tr.horizon_ms / 1000]),
        yaxis=dict(type="category", categoryorder="array", categoryarray=rows, title=dict(text=""),
                   range=[-0.5, n_max + 0.9]),
        legend=dict(orientation="h", y=-0.3), margin=dict(l=90, r=20, t=80, b=80),
    )
    # plotly drops an empty shapes / annotations list from the figure: do the same
    for key, items in (("shapes", _shapes(tr)), ("annotations", _annotations(tr))):
        if items:
            layout[key] = items
    return layout


def raft_timeline_figure(trace: R.RaftTrace, title: Optional[str] = None) -> go.Figure:
    """Role of each node over time for one :class:`~hakit.models.raft.RaftTrace`."""
    if not isinstance(trace, R.RaftTrace):
        raise ValueError("trace 必须是 hakit.models.raft.simulate() 的结果（RaftTrace）")
    # Plain dicts, one unvalidated Figure (hakit.figures._fast): the same figure without plotly's
    # per-property validation, which cost as much as the simulation in the widget callback.
    return _fast.figure(_traces(trace), _layout(trace, _title(trace, title), trace.config.n))


def raft_scenarios_figure(names: Optional[Sequence[str]] = None, seeds: Sequence[int] = (1, 2, 3)) -> go.Figure:
    """Static-book figure: a slider over precomputed (scenario, seed) runs (``method: "update"``)."""
    names = list(names) if names is not None else R.scenario_names()
    seeds = list(seeds)
    if not names or not seeds:
        raise ValueError("names 和 seeds 都不能为空")
    runs = [(nm, s, R.simulate(**R.scenario(nm), seed=s, record_messages=False)) for nm in names for s in seeds]
    n_max = max(tr.config.n for _n, _s, tr in runs)
    data, steps = _fast.stepped_groups(
        [_traces(tr) for _nm, _s, tr in runs],
        [{"title.text": _title(tr, R.SCENARIOS[nm]["title"]), "shapes": _shapes(tr),
          "annotations": _annotations(tr), "xaxis.range": [0, tr.horizon_ms / 1000]} for nm, _s, tr in runs],
        [f"{R.SCENARIOS[nm].get('label', nm)}·{s}" for nm, s, _tr in runs])
    nm0, _s0, tr0 = runs[0]
    layout = _layout(tr0, _title(tr0, R.SCENARIOS[nm0]["title"]), n_max)
    # the slider starts a fixed 50 px below the plot (under the time axis title), the legend (three
    # rows on a phone) below it on the bottom edge
    height = layout["height"] + 130
    _fast.merge(layout, dict(height=height, margin=dict(b=210), title=dict(y=_fast.title_y(height)),
                             legend=dict(yref="container", y=0, yanchor="bottom"),
                             sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="场景·seed："),
                                           y=0, yanchor="top", x=0.02, len=0.92, pad=dict(t=50))]))
    return _fast.figure(data, layout)
