"""ipywidgets panel for kubelet probes (JupyterLab).

The controls feed :func:`render_probes`, which runs :func:`hakit.models.probes.simulate` and
draws :func:`hakit.figures.probes.probe_timeline_figure`. Probe fields are plain integer
boxes (never clamped): an invalid value shows the API server's message in Chinese.
"""
from __future__ import annotations

import dataclasses

import ipywidgets as W

from hakit.figures.probes import probe_timeline_figure
from hakit.models import probes as P
from hakit.widgets._common import named, panel

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


def probes_panel() -> W.VBox:
    """Controls: scenario, livenessProbe fields, startupProbe on/off and failureThreshold,
    the app's start-up time, horizon."""
    style = {"description_width": "initial"}
    lay = W.Layout(width="240px")
    controls = [
        named(W.Dropdown(options=[(P.SCENARIOS[n]["label"], n) for n in P.scenario_names()], value="hang",
                         description="场景", style=style), "scenario"),
        named(W.IntText(value=10, description="periodSeconds", style=style, layout=lay), "periodSeconds"),
        named(W.IntText(value=1, description="timeoutSeconds", style=style, layout=lay), "timeoutSeconds"),
        named(W.IntText(value=3, description="failureThreshold", style=style, layout=lay), "failureThreshold"),
        named(W.IntText(value=0, description="initialDelaySeconds", style=style, layout=lay), "initialDelaySeconds"),
        named(W.Checkbox(value=False, description="startupProbe", style=style), "startupProbe"),
        named(W.IntText(value=30, description="startup failureThreshold", style=style, layout=lay),
              "startup_failureThreshold"),
        named(W.FloatText(value=5.0, description="应用启动耗时 (s)", style=style, layout=lay), "startupSeconds"),
        named(W.IntText(value=300, description="模拟时长 (s)", style=style, layout=lay), "horizon"),
    ]
    return panel(controls, render_probes, title="探针时间线：livenessProbe / readinessProbe / startupProbe")
