"""A Plotly renderer that works both in JupyterLab and in the static book.

Under nbclient Plotly's default renderer emits only ``application/vnd.plotly.v1+json``, which
myst-nb cannot render (the output is dropped with a warning). The built-in ``notebook`` renderer
inlines all of plotly.js (~4.8 MB) into every page and loads MathJax from a CDN. This renderer
emits a ``text/html`` div with *no* plotly.js and no MathJax: the book's Sphinx extension
(``_ext/hakit_static.py``) serves one local copy of plotly.min.js to pages that contain a figure.
Outside the book build (JupyterLab, nbval) it also emits the Plotly JSON, which JupyterLab renders
natively; in the book build (``HAKIT_BOOK_BUILD=1``) it does not, because myst-nb warns about a
mime type it cannot render and the build treats warnings as errors.
"""
from __future__ import annotations

import json
import os
import sys

# Plotly's renderers import nbformat, which imports jsonschema, which imports the optional
# rfc3987_syntax if it is installed (it comes with jupyter-events): that module compiles an Earley
# grammar at import, about 2.8 s in every kernel that shows a figure, most of the book's build time.
# jsonschema treats it as optional (it then skips only the "iri" format check, which no schema here
# uses), so this process does without it. Measured: `python -X importtime -c "import hakit.figures"`.
sys.modules.setdefault("rfc3987_syntax", None)  # None makes `import rfc3987_syntax` raise ImportError

import plotly.io as pio  # noqa: E402
from plotly.io._base_renderers import MimetypeRenderer  # noqa: E402

from hakit.figures._fit import fit_text  # noqa: E402

NAME = "hakit"


class HakitRenderer(MimetypeRenderer):
    def to_mimebundle(self, fig_dict: dict) -> dict:
        fig_dict = fit_text(fig_dict)  # plotly hands the renderer its own copy (fig.to_dict())
        fig_json = pio.to_json(fig_dict, validate=False, remove_uids=True)
        html = pio.to_html(
            fig_dict,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            validate=False,
            config={"responsive": True, "displaylogo": False},
        )
        bundle = {"text/html": html}
        if os.environ.get("HAKIT_BOOK_BUILD") != "1":
            bundle["application/vnd.plotly.v1+json"] = json.loads(fig_json)
        return bundle


def register(make_default: bool = True) -> None:
    """Register the renderer (idempotent) and make it the default."""
    pio.renderers[NAME] = HakitRenderer()
    if make_default:
        pio.renderers.default = NAME
