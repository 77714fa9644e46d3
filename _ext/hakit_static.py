"""Local Sphinx extension: an offline book.

* copies plotly.min.js from the installed plotly package into ``_static/hakit/`` once per build and
  adds it (a blocking script in <head>) only to pages that contain a Plotly figure;
* copies the vendored MathJax 3 (``_ext/vendor/mathjax``, from the npm package ``mathjax@3``) into
  ``_static/hakit/mathjax`` (``mathjax_path`` points there), so math renders with no CDN;
* removes the duplicate inline scripts that stock Jupyter Book 1 emits twice per page
  (sphinx-thebe / togglebutton: ``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared``).

Vendored files live outside any html_static_path on purpose: Jupyter Book adds every ``*.js`` in a
static path to every page.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript  # what add_js_file stores

HERE = Path(__file__).parent
PLOTLY_JS = "_static/hakit/plotly.min.js"


def _copy_assets(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    import plotly

    dest = Path(app.outdir) / "_static" / "hakit"
    dest.mkdir(parents=True, exist_ok=True)
    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = dest / "plotly.min.js"
    if not target.exists() or target.stat().st_size != src.stat().st_size:
        shutil.copyfile(src, target)
    mathjax = HERE / "vendor" / "mathjax"
    if mathjax.is_dir():
        shutil.copytree(mathjax, dest / "mathjax", dirs_exist_ok=True)


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = list(context.get("script_files", []))
    seen: set[tuple] = set()
    unique = []
    for js in scripts:
        # The duplicates differ only in priority: compare file name and inline body.
        attrs = getattr(js, "attributes", {})
        key = (getattr(js, "filename", str(js)) or "", attrs.get("body"))  # None and "" both mean inline
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    body = context.get("body", "")
    if "plotly-graph-div" in body:
        unique.insert(0, _JavaScript(PLOTLY_JS, priority=100))
    context["script_files"] = unique


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _copy_assets)
    app.connect("html-page-context", _page_context, priority=900)  # after the theme's handlers
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
