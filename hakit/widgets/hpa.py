"""ipywidgets panel for the HPA (JupyterLab)."""
from __future__ import annotations


def hpa_panel():
    """Controls: target, tolerance, min/max replicas, scaleDown stabilization window."""
    raise NotImplementedError


def render_hpa(target_value, tolerance, min_replicas, max_replicas, window):
    """The callback behind the panel (model + figure)."""
    raise NotImplementedError
