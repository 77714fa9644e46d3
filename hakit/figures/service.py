"""Service 的 KUBE-SVC 链（滑块选后端数 n，下拉菜单选一个变为未就绪的 Pod）与 StatefulSet 身份表。"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from hakit.figures import _fast
from hakit.figures._fit import FIGURE_MIN_WIDTH, wrap
from hakit.models import service as S

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["chain_state", "kube_svc_figure", "kube_svc_chain_figure", "statefulset_figure", "daemonset_update_figure"]

_READY = "#43a047"
_UNREADY = "#bdbdbd"


def _check_count(v: object, name: str, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= hi:
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是 1 到 {hi} 的整数")
    return v


def _chain_view(eps: list) -> dict:
    """一组端点：条形图的数据（每个 Pod 被选中的概率）与链中规则的中文说明。"""
    rules = S.kube_svc_rules(eps)
    shares = S.endpoint_shares(rules)
    pods = [e.pod for e in eps]
    y = [float(shares.get(p, 0)) for p in pods]
    text = [(f"{shares[p].numerator}/{shares[p].denominator}" if p in shares else "未就绪：不在链中") for p in pods]
    colors = [_READY if p in shares else _UNREADY for p in pods]
    lines = []
    for r in rules:
        cond = f"--probability {r.probability_text}  （= {r.probability}）" if r.probability is not None else "（无条件）"
        lines.append(f"规则 {r.index + 1}: {cond} → {r.endpoint.pod}")
    if not rules:
        lines.append("没有可用端点：filter 表 KUBE-SERVICES 里一条 REJECT")
    return {"x": pods, "y": y, "text": text, "colors": colors, "rules": rules, "lines": lines}


def chain_state(n: int, unready: int | None = None) -> dict:
    """n 个 Pod（pod-0 … pod-(n−1)），其中 ``unready`` 号未就绪：条形图的数据与链的文字。"""
    _check_count(n, "n", 12)
    v = _chain_view(S.endpoint_slice([(f"pod-{i}", f"10.244.1.{10 + i}", i != unready) for i in range(n)]))
    extra = ""
    if unready is not None and unready >= n:
        extra = f"（n={n} 时没有 pod-{unready}，链不变）"
    m = len(v["rules"])
    cap = f"KUBE-SVC 链（{m} 条负载均衡规则，可用 {m}/{n}）{extra}<br>" + "<br>".join(v["lines"])
    return {"x": v["x"], "y": v["y"], "text": v["text"], "colors": v["colors"], "caption": cap}


def kube_svc_chain_figure(endpoints: Sequence[S.Endpoint], service: str = "web", namespace: str = "default") -> go.Figure:
    """任意一组端点（:func:`hakit.models.service.endpoint_slice`）：每个 Pod 被选中的概率，图注是 kube-proxy
    为它写的 ``KUBE-SVC`` 链（:func:`hakit.models.service.iptables_save` 中属于这条链的行）。JupyterLab 面板用。"""
    eps = list(endpoints)
    if not eps:
        raise ValueError("endpoints: Required value: 至少需要一个端点")
    v = _chain_view(eps)
    lines = S.iptables_save(eps, service, namespace)
    chain = [ln for ln in lines if ln.startswith("-A KUBE-SVC-")] or lines
    # the chain's rules go under the plot, wrapped as the book wraps an annotation on its narrowest
    # (640 px) figure, and the figure grows by their lines: over the bars, 12 Pods' rules hid them
    text = wrap("<br>".join(chain), 0.7 * FIGURE_MIN_WIDTH, 9)
    below = round(9 * 1.3 * (text.count("<br>") + 1)) + 16   # plotly.js: 1.3 em a line, box padding
    ann = _ann(text)
    ann[0].update(x=0, xanchor="left", y=0, yanchor="top", yshift=-62, font=dict(size=9, family="monospace"))
    return _fast.figure([_bar(v)], dict(
        height=400 + below, showlegend=False, annotations=ann,
        title=dict(text="ClusterIP（iptables 模式）：每个 Pod 被选中的概率", x=0.01, xanchor="left"),
        yaxis=dict(title=dict(text="被选中的概率"), range=[0, 1.15]), xaxis=dict(title=dict(text="EndpointSlice 中的端点")),
        margin=dict(t=60, l=60, r=20, b=70 + below)))


def _bar(v: dict) -> dict:
    """The probability bars of one chain view (plain dict, hakit.figures._fast)."""
    return dict(type="bar", x=v["x"], y=v["y"], text=v["text"], textposition="outside", cliponaxis=False,
                marker=dict(color=v["colors"]), hovertemplate="%{x}: %{y:.4f}<extra></extra>")


def _ann(cap: str) -> list:
    return [dict(text=cap, x=1.0, y=1.0, xref="paper", yref="paper", xanchor="right", yanchor="top",
                 showarrow=False, align="left", font=dict(size=11, family="monospace"),
                 bgcolor="rgba(255,255,255,0.9)", bordercolor="#90a4ae", borderwidth=1)]


def _slider(n_grid: Sequence[int], u: int | None, active: int) -> dict:
    steps = []
    for n in n_grid:
        st = chain_state(n, u)
        steps.append(dict(method="update", label=str(n),
                          args=[{"x": [st["x"]], "y": [st["y"]], "text": [st["text"]],
                                 "marker.color": [st["colors"]]},
                                {"annotations": _ann(st["caption"])}]))
    return dict(steps=steps, active=active, currentvalue=dict(prefix="后端 Pod 数 n = "), pad=dict(t=50), len=0.9,
                x=0.05)


def kube_svc_figure(n_grid: Sequence[int] = tuple(range(1, 7)), n: int = 3, unready_choices: Sequence[int] = (0, 1, 2)) -> go.Figure:
    """每个 Pod 被选中的概率（精确分数）与 KUBE-SVC 链的规则。

    滑块选 n；下拉菜单选 “全部就绪” 或某个 Pod 未就绪——切换下拉菜单时滑块被替换为该情形下的滑块
    （回到缺省 n），所以两个控件的组合总是一致的。
    """
    n_grid = list(n_grid)
    if not n_grid:
        raise ValueError("n_grid: Required value: 至少需要一个 n")
    if n not in n_grid:
        raise ValueError(f"n: Invalid value: {n}: 必须是 n_grid 中的值 {n_grid}")
    active = n_grid.index(n)
    opts: list[int | None] = [None] + list(unready_choices)
    st = chain_state(n, None)
    buttons = []
    for u in opts:
        s = chain_state(n, u)
        buttons.append(dict(method="update", label="全部就绪" if u is None else f"pod-{u} 未就绪",
                            args=[{"x": [s["x"]], "y": [s["y"]], "text": [s["text"]], "marker.color": [s["colors"]]},
                                  {"annotations": _ann(s["caption"]), "sliders": [_slider(n_grid, u, active)]}]))
    return _fast.figure([_bar(st)], dict(
        height=520,
        title=dict(text="ClusterIP（iptables 模式）：每个 Pod 被选中的概率", x=0.01, xanchor="left", y=0.98, yanchor="top"),
        # headroom: a 1/1 bar's label stays below the chain caption in the top right corner
        yaxis=dict(title=dict(text="被选中的概率"), range=[0, 1.35], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1]),
        xaxis=dict(title=dict(text="EndpointSlice 中的端点")), annotations=_ann(st["caption"]),
        sliders=[_slider(n_grid, None, active)],
        updatemenus=[dict(type="dropdown", buttons=buttons, active=0, x=0.0, xanchor="left", y=1.03, yanchor="bottom")],
        margin=dict(t=120, l=60, r=20, b=90), showlegend=False,
    ))


def statefulset_figure(name: str = "web", replicas: int = 3, service: str = "nginx", delete: int = 1) -> go.Figure:
    """StatefulSet 身份表随时间变化：逐个创建（OrderedReady），删除一个 Pod，再重建。滑块选步骤。

    重建后名称、DNS 名、PVC 不变，IP 与 uid 改变（改变的格子标红）。
    """
    steps = S.statefulset_timeline(name, replicas, service, delete)
    before = {p.ordinal: p for p in steps[replicas - 1][1]}
    header = ["序号", "Pod 名", "稳定 DNS 名", "PVC", "Pod IP", "uid"]

    def cells(pods):
        vals = [[p.ordinal for p in pods], [p.name for p in pods], [p.dns for p in pods],
                [", ".join(p.pvcs) for p in pods], [p.ip for p in pods], [p.uid if p.ready else "—" for p in pods]]
        colors = []
        for col in range(len(header)):
            c = []
            for p in pods:
                changed = col >= 4 and p.ready and p.ordinal in before and (p.ip, p.uid) != (before[p.ordinal].ip, before[p.ordinal].uid)
                c.append("#ffcdd2" if changed else ("#eeeeee" if not p.ready else "white"))
            colors.append(c)
        return vals, colors

    v0, c0 = cells(steps[-1][1])
    table = dict(type="table", header=dict(values=header, fill=dict(color="#cfd8dc"), align="left"),
                 cells=dict(values=v0, fill=dict(color=c0), align="left", height=26),
                 columnwidth=[0.5, 0.8, 3.2, 1.2, 1.1, 0.5])
    sl = []
    for label, pods in steps:
        v, c = cells(pods)
        sl.append(dict(method="restyle", label=label, args=[{"cells.values": [v], "cells.fill.color": [c]}]))
    return _fast.figure([table], dict(
        height=300 + 26 * replicas,
        title=dict(text=f"StatefulSet {name}：身份在重建后保留，Pod IP 不保留", x=0.01, xanchor="left"),
        sliders=[dict(steps=sl, active=len(sl) - 1, currentvalue=dict(prefix="步骤："), pad=dict(t=10),
                      y=0, yanchor="top", font=dict(size=10), x=0.06, len=0.88)],
        margin=dict(t=50, l=10, r=10, b=100)))


def daemonset_update_figure(node_grid: Sequence[int] = (2, 3, 4, 6), p: float = 0.99) -> go.Figure:
    """Ingress Controller DaemonSet（hostNetwork 80/443）：n 个节点中至少 1 个可用的概率，及滚动更新时
    （maxUnavailable=1，先删后建）至少还有 1 个在服务的概率。滑块选每个节点的可用性。"""
    from hakit.models import availability as A
    ps = [0.9, 0.99, 0.999]
    if p not in ps:
        raise ValueError(f"p: Invalid value: {p}: 必须是 {ps} 之一")
    nodes = list(node_grid)
    for n in nodes:
        _check_count(n, "nodes", 50)

    def nines(k, pp):
        # 至少 1 个可用 = 并联；用不可用度算，p 接近 1 时 1 − (1−p)^k 不会被舍入成 1.0
        return 0.0 if k == 0 else round(A.unavailability_to_nines(A.unavailability_parallel(k, pp)), 6)

    def ys(pp):
        return [nines(n, pp) for n in nodes], [nines(n - 1, pp) for n in nodes]

    a, b = ys(p)
    data = [dict(type="bar", x=[str(n) for n in nodes], y=a, name="平时（n 个节点有 Ingress）", marker=dict(color=_READY)),
            dict(type="bar", x=[str(n) for n in nodes], y=b, name="更新某个节点时（n−1 个）", marker=dict(color="#fb8c00"))]
    steps = []
    for pp in ps:
        a2, b2 = ys(pp)
        steps.append(dict(method="restyle", label=f"{pp:.1%}", args=[{"y": [a2, b2]}]))
    return _fast.figure(data, dict(
        height=420, barmode="group",
        title=dict(text="Ingress 可用：n 个节点中至少 1 个（VIP 对节点做健康检查）", x=0.01, xanchor="left"),
        xaxis=dict(title=dict(text="Worker 节点数 n")), yaxis=dict(title=dict(text="可用性（几个 9）")),
        sliders=[dict(steps=steps, active=ps.index(p), currentvalue=dict(prefix="单节点可用性 p = "), pad=dict(t=50))],
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0), margin=dict(t=90)))
