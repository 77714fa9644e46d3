"""法定人数面板：成员数、单个成员可用性、存活成员数。"""
from __future__ import annotations

from hakit.figures import quorum as FQ
from hakit.models import quorum as Q
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_quorum"]


def render_quorum(n: int = 3, p_pct: float = 99.0, alive: int = 2):
    """n 个成员、每个可用 p（百分数）、当前存活 ``alive`` 个：图 + 标题中的结论。"""
    p = float(p_pct) / 100.0
    ok = Q.has_quorum(n, alive)
    avail = Q.cluster_availability(n, p)
    return FQ.quorum_figure(max_n=max(7, n), p_grid=(p,), active=0,
                            title=(f"n={n}：多数派 {Q.majority(n)}，可容忍 {Q.fault_tolerance(n)} 个故障；"
                                   f"存活 {alive} 个 → {'有' if ok else '没有'}法定人数；"
                                   f"p={p_pct}% 时集群可用性 {avail * 100:.6f}%"))


PANEL = register(Panel(
    name="quorum", title="法定人数 (quorum)", render=render_quorum,
    controls=(
        Control("n", "int", "成员数 n", 3, min=0, max=9, slider=True),
        Control("p_pct", "float", "p (%)", 99.0, min=0, max=100, step=0.1),
        Control("alive", "int", "存活", 2, min=0, max=9, slider=True),
    ),
    largest=dict(n=9, p_pct=99.9, alive=5),
))
