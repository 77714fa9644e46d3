"""Benchmarks of the availability widget callbacks (model + figure)."""
from hakit.widgets.availability import render_composition, render_nines


def test_render_nines(benchmark):
    fig = benchmark(render_nines, 99.99, 30)
    assert fig.data


def test_render_composition(benchmark):
    fig = benchmark(render_composition, 99.0, 5, 3)
    assert len(fig.data) == 4
