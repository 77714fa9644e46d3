"""kube-proxy 规则增长图：iptables 模式下 nat 规则数随 Service 数（横轴，对数）与每个 Service 的
端点数（滑块）增长；第二个滑块在横轴上标出一个 Service 数，读出那里的规则数。

数据全部来自 :mod:`hakit.models.kubeproxy`。两个滑块都用 ``method: "restyle"``，各自只改自己
负责的轨迹（端点滑块改曲线的 y，Service 滑块改竖线的 x），所以两者可以任意组合。
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from hakit.figures import _fast
from hakit.models import kubeproxy as K

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["SERVICE_GRID", "ENDPOINT_GRID", "rule_growth_figure", "rules_bar_figure"]

#: 横轴上的 Service 数（对数坐标）。
SERVICE_GRID: tuple[int, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)
#: 端点滑块的取值。
ENDPOINT_GRID: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50)

_CHAINS = (("KUBE-SERVICES", "KUBE-SERVICES（每 Service 1 条，首包逐条比较）", "#c62828"),
           ("KUBE-SVC", "KUBE-SVC-* 链（1 + n 条）", "#1565c0"),
           ("KUBE-SEP", "KUBE-SEP-* 链（2n 条）", "#2e7d32"),
           ("nat_rules", "nat 规则合计 S×(3n+2)", "#263238"))


def _check_grid(name: str, grid: Sequence[int], lo: int) -> list[int]:
    vals = list(grid)
    if not vals or any(isinstance(v, bool) or not isinstance(v, int) or v < lo for v in vals):
        raise ValueError(f"{name}: Invalid value: {grid!r}: 需要非空的整数列表，每个都不小于 {lo}")
    return vals


def rule_growth_figure(services: Sequence[int] = SERVICE_GRID, endpoints: Sequence[int] = ENDPOINT_GRID,
                       marked: Sequence[int] = (100, 1000, 5000, 10000), session_affinity: bool = False,
                       title: str = "iptables 模式：kube-proxy 写入的 nat 规则数") -> go.Figure:
    """横轴 Service 数 S，纵轴规则数（对数）；滑块 1 选每个 Service 的端点数 n，滑块 2 移动竖线标出 S。"""
    xs = _check_grid("services", services, 1)
    ns = _check_grid("endpoints", endpoints, 1)
    ms = _check_grid("marked", marked, 1)
    table = {n: [K.iptables_rule_count(s, n, session_affinity) for s in xs] for n in ns}
    n0 = ns[min(2, len(ns) - 1)]
    data = [dict(type="scatter", x=xs, y=[r[key] for r in table[n0]], mode="lines+markers", name=name,
                 line=dict(color=color, width=3 if key == "nat_rules" else 1.5,
                           dash="solid" if key in ("nat_rules", "KUBE-SERVICES") else "dot"),
                 hovertemplate="S=%{x}<br>%{y:,} 条<extra>" + key + "</extra>")
            for key, name, color in _CHAINS]
    ipvs = [K.ipvs_objects(s, n0)["real_servers"] for s in xs]
    data.append(dict(type="scatter", x=xs, y=ipvs, mode="lines", name="对照：ipvs 模式的 real server 数（哈希表条目，非规则）",
                     line=dict(color="#8e24aa", dash="dash", width=1.2),
                     hovertemplate="S=%{x}<br>%{y:,} 个 real server<extra>ipvs</extra>"))
    curve_idx = list(range(len(_CHAINS) + 1))
    y_top = max(r["nat_rules"] for r in table[ns[-1]]) * 3
    m0 = ms[0]
    data.append(dict(type="scatter", x=[m0, m0], y=[0.5, y_top], mode="lines", name="所选 Service 数",
                     line=dict(color="#ff6f00", width=2), hoverinfo="skip"))
    vline = len(data) - 1

    ep_steps = []
    for n in ns:
        ys = [[r[key] for r in table[n]] for key, _, _ in _CHAINS]
        ys.append([K.ipvs_objects(s, n)["real_servers"] for s in xs])
        ep_steps.append(dict(method="restyle", label=str(n), args=[{"y": ys}, curve_idx]))
    sv_steps = [dict(method="restyle", label=f"{m:,}", args=[{"x": [[m, m]]}, [vline]]) for m in ms]
    layout = dict(
        height=620, title=dict(text=title, x=0.01),
        xaxis=dict(type="log", title=dict(text="Service 端口数 S（对数）")),
        yaxis=dict(type="log", title=dict(text="规则数（对数）"), range=[0, len(str(int(y_top)))]),
        legend=dict(orientation="h", y=-0.52, yanchor="top", x=0, font=dict(size=10)),
        margin=dict(l=60, r=20, t=60, b=260), hovermode="x unified",
        sliders=[
            dict(active=ns.index(n0), steps=ep_steps, currentvalue=dict(prefix="每个 Service 的端点数 n = "),
                 x=0.0, len=0.48, y=-0.15, yanchor="top", pad=dict(t=10)),
            dict(active=0, steps=sv_steps, currentvalue=dict(prefix="标出 S = "),
                 x=0.52, len=0.48, y=-0.15, yanchor="top", pad=dict(t=10)),
        ],
    )
    return _fast.figure(data, layout)


def rules_bar_figure(services: int, endpoints_per_service: int, session_affinity: bool = False) -> go.Figure:
    """一组 (S, n) 的规则数按链分的柱状图（JupyterLab 面板用）。"""
    r = K.iptables_rule_count(services, endpoints_per_service, session_affinity)
    keys = ["KUBE-SERVICES", "KUBE-SVC", "KUBE-SEP", "filter"]
    bar = dict(type="bar", x=["KUBE-SERVICES", "KUBE-SVC-*", "KUBE-SEP-*", "filter REJECT"],
               y=[r[k] for k in keys], text=[f"{r[k]:,}" for k in keys], textposition="outside",
               marker=dict(color=["#c62828", "#1565c0", "#2e7d32", "#9e9e9e"]))
    first = K.first_packet_rules(max(services, 1), max(endpoints_per_service, 1)) if services and endpoints_per_service else 0
    return _fast.figure([bar], dict(
        height=380,
        title=dict(text=f"S={services:,}、n={endpoints_per_service}：规则合计 {r['total']:,} 条，"
                        f"nat 链 {r['nat_chains']:,} 个；首包平均比较约 {first:,.0f} 条", x=0.01, font=dict(size=13)),
        yaxis=dict(title=dict(text="规则数")), margin=dict(l=60, r=20, t=60, b=40)))
