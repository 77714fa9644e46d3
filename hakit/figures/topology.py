"""故障域拓扑图：networkx 图 -> 分层布局的 Plotly 图，选择一个故障组件，节点随之变色。

:func:`failure_figure` 是通用的：任何由 :mod:`hakit.models.topology` 构造的图都能画。每个选项的
颜色与图注都预先算好，放在下拉菜单（或滑块）的 ``method: "update"`` 步骤里，静态书页中无需内核即可交互。
颜色：故障（深红）、被波及而宕机（红）、受影响但仍在服务（橙）、正常（绿）、Pending（灰）。
"""
from __future__ import annotations

from typing import Sequence

import networkx as nx
import plotly.graph_objects as go

from hakit.figures import _fast
from hakit.models import topology as T

__all__ = ["COLORS", "STATUS_NAMES", "layered_layout", "default_choices", "failure_figure"]

COLORS = {"failed": "#8e0000", "down": "#e53935", "affected": "#fb8c00", "ok": "#43a047", "pending": "#9e9e9e"}
STATUS_NAMES = {"failed": "故障", "down": "被波及宕机", "affected": "受影响（仍可用）", "ok": "正常", "pending": "Pending"}
_SYMBOLS = {
    "region": "diamond-wide", "datacenter": "square", "rack": "square", "host": "square",
    "vm": "square-open", "node": "circle", "pod": "circle", "etcd_member": "hexagon",
    "component": "triangle-up", "storage": "diamond", "service": "star", "etcd_cluster": "hexagram",
    "app": "star-diamond",
}
_EDGE_STYLE = {
    "runs_on": dict(color="#90a4ae", width=1.2, dash="solid", name="运行在 (runs on)"),
    "depends_on": dict(color="#5c6bc0", width=1.2, dash="dash", name="依赖 (depends on)"),
    "soft": dict(color="#9fa8da", width=1.0, dash="dot", name="弱依赖（只受影响）"),
    "member_of": dict(color="#bdbdbd", width=0.8, dash="dot", name="属于 (member of)"),
}
_DOMAIN_KINDS = ("region", "datacenter", "rack", "host", "vm", "node", "etcd_member", "component", "storage", "pod")


def layered_layout(graph: nx.DiGraph) -> dict:
    """分层布局：y 为层号（:func:`hakit.models.topology.layer_of`，自下而上），同层节点按其在
    较低层的邻居的平均 x 排序（重心法）后均匀铺开。返回 ``{节点: (x, y)}``。"""
    raw: dict[int, list] = {}
    for n in graph.nodes:
        raw.setdefault(T.layer_of(graph, n), []).append(n)
    layers = {i: raw[k] for i, k in enumerate(sorted(raw))}  # 去掉空层
    width = max((len(v) for v in layers.values()), default=1)
    pos: dict = {}
    order = {n: i for i, n in enumerate(graph.nodes)}
    for y in sorted(layers):
        nodes = layers[y]

        def bary(n):
            xs = [pos[m][0] for m in list(graph.successors(n)) + list(graph.predecessors(n)) if m in pos]
            return (sum(xs) / len(xs) if xs else float("inf"), order[n])

        nodes.sort(key=bary)
        k = len(nodes)
        for i, n in enumerate(nodes):
            pos[n] = ((i + 0.5) * width / k, float(y))
    return pos


def default_choices(graph: nx.DiGraph) -> list:
    """缺省的选项：先是 “无故障”，再是每个故障域与组件（数据中心、物理机、节点、etcd 成员……）。"""
    out: list = [("无故障", [])]
    for kind in _DOMAIN_KINDS:
        for n, d in graph.nodes(data=True):
            if d.get("kind") == kind and d.get("phase") != "Pending":
                out.append((T.label_of(graph, n) + " 故障", [n]))
    return out


def _norm_choices(graph: nx.DiGraph, choices) -> list:
    if choices is None:
        return default_choices(graph)
    out = []
    for c in choices:
        if isinstance(c, str):
            T._require_node(graph, c, "choices")
            out.append((T.label_of(graph, c) + " 故障", [c]))
        elif isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], str) and not isinstance(c[1], str):
            nodes = list(c[1])
            for n in nodes:
                T._require_node(graph, n, "choices")
            out.append((c[0], nodes))
        else:
            nodes = list(c)
            for n in nodes:
                T._require_node(graph, n, "choices")
            label = "、".join(T.label_of(graph, n) for n in nodes) + " 故障" if nodes else "无故障"
            out.append((label, nodes))
    if not out:
        raise ValueError("choices: Required value: 至少需要一个选项")
    return out


def _text_positions(pos: dict, nodes: list) -> list:
    """拥挤的层（超过 8 个节点）里标签上下交错，减少重叠。"""
    rows: dict[float, list] = {}
    for n in nodes:
        rows.setdefault(pos[n][1], []).append(n)
    out = {}
    for y, ns in rows.items():
        ns = sorted(ns, key=lambda n: pos[n][0])
        for i, n in enumerate(ns):
            out[n] = "top center" if len(ns) > 8 and i % 2 else "bottom center"
    return [out[n] for n in nodes]


def _caption(imp: T.Impact) -> str:
    return "<br>".join(imp.summary().split("\n"))


def failure_figure(graph: nx.DiGraph, choices: Sequence | None = None, title: str | None = None,
                   control: str = "dropdown", show_labels: bool = True, height: int | None = None,
                   pos: dict | None = None) -> go.Figure:
    """故障影响拓扑图。

    ``choices``：选项列表，每项是一个节点名、一个节点名列表（同时故障）或 ``(显示名, [节点...])``；
    缺省为 :func:`default_choices`。``control``：``"dropdown"``（下拉菜单，缺省）或 ``"slider"``。
    ``pos`` 可给出自定义坐标（缺省 :func:`layered_layout`）。每个选项的节点颜色与图注都预先算好。
    """
    T.validate(graph)
    if control not in ("dropdown", "slider"):
        raise ValueError(f"control: Unsupported value: {control!r}: 支持的取值为 dropdown, slider")
    opts = _norm_choices(graph, choices)
    pos = pos or layered_layout(graph)
    nodes = list(graph.nodes)
    # 图以普通 dict 组装，最后一次性构造（hakit.figures._fast）：与逐项校验的 go.Scatter/add_trace 同一张图，
    # 但交互面板的回调快得多。
    data: list[dict] = []
    # 边：每种关系一条折线轨迹
    groups: dict[str, tuple[list, list]] = {k: ([], []) for k in _EDGE_STYLE}
    for u, v, d in graph.edges(data=True):
        key = "soft" if d.get("rel") == "depends_on" and d.get("soft") else d.get("rel")
        xs, ys = groups[key]
        xs += [round(pos[u][0], 3), round(pos[v][0], 3), None]
        ys += [pos[u][1], pos[v][1], None]
    for key, (xs, ys) in groups.items():
        if not xs:
            continue
        st = _EDGE_STYLE[key]
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", name=st["name"],
                         line=dict(color=st["color"], width=st["width"], dash=st["dash"])))
    # 图例里的颜色说明
    for status, color in COLORS.items():
        data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=STATUS_NAMES[status],
                         marker=dict(color=color, size=10)))
    impacts = [T.impact(graph, failed) for _, failed in opts]
    colors = [[COLORS[imp.status(n)] for n in nodes] for imp in impacts]
    hover = [f"{T.label_of(graph, n)}<br>{T.KIND_NAMES.get(graph.nodes[n]['kind'], '')}" for n in nodes]
    node_trace = dict(
        type="scatter",
        x=[round(pos[n][0], 3) for n in nodes], y=[pos[n][1] for n in nodes],
        mode="markers+text" if show_labels else "markers",
        textposition=_text_positions(pos, nodes), textfont=dict(size=9),
        hovertext=hover, hoverinfo="text", showlegend=False,
        marker=dict(size=16, color=colors[0], symbol=[_SYMBOLS.get(graph.nodes[n]["kind"], "circle") for n in nodes],
                    line=dict(color="#263238", width=0.8)),
    )
    if show_labels:
        node_trace["text"] = [T.label_of(graph, n) for n in nodes]
    data.append(node_trace)
    idx = len(data) - 1

    def ann(i: int) -> list:
        return [dict(text=_caption(impacts[i]), x=0, y=-0.02, xref="paper", yref="paper", xanchor="left",
                     yanchor="top", showarrow=False, align="left", font=dict(size=12),
                     bgcolor="rgba(255,255,255,0.85)")]

    steps = [dict(method="update", label=label, args=[{"marker.color": [colors[i]]}, {"annotations": ann(i)}, [idx]])
             for i, (label, _) in enumerate(opts)]
    n_layers = len({p[1] for p in pos.values()})
    n_caption = max(len(imp.summary().split("\n")) for imp in impacts)
    n_legend = sum(1 for t in data if t.get("showlegend") is not False)
    bottom = 30 + 17 * max(n_caption, n_legend)
    h = height or int(140 + 75 * n_layers + bottom)
    ys = [p[1] for p in pos.values()]
    layout = dict(
        height=h,
        title=dict(text=title or graph.graph.get("name", "故障影响"), x=0.01, xanchor="left", y=0.99, yanchor="top"),
        xaxis=dict(visible=False), yaxis=dict(visible=False, range=[min(ys) - 0.5, max(ys) + 0.4]),
        margin=dict(l=10, r=10, t=95, b=bottom), annotations=ann(0),
        # 图例放在右下角（竖排），图注在左下角，顶部留给下拉菜单/滑块与标题
        legend=dict(orientation="v", x=1.0, xanchor="right", y=-0.02, yanchor="top", font=dict(size=10)),
        hovermode="closest",
    )
    if control == "dropdown":
        layout["updatemenus"] = [dict(type="dropdown", buttons=steps, active=0, x=0.0, xanchor="left",
                                      y=1.02, yanchor="bottom", showactive=True)]
    else:  # 选项多时标签会挤在一起：滑块适合不超过 8 个左右的选项
        layout["sliders"] = [dict(steps=steps, active=0, currentvalue=dict(prefix="故障：", font=dict(size=12)),
                                  pad=dict(t=0, b=0), y=1.02, yanchor="bottom", len=0.7, x=0.04, font=dict(size=10))]
        layout["margin"]["t"] = 160
        layout["height"] = h + 70
    return _fast.figure(data, layout)
