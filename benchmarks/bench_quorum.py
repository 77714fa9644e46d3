"""Benchmarks of the quorum widget callback (model + figure, incl. the Monte-Carlo latency).

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' --benchmark-enable -k quorum
Goal: widget callback p95 <= 50 ms at the panel's largest offered parameters (n = 9).
"""
import pytest

from hakit.widgets.quorum import render_quorum


@pytest.mark.goal(50)
def test_render_quorum(benchmark):
    fig = benchmark.pedantic(render_quorum, args=(5, 99.0, 3), rounds=20, iterations=1, warmup_rounds=1)
    assert fig.data


@pytest.mark.goal(50)
def test_render_quorum_largest(benchmark):
    """The panel's largest offered parameters: n = 9 (the slider's maximum)."""
    fig = benchmark.pedantic(render_quorum, args=(9, 99.9, 5), rounds=20, iterations=1, warmup_rounds=1)
    assert fig.data


@pytest.mark.goal(50)
def test_render_quorum_largest_cold(benchmark):
    """As above with the figure's Monte-Carlo cache cleared before every round (first-call cost)."""
    from hakit.figures.quorum import _latency

    fig = benchmark.pedantic(render_quorum, args=(9, 99.9, 5), setup=_latency.cache_clear, rounds=20,
                             iterations=1, warmup_rounds=1)
    assert fig.data
