"""ipywidgets panel for rolling updates (JupyterLab)."""
from __future__ import annotations


def rollout_panel():
    """Controls: replicas, maxSurge, maxUnavailable (int or "25%"), startup, minReadySeconds,
    bad image, rollback time; shows :func:`hakit.figures.rollout.rollout_figure`."""
    raise NotImplementedError


def render_rollout(replicas, max_surge, max_unavailable, startup_seconds, min_ready_seconds, bad_image, rollback_at):
    """The callback behind the panel (model + figure); text inputs are parsed, never clamped."""
    raise NotImplementedError
