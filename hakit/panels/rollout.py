"""滚动更新面板：replicas、maxSurge、maxUnavailable、启动时间、minReadySeconds、坏镜像与回滚时间。

``render_rollout`` only wires the values to :mod:`hakit.models.rollout` and
:mod:`hakit.figures.rollout`; a ``ValueError`` from the model (e.g. maxSurge = maxUnavailable = 0)
is shown by the front ends as a Chinese message, and inputs are never clamped.
"""
from __future__ import annotations

from typing import Optional

from hakit.figures.rollout import rollout_figure
from hakit.models import rollout as R
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_rollout", "parse_optional_seconds", "MAX_PANEL_REPLICAS"]

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
                   rollback_at: object = "", progress_deadline_seconds: object = 600):
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


PANEL = register(Panel(
    name="rollout",
    title="滚动更新（RollingUpdate）：maxSurge 与 maxUnavailable",
    render=render_rollout,
    controls=(
        Control("replicas", "int", "replicas", 10, min=0, max=MAX_PANEL_REPLICAS, slider=True),
        Control("max_surge", "text", "maxSurge", "25%", width="230px"),
        Control("max_unavailable", "text", "maxUnavailable", "25%", width="230px"),
        Control("startup_seconds", "int", "启动耗时 (s)", 10, min=0, max=60, slider=True),
        Control("min_ready_seconds", "int", "minReadySeconds", 0, min=0, max=60, slider=True),
        Control("progress_deadline_seconds", "text", "progressDeadlineSeconds", "600", width="280px"),
        Control("bad_image", "bool", "坏镜像（新版本永远不就绪）", False),
        Control("rollback_at", "text", "回滚时刻 (s)", "", placeholder="留空 = 不回滚", width="230px"),
    ),
    largest=dict(replicas=MAX_PANEL_REPLICAS, max_surge="1", max_unavailable="0", startup_seconds=60,
                 min_ready_seconds=60, progress_deadline_seconds="600", bad_image=False, rollback_at=""),
))
