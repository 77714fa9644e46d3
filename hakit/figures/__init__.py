"""Plotly figures built from ``hakit.models`` results.

Every builder returns a ``plotly.graph_objects.Figure``. Figures meant for the static book carry
their interaction in the figure itself (slider steps with ``method: "update"`` or frames), so
they work in the built HTML with no kernel.
"""

from hakit.figures._render import register as _register_renderer

_register_renderer()
