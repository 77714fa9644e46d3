"""Benchmarks of the quorum widget callback (model + figure, incl. the Monte-Carlo latency)."""
from hakit.widgets.quorum import render_quorum


def test_render_quorum(benchmark):
    fig = benchmark(render_quorum, 5, 99.0, 3)
    assert fig.data
