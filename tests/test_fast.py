"""hakit.figures._fast: the dict figures the live book draws are the figures plotly builds.

The panels' builders assemble plain dicts; inside ``_fast.as_dicts()`` (the browser, which ships
no plotly) they return those dicts, elsewhere one unvalidated ``go.Figure``. These tests hold the
dict path to plotly itself: the kept plotly_white template, the one-row subplot grid against
make_subplots, and every panel's figure JSON against plotly's fully validated form of it (where a
misspelt or Python-only property such as ``line_width`` or a bare-string axis title would differ:
plotly.js would ignore them)."""
from __future__ import annotations

import json
import math
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

FIGURE_CASES = [(n, v) for n, v in _cases() if "figure" in json.loads(browser.run(n, json.dumps(v)))]


def _no_none(x):
    """plotly's validated JSON drops nothing but writes a property set to None as null: ignore those."""
    if isinstance(x, dict):
        return {k: _no_none(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_no_none(v) for v in x]
    return x


def test_kept_template_is_plotly_white_of_the_installed_plotly() -> None:
    assert _fast.template() == pio.templates["plotly_white"].to_plotly_json(), \
        "plotly 的 plotly_white 变了：运行 python tools/plotly_template.py 重新生成 hakit/figures/_template.py"


@pytest.mark.parametrize("cols", range(1, 12))
def test_row_layout_is_make_subplots(cols: int) -> None:
    for spacing in (0.0, 0.01, 0.02, 0.05, 0.08, 0.1, 0.2, 0.3):
        if spacing * (cols - 1) > 1:
            continue
        titles = tuple(f"t{c}" if c % 3 else "" for c in range(cols - 1))  # an empty one, one missing
        want = make_subplots(rows=1, cols=cols, horizontal_spacing=spacing,
                             subplot_titles=titles or None).to_plotly_json()["layout"]
        want.pop("template")
        assert _fast.row_layout(cols, spacing, titles) == want, (cols, spacing)  # floats too


@pytest.mark.parametrize("cols, spacing", [(0, 0.1), (3, 0.6), (2, -0.1)])
def test_row_layout_rejects_what_make_subplots_rejects(cols: int, spacing: float) -> None:
    with pytest.raises(ValueError, match="row_layout: Invalid value"):
        _fast.row_layout(cols, spacing)


@pytest.mark.parametrize("name, values", FIGURE_CASES, ids=lambda x: x if isinstance(x, str) else None)
def test_panel_dict_figure_is_the_plotly_figure(name: str, values: dict) -> None:
    got = json.loads(browser.run(name, json.dumps(values)))["figure"]
    validated = json.loads(pio.to_json(go.Figure(got), validate=False))  # full plotly validation
    assert not _same(_no_none(got), _no_none(validated)), _same(_no_none(got), _no_none(validated))[:5]
    fig = panels.get(name).compute(values)           # outside as_dicts: a go.Figure, the JupyterLab panel's
    assert isinstance(fig, go.Figure)
    want = json.loads(pio.to_json(fit_text(fig.to_dict()), validate=False))
    assert not _same(got, want), _same(got, want)[:5]


def test_a_validation_difference_is_caught() -> None:
    """The comparison above fails on what plotly.js would drop: a Python-only property name."""
    got = json.loads(browser.run("nines", "{}"))["figure"]
    got["layout"]["shapes"] = [dict(type="line", x0=0, x1=1, y0=0, y1=1, line_width=0)]
    validated = json.loads(pio.to_json(go.Figure(got), validate=False))
    assert _same(_no_none(got), _no_none(validated))


def test_json_writes_nan_and_infinity_as_null_as_plotly_does() -> None:
    fig = {"data": [{"type": "scatter", "x": [1, 2, 3], "y": [math.nan, math.inf, -math.inf]}], "layout": {}}
    assert json.loads(browser._json(fig)) == json.loads(pio.to_json(fig, validate=False))
    assert json.loads(browser._json(fig))["data"][0]["y"] == [None, None, None]


def test_as_dicts_returns_dicts_and_resets() -> None:
    with _fast.as_dicts():
        assert isinstance(_fast.figure([], {}), dict)
    assert isinstance(_fast.figure([], {}), go.Figure)
    with pytest.raises(RuntimeError), _fast.as_dicts():
        raise RuntimeError
    assert isinstance(_fast.figure([], {}), go.Figure)


def test_every_panel_runs_where_plotly_cannot_be_imported() -> None:
    """What the browser does, in CPython: plotly blocked, every case of the live-panel test."""
    code = """
import json, sys
sys.modules["plotly"] = None                      # import plotly -> ImportError
from hakit.panels import browser
cases = json.loads(sys.stdin.read())
print(json.dumps([name for name, values in cases if "figure" not in json.loads(browser.run(name, json.dumps(values)))]))
"""
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(FIGURE_CASES), capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
