"""滚动更新面板（JupyterLab）：声明见 :mod:`hakit.panels.rollout`。"""
from hakit.panels.rollout import MAX_PANEL_REPLICAS, parse_optional_seconds, render_rollout
from hakit.widgets._common import build

__all__ = ["rollout_panel", "render_rollout", "parse_optional_seconds", "MAX_PANEL_REPLICAS"]


def rollout_panel():
    """Controls: replicas, maxSurge, maxUnavailable (int or "25%"), startup time,
    minReadySeconds, progressDeadlineSeconds, bad image, rollback time."""
    return build("rollout")
