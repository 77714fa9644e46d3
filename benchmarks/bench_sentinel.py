"""Benchmarks of the Sentinel failover widget callback and the two-master model."""
from hakit.models.sentinel import two_master_window
from hakit.widgets.sentinel import render_failover


def test_render_failover(benchmark):
    fig = benchmark(render_failover, 1000, 3, 2, 0, 500, 2, 1, "crash")
    assert fig.data


def test_two_master_window(benchmark):
    res = benchmark(two_master_window, 500, 1, 2)
    assert res["window"][1] > 0
