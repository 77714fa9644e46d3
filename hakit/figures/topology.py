"""故障域拓扑图：故障域画成嵌套的框（数据中心 ⊃ 物理机 ⊃ 节点 ⊃ Pod 与成员），选择一处故障，
框按 :func:`hakit.models.topology.impact` 的结果变色，并只画出这次故障的影响路径。

版式仿照 Kubernetes 文档里的架构图：每个故障域是一个带标题的框，运行在它上面的东西画在框里；
逻辑上的组（Service、etcd 集群、负载均衡 VIP……）画在最上面的“服务与集群”框里。每个选项的
框、影响路径与图注都预先算好，放进 Plotly 自己的下拉菜单（或滑块）的 ``restyle`` 步骤里：静态
书页中无需内核即可交互。

排版按最窄的屏幕（绘图区约 340 px）计算，所以 390 px 宽的手机上标签不重叠；更宽时框只是横向拉伸。
颜色：故障（深红）、被波及而宕机（红）、受影响但仍在服务（橙）、正常（绿）、Pending（灰）。
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import networkx as nx

from hakit.figures import _fast
from hakit.models import topology as T

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["COLORS", "STATUS_NAMES", "default_choices", "failure_figure",
           "Box", "box_layout", "GraphBlock", "graph_block", "legend_traces", "base_layout", "menu",
           "text_width", "wrap"]

COLORS = {"failed": "#8e0000", "down": "#e53935", "affected": "#fb8c00", "ok": "#43a047", "pending": "#9e9e9e"}
STATUS_NAMES = {"failed": "故障", "down": "被波及宕机", "affected": "受影响（仍可用）", "ok": "正常", "pending": "Pending"}
#: 各状态的填充色：(容器框, 叶子框)。正常的容器框按深度用中性色。
_FILL = {"failed": ("#ffcdd2", "#ef9a9a"), "down": ("#ffebee", "#ffcdd2"), "affected": ("#fff3e0", "#ffe0b2"),
         "ok": (None, "#e8f5e9"), "pending": ("#f5f5f5", "#eeeeee")}
_NEUTRAL = ("#f3f6f9", "#e8eef3", "#ffffff", "#f7f9fb", "#ffffff")
_LINE_W = {"failed": 2.4, "down": 1.8, "affected": 1.8, "ok": 1.0, "pending": 1.0}
_OK_CONTAINER_LINE = "#90a4ae"
_DOMAIN_KINDS = ("region", "datacenter", "rack", "host", "vm", "node", "etcd_member", "component", "storage", "pod")
_GROUP_KINDS = ("service", "etcd_cluster", "app")
_STATUSES = tuple(COLORS)

#: 排版常数（像素，按最窄的绘图区计算）
WIDTH = 340
_PAD, _GAP, _TITLE_H, _LEAF_H, _LEAF_PAD = 5, 5, 17, 20, 5
_FONT, _TITLE_FONT, _CAPTION_FONT, _MENU_H = 10, 10, 11, 34
_GROUPS, _PENDING = "__groups__", "__pending__"
_CONTAINER_KINDS = ("region", "datacenter", "rack", "host", "vm", "node")


def text_width(text: str, size: float) -> float:
    """估计一段文字的像素宽度：汉字与全角符号按一个字号宽，其余按 0.62 个字号。"""
    return sum(size if ord(c) > 0x2E7F else 0.62 * size for c in text)


def wrap(text: str, max_px: float, size: float) -> list[str]:
    """按像素宽度折行，尽量断在 ``、，；（`` 或空格处。"""
    lines: list[str] = []
    for para in text.split("\n"):
        rest = para
        while text_width(rest, size) > max_px:
            cut, width = 0, 0.0
            for i, c in enumerate(rest):
                width += text_width(c, size)
                if width > max_px:
                    break
                cut = i + 1
            brk = max((rest.rfind(ch, 0, cut) for ch in "、，；：） "), default=-1)
            paren = rest.rfind("（", 0, cut)
            if paren > 0 and paren > brk:
                brk = paren - 1
            end = brk + 1 if brk >= cut // 3 else cut
            lines.append(rest[:end].rstrip())
            rest = rest[end:].lstrip()
        lines.append(rest)
    return lines


def default_choices(graph: nx.DiGraph) -> list:
    """缺省的选项：先是 “无故障”，再是每个故障域与组件（数据中心、物理机、节点、etcd 成员……）。"""
    out: list = [("无故障", [])]
    for kind in _DOMAIN_KINDS:
        for n, d in graph.nodes(data=True):
            if d.get("kind") == kind and d.get("phase") != "Pending":
                out.append((T.label_of(graph, n) + " 故障", [n]))
    return out


def _check_nodes(graph: nx.DiGraph, nodes: list) -> list:
    missing = [n for n in nodes if n not in graph]
    if missing:
        raise ValueError(f"choices: Not found: {', '.join(map(str, missing))}: 图中没有这些节点")
    return nodes


def _norm_choices(graph: nx.DiGraph, choices) -> list:
    if choices is None:
        return default_choices(graph)
    out = []
    for c in choices:
        if isinstance(c, str):
            out.append((T.label_of(graph, _check_nodes(graph, [c])[0]) + " 故障", [c]))
        elif isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], str) and not isinstance(c[1], str):
            out.append((c[0], _check_nodes(graph, list(c[1]))))
        else:
            nodes = _check_nodes(graph, list(c))
            label = "、".join(T.label_of(graph, n) for n in nodes) + " 故障" if nodes else "无故障"
            out.append((label, nodes))
    if not out:
        raise ValueError("choices: Required value: 至少需要一个选项")
    return out


# ---------------------------------------------------------------------------------------------
# 嵌套框排版
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    """一个框（像素坐标，y 向下）。``leaf`` 为真时标签居中，否则标签是左上角的标题。"""

    node: str
    x0: float
    y0: float
    x1: float
    y1: float
    depth: int
    leaf: bool
    label: str


def _short(graph: nx.DiGraph, n: str) -> str:
    if n == _GROUPS:
        return "服务与集群（逻辑）"
    if n == _PENDING:
        return "未调度（Pending）"
    return str(graph.nodes[n].get("short_label") or T.label_of(graph, n))


def _tree(graph: nx.DiGraph) -> dict:
    """容器树：``runs_on`` 的目标是容器；没有 ``runs_on`` 的组放进“服务与集群”，未调度的 Pod 放进“Pending”。"""
    kids: dict = {None: [], _GROUPS: [], _PENDING: []}
    for n, d in graph.nodes(data=True):
        on = next((v for _, v, r in graph.out_edges(n, data="rel") if r == "runs_on"), None)
        if on is not None:
            kids.setdefault(on, []).append(n)
        elif d.get("kind") in _GROUP_KINDS:
            kids[_GROUPS].append(n)
        elif d.get("kind") == "pod":
            kids[_PENDING].append(n)
        else:
            kids[None].append(n)
    kids[None] = [r for r in (_GROUPS,) if kids[_GROUPS]] + kids[None] + [r for r in (_PENDING,) if kids[_PENDING]]
    return kids


def _is_container(graph: nx.DiGraph, kids: dict, n: str) -> bool:
    return n in (_GROUPS, _PENDING) or bool(kids.get(n)) or graph.nodes[n].get("kind") in _CONTAINER_KINDS


def _measure(graph, kids, n, max_w, sizes, rows) -> tuple[float, float]:
    children = kids.get(n, [])
    label_w = text_width(_short(graph, n), _FONT)
    if not _is_container(graph, kids, n):
        sizes[n] = (min(max_w, label_w + 2 * _LEAF_PAD), _LEAF_H)
        return sizes[n]
    inner = max_w - 2 * _PAD
    for k in children:
        _measure(graph, kids, k, inner, sizes, rows)
    column = (all(not _is_container(graph, kids, k) for k in children) and len(children) <= 6
              and n not in (_GROUPS, _PENDING))
    out: list[list[str]] = []
    width = 0.0
    for k in children:
        w = sizes[k][0]
        if out and not column and width + _GAP + w <= inner:
            out[-1].append(k)
            width += _GAP + w
        else:
            out.append([k])
            width = w
    rows[n] = out
    row_w = max((sum(sizes[k][0] for k in r) + _GAP * (len(r) - 1) for r in out), default=0.0)
    row_h = sum(max(sizes[k][1] for k in r) for r in out) + _GAP * max(len(out) - 1, 0)
    sizes[n] = (min(max_w, max(row_w + 2 * _PAD, label_w + 2 * _PAD)), _TITLE_H + row_h + (_PAD if out else 0))
    return sizes[n]


def _place(graph, kids, n, x0, y0, w, h, depth, sizes, rows, out: dict) -> None:
    out[n] = (x0, y0, x0 + w, y0 + h, depth, not _is_container(graph, kids, n))
    y = y0 + _TITLE_H
    inner = w - 2 * _PAD
    for r in rows.get(n, []):
        natural = sum(sizes[k][0] for k in r) + _GAP * (len(r) - 1)
        scale = (inner - _GAP * (len(r) - 1)) / max(natural - _GAP * (len(r) - 1), 1e-9)
        row_h = max(sizes[k][1] for k in r)
        x = x0 + _PAD
        for k in r:
            kw = sizes[k][0] * scale
            kh = row_h if _is_container(graph, kids, k) else sizes[k][1]
            _place(graph, kids, k, x, y, kw, kh, depth + 1, sizes, rows, out)
            x += kw + _GAP
        y += row_h + _GAP


def box_layout(graph: nx.DiGraph, width: float = WIDTH) -> tuple[dict, float]:
    """嵌套框的排版：``({节点: Box}, 总高度)``。根（服务与集群、数据中心……）自上而下排列，占满宽度。"""
    kids = _tree(graph)
    sizes: dict = {}
    rows: dict = {}
    raw: dict = {}
    y = 0.0
    for root in kids[None]:
        _measure(graph, kids, root, width, sizes, rows)
        h = sizes[root][1]
        _place(graph, kids, root, 0.0, y, width, h, 0, sizes, rows, raw)
        y += h + _GAP
    boxes = {n: Box(n, *v[:4], v[4], v[5], _short(graph, n)) for n, v in raw.items()}
    return boxes, max(y - _GAP, 0.0)


# ---------------------------------------------------------------------------------------------
# 一张图的轨迹：静态的标签与悬停点，按选项变化的框、影响路径与图注
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GraphBlock:
    """:func:`graph_block` 的结果：``static`` 轨迹不随选项变化；``dynamic`` 轨迹按 ``frames[i]``
    （每个选项一个 ``{"x": [...], "y": [...], "text": [...]}``，与 ``dynamic`` 一一对应）更新。"""

    static: list
    dynamic: list
    frames: list
    height: float
    legend: list


def _rect(b: Box) -> tuple[list, list]:
    return [b.x0, b.x1, b.x1, b.x0, b.x0, None], [b.y0, b.y0, b.y1, b.y1, b.y0, None]


def _status(imp: T.Impact, n: str) -> str:
    return "ok" if n in (_GROUPS, _PENDING) else imp.status(n)


def _contained_root(graph: nx.DiGraph, imp: T.Impact, n: str) -> str | None:
    """``n`` 或它沿 ``runs_on`` 的祖先中最外层的故障节点（``n`` 因所在的故障域而宕机）；没有则 None。"""
    top, cur, seen = None, n, set()
    while cur is not None and cur not in seen:
        if cur in imp.failed:
            top = cur
        seen.add(cur)
        cur = next((v for _, v, r in graph.out_edges(cur, data="rel") if r == "runs_on"), None)
    return top


def _impact_edges(graph: nx.DiGraph, imp: T.Impact) -> list[tuple[str, str]]:
    """这次故障的影响路径（原因 -> 结果），只画嵌套框表达不了的那些：结果不在故障域里面；
    原因若在故障域里面，从最外层的故障框画起（同一对只画一次）。"""
    hit = imp.down | imp.affected
    out: list[tuple[str, str]] = []
    for u, v, r in graph.edges(data="rel"):
        if r == "depends_on" and v in hit and u in hit:
            cause, effect = v, u
        elif r == "member_of" and (u in hit or u in imp.pending) and v in hit:
            cause, effect = u, v
        else:
            continue
        if _contained_root(graph, imp, effect) is not None:
            continue
        pair = (_contained_root(graph, imp, cause) or cause, effect)
        if pair not in out:
            out.append(pair)
    return out


def _clip(b: Box, x: float, y: float) -> tuple[float, float]:
    """从框中心指向 (x, y) 的线段与框边界的交点。"""
    cx, cy = (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2
    dx, dy = x - cx, y - cy
    if dx == 0 and dy == 0:
        return cx, cy
    tx = (b.x1 - b.x0) / 2 / abs(dx) if dx else float("inf")
    ty = (b.y1 - b.y0) / 2 / abs(dy) if dy else float("inf")
    t = min(tx, ty, 1.0)
    return cx + dx * t, cy + dy * t


def _edge_xy(boxes: dict, edges: list) -> tuple[list, list, list]:
    xs, ys, sizes = [], [], []
    for a, b in edges:
        ba, bb = boxes[a], boxes[b]
        ca = ((ba.x0 + ba.x1) / 2, (ba.y0 + ba.y1) / 2)
        cb = ((bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2)
        p, q = _clip(ba, *cb), _clip(bb, *ca)
        xs += [round(p[0], 1), round(q[0], 1), None]
        ys += [round(p[1], 1), round(q[1], 1), None]
        sizes += [0, 9, 0]
    return xs, ys, sizes


def _box_traces(depths: range) -> list[tuple[int, str, dict]]:
    out = []
    for depth in depths:
        for st in _STATUSES:
            for leaf in (False, True):
                fill = _FILL[st][1 if leaf else 0] or _NEUTRAL[min(depth, len(_NEUTRAL) - 1)]
                line = COLORS[st] if (leaf or st != "ok") else _OK_CONTAINER_LINE
                out.append((depth, st + ("/leaf" if leaf else ""), dict(
                    type="scatter", mode="lines", fill="toself", fillcolor=fill, hoverinfo="skip",
                    meta=dict(status=st, depth=depth, leaf=leaf),
                    showlegend=False, line=dict(color=line, width=_LINE_W[st],
                                                dash="dot" if st == "pending" else "solid"))))
    return out


def _caption_lines(imp: T.Impact, width: float) -> list[str]:
    return [ln for line in imp.summary().split("\n") for ln in wrap(line, width, _CAPTION_FONT)]


def _static_traces(boxes: dict, graph: nx.DiGraph, show_labels: bool) -> list:
    leaves = [b for b in boxes.values() if b.leaf]
    heads = [b for b in boxes.values() if not b.leaf]
    out = []
    if show_labels:
        out.append(dict(type="scatter", mode="text", hoverinfo="skip", showlegend=False,
                        x=[round(b.x0 + _PAD, 1) for b in heads], y=[round(b.y0 + _TITLE_H / 2 + 1, 1) for b in heads],
                        text=[f"<b>{b.label}</b>" for b in heads], textposition="middle right",
                        textfont=dict(size=_TITLE_FONT, color="#37474f")))
        out.append(dict(type="scatter", mode="text", hoverinfo="skip", showlegend=False,
                        x=[round((b.x0 + b.x1) / 2, 1) for b in leaves],
                        y=[round((b.y0 + b.y1) / 2, 1) for b in leaves],
                        text=[b.label for b in leaves], textposition="middle center",
                        textfont=dict(size=_FONT, color="#263238")))
    real = [b for b in boxes.values() if b.node not in (_GROUPS, _PENDING)]
    out.append(dict(type="scatter", mode="markers", showlegend=False, hoverinfo="text",
                    x=[round((b.x0 + b.x1) / 2, 1) for b in real],
                    y=[round(b.y0 + (b.y1 - b.y0) / 2 if b.leaf else b.y0 + _TITLE_H / 2, 1) for b in real],
                    hovertext=[f"{T.label_of(graph, b.node)}<br>{T.KIND_NAMES.get(graph.nodes[b.node]['kind'], '')}"
                               for b in real],
                    marker=dict(size=12, color="rgba(0,0,0,0)")))
    return out


def graph_block(graph: nx.DiGraph, impacts: Sequence[T.Impact], show_labels: bool = True,
                caption: Sequence[str] | None = None, width: float = WIDTH) -> GraphBlock:
    """一张拓扑图在每个选项（``impacts``，由 :func:`hakit.models.topology.impact` 算好）下的轨迹。

    ``caption``：每个选项的图注（缺省为 :meth:`Impact.summary`，按宽度折行）。"""
    T.validate(graph)
    boxes, height = box_layout(graph, width)
    kinds = _box_traces(range(max((b.depth for b in boxes.values()), default=0) + 1))
    caps = [wrap(c, width, _CAPTION_FONT) for c in caption] if caption is not None else \
        [_caption_lines(imp, width) for imp in impacts]
    n_lines = max((len(c) for c in caps), default=1)
    legend, legend_h = legend_traces(width, height + 4)
    cap_y = height + 4 + legend_h + 2
    dynamic = [t for _, _, t in kinds]
    dynamic.append(dict(type="scatter", mode="lines+markers", hoverinfo="skip", showlegend=False, meta=dict(role="impact"),
                        line=dict(color="#6a1b9a", width=1.6, dash="dash"),
                        marker=dict(symbol="arrow", angleref="previous", color="#6a1b9a", size=[])))
    dynamic.append(dict(type="scatter", mode="text", hoverinfo="skip", showlegend=False, meta=dict(role="caption"),
                        x=[0], y=[cap_y],
                        textposition="bottom right", textfont=dict(size=_CAPTION_FONT, color="#263238")))
    frames = []
    for i, imp in enumerate(impacts):
        xs: list = [[] for _ in kinds]
        ys: list = [[] for _ in kinds]
        index = {(d, k): j for j, (d, k, _) in enumerate(kinds)}
        for b in sorted(boxes.values(), key=lambda b: b.depth):
            j = index[(b.depth, _status(imp, b.node) + ("/leaf" if b.leaf else ""))]
            rx, ry = _rect(b)
            xs[j] += rx
            ys[j] += ry
        ex, ey, es = _edge_xy(boxes, _impact_edges(graph, imp))
        frames.append({"x": xs + [ex, [0]], "y": ys + [ey, [cap_y]],
                       "text": [[] for _ in kinds] + [[], ["<br>".join(caps[i])]],
                       "marker.size": [[] for _ in kinds] + [es, []]})
    # only the box traces some choice draws into (a graph uses a few of the depth × status combinations)
    keep = [j for j in range(len(dynamic)) if j >= len(kinds) or any(fr["x"][j] for fr in frames)]
    dynamic = [dynamic[j] for j in keep]
    frames = [{key: [vals[j] for j in keep] for key, vals in fr.items()} for fr in frames]
    for j, t in enumerate(dynamic):
        for key, vals in frames[0].items():
            if key == "marker.size":
                t.setdefault("marker", {})["size"] = vals[j]
            else:
                t[key] = vals[j]
    return GraphBlock(_static_traces(boxes, graph, show_labels), dynamic, frames,
                      cap_y + 15.5 * n_lines + 4, legend)


def legend_traces(width: float, y: float) -> tuple[list, float]:
    """图例画在绘图区里（自己排版，窄屏上也不与别的文字重叠）：``(轨迹, 占用高度)``。"""
    items = [(STATUS_NAMES[s], COLORS[s], "square") for s in _STATUSES] + [("影响路径", "#6a1b9a", "arrow-right")]
    xs, ys, cols, syms, labels, tx = [], [], [], [], [], []
    x, row = 0.0, 0
    for name, color, sym in items:
        w = 16 + text_width(name, _FONT) + 12
        if x and x + w > width:
            x, row = 0.0, row + 1
        xs.append(x + 5)
        ys.append(y + 8 + row * 18)
        cols.append(color)
        syms.append(sym)
        labels.append(name)
        tx.append(x + 13)
        x += w
    return [dict(type="scatter", mode="markers", hoverinfo="skip", showlegend=False, x=xs, y=ys,
                 marker=dict(symbol=syms, color=cols, size=10)),
            dict(type="scatter", mode="text", hoverinfo="skip", showlegend=False, x=tx, y=ys, text=labels,
                 textposition="middle right", textfont=dict(size=_FONT, color="#37474f"))], (row + 1) * 18 + 6


def base_layout(title: str, plot_h: float, menus: int, width: float = WIDTH) -> dict:
    """标题（按宽度折行，画成注释，位置按像素算）、菜单行与固定的像素坐标轴（y 向下）。"""
    lines = wrap(title, width + 8, 14)
    top = 8 + 19 * len(lines) + _MENU_H * menus + 6
    head = dict(text="<br>".join(lines), x=0, xref="paper", xanchor="left", y=1 + (top - 6) / plot_h,
                yref="paper", yanchor="top", showarrow=False, align="left", font=dict(size=14, color="#263238"))
    return dict(
        height=int(top + plot_h + 8), autosize=True, dragmode=False, hovermode="closest", showlegend=False,
        margin=dict(l=4, r=4, t=top, b=8), annotations=[head],
        xaxis=dict(visible=False, range=[-1, width + 1], fixedrange=True),
        yaxis=dict(visible=False, range=[plot_h, -1], fixedrange=True),
    )


def menu(buttons: list, plot_h: float, row: int, prefix: str, active: int = 0) -> tuple[dict, dict]:
    """第 ``row`` 行（从下往上数，0 紧贴绘图区）的下拉菜单及其前面的中文说明。"""
    y = 1 + (6 + _MENU_H * row + _MENU_H / 2) / plot_h
    px = text_width(prefix, 12) + 8
    return (dict(type="dropdown", buttons=buttons, active=active, x=0, xanchor="left",
                 pad=dict(l=px), y=y, yanchor="middle", showactive=True, font=dict(size=12),
                 bgcolor="#ffffff", bordercolor="#90a4ae"),
            dict(text=prefix, x=0, y=y, xref="paper", yref="paper", xanchor="left", yanchor="middle",
                 showarrow=False, font=dict(size=12, color="#37474f")))


def failure_figure(graph: nx.DiGraph, choices: Sequence | None = None, title: str | None = None,
                   control: str = "dropdown", show_labels: bool = True, height: int | None = None,
                   pos: dict | None = None) -> go.Figure:
    """故障影响图：故障域画成嵌套的框，选一处故障，看哪些框宕机、哪些受影响，以及影响路径。

    ``choices``：选项列表，每项是一个节点名、一个节点名列表（同时故障）或 ``(显示名, [节点...])``；
    缺省为 :func:`default_choices`。``control``：``"dropdown"``（下拉菜单，缺省）或 ``"slider"``。
    ``height`` 缺省按内容计算。``pos`` 已不再使用（框按故障域排版），给出时报错。
    """
    T.validate(graph)
    if control not in ("dropdown", "slider"):
        raise ValueError(f"control: Unsupported value: {control!r}: 支持的取值为 dropdown, slider")
    if pos is not None:
        raise ValueError("pos: Forbidden: 故障图按故障域嵌套排版，不再接受自定义坐标")
    opts = _norm_choices(graph, choices)
    block = graph_block(graph, [T.impact(graph, failed) for _, failed in opts], show_labels)
    legend, plot_h = block.legend, block.height
    data = block.dynamic + block.static + legend
    idx = list(range(len(block.dynamic)))
    steps = [dict(method="restyle", label=label, args=[block.frames[i], idx]) for i, (label, _) in enumerate(opts)]
    layout = base_layout(title or graph.graph.get("name", "故障影响"), plot_h, 1 if control == "dropdown" else 2)
    if control == "dropdown":
        m, note = menu(steps, plot_h, 0, "选择故障：")
        layout["updatemenus"] = [m]
        layout["annotations"].append(note)
    else:
        layout["sliders"] = [dict(steps=steps, active=0, currentvalue=dict(prefix="故障：", font=dict(size=12)),
                                  pad=dict(t=0, b=0), y=1 + (2 * _MENU_H) / plot_h, yanchor="top", len=1.0, x=0,
                                  font=dict(size=10))]
    if height is not None:
        layout["height"] = int(height)
    return _fast.figure(data, layout)
