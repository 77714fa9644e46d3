"""Figures for the etcd lab (``labs/etcd_lab.ipynb``), moved out of the notebook's cells.

Layering: models → figures → widgets; ``hakit.lab.etcd`` holds the process drivers only. The
builders take the plain dicts that the driver returns (``failover_series``, ``minority_probe``,
``acknowledged_write_audit(...).as_dict()``, ``pause_leader_experiment``) and never start a
process. Labels are in 简体中文, ``template="plotly_white"``.

The predicted band for a new leader is ``[1, 2) × election timeout``: a follower starts an
election after a randomized timeout drawn from ``[election-timeout, 2 × election-timeout)``
(etcd ``raft`` ``resetRandomizedElectionTimeout``; Raft paper §5.2).
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import plotly.graph_objects as go

__all__ = ["predicted_band", "failover_figure", "minority_figure", "audit_figure", "pause_figure",
           "snapshot_figure"]

_BAND = "rgba(120,160,220,0.35)"


def predicted_band(election_timeout_ms: float) -> tuple[float, float]:
    """预测的新 Leader 出现时间区间（秒）：``[1, 2) × election timeout``。"""
    if isinstance(election_timeout_ms, bool) or not isinstance(election_timeout_ms, (int, float)) \
            or not election_timeout_ms > 0:
        raise ValueError(f"election-timeout: Invalid value: {election_timeout_ms!r}: 必须是大于 0 的毫秒数")
    return election_timeout_ms / 1000, 2 * election_timeout_ms / 1000


def failover_figure(series: Sequence[Mapping]) -> go.Figure:
    """杀掉 Leader 之后新 Leader 出现与第一次写入成功的时刻（每个配置一列），叠加预测区间。

    ``series`` 是 ``hakit.lab.etcd.failover_series`` 的结果列表（键 ``n``、``election_timeout_ms``、``runs``）。"""
    fig = go.Figure()
    for k, s in enumerate(series):
        label = f"{s['n']} 成员 / {s['election_timeout_ms']} ms"
        lo, hi = predicted_band(s["election_timeout_ms"])
        fig.add_trace(go.Scatter(x=[label, label], y=[lo, hi], mode="lines", line=dict(width=18, color=_BAND),
                                 name="预测区间 [1, 2)×选举超时", legendgroup="band", showlegend=k == 0))
        fig.add_trace(go.Scatter(x=[label] * len(s["runs"]), y=[r["new_leader_s"] for r in s["runs"]], mode="markers",
                                 marker=dict(symbol="circle", size=10, color="#1f77b4"), name="新 Leader 出现",
                                 legendgroup="leader", showlegend=k == 0))
        fig.add_trace(go.Scatter(x=[label] * len(s["runs"]), y=[r["first_write_s"] for r in s["runs"]], mode="markers",
                                 marker=dict(symbol="x", size=10, color="#d62728"), name="第一次写入成功",
                                 legendgroup="write", showlegend=k == 0))
    fig.update_layout(template="plotly_white", title="杀掉 Leader 之后：实测与预测", yaxis_title="距 kill 的时间（秒）",
                      xaxis_title="集群配置", height=420)
    return fig


def minority_figure(probe: Mapping, has_quorum: bool) -> go.Figure:
    """只剩少数派时三种请求的结果与耗时（``hakit.lab.etcd.minority_probe`` 的结果）。"""
    ops = ["put", "get_linearizable", "get_serializable"]
    fig = go.Figure(go.Bar(x=["写入 put", "线性一致读", "可串行化读 (--consistency=s)"], y=[probe[o]["seconds"] for o in ops],
                           marker_color=["#2ca02c" if probe[o]["ok"] else "#d62728" for o in ops],
                           text=["成功" if probe[o]["ok"] else "失败/超时" for o in ops], textposition="outside"))
    fig.update_layout(template="plotly_white", title=f"只剩 1/3 个成员时（预测 has_quorum(3, 1) = {has_quorum}）",
                      yaxis_title="耗时（秒，客户端超时 1 s）", height=380)
    return fig


def audit_figure(audit: Mapping) -> go.Figure:
    """多次杀掉 Leader 期间写入的结局（``acknowledged_write_audit(...).as_dict()``），对数纵轴。"""
    labels = ["已确认 acknowledged", "确定失败 failed", "结果未知 unknown", "其中已提交", "丢失 lost"]
    vals = [audit["acknowledged"], audit["failed"], audit["unknown"], audit["unknown_committed"], audit["lost"]]
    fig = go.Figure(go.Bar(x=labels, y=vals, text=vals, textposition="outside",
                           marker_color=["#2ca02c", "#7f7f7f", "#ff7f0e", "#ffbb78", "#d62728"]))
    fig.update_layout(template="plotly_white", title=f"{audit['kills']} 次杀掉 Leader 期间的写入（预测：丢失 = 0）",
                      yaxis_title="写入条数", yaxis_type="log", height=400)
    return fig


def pause_figure(pause: Mapping, election_timeout_ms: float = 1000) -> go.Figure:
    """SIGSTOP 暂停 Leader：暂停区间、新 Leader 出现的时刻，以及预测区间（``pause_leader_experiment`` 的结果）。"""
    lo, hi = predicted_band(election_timeout_ms)
    fig = go.Figure()
    fig.add_trace(go.Bar(y=["旧 Leader 暂停"], x=[pause["paused_s"]], base=[0], orientation="h", name="SIGSTOP 暂停",
                         marker_color="#7f7f7f"))
    fig.add_trace(go.Bar(y=["新 Leader"], x=[pause["paused_s"] - pause["new_leader_s"] + 0.5], base=[pause["new_leader_s"]],
                         orientation="h", name=f"新 Leader m{pause['new_leader']}（任期 {pause['old_term_after']}）",
                         marker_color="#1f77b4"))
    fig.add_vrect(x0=lo, x1=hi, fillcolor="rgba(120,160,220,0.25)", line_width=0, annotation_text="预测 [1, 2)×选举超时")
    fig.update_layout(template="plotly_white", barmode="overlay", title="暂停 Leader：新 Leader 出现，旧 Leader 恢复后退位",
                      xaxis_title="距 SIGSTOP 的时间（秒）", height=320)
    return fig


def snapshot_figure(snaps: Mapping[str, Mapping], writes: int, snap_index: Callable[[str], int],
                    snapshot_count: int = 100) -> go.Figure:
    """写入 ``writes`` 条之后每种配置的 raft 索引（柱）与快照文件所在的索引（菱形）。

    ``snaps`` = ``{标签: {"files": [快照文件名], "raftIndex": int}}``；``snap_index`` 把快照文件名
    解析成索引（``hakit.lab.etcd.snap_index``）。"""
    fig = go.Figure()
    for label, s in snaps.items():
        fig.add_trace(go.Bar(x=[label], y=[s["raftIndex"]], name=f"{label}：raft 日志索引", marker_color="#1f77b4",
                             showlegend=False, text=[f"{len(s['files'])} 个快照"], textposition="outside"))
        for f in s["files"]:
            fig.add_trace(go.Scatter(x=[label], y=[snap_index(f)], mode="markers",
                                     marker=dict(symbol="diamond", size=14, color="#d62728"),
                                     name="快照所在索引", showlegend=False))
    fig.add_hline(y=snapshot_count, line_dash="dash", annotation_text=f"snapshot-count = {snapshot_count}")
    fig.update_layout(template="plotly_white", title=f"写入 {writes} 条后的快照文件（菱形 = 快照的索引）",
                      yaxis_title="raft 索引", height=380)
    return fig
