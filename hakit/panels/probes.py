"""kubelet 探针面板：场景、livenessProbe 字段、可选的 startupProbe、应用启动耗时与模拟时长。

The controls feed :func:`render_probes`, which runs :func:`hakit.models.probes.simulate` and
draws :func:`hakit.figures.probes.probe_timeline_figure`. Probe fields are plain integer boxes
(never clamped): an invalid value shows the API server's message in Chinese.
"""
from __future__ import annotations

import dataclasses

from hakit.figures.probes import probe_timeline_figure
from hakit.models import probes as P
from hakit.panels import Control, Panel, register

__all__ = ["PANEL", "render_probes", "LARGEST"]

#: The largest values the panel offers (used by the benchmark).
LARGEST = dict(scenario="aggressive-liveness", periodSeconds=1, timeoutSeconds=1, failureThreshold=1,
               initialDelaySeconds=0, startupProbe=True, startup_failureThreshold=1,
               startupSeconds=600.0, horizon=3600)


def render_probes(scenario: str, periodSeconds: int, timeoutSeconds: int, failureThreshold: int,
                  initialDelaySeconds: int, startupProbe: bool, startup_failureThreshold: int,
                  startupSeconds: float, horizon: int):
    """The callback behind the panel: a named scenario's app and readiness probe, with the
    livenessProbe fields, an optional startupProbe (periodSeconds 10) and the app's start-up
    time taken from the controls."""
    kw = P.scenario(scenario)
    app = dataclasses.replace(kw["app"], startupSeconds=startupSeconds)
    live = P.ProbeSpec(initialDelaySeconds=initialDelaySeconds, periodSeconds=periodSeconds,
                       timeoutSeconds=timeoutSeconds, failureThreshold=failureThreshold)
    start = P.ProbeSpec(periodSeconds=10, failureThreshold=startup_failureThreshold) if startupProbe else None
    tl = P.simulate(app, livenessProbe=live, readinessProbe=kw.get("readinessProbe"), startupProbe=start,
                    horizon=horizon)
    return probe_timeline_figure(tl, P.SCENARIOS[scenario]["title"] + "（参数已按控件修改）")


PANEL = register(Panel(
    name="probes", title="探针时间线：livenessProbe / readinessProbe / startupProbe", render=render_probes,
    controls=(
        Control("scenario", "choice", "场景", "hang",
                choices=tuple((P.SCENARIOS[n]["label"], n) for n in P.scenario_names())),
        Control("periodSeconds", "int", "periodSeconds", 10, width="240px"),
        Control("timeoutSeconds", "int", "timeoutSeconds", 1, width="240px"),
        Control("failureThreshold", "int", "failureThreshold", 3, width="240px"),
        Control("initialDelaySeconds", "int", "initialDelaySeconds", 0, width="240px"),
        Control("startupProbe", "bool", "startupProbe", False),
        Control("startup_failureThreshold", "int", "startup failureThreshold", 30, width="240px"),
        Control("startupSeconds", "float", "应用启动耗时 (s)", 5.0, width="240px"),
        Control("horizon", "int", "模拟时长 (s)", 300, width="240px"),
    ),
    largest=LARGEST,
))
