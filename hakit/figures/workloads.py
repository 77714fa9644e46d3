"""Deployment → ReplicaSet → Pod 的从属关系图（源章节 N.3.2.1 丢失的那幅图的重建）。

一个 Deployment 拥有 (``metadata.ownerReferences``) 若干 ReplicaSet，每个 ReplicaSet 拥有自己的
Pod（https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/ ）。
滑块逐步走过一次滚动更新：每一步的 ReplicaSet 大小与 Pod 就绪情况都来自
:func:`hakit.models.rollout.simulate`（Deployment 控制器的语义），图只负责摆放。
从属关系画成嵌套的框（Deployment ⊃ ReplicaSet ⊃ Pod），与故障域图同一套版式（按 390 px 宽的手机排版）。
滑块步骤用 ``method: "restyle"`` 替换 Pod 框、标签与图注，静态书页中无需内核。
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from hakit.figures import _fast
from hakit.figures import topology as FT
from hakit.figures.rollout import _COLORS as _ROLLOUT_COLORS
from hakit.models import rollout as R
from hakit.models import topology as T

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["POD_COLORS", "ownership_states", "ownership_figure", "policy_failure_figure"]

POD_COLORS = _ROLLOUT_COLORS  # one palette for pods of both revisions across the rollout figures
_POD_NAMES = {
    "old_ready": "修订版本 1 Pod 就绪", "old_not_ready": "修订版本 1 Pod 未就绪",
    "new_ready": "修订版本 2 Pod 就绪", "new_not_ready": "修订版本 2 Pod 未就绪（启动中）",
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
    states = [dict(time=0.0, action="更新前：Deployment 只拥有修订版本 1 的 ReplicaSet",
                   old_replicas=replicas, new_replicas=0, old_ready=replicas, old_not_ready=0,
                   new_ready=0, new_not_ready=0, available=replicas, total_pods=replicas)]
    for s in r.steps:
        states.append({"time": s.time, "action": s.action, **{k: getattr(s, k) for k in keys}})
    return r, states


_POD_W, _POD_H, _KINDS = 38, 20, ("old_ready", "old_not_ready", "new_ready", "new_not_ready")
_POD_TEXT = {"old_ready": "#ffffff", "old_not_ready": "#0d47a1", "new_ready": "#ffffff", "new_not_ready": "#4e342e"}


def _rs_geometry(replicas: int, max_total: int) -> dict:
    """两个 ReplicaSet 框并排放在 Deployment 框里；框高按整个过程中最多的 Pod 数固定。"""
    pad, gap, head = 6, 6, 38
    rs_w = (FT.WIDTH - 2 * pad - gap) / 2
    per_row = max(1, int((rs_w - 2 * pad + 4) // (_POD_W + 4)))
    rows = -(-max_total // per_row)
    rs_h = 40 + rows * (_POD_H + 4) + pad
    return dict(pad=pad, gap=gap, head=head, rs_w=rs_w, per_row=per_row, rs_h=rs_h,
                rs_x=(pad, pad + rs_w + gap), rs_y=head, dep_h=head + rs_h + pad)


def _frame(i: int, st: dict, geo: dict, app: str, r: R.Rollout, replicas: int) -> dict:
    boxes = {k: ([], []) for k in _KINDS}
    labels = {k: ([], [], []) for k in _KINDS}
    for side, x0 in zip(("old", "new"), geo["rs_x"]):
        kinds = [f"{side}_ready"] * st[f"{side}_ready"] + [f"{side}_not_ready"] * st[f"{side}_not_ready"]
        for j, kind in enumerate(kinds):
            px = x0 + geo["pad"] + (j % geo["per_row"]) * (_POD_W + 4)
            py = geo["rs_y"] + 40 + (j // geo["per_row"]) * (_POD_H + 4)
            xs, ys = boxes[kind]
            xs += [px, px + _POD_W, px + _POD_W, px, px, None]
            ys += [py, py, py + _POD_H, py + _POD_H, py, None]
            lx, ly, lt = labels[kind]
            lx.append(px + _POD_W / 2)
            ly.append(py + _POD_H / 2)
            lt.append(f"v{1 if side == 'old' else 2}-{j + 1}")
    created = i > 0
    head_x = [geo["pad"], geo["rs_x"][0] + geo["pad"], geo["rs_x"][0] + geo["pad"],
              geo["rs_x"][1] + geo["pad"], geo["rs_x"][1] + geo["pad"]]
    head_y = [14, geo["rs_y"] + 11, geo["rs_y"] + 28, geo["rs_y"] + 11, geo["rs_y"] + 28]
    head_t = [f"<b>Deployment {app}</b> · replicas={replicas}",
              f"<b>ReplicaSet {app}-v1</b>", f"修订版本 1 · replicas={st['old_replicas']}",
              f"<b>ReplicaSet {app}-v2</b>" if created else "修订版本 2 的 ReplicaSet",
              f"修订版本 2 · replicas={st['new_replicas']}" if created else "尚未创建"]
    caption = FT.wrap(f"第 {i} 步，t = {st['time']:g} s：{st['action']}\n"
                      f"可用 {st['available']}（下限 replicas − maxUnavailable = {r.min_available}），"
                      f"Pod 共 {st['total_pods']}（上限 replicas + maxSurge = {r.max_total}）", FT.WIDTH, 11)
    x2, y2 = geo["rs_x"][1], geo["rs_y"]
    rs2 = ([x2, x2 + geo["rs_w"], x2 + geo["rs_w"], x2, x2, None],
           [y2, y2, y2 + geo["rs_h"], y2 + geo["rs_h"], y2, None])
    xs = [rs2[0] if created else [], [] if created else rs2[0]] + [boxes[k][0] for k in _KINDS] + \
         [labels[k][0] for k in _KINDS] + [head_x, [0]]
    ys = [rs2[1] if created else [], [] if created else rs2[1]] + [boxes[k][1] for k in _KINDS] + \
         [labels[k][1] for k in _KINDS] + [head_y, [geo["dep_h"] + 8]]
    texts = [[], []] + [[] for _ in _KINDS] + [labels[k][2] for k in _KINDS] + [head_t, ["<br>".join(caption)]]
    return {"x": xs, "y": ys, "text": texts}, len(caption)


def _ownership_traces(geo: dict) -> list[dict]:
    """静态：Deployment 框与修订版本 1 的 ReplicaSet 框。动态（与 :func:`_frame` 的顺序一致）：修订版本 2 的框
    （已创建 / 尚未创建两种样式）、四类 Pod 框与它们的标签、标题文字、图注。"""
    def box(fill, line, dash="solid", width=1.2):
        return dict(type="scatter", mode="lines", fill="toself", fillcolor=fill, hoverinfo="skip", showlegend=False,
                    line=dict(color=line, width=width, dash=dash))
    text = lambda size, color, pos="middle center": dict(  # noqa: E731
        type="scatter", mode="text", hoverinfo="skip", showlegend=False, textposition=pos,
        textfont=dict(size=size, color=color))
    w, x1 = FT.WIDTH, geo["rs_x"][0]
    static = [dict(box("#f3f6f9", "#607d8b"), x=[0, w, w, 0, 0], y=[0, 0, geo["dep_h"], geo["dep_h"], 0]),
              dict(box("#e3f2fd", "#1565c0"), x=[x1, x1 + geo["rs_w"], x1 + geo["rs_w"], x1, x1],
                   y=[geo["rs_y"], geo["rs_y"], geo["rs_y"] + geo["rs_h"], geo["rs_y"] + geo["rs_h"], geo["rs_y"]])]
    dynamic = [box("#e8f5e9", "#2e7d32"), box("#fafafa", "#9e9e9e", "dot")]
    dynamic += [box(POD_COLORS[k], "#263238", width=0.8) for k in _KINDS]
    dynamic += [text(10, _POD_TEXT[k]) for k in _KINDS]
    dynamic += [text(10, "#263238", "middle right"), text(11, "#263238", "bottom right")]
    return static + dynamic


def ownership_figure(replicas: int = 4, max_surge: R.IntOrPercent = "25%", max_unavailable: R.IntOrPercent = "25%",
                     startup_seconds: float = 10, app: str = "web",
                     title: str | None = None) -> go.Figure:
    """Deployment 框里两个 ReplicaSet 框，框里是它们的 Pod（从属关系画成嵌套）；滑块逐步走过一次滚动更新。"""
    r, states = ownership_states(replicas, max_surge, max_unavailable, startup_seconds)
    geo = _rs_geometry(replicas, max(max(s["old_ready"] + s["old_not_ready"], s["new_ready"] + s["new_not_ready"])
                                     for s in states))
    data = _ownership_traces(geo)
    frames = [_frame(i, st, geo, app, r, replicas) for i, st in enumerate(states)]
    n_static = 2
    dyn = list(range(n_static, len(data)))
    for j, k in enumerate(dyn):
        for key, vals in frames[0][0].items():
            data[k][key] = vals[j]
    legend_y = geo["dep_h"] + 8 + 15.5 * max(n for _, n in frames) + 6
    legend = _pod_legend(legend_y)
    plot_h = legend_y + 18 * 2 + 4
    steps = [dict(method="restyle", label=str(i), args=[fr, dyn]) for i, (fr, _) in enumerate(frames)]
    layout = FT.base_layout(title or f"从属关系：Deployment → ReplicaSet → Pod\n一次滚动更新：replicas={replicas}，"
                                     f"maxSurge={max_surge}，maxUnavailable={max_unavailable}", plot_h, 2)
    layout["sliders"] = [dict(active=0, steps=steps, currentvalue=dict(prefix="步骤 ", font=dict(size=12)),
                              x=0, len=1.0, y=1 + (6 + 2 * FT._MENU_H) / plot_h, yanchor="top",
                              pad=dict(t=0, b=0, l=4, r=4), font=dict(size=10))]
    return _fast.figure(data + legend, layout)


def _pod_legend(y: float) -> list[dict]:
    xs, ys, tx, cols, names = [], [], [], [], []
    for j, k in enumerate(_KINDS):
        col, row = j % 2, j // 2
        xs.append(6 + col * FT.WIDTH / 2)
        ys.append(y + 8 + row * 18)
        tx.append(14 + col * FT.WIDTH / 2)
        cols.append(POD_COLORS[k])
        names.append(_POD_NAMES[k])
    return [dict(type="scatter", mode="markers", hoverinfo="skip", showlegend=False, x=xs, y=ys,
                 marker=dict(symbol="square", size=10, color=cols, line=dict(color="#263238", width=0.5))),
            dict(type="scatter", mode="text", hoverinfo="skip", showlegend=False, x=tx, y=ys, text=names,
                 textposition="middle right", textfont=dict(size=10, color="#37474f"))]


# ---------------------------------------------------------------------------------------------
# 放置策略 × 单点故障（源章节 N.3.1 的五个潜在故障点）
# ---------------------------------------------------------------------------------------------
def _policy_caption(name: str, g, imp, service: str) -> str:
    ready, total, ok = imp.services[service]
    pend = len(g.nodes[service]["placement"].pending) if "placement" in g.nodes[service] else 0
    head = (f"{name}：{T.label_of(g, service)} {ready}/{total} 就绪" + (f"（{pend} 个 Pending）" if pend else "")
            + ("，仍可用" if ok else "，不可用"))
    return head + "\n" + imp.summary()


def policy_failure_figure(graphs: "dict[str, object]", choices: "list[tuple[str, list[str]]]",
                          title: str = "放置策略与单点故障", service: str = "app") -> go.Figure:
    """同一组故障域上的几种 Pod 放置（``graphs``：显示名 -> 拓扑图），一个下拉菜单选放置策略，
    另一个下拉菜单选故障（``choices``：``(显示名, [节点…])``，节点必须在每张图中都存在）。

    每张图画成嵌套的故障域框（:func:`hakit.figures.topology.graph_block`）。策略菜单只切换各图轨迹的
    可见性，故障菜单只改各图的框、影响路径与图注（都是 ``restyle``），两者互不覆盖。颜色与图注由
    :func:`hakit.models.topology.impact` 预先算好。
    """
    if not graphs:
        raise ValueError("graphs: Required value: 至少需要一张拓扑图")
    if not choices:
        raise ValueError("choices: Required value: 至少需要一个故障选项")
    for name, g in graphs.items():
        T.validate(g)
        if service not in g:
            raise ValueError(f"service: Not found: {service!r}: 图“{name}”中没有这个服务")
        for _, nodes in choices:
            missing = [n for n in nodes if n not in g]
            if missing:
                raise ValueError(f"choices: Not found: {', '.join(missing)}: 图“{name}”中没有这些节点")
    data: list[dict] = []
    own: list[list[int]] = []      # 每张图自己的轨迹下标
    dyn: list[int] = []            # 所有图的动态轨迹下标（故障菜单一起更新）
    frames: list[dict] = [{} for _ in choices]
    plot_h = 0.0
    for gi, (name, g) in enumerate(graphs.items()):
        imps = [T.impact(g, failed) for _, failed in choices]
        block = FT.graph_block(g, imps, caption=[_policy_caption(name, g, imp, service) for imp in imps])
        plot_h = max(plot_h, block.height)
        start = len(data)
        for t in block.dynamic + block.static + block.legend:
            data.append(dict(t, visible=gi == 0))
        own.append(list(range(start, len(data))))
        dyn += list(range(start, start + len(block.dynamic)))
        for ci, fr in enumerate(block.frames):
            for key, vals in fr.items():
                frames[ci].setdefault(key, []).extend(vals)
    policy_buttons = []
    for gi, name in enumerate(graphs):
        visible = [False] * len(data)
        for k in own[gi]:
            visible[k] = True
        policy_buttons.append(dict(method="restyle", label=name, args=[{"visible": visible}]))
    failure_buttons = [dict(method="restyle", label=label, args=[frames[ci], dyn])
                       for ci, (label, _) in enumerate(choices)]
    layout = FT.base_layout(title, plot_h, 2)
    m1, a1 = FT.menu(policy_buttons, plot_h, 1, "放置策略：")
    m0, a0 = FT.menu(failure_buttons, plot_h, 0, "故障：", )
    m0["pad"] = m1["pad"]
    layout["updatemenus"] = [m1, m0]
    layout["annotations"] += [a1, a0]
    return _fast.figure(data, layout)
