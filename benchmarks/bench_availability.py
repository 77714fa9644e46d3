"""Benchmarks of the availability widget callbacks (model + figure).

Goal: widget callback p95 <= 50 ms at the panel's largest offered parameters.
"""
import pytest

from hakit.widgets.availability import render_composition, render_nines


@pytest.mark.goal(50)
def test_render_nines(benchmark):
    fig = benchmark.pedantic(render_nines, args=(99.99, 30), rounds=20, iterations=1, warmup_rounds=1)
    assert fig.data


@pytest.mark.goal(50)
def test_render_composition(benchmark):
    """Largest offered: n = 15 members (the slider's maximum)."""
    fig = benchmark.pedantic(render_composition, args=(99.0, 15, 8), rounds=20, iterations=1, warmup_rounds=1)
    assert len(fig.data) == 4
