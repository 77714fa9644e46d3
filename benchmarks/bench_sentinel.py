"""Benchmarks of the Sentinel failover widget callback and the two-master model.

Goal: widget callback p95 <= 50 ms at the panel's largest offered parameters.
"""
import pytest

from hakit.models.sentinel import two_master_window
from hakit.widgets.sentinel import render_failover


@pytest.mark.goal(50)
def test_render_failover(benchmark):
    fig = benchmark.pedantic(render_failover, args=(1000, 3, 2, 0, 500, 2, 1, "crash"), rounds=20, iterations=1,
                             warmup_rounds=1)
    assert fig.data


@pytest.mark.goal(50)
def test_render_failover_largest(benchmark):
    """Sliders at their maxima: 9 Sentinels, fall 10, rise 10; a hang (the longer path)."""
    fig = benchmark.pedantic(render_failover, args=(1000, 9, 5, 4, 500, 10, 10, "hang"), rounds=20, iterations=1,
                             warmup_rounds=1)
    assert fig.data


def test_two_master_window(benchmark):
    res = benchmark(two_master_window, 500, 1, 2)
    assert res["window"][1] > 0
