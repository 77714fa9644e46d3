"""可用性面板：几个 9 与停机预算；串联/并联/k-of-n 组合。"""
from __future__ import annotations

from hakit.figures import availability as FA
from hakit.models import availability as A
from hakit.panels import Control, Panel, register

__all__ = ["NINES", "COMPOSITION", "render_nines", "render_composition"]


def render_nines(availability_pct: float = 99.99, outage_minutes: float = 30.0):
    """可用性（百分数，如 99.99）-> 停机预算图；标题里给出一次 ``outage_minutes`` 分钟的中断用掉的年度预算比例。"""
    a = float(availability_pct) / 100.0
    frac = A.budget_fraction(float(outage_minutes) * 60.0, a)  # 校验两个输入
    return FA.nines_figure(levels=(a,), active=0,
                           title=f"可用性 {availability_pct}%：一次 {outage_minutes:g} 分钟的中断用掉年度预算的 {frac * 100:.1f}%")


def _availability_text(q: float, digits: int) -> str:
    """Availability ``1 − q`` as a percentage with ``digits`` decimals; where that would round to
    100 % (15 components of 99 % in parallel: q = 1e-30, and 1 − q is 1.0 in floating point), the
    unavailability instead, since 100 % would be false."""
    if 0 < q * 100 < 0.5 * 10 ** -digits:
        return f"≈100%（不可用率 {q:.1e}）"
    return f"{(1 - q) * 100:.{digits}f}%"


def render_composition(p_pct: float = 99.0, n: int = 3, k: int = 2):
    """单个组件可用性 p（百分数）、n 个组件、至少 k 个可用：标题给出串联、并联、k-of-n 的结果，图给出随 n 的变化。"""
    p = float(p_pct) / 100.0
    n = int(n)
    qk = A.unavailability_k_of_n(int(k), n, p)
    qs = A.unavailability_series(n, p)
    qp = A.unavailability_parallel(n, p)
    if not 0 < p < 1:
        raise ValueError(f"p: Invalid value: {p_pct}: 单个组件的可用性必须在 0% 到 100% 之间（不含两端）")
    return FA.composition_figure(p_grid=(p,), max_n=max(n, 2), active=0,
                                 title=(f"n={n}, p={p_pct}%：串联 {_availability_text(qs, 5)}，"
                                        f"并联 {_availability_text(qp, 7)}，至少 {k} 个 {_availability_text(qk, 5)}"))


NINES = register(Panel(
    name="nines", title="几个 9 与停机预算", render=render_nines,
    controls=(
        Control("availability_pct", "float", "可用性 (%)", 99.99, min=0, max=100, step=0.01),
        Control("outage_minutes", "float", "中断 (分钟)", 30.0, min=0, max=100000, step=1),
    ),
    largest=dict(availability_pct=99.9999, outage_minutes=100000),
))

COMPOSITION = register(Panel(
    name="composition", title="串联、并联与 k-of-n", render=render_composition,
    controls=(
        Control("p_pct", "float", "p (%)", 99.0, min=0, max=100, step=0.1),
        Control("n", "int", "n", 3, min=1, max=15, slider=True),
        Control("k", "int", "k", 2, min=0, max=15, slider=True),
    ),
    largest=dict(p_pct=99.0, n=15, k=8),
))
