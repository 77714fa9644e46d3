"""hakit.figures._fast: the dict figures the live book draws are the figures plotly builds.

The panels' builders assemble plain dicts; inside ``_fast.as_dicts()`` (the browser, which ships
no plotly) they return those dicts, elsewhere one unvalidated ``go.Figure``. These tests hold the
dict path to plotly itself: the kept plotly_white template, the one-row subplot grid, and every
panel's figure JSON against the go.Figure path, with full plotly validation."""
from __future__ import annotations

import json
import subprocess
import sys

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from conftest import ROOT
from hakit import panels
from hakit.figures import _fast
from hakit.figures._fit import fit_text
from hakit.panels import browser
from test_live_panels import _cases, _same


def test_kept_template_is_plotly_white_of_the_installed_plotly() -> None:
    assert _fast.template() == pio.templates["plotly_white"].to_plotly_json(), \
        "plotly 的 plotly_white 变了：运行 python tools/plotly_template.py 重新生成 hakit/figures/_template.py"


@pytest.mark.parametrize("cols, spacing, titles", [(3, 0.08, ("a", "b", "c")), (2, 0.2, ("只有一个",)), (4, 0.05, ())])
def test_row_layout_is_make_subplots(cols: int, spacing: float, titles: tuple) -> None:
    want = make_subplots(rows=1, cols=cols, horizontal_spacing=spacing,
                         subplot_titles=titles or None).to_plotly_json()["layout"]
    want.pop("template")
    assert _fast.row_layout(cols, spacing, titles) == want  # floats too: the same arithmetic


@pytest.mark.parametrize("name, values", _cases()[:-2], ids=lambda x: x if isinstance(x, str) else None)
def test_panel_dict_figure_is_the_plotly_figure(name: str, values: dict) -> None:
    got = json.loads(browser.run(name, json.dumps(values)))["figure"]
    fig = panels.get(name).compute(values)           # outside as_dicts: a go.Figure
    assert isinstance(fig, go.Figure)
    want = json.loads(pio.to_json(fit_text(fig.to_dict()), validate=False))
    assert not _same(got, want), _same(got, want)[:5]
    go.Figure(got)                                   # full plotly validation


def test_as_dicts_returns_dicts_and_resets() -> None:
    with _fast.as_dicts():
        assert isinstance(_fast.figure([], {}), dict)
    assert isinstance(_fast.figure([], {}), go.Figure)
    with pytest.raises(RuntimeError), _fast.as_dicts():
        raise RuntimeError
    assert isinstance(_fast.figure([], {}), go.Figure)


def test_every_panel_runs_where_plotly_cannot_be_imported() -> None:
    """What the browser does, in CPython: plotly blocked, every panel at its defaults and largest."""
    code = """
import json, sys
sys.modules["plotly"] = None                      # import plotly -> ImportError
from hakit import panels
from hakit.panels import browser
bad = {}
for name in panels.names():
    for values in ({}, panels.get(name).largest):
        r = json.loads(browser.run(name, json.dumps(values)))
        if "figure" not in r:
            bad[name] = r
print(json.dumps(bad))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {}
