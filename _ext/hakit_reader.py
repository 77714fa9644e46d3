"""Local Sphinx extension for what the reader meets on every page.

* the course's target versions as MyST substitutions: ``{{ k8s_minor }}`` and the other keys of
  :data:`hakit.versions.SUBSTITUTIONS`, so a version number is typed once, in ``hakit/versions.py``;
* ``hakit-reader.css``: code and tables scroll in their own box and figures fit the column, so a
  page reads on a 390 px phone screen.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

CSS = Path(__file__).parent / "reader" / "hakit-reader.css"


def _add_substitutions(app: Sphinx, config: Config) -> None:
    from hakit.versions import SUBSTITUTIONS

    merged = dict(SUBSTITUTIONS)
    merged.update(config.myst_substitutions or {})   # a value set in _config.yml wins
    config.myst_substitutions = merged


def _copy_css(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    dest = Path(app.outdir) / "_static" / "hakit"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CSS, dest / CSS.name)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _add_substitutions, priority=900)
    app.connect("builder-inited", _copy_css)
    app.add_css_file("hakit/" + CSS.name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
