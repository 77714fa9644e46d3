"""Local Sphinx extension: an offline book.

* copies plotly.min.js from the installed plotly package into ``_static/hakit/`` once per build and
  adds it (a blocking script in <head>) only to pages that contain a Plotly figure;
* copies the vendored MathJax 3 (``_ext/vendor/mathjax``, from the npm package ``mathjax@3``) into
  ``_static/hakit/mathjax`` (``mathjax_path`` points there), so math renders with no CDN;
* the live book (``_ext/live``): copies Pyodide (npm, pinned in package.json), the pinned wheels
  (``tools/browser_assets.py``, which fetches them when missing) and a zip of hakit into
  ``_static/hakit/live/``; adds ``live.js`` and plotly.min.js to pages with a live panel
  (``data-hakit-panel``) or an exercise hook (``<div class="hakit-exercise" data-exercise="…">``),
  and gives each hook its answer kind's placeholder (an unknown exercise id is a build warning);
* removes the duplicate inline scripts that stock Jupyter Book 1 emits twice per page
  (sphinx-thebe / togglebutton: ``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared``).

Vendored files live outside any html_static_path on purpose: Jupyter Book adds every ``*.js`` in a
static path to every page.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript  # what add_js_file stores
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PLOTLY_JS = "_static/hakit/plotly.min.js"
LIVE = HERE / "live"
LIVE_JS = "_static/hakit/live/live.js"
_HOOK = re.compile(r'<div class="hakit-exercise" data-exercise="([^"]+)"\s*>')


def _copy_if_changed(src: Path, target: Path) -> None:
    if not target.exists() or target.stat().st_size != src.stat().st_size or target.stat().st_mtime < src.stat().st_mtime:
        shutil.copyfile(src, target)


def _copy_live_assets(app: Sphinx) -> None:
    """Pyodide, the wheels and hakit under ``_static/hakit/live``; ``live.js`` starts with their list."""
    import hakit   # the repository's tools/, also when the book being built is elsewhere (tests)

    sys.path.insert(0, str(Path(hakit.__file__).resolve().parent.parent / "tools"))
    try:
        import browser_assets as BA
    finally:
        sys.path.pop(0)
    try:
        assets = BA.ensure()
    except BA.AssetError as exc:
        raise ExtensionError(str(exc)) from None
    live = Path(app.outdir) / "_static" / "hakit" / "live"
    for sub in ("pyodide", "wheels"):
        (live / sub).mkdir(parents=True, exist_ok=True)
    files = []
    for src in assets["pyodide"]:
        _copy_if_changed(src, live / "pyodide" / src.name)
        if not src.name.endswith(".mjs"):  # modules are imported; the rest is fetched with progress
            files.append({"path": f"pyodide/{src.name}", "bytes": src.stat().st_size, "kind": "runtime",
                          "label": "Python 运行时"})
    wanted = {src.name for src in assets["site"]}
    for old in (live / "wheels").iterdir():
        if old.name not in wanted:
            old.unlink()
    for src in assets["site"]:
        _copy_if_changed(src, live / "wheels" / src.name)
        files.append({"path": f"wheels/{src.name}", "bytes": src.stat().st_size, "kind": "zip",
                      "label": "networkx"})
    name, data = BA.hakit_zip()
    for old in live.glob("hakit-*.zip"):
        if old.name != name:
            old.unlink()
    (live / name).write_bytes(data)
    files.append({"path": name, "bytes": len(data), "kind": "zip", "label": "hakit"})
    manifest = {"pyodide": "pyodide/", "version": BA.pinned_pyodide_version(), "files": files}
    script = ("window.HAKIT_LIVE_ASSETS = " + json.dumps(manifest, ensure_ascii=False) + ";\n"
              + (LIVE / "live.js").read_text(encoding="utf-8"))
    (live / "live.js").write_text(script, encoding="utf-8")
    shutil.copyfile(LIVE / "live.css", live / "live.css")


def _exercise_hooks(body: str, pagename: str) -> str:
    """Give each exercise hook the placeholder of its answer kind; warn on an unknown id."""
    from hakit import grading
    from hakit.panels.browser import answer_placeholder

    def fill(m: re.Match) -> str:
        try:
            kind = grading.get(html.unescape(m.group(1))).kind
        except KeyError:
            logger.warning(f"{pagename}: 练习挂钩 data-exercise={m.group(1)!r} 没有在 hakit.grading 中注册")
            kind = ""
        return (f'<div class="hakit-exercise" data-exercise="{m.group(1)}" data-kind="{kind}" '
                f'data-placeholder="{html.escape(answer_placeholder(kind))}">')

    return _HOOK.sub(fill, body)


def _copy_assets(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    import plotly

    dest = Path(app.outdir) / "_static" / "hakit"
    dest.mkdir(parents=True, exist_ok=True)
    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    _copy_if_changed(src, dest / "plotly.min.js")
    mathjax = HERE / "vendor" / "mathjax"
    if mathjax.is_dir():
        shutil.copytree(mathjax, dest / "mathjax", dirs_exist_ok=True)
    _copy_live_assets(app)


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
    live = "data-hakit-panel=" in body or 'class="hakit-exercise"' in body
    if "plotly-graph-div" in body or "data-hakit-panel=" in body:
        unique.insert(0, _JavaScript(PLOTLY_JS, priority=100))
    if live:
        unique.append(_JavaScript(LIVE_JS, priority=900, defer="defer"))  # Sphinx adds ?v=<checksum>
        if 'class="hakit-exercise"' in body:
            context["body"] = _exercise_hooks(body, pagename)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _copy_assets)
    app.connect("html-page-context", _page_context, priority=900)  # after the theme's handlers
    app.add_css_file("hakit/live/live.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
