"""Fast figure assembly: plain dicts in, one unvalidated ``go.Figure`` (or the plain dict) out.

Plotly validates every property assignment (``go.Scatter(...)``, ``fig.add_trace``,
``fig.update_layout``, ``make_subplots``) and deep-copies the template on each
``template="plotly_white"``; for the figures of the panels that validation cost 20–150 ms per
call, more than the models themselves. The builders therefore assemble the same figure as plain
dicts and hand it to :func:`figure` once, with the plotly_white template (kept as data in
``hakit.figures._template``) and subplot grids computed here. The result is the same figure (the
tests compare it with plotly's own construction and run full validation on it).

Inside :func:`as_dicts` (what the live book's browser does, where no plotly is shipped),
:func:`figure` returns the figure dict itself: nothing here imports plotly then.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
from typing import TYPE_CHECKING, Iterator, Sequence

from hakit.figures._template import PLOTLY_WHITE

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["as_dicts", "figure", "merge", "row_layout", "template", "stepped_groups", "title_y"]

_AS_DICTS = contextvars.ContextVar("hakit_figures_as_dicts", default=False)


@contextlib.contextmanager
def as_dicts() -> Iterator[None]:
    """Within this block :func:`figure` returns ``{"data": …, "layout": …}`` (no plotly import)."""
    token = _AS_DICTS.set(True)
    try:
        yield
    finally:
        _AS_DICTS.reset(token)


def template() -> dict:
    """The resolved plotly_white template (a fresh copy, safe to mutate)."""
    return copy.deepcopy(PLOTLY_WHITE)


def merge(base: dict, update: dict) -> dict:
    """Merge ``update`` into ``base`` in place the way ``fig.update_layout(**update)`` does: nested
    dicts are merged key by key, everything else (lists included) is replaced."""
    for k, v in update.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v)
        else:
            base[k] = v
    return base


def title_y(height: float) -> float:
    """``title.y`` that puts a title's first line 28 px below the top edge of a figure ``height`` px
    tall: plotly.js draws a wrapped title's further lines downwards from the first, so they stay
    inside the figure."""
    return 1 - 28 / height


def row_layout(cols: int, horizontal_spacing: float, subplot_titles: Sequence[str] = ()) -> dict:
    """The layout ``make_subplots(rows=1, cols=cols, horizontal_spacing=…, subplot_titles=…)``
    produces, without its template: axis domains and anchors, a title annotation per column with a
    title (plotly's arithmetic, summing and clamping as it does, so the floats are equal too).
    ``0 ≤ horizontal_spacing ≤ 1 / (cols − 1)``, as make_subplots requires."""
    if cols < 1 or not 0 <= horizontal_spacing * (cols - 1) <= 1:
        raise ValueError(f"row_layout: Invalid value: cols={cols!r}, horizontal_spacing={horizontal_spacing!r}: "
                         "cols ≥ 1 且 0 ≤ horizontal_spacing ≤ 1/(cols−1)")
    width = (1.0 - horizontal_spacing * (cols - 1)) / cols
    layout: dict = {}
    annotations = []
    for c in range(cols):
        sfx = "" if c == 0 else str(c + 1)
        x0 = sum([width] * c) + c * horizontal_spacing
        x1 = x0 + width
        layout[f"xaxis{sfx}"] = {"anchor": f"y{sfx}", "domain": [max(0.0, x0), min(1.0, x1)]}
        layout[f"yaxis{sfx}"] = {"anchor": f"x{sfx}", "domain": [0.0, 1.0]}
        if c < len(subplot_titles) and subplot_titles[c]:  # centred on the unclamped domain
            annotations.append({"font": {"size": 16}, "showarrow": False, "text": subplot_titles[c],
                                "x": sum([x0, x1]) / 2.0, "xanchor": "center", "xref": "paper",
                                "y": 1.0, "yanchor": "bottom", "yref": "paper"})
    if annotations:
        layout["annotations"] = annotations
    return layout


def figure(data: list, layout: dict) -> "go.Figure | dict":
    """``go.Figure`` from plain trace dicts and a layout dict, with the plotly_white template, no
    per-property validation; inside :func:`as_dicts` the same figure as a dict (the template is
    shared: do not mutate it). ``layout`` must not carry its own ``template``."""
    fig = {"data": data, "layout": dict(layout, template=PLOTLY_WHITE)}
    if _AS_DICTS.get():
        return fig
    import plotly.graph_objects as go

    return go.Figure(fig, _validate=False)


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
