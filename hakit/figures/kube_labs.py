"""Figures for the Kubernetes labs: what the model predicted next to what the cluster did.

Each builder takes the plain data returned by the lab routines in :mod:`hakit.lab.kube` (and a
prediction computed with :mod:`hakit.models`) and returns a ``plotly.graph_objects.Figure`` with
Chinese labels. They are only ever shown in JupyterLab (the labs need a live cluster).
"""
from __future__ import annotations

from typing import Mapping, Optional, Sequence

import plotly.graph_objects as go

TEMPLATE = "plotly_white"


def quorum_figure(observations: Sequence[Mapping], predicted: Mapping[int, bool]) -> go.Figure:
    """Per step (0, 1, 2 nodes stopped, restored): predicted writable vs observed read/write."""
    labels = [f"{i}. 停 {o['stopped']} 个" + ("（恢复后）" if i == len(observations) - 1 and i > 0 else "")
              for i, o in enumerate(observations)]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[1 if predicted.get(int(o["stopped"])) else 0 for o in observations],
                name="预测：有法定人数（可写）", marker_color="#9ecae1")
    fig.add_scatter(x=labels, y=[1 if o["write_ok"] else 0 for o in observations], mode="markers",
                    name="观测：写入成功", marker=dict(symbol="diamond", size=16, color="#08519c"))
    fig.add_scatter(x=labels, y=[0.9 if o["read_ok"] else -0.1 for o in observations], mode="markers",
                    name="观测：一致性读成功", marker=dict(symbol="circle-open", size=14, color="#e6550d"))
    fig.update_layout(template=TEMPLATE, title="控制平面节点逐个停机：法定人数预测 vs. API 观测",
                      yaxis=dict(tickvals=[0, 1], ticktext=["失败", "成功"], range=[-0.3, 1.3]),
                      xaxis_title="步骤", legend=dict(orientation="h", y=-0.25))
    return fig


def rollout_figure(snapshots: Sequence[Mapping], rows: Sequence[Mapping], replicas: int,
                   surge: int, unavailable: int) -> go.Figure:
    """Observed old/new ReplicaSet sizes over the recorded steps, with the model's prediction
    for every size change and the replicas+maxSurge / replicas-maxUnavailable bounds."""
    steps = list(range(len(snapshots)))
    fig = go.Figure()
    fig.add_scatter(x=steps, y=[s["old"] for s in snapshots], mode="lines+markers", line_shape="hv",
                    name="观测：旧 RS spec.replicas", line=dict(color="#636363"))
    fig.add_scatter(x=steps, y=[s["new"] for s in snapshots], mode="lines+markers", line_shape="hv",
                    name="观测：新 RS spec.replicas", line=dict(color="#08519c"))
    fig.add_scatter(x=steps, y=[s["old_available"] + s["new_available"] for s in snapshots],
                    mode="lines", line_shape="hv", name="观测：可用 Pod 合计", line=dict(color="#31a354", dash="dot"))
    for rs, color in (("new", "#08519c"), ("old", "#636363")):
        pts = [r for r in rows if r["rs"] == rs]
        fig.add_scatter(x=[r["step"] for r in pts], y=[r["predicted"] for r in pts], mode="markers",
                        name=f"模型预测：{'新' if rs == 'new' else '旧'} RS",
                        marker=dict(symbol="x", size=12, color=color))
    fig.add_hline(y=replicas + surge, line_dash="dash", line_color="#de2d26",
                  annotation_text=f"replicas+maxSurge={replicas + surge}")
    fig.add_hline(y=replicas - unavailable, line_dash="dash", line_color="#31a354",
                  annotation_text=f"replicas-maxUnavailable={replicas - unavailable}")
    fig.update_layout(template=TEMPLATE, title="滚动更新：逐步观测 vs. hakit.models.rollout",
                      xaxis_title="记录到的变化（序号）", yaxis_title="Pod 数",
                      legend=dict(orientation="h", y=-0.25))
    return fig


def stalled_rollout_figure(samples: Sequence[Mapping]) -> go.Figure:
    """A bad image: ReplicaSet sizes and Service answers per second."""
    t = [s["t"] for s in samples]
    fig = go.Figure()
    fig.add_scatter(x=t, y=[s["old"] for s in samples], name="旧 RS", line_shape="hv")
    fig.add_scatter(x=t, y=[s["new"] for s in samples], name="新 RS（镜像拉不下来）", line_shape="hv")
    fig.add_scatter(x=t, y=[s["old_available"] + s["new_available"] for s in samples],
                    name="可用 Pod", line_shape="hv", line=dict(dash="dot"))
    fig.add_scatter(x=t, y=[1 if s["service_ok"] else 0 for s in samples], name="Service 应答（1=成功）",
                    mode="markers", yaxis="y2")
    fig.update_layout(template=TEMPLATE, title="坏镜像发布：卡住，但 Service 一直有应答",
                      xaxis_title="时间 / s", yaxis_title="Pod 数",
                      yaxis2=dict(overlaying="y", side="right", range=[-0.1, 1.1], title="应答"),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def backoff_figure(observed: Sequence[float], predicted: Sequence[float]) -> go.Figure:
    """Delay before each restart: observed vs predicted (CrashLoopBackOff)."""
    n = max(len(observed), len(predicted))
    x = [f"第 {i + 1} 次" for i in range(n)]
    fig = go.Figure()
    fig.add_bar(x=x[: len(predicted)], y=list(predicted), name="预测（模型）", marker_color="#9ecae1")
    fig.add_bar(x=x[: len(observed)], y=list(observed), name="观测", marker_color="#08519c")
    fig.update_layout(template=TEMPLATE, barmode="group", title="CrashLoopBackOff：每次重启前的等待",
                      xaxis_title="重启", yaxis_title="等待 / s")
    return fig


def endpoints_figure(obs: Mapping) -> go.Figure:
    """Which pods were ready endpoints before, during and after the readiness failure."""
    pods = sorted(set(obs["before"]) | set(obs["during"]) | set(obs["after"]))
    phases = ["之前", "就绪探针失败中", "恢复后"]
    z = [[1 if p in obs[k] else 0 for k in ("before", "during", "after")] for p in pods]
    fig = go.Figure(go.Heatmap(z=z, x=phases, y=pods, zmin=0, zmax=1, showscale=False,
                               colorscale=[[0, "#fee0d2"], [1, "#31a354"]],
                               text=[["ready" if v else "移出" for v in row] for row in z],
                               texttemplate="%{text}"))
    fig.update_layout(template=TEMPLATE, title="EndpointSlice：只有就绪的 Pod 接收流量")
    return fig


def startup_figure(obs: Mapping, predicted: Optional[Mapping] = None) -> go.Figure:
    """Restarts of the two slow-start pods (observed, and predicted if given)."""
    keys = [("with_startup", "有 startupProbe"), ("without_startup", "无 startupProbe")]
    fig = go.Figure()
    if predicted:
        fig.add_bar(x=[k[1] for k in keys], y=[predicted[k[0]] for k in keys], name="预测重启次数",
                    marker_color="#9ecae1")
    fig.add_bar(x=[k[1] for k in keys], y=[obs[k[0]]["restarts"] for k in keys], name="观测重启次数",
                marker_color="#08519c",
                text=["已启动" if obs[k[0]]["started"] else "未能启动" for k in keys])
    fig.update_layout(template=TEMPLATE, barmode="group", title="慢启动：startupProbe 的保护",
                      yaxis_title="重启次数")
    return fig


def hpa_figure(obs: Mapping, predicted: Sequence[tuple]) -> go.Figure:
    """Desired replicas over time (observed) vs the HPA formula applied to the observed CPU."""
    raw = obs["raw"]
    fig = go.Figure()
    fig.add_scatter(x=[s["t"] for s in raw], y=[s["desired"] for s in raw], name="观测：desiredReplicas",
                    line_shape="hv")
    fig.add_scatter(x=[t for t, _ in predicted], y=[r for _, r in predicted], mode="markers",
                    name="公式：ceil(当前副本 × 利用率 / 目标)", marker=dict(symbol="x", size=9))
    fig.add_scatter(x=[s["t"] for s in raw], y=[s["cpu"] for s in raw], name="CPU 利用率 %",
                    yaxis="y2", line=dict(dash="dot"))
    fig.add_vline(x=obs["load_stopped_at"], line_dash="dash", annotation_text="停止负载")
    fig.add_vrect(x0=obs["load_stopped_at"], x1=obs["load_stopped_at"] + obs["window"],
                  fillcolor="#fdd0a2", opacity=0.3, line_width=0, annotation_text="缩容稳定窗口")
    fig.update_layout(template=TEMPLATE, title="HPA：扩容与缩容稳定窗口", xaxis_title="时间 / s",
                      yaxis_title="副本数", yaxis2=dict(overlaying="y", side="right", title="CPU %"),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def eviction_figure(obs: Mapping, grace_seconds: float) -> go.Figure:
    """Timeline after a worker stops: predicted (grace period + tolerationSeconds) vs observed."""
    tol = obs["toleration_seconds"]
    rows = [("预测：判定失联", grace_seconds), ("预测：驱逐", grace_seconds + tol)]
    obs_rows = [("观测：NotReady", obs.get("not_ready_at")), ("观测：加上 unreachable 污点", obs.get("taint_at")),
                ("观测：驱逐", obs.get("evicted_at")), ("观测：替身就绪", obs.get("replacement_ready_at"))]
    fig = go.Figure()
    fig.add_scatter(x=[v for _, v in rows], y=[k for k, _ in rows], mode="markers", name="预测",
                    marker=dict(symbol="x", size=14, color="#9ecae1"))
    fig.add_scatter(x=[v for _, v in obs_rows if v is not None], y=[k for k, v in obs_rows if v is not None],
                    mode="markers", name="观测", marker=dict(size=12, color="#08519c"))
    fig.update_layout(template=TEMPLATE, title=f"worker {obs['node']} 停机后的时间线",
                      xaxis_title="停机后的秒数")
    return fig


def identity_figure(before: Mapping, after: Mapping) -> go.Figure:
    """A table: which identity fields survived the pod deletion."""
    keys = [("name", "Pod 名"), ("fqdn", "DNS 名"), ("pvc_uid", "PVC uid"), ("data", "卷里的数据"),
            ("ip", "Pod IP"), ("uid", "Pod uid")]
    fig = go.Figure(go.Table(
        header=dict(values=["字段", "删除前", "重建后", "保持？"]),
        cells=dict(values=[[k[1] for k in keys], [str(before.get(k[0])) for k in keys],
                           [str(after.get(k[0])) for k in keys],
                           ["是" if before.get(k[0]) == after.get(k[0]) else "否" for k in keys]])))
    fig.update_layout(template=TEMPLATE, title=f"StatefulSet：{before['name']} 删除前后")
    return fig
