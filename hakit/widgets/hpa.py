"""HPA 面板（JupyterLab）：声明见 :mod:`hakit.panels.hpa`。"""
from hakit.panels.hpa import LOADS, MAX_PANEL_REPLICAS, MAX_PANEL_WINDOW, render_hpa
from hakit.widgets._common import build

__all__ = ["hpa_panel", "render_hpa", "LOADS", "MAX_PANEL_REPLICAS", "MAX_PANEL_WINDOW"]


def hpa_panel():
    """Controls: target value, tolerance, minReplicas, maxReplicas, scaleDown window, load curve."""
    return build("hpa")
