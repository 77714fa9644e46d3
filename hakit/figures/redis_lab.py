"""Figures for the Redis Sentinel + HAProxy lab (``labs/redis_sentinel_lab.ipynb``).

Moved here from ``hakit.lab.redis_sentinel`` (layering: models → figures → widgets; ``hakit.lab``
holds the process drivers only). The builders take the dicts returned by the driver's measurements
(:meth:`hakit.lab.redis_sentinel.LocalRedisSentinel.measure_failover`, ``measure_async_loss``,
``measure_two_masters``) and the model results of :mod:`hakit.models.sentinel`; they never start
processes themselves.
"""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["failover_figure", "loss_figure", "two_master_figure"]

_OK, _FAIL, _ROGUE, _MODEL = "#2ca02c", "#d62728", "#ff7f0e", "rgba(31,119,180,0.15)"


def failover_figure(runs: list, prediction=None):
    """Writes through HAProxy after ``kill -9`` of the master, one row per run, against the
    model's window (``prediction``: a :class:`hakit.models.sentinel.FailoverTimeline`)."""
    fig = go.Figure()
    ev_style = {"sdown": ("SDOWN（首个 Sentinel）", "triangle-up"), "odown": ("ODOWN", "triangle-down"),
                "switch_master": ("+switch-master", "star")}
    for k, r in enumerate(runs):
        label = f"第 {k + 1} 次：{r['old']}→{r['new']}"
        fails = [round(t, 3) for t, ok, _s in r["writes"] if not ok]
        oks = [round(t, 3) for t, ok, _s in r["writes"] if ok]
        fig.add_trace(go.Scatter(x=fails, y=[label] * len(fails), mode="markers", name="写入失败",
                                 marker=dict(color=_FAIL, symbol="x", size=5), legendgroup="fail",
                                 showlegend=k == 0))
        fig.add_trace(go.Scatter(x=oks, y=[label] * len(oks), mode="markers", name="写入成功",
                                 marker=dict(color=_OK, size=5), legendgroup="ok", showlegend=k == 0))
        for key, (name, sym) in ev_style.items():
            if r.get(key) is not None:
                fig.add_trace(go.Scatter(x=[round(r[key], 3)], y=[label], mode="markers", name=name,
                                         marker=dict(symbol=sym, size=13, color="#444"),
                                         legendgroup=key, showlegend=k == 0))
    if prediction is not None and prediction.possible:
        lo, typ, hi = (v / 1000 for v in prediction.write_unavailable)
        fig.add_vrect(x0=lo, x1=hi, fillcolor=_MODEL, line_width=0,
                      annotation_text="模型：最短–最长", annotation_position="top left")
        fig.add_vline(x=typ, line_dash="dash", line_color="#1f77b4",
                      annotation_text=f"模型典型 {typ:.2f} s", annotation_position="bottom right")
    fig.update_layout(template="plotly_white", height=180 + 60 * len(runs),
                      title="kill -9 master 之后，经 HAProxy 的写入：实测 vs 模型",
                      xaxis_title="距 kill -9 的时间（s）", yaxis_title="", legend=dict(orientation="h", y=-0.3))
    return fig


def loss_figure(no_wait: dict, with_wait: dict, etcd: dict | None = None):
    """Acknowledged vs lost writes: async replication and ``WAIT``, from this lab's own runs.

    ``etcd`` (optional) is the learner's own etcd audit (``{"acknowledged": n, "lost": m}``, e.g.
    ``AuditResult.as_dict()`` from ``labs/etcd_lab.ipynb``), drawn in its own panel for contrast;
    without it only the Redis measurements are drawn (no number from elsewhere)."""
    cols = 2 if etcd is not None else 1
    fig = make_subplots(rows=1, cols=cols, column_widths=[0.68, 0.32] if cols == 2 else None,
                        horizontal_spacing=0.1,
                        subplot_titles=["Redis：先切断 replica，再 kill master"]
                        + (["etcd：kill leader（你的审计）"] if etcd is not None else []))
    cats = ["异步复制（无 WAIT）", f"每次写入后 WAIT {with_wait.get('wait_replicas', 1)} 100"]
    for name, key, color in (("master 执行了的写入", "executed", "#c7c7c7"),
                             ("向客户端确认的写入", "acknowledged", _OK),
                             ("确认后丢失", "lost_acknowledged", _FAIL)):
        ys = [no_wait[key], with_wait[key]]
        fig.add_trace(go.Bar(x=cats, y=ys, name=name, marker_color=color, text=ys, textposition="outside",
                             legendgroup=key), row=1, col=1)
    top = max(no_wait["executed"], with_wait["executed"], 1)
    fig.update_yaxes(range=[0, top * 1.25], title_text="写入数", row=1, col=1)
    if etcd is not None:
        for name, y, color in (("向客户端确认的写入", etcd["acknowledged"], _OK), ("确认后丢失", etcd["lost"], _FAIL)):
            fig.add_trace(go.Bar(x=["etcd（Raft 多数派提交后才确认）"], y=[y], name=name, marker_color=color,
                                 text=[y], textposition="outside", showlegend=False), row=1, col=2)
        fig.update_yaxes(range=[0, max(etcd["acknowledged"], 1) * 1.25], row=1, col=2)
    fig.update_layout(template="plotly_white", barmode="group", height=420,
                      title="已经向客户端确认的写入，故障转移后还在吗？",
                      legend=dict(orientation="h", y=-0.2))
    return fig


def two_master_figure(cases: list, prediction: dict | None = None):
    """HAProxy's number of UP servers after the old master comes back, one row per case.

    ``cases`` = [(title, result of :meth:`LocalRedisSentinel.measure_two_masters`)];
    ``prediction`` = :func:`hakit.models.sentinel.two_master_window` (ms), drawn on row 1."""
    fig = make_subplots(rows=len(cases), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[c[0] for c in cases])
    for row, (_title, r) in enumerate(cases, start=1):
        tl = r["timeline"]
        xs = [round(t, 3) for t, *_ in tl]
        fig.add_trace(go.Scatter(x=xs, y=[n for _t, n, _r, _s in tl], mode="lines", line_shape="hv",
                                 name="HAProxy 中 UP 的服务器数", line=dict(color="#1f77b4"),
                                 legendgroup="up", showlegend=row == 1), row=row, col=1)
        for who, color, name in ((r["rogue"], _ROGUE, f"写入被重启的旧主确认（会丢）"),
                                 (r["master"], _OK, "写入被真正的 master 确认"),
                                 (None, _FAIL, "写入失败/被拒绝")):
            pts = [(round(t, 3), n) for t, n, _r, s in tl if s == who]
            fig.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] + 0.08 for p in pts], mode="markers",
                                     name=name, marker=dict(color=color, size=5), legendgroup=name,
                                     showlegend=row == 1), row=row, col=1)
        if r.get("demoted_after") is not None and not r.get("restart_as_replica"):
            fig.add_vline(x=r["demoted_after"], line_dash="dot", line_color="#444", row=row, col=1)
        fig.update_yaxes(range=[-0.2, 3.2], dtick=1, title_text="UP 数", row=row, col=1)
    if prediction is not None:
        lo, hi = prediction["up"][1] / 1000, prediction["down"][1] / 1000
        fig.add_vrect(x0=lo, x1=hi, fillcolor=_MODEL, line_width=0, row=1, col=1,
                      annotation_text="模型：双 master 窗口（典型）", annotation_position="top left")
    fig.update_xaxes(title_text="距旧主重启的时间（s）", row=len(cases), col=1)
    fig.update_layout(template="plotly_white", height=260 * len(cases) + 80,
                      title="旧 master 重启之后：HAProxy 会路由到几个 master？",
                      legend=dict(orientation="h", y=-0.15))
    return fig
