"""Deployment → ReplicaSet → Pod 的从属关系图（源章节 N.3.2.1 丢失的那幅图的重建）。

一个 Deployment 拥有 (``metadata.ownerReferences``) 若干 ReplicaSet，每个 ReplicaSet 拥有自己的
Pod（https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/ ）。
滑块逐步走过一次滚动更新：每一步的 ReplicaSet 大小与 Pod 就绪情况都来自
:func:`hakit.models.rollout.simulate`（Deployment 控制器的语义），图只负责摆放。
滑块步骤用 ``method: "update"`` 替换 Pod 轨迹的坐标、颜色与文字，静态书页中无需内核。
"""
from __future__ import annotations

import plotly.graph_objects as go

from hakit.figures.rollout import _COLORS as _ROLLOUT_COLORS
from hakit.models import rollout as R

__all__ = ["POD_COLORS", "ownership_states", "ownership_figure", "policy_failure_figure"]

POD_COLORS = _ROLLOUT_COLORS  # one palette for pods of both revisions across the rollout figures
_POD_NAMES = {
    "old_ready": "旧模板 Pod（修订版 1）就绪", "old_not_ready": "旧模板 Pod 未就绪",
    "new_ready": "新模板 Pod（修订版 2）就绪", "new_not_ready": "新模板 Pod 未就绪（启动中）",
}
_MAX_REPLICAS = 12


def ownership_states(replicas: int = 4, max_surge: R.IntOrPercent = "25%",
                     max_unavailable: R.IntOrPercent = "25%", startup_seconds: float = 10) -> tuple[R.Rollout, list[dict]]:
    """滚动更新的每一步（第 0 步是更新前）：两个 ReplicaSet 的 ``spec.replicas`` 与各类 Pod 数。

    返回 ``(rollout, states)``；每个 state 是 ``{"time", "action", "old_replicas", "new_replicas",
    "old_ready", "old_not_ready", "new_ready", "new_not_ready", "available", "total_pods"}``。
    """
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not 1 <= replicas <= _MAX_REPLICAS:
        raise ValueError(f"spec.replicas: Invalid value: {replicas!r}: 这幅图支持 1 到 {_MAX_REPLICAS} 的整数")
    r = R.simulate(replicas, max_surge, max_unavailable, startup_seconds=startup_seconds)
    keys = ("old_replicas", "new_replicas", "old_ready", "old_not_ready", "new_ready", "new_not_ready",
            "available", "total_pods")
    states = [dict(time=0.0, action="更新前：Deployment 只拥有修订版 1 的 ReplicaSet",
                   old_replicas=replicas, new_replicas=0, old_ready=replicas, old_not_ready=0,
                   new_ready=0, new_not_ready=0, available=replicas, total_pods=replicas)]
    for s in r.steps:
        states.append({"time": s.time, "action": s.action, **{k: getattr(s, k) for k in keys}})
    return r, states


def _pods(state: dict, width: int) -> tuple[list, list, list, list]:
    xs, ys, colors, texts = [], [], [], []
    for side, x0 in (("old", 0.0), ("new", 0.5)):
        kinds = [f"{side}_ready"] * state[f"{side}_ready"] + [f"{side}_not_ready"] * state[f"{side}_not_ready"]
        for i, kind in enumerate(kinds):
            xs.append(round(x0 + (i + 0.5) * 0.5 / width, 4))
            ys.append(1.0)
            colors.append(POD_COLORS[kind])
            texts.append(f"v{1 if side == 'old' else 2}-{i + 1}")
    return xs, ys, colors, texts


def ownership_figure(replicas: int = 4, max_surge: R.IntOrPercent = "25%", max_unavailable: R.IntOrPercent = "25%",
                     startup_seconds: float = 10, app: str = "web",
                     title: str | None = None) -> go.Figure:
    """Deployment、两个 ReplicaSet 与它们的 Pod；滑块逐步走过一次滚动更新。"""
    r, states = ownership_states(replicas, max_surge, max_unavailable, startup_seconds)
    width = max(replicas + r.max_surge, 1)
    fig = go.Figure()
    for kind, color in POD_COLORS.items():  # 图例
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=_POD_NAMES[kind],
                                 marker=dict(color=color, size=12)))
    top = dict(x=[0.5, 0.25, 0.75], y=[3.0, 2.0, 2.0])

    def owner_edges(state: dict, pod_x: list) -> tuple[list, list]:
        ex, ey = [0.5, 0.25, None], [3, 2, None]
        if state is not states[0]:
            ex, ey = ex + [0.5, 0.75, None], ey + [3, 2, None]
        n_old = state["old_ready"] + state["old_not_ready"]
        for i, x in enumerate(pod_x):
            ex += [0.25 if i < n_old else 0.75, x, None]
            ey += [2, 1, None]
        return ex, ey

    def labels(state: dict) -> list[str]:
        new_exists = state is not states[0]
        return [
            f"Deployment {app}<br>replicas={replicas}",
            f"ReplicaSet {app}-v1（修订版 1）<br>spec.replicas={state['old_replicas']}",
            (f"ReplicaSet {app}-v2（修订版 2）<br>spec.replicas={state['new_replicas']}" if new_exists
             else "（修订版 2 的 ReplicaSet 尚未创建）"),
        ]

    def caption(i: int, state: dict) -> list[dict]:
        text = (f"第 {i} 步，t = {state['time']:g} s：{state['action']}<br>"
                f"可用 {state['available']}（下限 replicas − maxUnavailable = {r.min_available}），"
                f"Pod 共 {state['total_pods']}（上限 replicas + maxSurge = {r.max_total}）")
        return [dict(text=text, x=0, y=-0.02, xref="paper", yref="paper", xanchor="left", yanchor="top",
                     showarrow=False, align="left", font=dict(size=12))]

    px, py, pc, pt = _pods(states[0], width)
    ex, ey = owner_edges(states[0], px)
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", name="ownerReferences（被拥有）",
                             line=dict(color="#90a4ae", width=1.2), hoverinfo="skip"))
    edge_idx = len(fig.data) - 1
    fig.add_trace(go.Scatter(x=top["x"], y=top["y"], mode="markers+text", text=labels(states[0]),
                             textposition=["top center", "bottom center", "bottom center"], showlegend=False,
                             marker=dict(size=[26, 20, 20], symbol=["star-diamond", "square", "square"],
                                         color=["#455a64", "#1565c0", "#bdbdbd"]),
                             hoverinfo="text", textfont=dict(size=11)))
    node_idx = len(fig.data) - 1
    fig.add_trace(go.Scatter(x=px, y=py, mode="markers+text", text=pt, textposition="bottom center",
                             marker=dict(size=18, color=pc, line=dict(color="#263238", width=0.8)),
                             showlegend=False, hoverinfo="text", textfont=dict(size=9)))
    pod_idx = len(fig.data) - 1

    steps = []
    for i, st in enumerate(states):
        px, py, pc, pt = _pods(st, width)
        ex, ey = owner_edges(st, px)
        steps.append(dict(method="update", label=f"{i}（{st['time']:g}s）", args=[
            {"x": [ex, top["x"], px], "y": [ey, top["y"], py], "text": [None, labels(st), pt],
             "marker.color": [None, ["#455a64", "#1565c0", "#2e7d32" if i else "#bdbdbd"], pc]},
            {"annotations": caption(i, st)},
            [edge_idx, node_idx, pod_idx]]))
    fig.update_layout(
        template="plotly_white", height=560,
        title=dict(text=title or f"Deployment → ReplicaSet → Pod：一次滚动更新<br><sup>replicas={replicas}，"
                                 f"maxSurge={max_surge}，maxUnavailable={max_unavailable}</sup>", x=0.01,
                   y=0.98, yanchor="top", font=dict(size=14)),
        xaxis=dict(visible=False, range=[-0.02, 1.02]), yaxis=dict(visible=False, range=[0.5, 3.6]),
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", font=dict(size=10)),
        margin=dict(l=10, r=10, t=140, b=150), annotations=caption(0, states[0]),
        sliders=[dict(active=0, steps=steps, currentvalue=dict(prefix="步骤 "), y=-0.12, yanchor="top",
                      x=0.0, len=1.0, pad=dict(t=30))],
    )
    return fig


# ---------------------------------------------------------------------------------------------
# 放置策略 × 单点故障（源章节 N.3.1 的五个潜在故障点）
# ---------------------------------------------------------------------------------------------
_KIND_SYMBOL = {"datacenter": "square", "host": "square", "vm": "square-open", "node": "circle", "pod": "circle",
                "storage": "diamond", "service": "star", "app": "star-diamond", "etcd_member": "hexagon",
                "component": "triangle-up", "etcd_cluster": "hexagram", "region": "diamond-wide", "rack": "square"}


def policy_failure_figure(graphs: "dict[str, object]", choices: "list[tuple[str, list[str]]]",
                          title: str = "放置策略与单点故障", service: str = "app") -> go.Figure:
    """同一组故障域上的几种 Pod 放置（``graphs``：显示名 -> 拓扑图），一个下拉菜单选放置策略，
    另一个下拉菜单选故障（``choices``：``(显示名, [节点…])``，节点必须在每张图中都存在）。

    策略菜单只切换各图轨迹的可见性，故障菜单只改各图节点的颜色与图注，两者互不覆盖。颜色与
    图注由 :func:`hakit.models.topology.impact` 预先算好，颜色含义同 :mod:`hakit.figures.topology`。
    """
    from hakit.figures.topology import COLORS, STATUS_NAMES, layered_layout
    from hakit.models import topology as T

    if not graphs:
        raise ValueError("graphs: Required value: 至少需要一张拓扑图")
    if not choices:
        raise ValueError("choices: Required value: 至少需要一个故障选项")
    for name, g in graphs.items():
        T.validate(g)
        for label, nodes in choices:
            missing = [n for n in nodes if n not in g]
            if missing:
                raise ValueError(f"choices: Not found: {', '.join(missing)}: 图“{name}”中没有这些节点")
    fig = go.Figure()
    for status, color in COLORS.items():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=STATUS_NAMES[status],
                                 marker=dict(color=color, size=10)))
    n_legend = len(fig.data)
    per_graph: list[tuple[int, int, int]] = []
    colors_by: list[list[list[str]]] = []
    captions_by: list[list[str]] = []
    ymin, ymax = 0.0, 0.0
    for gi, (name, g) in enumerate(graphs.items()):
        pos = layered_layout(g)
        nodes = list(g.nodes)
        ymin = min(ymin, min(p[1] for p in pos.values()))
        ymax = max(ymax, max(p[1] for p in pos.values()))
        ex, ey = [], []
        for u, v in g.edges():
            ex += [round(pos[u][0], 3), round(pos[v][0], 3), None]
            ey += [pos[u][1], pos[v][1], None]
        imps = [T.impact(g, failed) for _, failed in choices]
        cols = [[COLORS[imp.status(n)] for n in nodes] for imp in imps]
        caps = []
        for imp in imps:
            ready, total, ok = imp.services[service]
            pend = len(g.nodes[service]["placement"].pending) if "placement" in g.nodes[service] else 0
            caps.append(f"<b>{name}</b>：{service} {ready}/{total} 就绪" + (f"（{pend} 个 Pending）" if pend else "")
                        + ("，<b>仍可用</b>" if ok else "，<b>不可用</b>"))
        colors_by.append(cols)
        captions_by.append(caps)
        vis = gi == 0
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#b0bec5", width=1), hoverinfo="skip",
                                 showlegend=False, visible=vis))
        e_idx = len(fig.data) - 1
        fig.add_trace(go.Scatter(
            x=[round(pos[n][0], 3) for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text",
            text=[T.label_of(g, n) for n in nodes], textposition="bottom center", textfont=dict(size=9),
            hovertext=[T.label_of(g, n) for n in nodes], hoverinfo="text", showlegend=False, visible=vis,
            marker=dict(size=15, color=cols[0], symbol=[_KIND_SYMBOL.get(g.nodes[n]["kind"], "circle") for n in nodes],
                        line=dict(color="#263238", width=0.8))))
        n_idx = len(fig.data) - 1
        fig.add_trace(go.Scatter(x=[0], y=[ymin - 0.9], mode="text", text=[caps[0]], textposition="middle right",
                                 showlegend=False, hoverinfo="skip", visible=vis, textfont=dict(size=13)))
        per_graph.append((e_idx, n_idx, len(fig.data) - 1))
    for (_, _, c_idx) in per_graph:  # 图注统一放在最低处
        fig.data[c_idx].y = [ymin - 0.9]
    total = len(fig.data)
    buttons = []
    for gi, name in enumerate(graphs):
        visible = [True] * n_legend + [False] * (total - n_legend)
        for k in per_graph[gi]:
            visible[k] = True
        buttons.append(dict(method="update", label=name, args=[{"visible": visible}]))
    steps = []
    for ci, (label, _) in enumerate(choices):
        idx = [k for trip in per_graph for k in trip[1:]]
        marker_colors, texts = [], []
        for gi in range(len(graphs)):
            marker_colors += [colors_by[gi][ci], None]
            texts += [[T.label_of(list(graphs.values())[gi], n) for n in list(graphs.values())[gi].nodes],
                      [captions_by[gi][ci]]]
        steps.append(dict(method="restyle", label=label, args=[{"marker.color": marker_colors, "text": texts}, idx]))
    fig.update_layout(
        template="plotly_white", height=680, title=dict(text=title, x=0.01, y=0.99, yanchor="top"),
        xaxis=dict(visible=False), yaxis=dict(visible=False, range=[ymin - 1.3, ymax + 0.4]),
        margin=dict(l=10, r=10, t=170, b=20), hovermode="closest",
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=10)),
        annotations=[dict(text="放置策略：", x=0, y=1.2, xref="paper", yref="paper", xanchor="left",
                          yanchor="middle", showarrow=False),
                     dict(text="故障：", x=0, y=1.1, xref="paper", yref="paper", xanchor="left",
                          yanchor="middle", showarrow=False)],
        # 两个下拉菜单：策略只切换可见性（update），故障只改颜色与图注（restyle），互不覆盖
        updatemenus=[dict(type="dropdown", buttons=buttons, active=0, x=0.14, xanchor="left", y=1.2,
                          yanchor="middle", showactive=True),
                     dict(type="dropdown", buttons=steps, active=0, x=0.14, xanchor="left", y=1.1,
                          yanchor="middle", showactive=True)],
    )
    return fig
