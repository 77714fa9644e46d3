"""N.1.1.1: what a user sees of one failure = detection time + recovery (failover) time.

Three designs of the same component, with a health check that probes every ``period`` seconds and
declares failure after ``failure_threshold`` consecutive failures (detection ≈ period × threshold,
as a Kubernetes probe or an HAProxy ``fall`` count does):

* 单实例，无冗余：after detection the component must be restarted or repaired (``repair_s``);
* 主备 + 故障转移：after detection a standby takes over (``failover_s``);
* 多活 + 负载均衡：the balancer only stops sending to the failed instance (``0`` extra seconds).

A slider over the probe period shows that detection, not redundancy alone, sets the outage.
"""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from hakit.models import availability as A

PERIODS_S = (1, 2, 5, 10, 30)


#: The rule lives in the model; re-exported here for the notebooks that import it from this module.
outage_breakdown = A.outage_breakdown


def outage_figure(periods: Sequence[float] = PERIODS_S, failure_threshold: int = 3, repair_s: float = 300.0,
                  failover_s: float = 20.0, availability: float = 0.9999, active: int = 3) -> go.Figure:
    """Stacked bars (detection + recovery) per design; a slider chooses the probe period.

    Each bar's hover gives the share of a yearly budget at ``availability`` one such outage uses.
    """
    if not periods:
        raise ValueError("periods: Required value: 至少需要一个检查周期")
    if not 0 <= active < len(periods):
        raise ValueError(f"active: Invalid value: {active}: 必须在 0 到 {len(periods) - 1} 之间")
    rows = [outage_breakdown(p, failure_threshold, repair_s, failover_s) for p in periods]
    names = list(rows[0])
    fig = go.Figure()
    r = rows[active]
    for idx, (part, color) in enumerate((("发现故障（检查周期 × 失败阈值）", "#ef6c00"), ("恢复 / 故障转移", "#1565c0"))):
        fig.add_trace(go.Bar(y=names, x=[r[n][idx] for n in names], name=part, orientation="h",
                             marker_color=color, hovertemplate="%{y}: %{x:.0f} s<extra>" + part + "</extra>"))

    def caption(r: dict) -> str:
        parts = []
        for n in names:
            total = A.user_visible_outage(*r[n])
            share = A.budget_fraction(total, availability)
            parts.append(f"{n} {total:.0f} s（占 {availability:.2%} 年度预算的 {share:.1%}）")
        return "<br>".join(parts)  # one line per architecture

    steps = []
    for i, (p, r) in enumerate(zip(periods, rows)):
        steps.append(dict(method="update", label=f"{p:g} s",
                          args=[{"x": [[r[n][0] for n in names], [r[n][1] for n in names]]},
                                {"annotations": [dict(text=caption(r), x=0, y=-0.27, xref="paper", yref="paper", showarrow=False,
                                                      xanchor="left", yanchor="top", align="left",
                                                      font=dict(size=11))]}]))
    fig.update_layout(
        template="plotly_white", barmode="stack", height=420, margin=dict(l=10, r=10, t=50, b=170),
        title=f"用户看到的中断 = 发现 + 恢复（failureThreshold = {failure_threshold}）",
        xaxis_title="秒", legend=dict(orientation="h", y=1.12),
        annotations=steps[active]["args"][1]["annotations"],
        sliders=[dict(active=active, currentvalue=dict(prefix="检查周期 periodSeconds = "),
                      pad=dict(t=100), steps=steps)],
    )
    return fig
