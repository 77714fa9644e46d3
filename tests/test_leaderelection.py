"""Tests for hakit.models.leaderelection (client-go tools/leaderelection semantics), its figure and widget.

Vectors: kube-controller-manager defaults 15 s / 10 s / 2 s; client-go JitterFactor 1.2 and the
NewLeaderElector validation rules.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hakit.models import leaderelection as L


def test_defaults_match_kube_controller_manager():
    d = L.DEFAULTS
    assert (d.lease_duration, d.renew_deadline, d.retry_period) == (15.0, 10.0, 2.0)
    assert L.JITTER_FACTOR == 1.2


@pytest.mark.parametrize("ld, rd, rp, msg", [
    (10, 10, 2, "必须大于 renewDeadline"),          # leaseDuration must be greater than renewDeadline
    (15, 2.4, 2, "retryPeriod×JitterFactor"),         # renewDeadline must be > retryPeriod*1.2
    (15, 10, 0, "大于 0"),
    (15, 10, -1, "大于 0"),
    (True, 10, 2, "大于 0"),
    ("15", 10, 2, "大于 0"),
    (math.inf, 10, 2, "大于 0"),
])
def test_validation_mirrors_client_go(ld, rd, rp, msg):
    with pytest.raises(ValueError, match=msg):
        L.validate(ld, rd, rp)
    with pytest.raises(ValueError):
        L.simulate(20, ld, rd, rp)


def test_validation_accepts_boundary():
    L.validate(15, 2.5, 2)        # 2.5 > 2.4
    L.validate(10.5, 10, 2)


def test_takeover_bounds():
    assert L.takeover_bounds(15, 2, jitter=False) == (16, 18)
    assert L.takeover_bounds(16, 2, jitter=False) == (16, 18)
    lo, hi = L.takeover_bounds(15, 2, jitter=True)
    assert lo == 15 and hi == pytest.approx(23.8)


def test_stepdown_and_overlap():
    assert L.stepdown_after(10, 2) == 12
    assert not L.overlap_possible(15, 10, 2)
    assert L.overlap_possible(11, 10, 2)


def test_default_example_is_deterministic():
    a = L.simulate(20, seed=1)
    b = L.simulate(20, seed=1)
    assert a.takeover_at == b.takeover_at and a.new_leader == b.new_leader
    assert a.last_renewal == 18.0
    assert a.renewals == [2.0 * i for i in range(10)]
    assert 15 < a.since_last_renewal < 23.8


def test_no_takeover_while_holder_alive():
    # the holder renews every retryPeriod; standby polls are at least retryPeriod apart, so every poll
    # sees a new record and the lease never expires before the crash
    tl = L.simulate(200, seed=3, standbys=3)
    assert tl.takeover_at > 200
    for polls in tl.polls:
        assert all(valid for t, valid in polls if t < 200)


@settings(max_examples=150, deadline=None)
@given(death=st.floats(0.5, 100), ld=st.sampled_from([11.0, 15.0, 20.0, 30.0]),
       rp=st.sampled_from([1.0, 2.0, 4.0]), standbys=st.integers(1, 4), seed=st.integers(0, 10_000),
       jitter=st.booleans())
def test_takeover_within_bounds(death, ld, rp, standbys, seed, jitter):
    rd = 10.0 if rp * 1.2 < 10 else rp * 1.2 + 0.1
    if ld <= rd:
        ld = rd + 1
    tl = L.simulate(death, ld, rd, rp, standbys=standbys, seed=seed, jitter=jitter)
    lo, hi = L.takeover_bounds(ld, rp, jitter=jitter)
    assert tl.takeover_at is not None
    assert lo < tl.since_last_renewal <= hi + 1e-9
    assert tl.takeover_at > tl.death_at
    assert 1 <= tl.new_leader <= standbys
    # the winner is the standby whose lease countdown ran out first (at its own poll)
    assert tl.takeover_at >= min(tl.expiry) - 1e-9


def test_shorter_lease_means_faster_takeover_on_average():
    def mean_gap(ld):
        return sum(L.simulate(20, ld, 10, 2, seed=s).gap for s in range(60)) / 60
    assert mean_gap(11) < mean_gap(15) < mean_gap(30)


@pytest.mark.parametrize("kw, msg", [
    (dict(standbys=0), "1 到 9"), (dict(standbys=2.0), "1 到 9"), (dict(seed="x"), "整数"),
    (dict(death_at=0), "death_at"),
    (dict(standbys=10), "1 到 9"), (dict(standbys=True), "1 到 9"), (dict(seed=True), "seed"),
    (dict(seed=1.0), "seed"), (dict(death_at=-1), "death_at"),
])
def test_simulate_rejects(kw, msg):
    args = dict(death_at=20)
    args.update(kw)
    with pytest.raises(ValueError, match=msg):
        L.simulate(**args)


def test_figures_and_widget():
    from hakit.figures import leaderelection as F
    from hakit.widgets.leaderelection import leaderelection_panel, render_leaderelection

    fig = F.lease_slider_figure()
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == ["11 s", "15 s", "20 s", "30 s", "60 s"]
    assert fig.layout.sliders[0].active == 1
    assert all(s.method == "update" for s in steps)
    assert len(fig.data) == 5 * len(steps)
    assert sum(bool(t.visible) for t in fig.data) == 5
    assert len(fig.to_json()) < 300_000
    with pytest.raises(ValueError):
        F.lease_timeline_figure("not a timeline")
    f2 = render_leaderelection(lease_duration=11)
    assert any("双主" in a.text for a in f2.layout.annotations)
    with pytest.raises(ValueError):
        render_leaderelection(lease_duration=9)
    panel = leaderelection_panel()
    assert panel.children


def test_lease_record_keeps_whole_seconds():
    # client-go tryAcquireOrRenew: LeaseDurationSeconds: int(le.config.LeaseDuration / time.Second)
    assert L.lease_seconds(15.9) == 15 and L.lease_seconds(15) == 15
    a = L.simulate(death_at=20, lease_duration=15.9, jitter=False, standbys=1, seed=3)
    b = L.simulate(death_at=20, lease_duration=15.0, jitter=False, standbys=1, seed=3)
    assert a.takeover_at == b.takeover_at
    assert L.takeover_bounds(15.9, 2.0, jitter=False) == (16.0, 18.0)
    # 12.5 s: a standby may take over after 12 s, i.e. exactly when the isolated leader gives up (2 + 10)
    assert L.overlap_possible(12.5, 10.0, 2.0) is False and L.overlap_possible(11.9, 10.0, 2.0) is True


def test_defaults_are_the_component_base_defaults():
    # component-base config/v1alpha1 RecommendedDefaultLeaderElectionConfiguration: 15 s / 10 s / 2 s
    assert (L.DEFAULTS.lease_duration, L.DEFAULTS.renew_deadline, L.DEFAULTS.retry_period) == (15.0, 10.0, 2.0)
    assert L.JITTER_FACTOR == 1.2   # client-go leaderelection.go JitterFactor
    with pytest.raises(ValueError, match="JitterFactor"):
        L.validate(15, 2.4, 2)      # 2.4 <= 2 × 1.2
    L.validate(15, 2.41, 2)
