"""Plotly figures for the HorizontalPodAutoscaler (built from :mod:`hakit.models.hpa`)."""
from __future__ import annotations

import plotly.graph_objects as go


def hpa_figure(run, run_compare=None, labels=("稳定窗口 300 s", "稳定窗口 0 s")) -> go.Figure:
    """Replicas and load over time; optionally a second run to compare (e.g. no stabilization)."""
    raise NotImplementedError


def hpa_window_slider_figure(windows=(0, 60, 150, 300)) -> go.Figure:
    """Static-book figure: slider over scaleDown stabilizationWindowSeconds."""
    raise NotImplementedError
