"""Plotly figures built from ``hakit.models`` results.

Every builder returns a ``plotly.graph_objects.Figure``. Figures meant for the static book carry
their interaction in the figure itself (slider steps with ``method: "update"`` or frames), so
they work in the built HTML with no kernel. The builders the panels use assemble plain dicts
(:mod:`hakit.figures._fast`) and import no plotly inside ``_fast.as_dicts()``, which is how the
live book's browser, which ships no plotly, runs them.
"""
import importlib.util as _util

if _util.find_spec("plotly") is not None:  # notebooks and the book build: the book's renderer
    from hakit.figures._render import register as _register_renderer

    _register_renderer()
