"""Plotly figures for rolling updates (built from :mod:`hakit.models.rollout`)."""
from __future__ import annotations

import plotly.graph_objects as go


def rollout_figure(rollout) -> go.Figure:
    """Timeline of one :class:`hakit.models.rollout.Rollout`: stacked old/new ready/unready pods,
    available line, replicas-maxUnavailable and replicas+maxSurge bands."""
    raise NotImplementedError


def rollout_slider_figure(replicas: int = 10, surges=(0, 1, "25%", 3), unavailables=(0, 1, "25%", 3),
                          startup_seconds: float = 10, bad_image: bool = False) -> go.Figure:
    """Static-book figure: a slider over (maxSurge, maxUnavailable) pairs (precomputed)."""
    raise NotImplementedError
