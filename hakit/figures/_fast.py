"""Fast figure assembly for widget callbacks: plain dicts in, one unvalidated ``go.Figure`` out.

Plotly validates every property assignment (``go.Scatter(...)``, ``fig.add_trace``,
``fig.update_layout``, ``make_subplots``) and deep-copies the template on each
``template="plotly_white"``; for the figures of the widget panels that validation cost 20–150 ms
per call, more than the models themselves. The builders therefore assemble the same figure as
plain dicts and hand it to ``go.Figure(..., _validate=False)`` once, with the plotly_white
template and any subplot grid resolved once per process (both are constant). The result is the
same figure (the tests compare it property by property and run full validation on it).
"""
from __future__ import annotations

import copy
import functools

import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

__all__ = ["figure", "merge", "subplot_layout", "template"]


@functools.lru_cache(maxsize=1)
def _template() -> dict:
    return pio.templates["plotly_white"].to_plotly_json()


def template() -> dict:
    """The resolved plotly_white template (a fresh copy, safe to mutate)."""
    return copy.deepcopy(_template())


def merge(base: dict, update: dict) -> dict:
    """Merge ``update`` into ``base`` in place the way ``fig.update_layout(**update)`` does: nested
    dicts are merged key by key, everything else (lists included) is replaced."""
    for k, v in update.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v)
        else:
            base[k] = v
    return base


@functools.lru_cache(maxsize=32)
def _subplot_layout(rows: int, cols: int, kw: tuple) -> dict:
    return make_subplots(rows=rows, cols=cols, **dict(kw)).to_plotly_json()["layout"]


def subplot_layout(rows: int, cols: int, **kw) -> dict:
    """The layout that ``make_subplots(rows, cols, **kw)`` produces (axes domains, anchors and the
    subplot-title annotations), computed once per argument set; a fresh copy on each call.
    Keyword values must be hashable (tuples, not lists)."""
    return copy.deepcopy(_subplot_layout(rows, cols, tuple(sorted(kw.items()))))


def figure(data: list, layout: dict) -> go.Figure:
    """``go.Figure`` from plain trace dicts and a layout dict, with the plotly_white template, no
    per-property validation. ``layout`` must not carry its own ``template``."""
    return go.Figure({"data": data, "layout": dict(layout, template=_template())}, _validate=False)


def stepped_groups(groups: list, step_layouts: list, labels: list) -> tuple:
    """Traces and slider steps for a figure that shows one group of traces per slider step.

    ``groups[k]`` is the list of trace dicts for step ``k`` (all groups the same length); each step
    makes its group visible and applies ``step_layouts[k]`` (``method: "update"``, so the static book
    needs no kernel). Returns ``(data, steps)``; the first group starts visible.
    """
    per = len(groups[0])
    data: list[dict] = []
    for k, group in enumerate(groups):
        for trace in group:
            trace["visible"] = k == 0
            data.append(trace)
    steps = []
    for k, (lay, label) in enumerate(zip(step_layouts, labels)):
        visible = [False] * (per * len(groups))
        visible[k * per:(k + 1) * per] = [True] * per
        steps.append(dict(method="update", label=label, args=[{"visible": visible}, lay]))
    return data, steps
