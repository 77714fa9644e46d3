"""滚动更新面板（JupyterLab）：改 replicas、maxSurge、maxUnavailable、启动时间、minReadySeconds、
坏镜像与回滚时间，立即看到 :func:`hakit.figures.rollout.rollout_figure` 的时间线。

Widgets only wire controls to :mod:`hakit.models.rollout` and :mod:`hakit.figures.rollout`;
a ``ValueError`` from the model (e.g. maxSurge = maxUnavailable = 0) is shown as a Chinese
message by :func:`hakit.widgets._common.panel`, never as a traceback, and inputs are never clamped.
"""
from __future__ import annotations

from typing import Optional

import ipywidgets as W
import plotly.graph_objects as go

from hakit.figures.rollout import rollout_figure
from hakit.models import rollout as R
from hakit.widgets._common import named, panel

__all__ = ["rollout_panel", "render_rollout", "parse_optional_seconds", "MAX_PANEL_REPLICAS"]

#: The largest replicas the panel's slider offers (the benchmark uses it).
MAX_PANEL_REPLICAS = 100


def parse_optional_seconds(text: object, name: str = "rollback_at") -> Optional[float]:
    """``""`` -> None (not set); ``"120"`` -> 120.0; anything else raises ``ValueError``."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip()
    if not s:
        return None
    try:
        value = float(s)
    except ValueError:
        raise ValueError(f"{name}: Invalid value: \"{text}\": 必须是秒数（例如 120），留空表示不设置") from None
    return value


def render_rollout(replicas: int = 10, max_surge: object = "25%", max_unavailable: object = "25%",
                   startup_seconds: float = 10, min_ready_seconds: float = 0, bad_image: bool = False,
                   rollback_at: object = "", progress_deadline_seconds: object = 600) -> go.Figure:
    """The callback behind the panel (model + figure). ``max_surge``/``max_unavailable`` are text
    like ``"2"`` or ``"25%"``; ``rollback_at`` is text (empty = no rollback)."""
    surge = R.parse_int_or_percent(max_surge)
    unavailable = R.parse_int_or_percent(max_unavailable)
    rb = parse_optional_seconds(rollback_at, "rollback_at")
    deadline = parse_optional_seconds(progress_deadline_seconds, "spec.progressDeadlineSeconds")
    run = R.simulate(replicas, surge, unavailable, startup_seconds=startup_seconds,
                     min_ready_seconds=min_ready_seconds, progress_deadline_seconds=deadline,
                     new_version_ready=not bad_image, rollback_at=rb)
    title = "滚动更新时间线" + ("（新版本无法就绪：坏镜像）" if bad_image else "")
    return rollout_figure(run, title=title)


def rollout_panel() -> W.VBox:
    """Controls: replicas, maxSurge, maxUnavailable (int or "25%"), startup time,
    minReadySeconds, progressDeadlineSeconds, bad image, rollback time."""
    style = {"description_width": "initial"}
    lay = W.Layout(width="230px")
    controls = [
        named(W.IntSlider(value=10, min=0, max=MAX_PANEL_REPLICAS, description="replicas", style=style), "replicas"),
        named(W.Text(value="25%", description="maxSurge", style=style, layout=lay), "max_surge"),
        named(W.Text(value="25%", description="maxUnavailable", style=style, layout=lay), "max_unavailable"),
        named(W.IntSlider(value=10, min=0, max=60, description="启动耗时 (s)", style=style), "startup_seconds"),
        named(W.IntSlider(value=0, min=0, max=60, description="minReadySeconds", style=style), "min_ready_seconds"),
        named(W.Text(value="600", description="progressDeadlineSeconds", style=style, layout=W.Layout(width="280px")),
              "progress_deadline_seconds"),
        named(W.Checkbox(value=False, description="坏镜像（新版本永远不就绪）", style=style), "bad_image"),
        named(W.Text(value="", placeholder="留空 = 不回滚", description="回滚时刻 (s)", style=style, layout=lay),
              "rollback_at"),
    ]
    return panel(controls, render_rollout, "滚动更新（RollingUpdate）：maxSurge 与 maxUnavailable")
