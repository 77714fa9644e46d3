"""HPA 面板：改目标值、容差、min/max 副本数与缩容稳定窗口，对比无稳定窗口时的来回伸缩。

``render_hpa`` only wires values to :mod:`hakit.models.hpa` and :mod:`hakit.figures.hpa`; a
``ValueError`` (e.g. maxReplicas < minReplicas) is shown as a Chinese message, never clamped.
"""
from __future__ import annotations

from hakit.figures.hpa import hpa_figure
from hakit.models import hpa as H
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_hpa", "LOADS", "MAX_PANEL_REPLICAS", "MAX_PANEL_WINDOW"]

MAX_PANEL_REPLICAS = 50
MAX_PANEL_WINDOW = 600

#: Demand curves offered by the panel (one value per 15 s sync, 30 minutes).
LOADS = {
    "突发负载（每 2 分钟 45 秒高峰）": lambda: H.bursty_load(base=60, peak=300, period_seconds=120, burst_seconds=45),
    "阶跃：高峰 10 分钟后回落": lambda: H.bursty_load(base=40, peak=400, period_seconds=3600, burst_seconds=600),
    "快速抖动（每 30 秒交替）": lambda: H.bursty_load(base=80, peak=260, period_seconds=30, burst_seconds=15),
}


def render_hpa(target_value: float = 50.0, tolerance: float = 0.1, min_replicas: int = 1,
               max_replicas: int = 10, window: int = 300, load: str = next(iter(LOADS))):
    """The callback behind the panel: the chosen scaleDown stabilization window against a run
    with window 0 (same load, same other settings)."""
    if load not in LOADS:
        raise ValueError(f"load: Unsupported value: {load!r}: 只能是 {list(LOADS)}")
    demand = LOADS[load]()
    common = dict(target_value=target_value, min_replicas=min_replicas, max_replicas=max_replicas,
                  tolerance=tolerance)
    run = H.simulate(demand, behavior=H.behavior(scale_down_window=window), **common)
    ref = H.simulate(demand, behavior=H.behavior(scale_down_window=0), **common)
    return hpa_figure(run, ref, labels=("所选窗口", "对照"))


PANEL = register(Panel(
    name="hpa", title="HPA：稳定窗口与来回伸缩（thrashing）", render=render_hpa,
    controls=(
        Control("target_value", "float", "目标值 target", 50.0, min=5, max=100, step=5, slider=True),
        Control("tolerance", "float", "容差 tolerance", 0.1, min=0, max=0.5, step=0.05, slider=True),
        Control("min_replicas", "int", "minReplicas", 1, min=1, max=MAX_PANEL_REPLICAS, slider=True),
        Control("max_replicas", "int", "maxReplicas", 10, min=1, max=MAX_PANEL_REPLICAS, slider=True),
        Control("window", "int", "scaleDown 稳定窗口 (s)", 300, min=0, max=MAX_PANEL_WINDOW, step=15, slider=True),
        Control("load", "choice", "负载", next(iter(LOADS)), choices=tuple((k, k) for k in LOADS)),
    ),
    largest=dict(target_value=5.0, tolerance=0.0, min_replicas=1, max_replicas=MAX_PANEL_REPLICAS,
                 window=MAX_PANEL_WINDOW, load=list(LOADS)[2]),
))
