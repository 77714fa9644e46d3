"""Tests for hakit.models.availability, its figure and widget."""
from __future__ import annotations


import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hakit.models import availability as A

probs = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def test_downtime_vectors():
    # 99.99% -> 52.56 min/year (365-day year)
    assert A.downtime(0.9999) / 60 == pytest.approx(52.56)
    b = A.downtime_budget(0.999)
    assert b["year"] / 3600 == pytest.approx(8.76)
    assert b["month"] / 60 == pytest.approx(43.8)  # month = 1/12 year
    assert b["week"] / 60 == pytest.approx(10.08)
    assert b["day"] == pytest.approx(86.4)
    assert A.downtime(0.99999) / 60 == pytest.approx(5.256)
    assert sum(A.downtime(0.999, "month") for _ in range(12)) == pytest.approx(A.downtime(0.999))


def test_nines_roundtrip():
    assert A.nines_to_availability(3) == 0.999
    assert A.nines_to_availability(0) == 0.0
    assert A.availability_to_nines(0.99999) == pytest.approx(5.0)
    assert A.availability_to_nines(A.nines_to_availability(3.5)) == pytest.approx(3.5)
    assert A.availability_from_downtime(52.56 * 60) == pytest.approx(0.9999)


def test_composition_vectors():
    assert A.series(0.99, 0.99) == pytest.approx(0.9801)
    assert A.parallel(0.99, 0.99) == pytest.approx(0.9999)
    assert A.k_of_n(2, 3, 0.9) == pytest.approx(0.972)
    assert A.k_of_n(0, 3, 0.5) == pytest.approx(1.0)
    assert A.availability_from_mtbf(999, 1) == pytest.approx(0.999)
    assert A.user_visible_outage(30, 10) == 40
    assert A.budget_fraction(30 * 60, 0.9999) == pytest.approx(1800 / 3153.6)
    assert A.outages_per_budget(60, 0.999) == pytest.approx(525.6 / 1)


def test_incidents_and_format():
    names = [i.date for i in A.INCIDENTS]
    assert names == ["2015-05-27", "2019-10-29"]
    assert A.INCIDENTS[1].duration_s == 1800
    assert A.format_duration(3153.6) == "52 分 34 秒"
    assert A.format_duration(0.5) == "500 毫秒"


@pytest.mark.parametrize("call", [
    lambda: A.downtime(1.5),
    lambda: A.downtime(99.99),
    lambda: A.downtime(0.9, "decade"),
    lambda: A.k_of_n(4, 3, 0.9),
    lambda: A.k_of_n(1, 0, 0.9),
    lambda: A.series(),
    lambda: A.availability_from_mtbf(0, 1),
    lambda: A.availability_from_mtbf(10, -1),
    lambda: A.budget_fraction(60, 1.0),
    lambda: A.nines_to_availability(-1),
    lambda: A.availability_from_downtime(10**9),
    lambda: A.series(float("nan")),
])
def test_invalid_inputs_raise_chinese(call):
    with pytest.raises(ValueError) as e:
        call()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e.value))


@settings(max_examples=60, deadline=None)
@given(st.lists(probs, min_size=1, max_size=6))
def test_parallel_ge_max_series_le_min(xs):
    assert A.parallel(*xs) >= max(xs) - 1e-12
    assert A.series(*xs) <= min(xs) + 1e-12


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), probs)
def test_k_of_n_monotone_and_extremes(n, p):
    vals = [A.k_of_n(k, n, p) for k in range(0, n + 1)]
    assert all(a >= b - 1e-12 for a, b in zip(vals, vals[1:]))
    assert vals[1] == pytest.approx(A.parallel(*([p] * n)), abs=1e-12)
    assert vals[n] == pytest.approx(A.series(*([p] * n)), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.integers(1, 7), probs, probs)
def test_k_of_n_monotone_in_p(k, n, p, q):
    if k > n:
        return
    lo, hi = sorted((p, q))
    assert A.k_of_n(k, n, lo) <= A.k_of_n(k, n, hi) + 1e-12


def test_figures_and_widgets():
    from hakit.figures.availability import composition_figure, nines_figure
    from hakit.widgets.availability import composition_panel, nines_panel, render_composition, render_nines

    f = nines_figure()
    assert len(f.layout.sliders[0].steps) == 7
    step = f.layout.sliders[0].steps[5]  # 99.99%
    assert step.args[0]["y"][0][0] == pytest.approx(52.56)
    assert "57%" in step.args[1]["annotations"][0]["text"]  # 30 min of 52.56 min
    assert len(f.to_json()) < 300_000
    g = composition_figure()
    assert len(g.data) == 4 and len(g.layout.sliders[0].steps) == 5
    assert "57.1%" in render_nines(99.99, 30).layout.title.text
    assert "99.9702" in render_composition(99.0, 3, 2).layout.title.text
    # 15 × 99 % in parallel fail together with probability 1e-30: not "100.0000000%"
    title = render_composition(99.0, 15, 8).layout.title.text
    assert "并联 ≈100%（不可用率 1.0e-30）" in title and "100.0000000%" not in title
    assert "串联 86.00584%" in title                       # 0.99 ** 15 = 0.8600584
    assert "至少 0 个 100.00000%" in render_composition(99.0, 3, 0).layout.title.text  # k = 0: exactly 1
    with pytest.raises(ValueError):
        render_nines(100.5, 30)
    with pytest.raises(ValueError):
        render_nines(100.0, 30)  # 100%: no budget at all, the fraction is undefined
    for make in (nines_panel, composition_panel):
        panel = make()
        assert len(panel.children) == 3  # title, controls, output


def test_unavailability_forms_hand_computed():
    # 2-of-3 at 99 %: fails with 0 up (1e-6) or 1 up (3 × 0.99 × 1e-4 = 2.97e-4)
    assert A.unavailability_k_of_n(2, 3, 0.99) == pytest.approx(2.98e-4, rel=1e-12)
    assert A.unavailability_series(3, 0.99) == pytest.approx(1 - 0.970299, rel=1e-12)
    assert A.unavailability_parallel(3, 0.99) == pytest.approx(1e-6, rel=1e-9)
    assert A.unavailability_to_nines(1e-6) == pytest.approx(6.0)
    assert A.unavailability_to_nines(0.0) == float("inf")
    # where 1 - availability rounds to 0 the unavailability forms keep the nines
    assert 1 - A.parallel(*[0.999999] * 5) == 0.0
    assert A.unavailability_to_nines(A.unavailability_parallel(5, 0.999999)) == pytest.approx(30.0, rel=1e-6)
    with pytest.raises(ValueError, match="不能大于"):
        A.unavailability_k_of_n(4, 3, 0.9)


def test_composition_figure_uses_the_model_values():
    from hakit.figures.availability import composition_figure

    fig = composition_figure(p_grid=(0.99,), max_n=3, active=0)
    series, parallel, majority, two = (list(t.y) for t in fig.data)
    assert series[2] == pytest.approx(-math.log10(0.029701), abs=1e-4)   # 3 in series: 97.0299 %
    assert parallel[2] == pytest.approx(6.0, abs=1e-4)                   # 3 in parallel: 1 − 1e-6
    assert majority[2] == pytest.approx(-math.log10(2.98e-4), abs=1e-4)  # 2-of-3
    assert two[0] is None                                                # 2-of-1 does not exist


def test_outage_breakdown_hand_computed():
    from hakit.figures.failover import outage_figure

    parts = A.outage_breakdown(10, 3, repair_s=300, failover_s=20)
    assert parts["主备 + 故障转移"] == (30, 20) and parts["主备 + 故障转移"].detect == 30
    assert parts["多活 + 负载均衡"] == (30, 0) and parts["单实例（无冗余）"].recover == 300
    assert A.detection_time(2, 5) == 10
    with pytest.raises(ValueError, match="failureThreshold"):
        A.detection_time(10, 0)
    with pytest.raises(ValueError, match="periodSeconds"):
        A.detection_time(0, 3)
    fig = outage_figure(periods=(10,), active=0)
    assert list(fig.data[0].x) == [30, 30, 30] and list(fig.data[1].x) == [300, 20, 0]
