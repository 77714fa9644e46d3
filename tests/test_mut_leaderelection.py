"""Pinning tests for hakit.models.leaderelection, worked out from client-go tools/leaderelection:
``tryAcquireOrRenew`` (a standby records ``observedTime`` on its own clock whenever the record changes and may
take the lease once ``observedTime + leaseDurationSeconds`` is no longer After(now)), ``acquire`` polling
with ``wait.JitterUntil(RetryPeriod, JitterFactor=1.2)`` and ``NewLeaderElector``'s validation.
"""
from __future__ import annotations

import math

import pytest

from hakit.models import leaderelection as L


# --------------------------------------------------------------------------------------------- validation

def test_validation_boundaries():
    L.validate(10.01, 10, 2)       # leaseDuration must be > renewDeadline
    L.validate(15, 1.21, 1)        # renewDeadline must be > retryPeriod * 1.2
    with pytest.raises(ValueError, match="renewDeadline"):
        L.validate(15, 1.2, 1)
    with pytest.raises(ValueError, match="retryPeriod"):
        L.validate(15, 10, True)
    with pytest.raises(ValueError, match="renewDeadline"):
        L.validate(15, math.nan, 2)
    cfg = L.LeaderElectionConfig(20, 12, 3)
    assert (cfg.lease_duration, cfg.renew_deadline, cfg.retry_period) == (20, 12, 3)
    with pytest.raises(ValueError, match="leaseDuration"):
        L.LeaderElectionConfig(10, 10, 2)


def test_lease_seconds_and_stepdown_reject_bad_input():
    with pytest.raises(ValueError, match="leaseDuration"):
        L.lease_seconds(0)
    assert L.lease_seconds(0.5) == 0 and L.lease_seconds(1) == 1
    with pytest.raises(ValueError, match="renewDeadline"):
        L.stepdown_after(0, 2)
    with pytest.raises(ValueError, match="retryPeriod"):
        L.takeover_bounds(15, 0)
    assert L.stepdown_after(7, 3) == 10


def test_takeover_bounds_other_values():
    # jitter: the observing poll and the acquiring poll are each at most (1 + 1.2) * retryPeriod late
    assert L.takeover_bounds(15, 1) == (15, pytest.approx(15 + 4.4))
    assert L.takeover_bounds(20, 3) == (20, pytest.approx(20 + 13.2))
    # no jitter: ceil(leaseDuration / retryPeriod) polls
    assert L.takeover_bounds(15, 4, jitter=False) == (16, 20)
    assert L.takeover_bounds(12, 3, jitter=False) == (12, 15)
    assert L.takeover_bounds(13, 3, jitter=False) == (15, 18)


def test_overlap_boundary_and_validation():
    # standby after leaseDuration (whole seconds) vs leader giving up after retryPeriod + renewDeadline
    assert L.overlap_possible(12, 10, 2) is False        # 12 < 12 is false
    assert L.overlap_possible(12, 11, 2) is True         # 12 < 13
    assert L.overlap_possible(13, 11, 1) is False        # 13 < 12 is false
    with pytest.raises(ValueError, match="leaseDuration"):
        L.overlap_possible(10, 10, 2)


# --------------------------------------------------------------------------------------------- simulate

def _check_no_jitter_single(death, ld, rp, seed):
    """No jitter: polls at t0, t0+rp, ...; the first poll at or after the last renewal r observes it at
    o = r + t0 (t0 in [0, rp)), and the lease is taken at the first poll with o + ld <= t."""
    tl = L.simulate(death, ld, ld - 1, rp, standbys=1, seed=seed, jitter=False)
    polls = tl.polls[0]
    t0 = polls[0][0]
    assert 0 <= t0 < rp
    k = math.ceil(death / rp - 1e-12)
    r = (k - 1) * rp                          # renewals 0, rp, ... strictly before death
    assert tl.renewals == [i * rp for i in range(k)] and tl.last_renewal == r
    o = r + t0
    n = math.ceil(ld / rp - 1e-12)            # polls after o until o + ld <= o + n*rp
    assert tl.observed == [pytest.approx(o)] and tl.expiry == [pytest.approx(o + ld)]
    assert tl.takeover_at == pytest.approx(o + n * rp) and tl.new_leader == 1
    assert tl.gap == pytest.approx(o + n * rp - death)
    assert tl.since_last_renewal == pytest.approx(t0 + n * rp)
    times = [t for t, _ in polls]
    assert times == pytest.approx([t0 + i * rp for i in range(len(times))], abs=1e-5)
    assert all(v for _, v in polls[:-1]) and polls[-1][1] is False
    assert len(polls) == round((o + n * rp - t0) / rp) + 1
    return tl


@pytest.mark.parametrize("death, ld, rp, seed", [
    (20, 15, 2, 0), (20, 15, 2, 7), (21, 15, 2, 1), (9, 16, 2, 2), (10, 13, 3, 4), (0.5, 11, 1, 5),
])
def test_no_jitter_takeover_is_exact(death, ld, rp, seed):
    _check_no_jitter_single(death, ld, rp, seed)


def test_horizon_defaults_and_cut():
    # default horizon: death + upper takeover bound + one more retryPeriod
    assert L.simulate(20, jitter=False, standbys=1).horizon == pytest.approx(20 + 18 + 2)
    assert L.simulate(20, jitter=True, standbys=1).horizon == pytest.approx(20 + 23.8 + 2)
    # a horizon before the lease can expire: no takeover at all
    tl = L.simulate(20, jitter=False, standbys=2, horizon=30)
    assert tl.takeover_at is None and tl.new_leader is None
    assert tl.gap == math.inf and tl.since_last_renewal == math.inf
    assert all(t <= 30 for p in tl.polls for t, _ in p) and all(v for p in tl.polls for _, v in p)
    assert max(t for p in tl.polls for t, _ in p) > 28   # polls run up to the horizon (every 2 s)
    with pytest.raises(ValueError, match="horizon"):
        L.simulate(20, horizon=0)


def test_several_standbys_the_earliest_expiry_wins():
    tl = L.simulate(20, 15, 10, 2, standbys=4, seed=8, jitter=False)
    phases = [p[0][0] for p in tl.polls]
    # no jitter: standby s takes over at 18 + t0_s + 16, so the smallest phase wins
    win = min(range(4), key=lambda s: phases[s])
    assert tl.new_leader == win + 1
    assert tl.takeover_at == pytest.approx(18 + phases[win] + 16)
    assert tl.observed == pytest.approx([18 + t0 for t0 in phases])
    assert tl.expiry == pytest.approx([33 + t0 for t0 in phases])
    for s, p in enumerate(tl.polls):
        if s != win:  # the lease is the new leader's after takeover: later polls are dropped
            assert p and all(t < tl.takeover_at for t, _ in p) and all(v for _, v in p)
    assert tl.polls[win][-1] == (round(tl.takeover_at, 6), False)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_jittered_polls_follow_wait_jitter(seed):
    # wait.Jitter(d, 1.2): d + rand * 1.2 * d, so every gap lies in [rp, 2.2 rp)
    rp = 2.0
    tl = L.simulate(30, 15, 10, rp, standbys=3, seed=seed, jitter=True)
    for p in tl.polls:
        assert 0 <= p[0][0] < rp
        gaps = [b[0] - a[0] for a, b in zip(p, p[1:])]
        assert gaps and all(rp - 1e-5 <= g < 2.2 * rp + 1e-5 for g in gaps)
        assert any(g > rp + 0.05 for g in gaps)  # jitter actually applied
    w = tl.polls[tl.new_leader - 1]
    obs, exp = tl.observed[tl.new_leader - 1], tl.expiry[tl.new_leader - 1]
    assert exp == pytest.approx(obs + 15)
    assert obs >= tl.last_renewal == 28.0 and obs - tl.last_renewal < 2.2 * rp
    # the winner's last valid poll is before its expiry, and it takes over on the first poll at or after it
    assert w[-2][0] < exp <= w[-1][0] == pytest.approx(tl.takeover_at, abs=1e-5)


def test_lease_record_whole_seconds_are_used_for_expiry():
    # leaseDurationSeconds = int(15.9 s) = 15: observed + 15 (not 15.9)
    tl = L.simulate(20, 15.9, 10, 2, standbys=1, seed=4, jitter=False)
    assert tl.expiry[0] == pytest.approx(tl.observed[0] + 15)


def test_simulate_accepts_nine_standbys():
    tl = L.simulate(20, standbys=9, seed=0)
    assert len(tl.polls) == 9 and 1 <= tl.new_leader <= 9


def test_defaults_of_the_helpers():
    assert L.takeover_bounds() == (15, pytest.approx(23.8))     # 15 s lease, 2 s retry
    assert L.takeover_bounds(jitter=False) == (16, 18)
    assert L.stepdown_after() == 12.0
    assert L.stepdown_after(renew_deadline=5) == 7.0 and L.stepdown_after(retry_period=1) == 11.0
    # overlap with one parameter changed against the defaults 15 / 10 / 2
    assert L.overlap_possible(lease_duration=12) is False       # 12 < 2 + 10 is false
    assert L.overlap_possible(renew_deadline=13.5) is True      # 15 < 15.5
    assert L.overlap_possible(lease_duration=13, retry_period=3.5) is True  # 13 < 13.5


def test_simulate_defaults():
    tl = L.simulate()
    assert tl.death_at == 20.0 and tl.config == L.DEFAULTS and len(tl.polls) == 2
    assert tl.takeover_at == L.simulate(seed=0).takeover_at
    gaps = [b[0] - a[0] for p in tl.polls for a, b in zip(p, p[1:])]
    assert any(g > 2.05 for g in gaps)                           # jitter is on by default
    with pytest.raises(AttributeError):
        tl.config.lease_duration = 1.0


def test_jitter_reaches_the_top_of_its_range():
    # wait.Jitter(d, 1.2) is uniform on [d, 2.2 d): over many polls some gap exceeds 2 d
    gaps = []
    for seed in range(6):
        tl = L.simulate(60, 15, 10, 1.0, standbys=3, seed=seed)
        gaps += [b[0] - a[0] for p in tl.polls for a, b in zip(p, p[1:])]
    assert len(gaps) > 100 and max(gaps) > 2.0 and min(gaps) >= 1.0 - 1e-5 and max(gaps) < 2.2 + 1e-5
    assert sum(gaps) / len(gaps) == pytest.approx(1.6, abs=0.1)   # mean d * (1 + 1.2/2)
