"""Benchmarks of the topology widget callbacks and the impact propagation."""
from hakit.models import topology as T
from hakit.widgets.topology import render_placement, render_topology


def test_render_topology(benchmark):
    fig = benchmark(render_topology, "Kubernetes 高可用（堆叠 etcd）", "cp1, cp2")
    assert fig.data


def test_render_placement(benchmark):
    fig = benchmark(render_placement, 6, "spread", T.ZONE, 1, "DoNotSchedule")
    assert fig.data


def test_impact_platform(benchmark):
    g = T.platform_architecture()
    im = benchmark(T.impact, g, ["host1"])
    assert im.failed == {"host1"}
