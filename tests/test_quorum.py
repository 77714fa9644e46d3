"""Tests for hakit.models.quorum, its figure and widget (vectors from the etcd FAQ)."""
from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hakit.models import quorum as Q


def test_majority_and_tolerance_table():
    # etcd FAQ "Why an odd number of cluster members?" table
    assert [Q.majority(n) for n in range(1, 8)] == [1, 2, 2, 3, 3, 4, 4]
    assert [Q.fault_tolerance(n) for n in range(1, 8)] == [0, 0, 1, 1, 2, 2, 3]
    assert Q.majority(4) == 3 and Q.fault_tolerance(4) == 1
    assert Q.MAX_RECOMMENDED == 7


@pytest.mark.parametrize("bad", [0, -1, True, 3.0, "3", None])
def test_n_must_be_positive_int(bad):
    with pytest.raises(ValueError, match="大于等于 1 的整数"):
        Q.majority(bad)


def test_has_quorum():
    assert Q.has_quorum(3, 2) and not Q.has_quorum(3, 1)
    assert not Q.has_quorum(4, 2) and Q.has_quorum(4, 3)
    assert Q.has_quorum(1, 1) and not Q.has_quorum(1, 0)
    with pytest.raises(ValueError, match="alive"):
        Q.has_quorum(3, 4)


def test_cluster_availability_exact():
    assert Q.cluster_availability(3, 0.99) == pytest.approx(0.99**3 + 3 * 0.99**2 * 0.01, rel=1e-15)
    assert Q.cluster_availability(1, 0.9) == pytest.approx(0.9)
    assert Q.cluster_availability(4, 0.99) < Q.cluster_availability(3, 0.99)
    assert Q.cluster_availability(3, 0.99) == pytest.approx(0.999702)
    with pytest.raises(ValueError):
        Q.cluster_availability(3, 1.2)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.floats(0, 1))
def test_cluster_availability_matches_enumeration(n, p):
    brute = 0.0
    for up in itertools.product((0, 1), repeat=n):
        if sum(up) >= n // 2 + 1:
            prob = 1.0
            for u in up:
                prob *= p if u else 1 - p
            brute += prob
    assert Q.cluster_availability(n, p) == pytest.approx(brute, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.floats(0.5, 1))
def test_even_size_adds_nothing(k, p):
    # 2k members are never more available than 2k-1 when members are more often up than down
    assert Q.cluster_availability(2 * k, p) <= Q.cluster_availability(2 * k - 1, p) + 1e-12
    assert Q.fault_tolerance(2 * k) == Q.fault_tolerance(2 * k - 1)


def test_partition_quorum():
    assert Q.partition_quorum(5, [3, 2]) == [True, False]
    assert Q.partition_quorum(4, [2, 2]) == [False, False]
    assert Q.partition_quorum(5, [2, 2]) == [False, False]  # one member down, 2+2: no side can write
    assert Q.partition_quorum(3, [1, 1, 1]) == [False, False, False]
    with pytest.raises(ValueError, match="超过"):
        Q.partition_quorum(3, [2, 2])
    with pytest.raises(ValueError):
        Q.partition_quorum(3, [])


def test_commit_latency():
    assert Q.commit_latency([1.0, 5.0]) == 1.0  # n=3 waits for the fastest follower
    assert Q.commit_latency([1.0, 2.0, 3.0, 4.0]) == 2.0  # n=5 waits for the 2nd fastest
    assert Q.commit_latency([1.0, 2.0, 3.0]) == 2.0  # n=4 also waits for the 2nd: slower than n=3
    assert Q.commit_latency([1.0, 2.0], fsync=0.5, leader_fsync=4.0) == 4.0
    assert Q.commit_latency([], fsync=2.0) == 2.0
    with pytest.raises(ValueError):
        Q.commit_latency([1.0, -1.0])


def test_expected_latency_order_statistics():
    assert Q.expected_commit_latency(3, 0, 1) == pytest.approx(0.5)
    assert Q.expected_commit_latency(4, 0, 1) == pytest.approx(1 / 3 + 1 / 2)
    assert Q.expected_commit_latency(5, 0, 1) == pytest.approx(1 / 4 + 1 / 3)
    assert Q.expected_commit_latency(4, 0, 1) > Q.expected_commit_latency(3, 0, 1)
    assert Q.expected_commit_latency(1, 5, 1, fsync=2) == 2
    for n in (3, 4, 5):
        mc = Q.commit_latency_mc(n, 0.5, 1.0, 0.0, samples=20_000, seed=1)
        assert mc["mean"] == pytest.approx(Q.expected_commit_latency(n, 0.5, 1.0), rel=0.03)
        assert mc["p50"] <= mc["p99"]
    # a per-follower send cost makes every extra member cost something
    slow = [Q.commit_latency_mc(n, 0.5, 1.0, 0.0, samples=20_000, seed=1, send_cost=1.0)["mean"] for n in (3, 5, 7)]
    assert slow[0] < slow[1] < slow[2]


def test_unavailability_is_the_exact_complement_and_nines_are_not_clamped():
    # n=3, p=0.99: no majority = all down or exactly one up: 0.01**3 + 3 * 0.99 * 0.01**2
    assert Q.cluster_unavailability(3, 0.99) == pytest.approx(1e-6 + 2.97e-4, rel=1e-12)
    assert Q.cluster_nines(3, 0.99) == pytest.approx(-math.log10(2.98e-4), rel=1e-12)
    # n=15, p=0.999: 1 - availability rounds to 0 in floating point; the lower tail does not
    # (leading term C(15, 7) 0.999**7 0.001**8 = 6.39e-21 -> 20.19 nines, not a clamp at 15)
    assert Q.cluster_unavailability(15, 0.999) == pytest.approx(6.39e-21, rel=0.01)
    assert Q.cluster_nines(15, 0.999) == pytest.approx(20.19, abs=0.01)
    assert Q.cluster_nines(3, 1.0) == math.inf and Q.cluster_unavailability(3, 0.0) == 1.0


def test_exact_latency_quantile_and_mean():
    # n=3: the first of 2 acks, each offset 0.5 + exponential(mean 1): P(min <= x) = 1 - exp(-2 (x - 0.5))
    assert Q.commit_latency_quantile(3, 0.5, 1.0, q=99) == pytest.approx(0.5 + math.log(100) / 2, abs=1e-8)
    # n=2 with a send cost: the only follower's ack leaves 0.3 ms late
    assert Q.commit_latency_quantile(2, 0.5, 1.0, 2.0, 0.3, q=50) == pytest.approx(2.8 + math.log(2), abs=1e-8)
    for n in (3, 4, 5, 7):
        assert Q.commit_latency_mean(n, 0.5, 1.0) == pytest.approx(Q.expected_commit_latency(n, 0.5, 1.0), abs=1e-5)
    assert Q.commit_latency_mean(1, 0.5, 1.0, fsync=2.0) == 2.0
    assert Q.commit_latency_mean(5, 0.5, 0.0, 1.0, 0.3) == pytest.approx(0.5 + 1.0 + 0.6)  # 2nd ack, no jitter
    # the Monte-Carlo estimate agrees with the exact values (send cost: non-identical followers)
    mc = Q.commit_latency_mc(5, 0.5, 1.0, 2.0, samples=20_000, seed=3, send_cost=0.3)
    assert mc.mean == pytest.approx(Q.commit_latency_mean(5, 0.5, 1.0, 2.0, 0.3), rel=0.01)
    assert mc.p99 == pytest.approx(Q.commit_latency_quantile(5, 0.5, 1.0, 2.0, 0.3, 99), rel=0.03)
    with pytest.raises(ValueError, match="百分位"):
        Q.commit_latency_quantile(3, 0.5, 1.0, q=100)


def test_monte_carlo_is_pure_python_reproducible_and_validates():
    a = Q.commit_latency_mc(5, 0.5, 1.0, samples=500, seed=11)
    assert a == Q.commit_latency_mc(5, 0.5, 1.0, samples=500, seed=11)
    assert a != Q.commit_latency_mc(5, 0.5, 1.0, samples=500, seed=12)
    assert a._fields == ("mean", "p50", "p99") and a["p50"] == a.p50
    with pytest.raises(ValueError, match="样本数"):
        Q.commit_latency_mc(3, 1, 1, samples=0)
    with pytest.raises(ValueError, match="随机种子"):
        Q.commit_latency_mc(3, 1, 1, seed="x")


def test_percentile_is_linear_interpolation():
    assert Q.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert Q.percentile([0.0, 10.0], 99) == pytest.approx(9.9)
    assert Q.percentile([5.0], 99) == 5.0


def test_imports_without_numpy():
    import subprocess
    import sys
    code = ("import sys; sys.modules['numpy'] = None; import hakit.models.quorum, hakit.models.sentinel, "
            "hakit.figures.quorum, hakit.figures.sentinel, hakit.figures.raft, hakit.models.raft; "
            "hakit.figures.quorum.quorum_figure(); hakit.figures.sentinel.failover_figure(); "
            "hakit.figures.sentinel.two_master_figure()")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_quorum_table():
    rows = Q.quorum_table(p=0.99)
    assert [r["n"] for r in rows] == list(range(1, 8))
    assert rows[3]["majority"] == 3 and rows[3]["fault_tolerance"] == 1


def test_figure_and_widget():
    from hakit.figures.quorum import quorum_figure
    from hakit.widgets.quorum import quorum_panel, render_quorum

    f = quorum_figure()
    steps = f.layout.sliders[0].steps
    assert len(steps) == 5
    # 99% step: n=3 is 3.53 nines, n=4 less
    y = steps[2].args[0]["y"][0]
    assert y[2] == pytest.approx(3.526, abs=1e-3) and y[3] < y[2]
    assert len(f.to_json()) < 300_000
    assert "没有法定人数" in render_quorum(4, 99.0, 2).layout.title.text
    with pytest.raises(ValueError, match="大于等于 1"):
        render_quorum(0, 99.0, 0)
    assert len(quorum_panel().children) == 3
