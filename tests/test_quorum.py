"""Tests for hakit.models.quorum, its figure and widget (vectors from the etcd FAQ)."""
from __future__ import annotations

import itertools

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
