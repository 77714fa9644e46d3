"""Pinning tests for hakit.models.sentinel: exact bounds worked out from the rules the module cites
(redis/redis src/sentinel.c 7.x timers and thresholds; HAProxy ``inter``/``fastinter``/``downinter``,
``rise``/``fall``), and medians of the random waits worked out from their distributions.

Timer: ``sentinelTimer`` sets ``server.hz = 10 + rand() % 10``, so one tick is 1000/hz ms, hz uniform in 10..19.
"""
from __future__ import annotations

import math
import random
import statistics

import pytest

from hakit.models import sentinel as S

TMIN, TMAX = 1000 / 19, 100.0
TICKS = [1000 / hz for hz in range(10, 20)]  # sentinelTimer: hz = 10 + rand() % 10


def _discrete_median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2 - 1], values[n // 2]  # the sample median lies between the two middle values


# --------------------------------------------------------------------------------------------- validation

@pytest.mark.parametrize("kw, frag", [
    (dict(sentinels=16), "sentinels"), (dict(sentinels=0), "sentinels"), (dict(sentinels=True), "sentinels"),
    (dict(sentinels=3.0), "sentinels"), (dict(sentinels_lost=-1), "sentinels_lost"),
    (dict(sentinels=3, sentinels_lost=4), "sentinels_lost"), (dict(samples=200_001), "samples"),
    (dict(seed=-(2**63) - 1), "seed"), (dict(seed=True), "seed"), (dict(rtt_ms=-0.5), "rtt_ms"),
    (dict(down_after_ms=math.nan), "down-after"), (dict(down_after_ms=math.inf), "down-after"),
    (dict(down_after_ms=True), "down-after"), (dict(down_after_ms="1000"), "down-after"),
    (dict(failover_timeout_ms=0), "failover-timeout"), (dict(fall=0), "fall"), (dict(inter_ms=0), "inter"),
    (dict(fastinter_ms=0), "fastinter"), (dict(downinter_ms=-1), "downinter"),
    (dict(timeout_check_ms=0), "timeout check"),
])
def test_timeline_rejects(kw, frag):
    with pytest.raises(ValueError, match=frag):
        S.failover_timeline(**kw)


def test_timeline_accepts_boundaries():
    assert S.failover_timeline(sentinels=15, quorum=8, samples=10).possible  # 15 is the upper bound
    assert S.failover_timeline(rtt_ms=0, samples=10).params["rtt_ms"] == 0.0  # rtt may be 0
    assert S.failover_timeline(seed=-(2**63), samples=10).possible
    t = S.failover_timeline(sentinels=1, quorum=1, samples=10)
    assert t.possible and t.params["sentinels_lost"] == 0
    # sentinels_lost may equal the Sentinel count (lo 0, hi sentinels)
    assert not S.failover_timeline(sentinels=3, sentinels_lost=3, samples=10).possible


def test_votes_needed_rejects_zero_sentinels():
    with pytest.raises(ValueError, match="sentinels"):
        S.votes_needed(0, 1)
    assert S.votes_needed(1, 1) == 1 and S.votes_needed(2, 1) == 2 and S.votes_needed(6, 1) == 4


@pytest.mark.parametrize("kw, frag", [
    (dict(inter_ms=0), "inter"), (dict(rise=0), "rise"), (dict(fastinter_ms=0), "fastinter"),
    (dict(downinter_ms=0), "downinter"), (dict(check_ms=-1), "check_ms"), (dict(inter_ms=True), "inter"),
    (dict(rise=1.0), "rise"),
])
def test_mark_up_rejects(kw, frag):
    with pytest.raises(ValueError, match=frag):
        S.haproxy_mark_up(**kw)


@pytest.mark.parametrize("kw, frag", [
    (dict(inter_ms=0), "inter"), (dict(fall=0), "fall"), (dict(fastinter_ms=-5), "fastinter"),
    (dict(check_fail_ms=-1), "check_fail_ms"),
])
def test_mark_down_rejects(kw, frag):
    with pytest.raises(ValueError, match=frag):
        S.haproxy_mark_down(**kw)


@pytest.mark.parametrize("kw, frag", [
    (dict(inter_ms=0), "inter"), (dict(rise=0), "rise"), (dict(fall=0), "fall"), (dict(fastinter_ms=0), "fastinter"),
    (dict(downinter_ms=0), "downinter"), (dict(wait_ms=-1), "wait_ms"), (dict(reconnect_ms=0), "reconnect_ms"),
    (dict(startup_ms=-1), "startup_ms"), (dict(samples=0), "samples"), (dict(samples=200_001), "samples"),
    (dict(seed="s"), "seed"),
])
def test_two_master_window_rejects(kw, frag):
    with pytest.raises(ValueError, match=frag):
        S.two_master_window(**kw)


# --------------------------------------------------------------------------------------------- HAProxy

def test_haproxy_mark_up_with_every_interval_distinct():
    # first success within [0, downinter], then rise-1 more at fastinter, each check takes check_ms
    assert S.haproxy_mark_up(1000, 3, fastinter_ms=200, downinter_ms=700, check_ms=5) == (415, 1115)  # 3 checks of 5 ms, 200 ms apart
    assert S.haproxy_mark_up(1000, 1, check_ms=0) == (0, 1000)
    assert S.haproxy_mark_up(300, 2) == (302, 602)  # fastinter = downinter = inter by default, two checks of 1 ms


def test_haproxy_mark_down_refused_checks():
    # crash (connection refused, check takes ~0 ms): first failure within [0, inter], fall-1 more at fastinter.
    assert S.haproxy_mark_down(1000, 2, fastinter_ms=400) == (400, 1400)
    assert S.haproxy_mark_down(1000, 3, fastinter_ms=200) == (400, 1400)
    assert S.haproxy_mark_down(700, 1) == (0, 700)
    assert S.haproxy_mark_down(700, 1, check_fail_ms=50) == (50, 750)  # fall 1: one check, no spacing involved


# --------------------------------------------------------------------------------------------- analytic bounds

def _rtt_bounds(rtt):
    return TMIN + rtt, TMAX + rtt


def test_crash_bounds_phase_by_phase():
    rtt = 3.0
    t = S.failover_timeline(down_after_ms=1500, inter_ms=400, fall=2, rise=3, fastinter_ms=100, downinter_ms=250,
                            rtt_ms=rtt, samples=400)
    sd, od, el, pr, up, old = (p.duration for p in t.phases)
    # crash: the reconnect PING leaves within one tick, the SDOWN check runs on the next tick
    assert (sd[0], sd[2]) == (1500, pytest.approx(1500 + 2 * TMAX))
    assert (od[0], od[2]) == pytest.approx(_rtt_bounds(rtt)) and (el[0], el[2]) == pytest.approx(_rtt_bounds(rtt))
    assert (pr[0], pr[2]) == pytest.approx((2 * TMIN + rtt, 2 * TMAX + rtt))  # SELECT_SLAVE, then SLAVEOF NO ONE
    # rise 3: three checks of rtt each, the next one fastinter after the previous ended
    assert (up[0], up[2]) == pytest.approx((2 * (100 + rtt) + rtt, 250 + 2 * (100 + rtt) + rtt))
    assert (old[0], old[2]) == (100, 500)  # crash: refused checks take ~0 ms
    lo = 1500 + 2 * (TMIN + rtt) + 2 * TMIN + rtt + 2 * (100 + rtt) + rtt
    hi = 1500 + 2 * TMAX + 2 * (TMAX + rtt) + 2 * TMAX + rtt + 250 + 2 * (100 + rtt) + rtt
    assert t.write_unavailable[0] == pytest.approx(lo) and t.write_unavailable[2] == pytest.approx(hi)
    assert t.all_writes_ok[0] == pytest.approx(lo) and t.all_writes_ok[2] == pytest.approx(hi)
    assert t.old_marked_down[0] == 100 and t.old_marked_down[2] == 500
    # phases chain on their typical durations; the old-master phase runs in parallel from 0
    assert t.phases[0].start == 0.0
    for a, b in zip(t.phases[:4], t.phases[1:5]):
        assert b.start == pytest.approx(a.end) and a.end == pytest.approx(a.start + a.duration[1])
    assert not any(p.parallel for p in t.phases[:5]) and t.phases[5].start == 0.0
    for p in t.phases:
        assert p.duration[0] <= p.duration[1] <= p.duration[2]


def test_hang_uses_the_ping_period_and_timeout_check():
    # hang: SDOWN counts from the first unanswered PING, sent every min(down-after, 1000) ms
    t = S.failover_timeline(down_after_ms=600, failure="hang", inter_ms=500, fall=2, rise=1, timeout_check_ms=300,
                            samples=400)
    sd = t.phases[0].duration
    assert sd[0] == 600 and sd[2] == pytest.approx(600 + 600 + TMAX)
    # fall 1: a single check started within [0, inter] that fails after timeout check
    t1 = S.failover_timeline(down_after_ms=600, failure="hang", inter_ms=1000, fall=1, timeout_check_ms=300,
                             samples=20_000, seed=6)
    assert (t1.old_marked_down[0], t1.old_marked_down[2]) == (300, 1300)
    assert t1.old_marked_down[1] == pytest.approx(500 + 300, abs=15)
    t2 = S.failover_timeline(down_after_ms=3000, failure="hang", samples=400)
    assert t2.phases[0].duration[2] == pytest.approx(3000 + 1000 + TMAX)


def test_after_failover_bounds_clamp_at_zero():
    # after a failover the timer may start a PING interval (ping + tick) before the crash or be delayed by
    # SENTINEL_PING_PERIOD + a tick; SDOWN cannot come before the crash itself
    t = S.failover_timeline(down_after_ms=100, after_failover=True, samples=400)
    sd, od = t.phases[0].duration, t.phases[1].duration
    assert sd[0] == 0.0 and sd[2] == pytest.approx(100 + 1000 + TMAX + TMAX)
    assert od[0] == 0.0 and od[2] == pytest.approx(TMAX + 1)
    t = S.failover_timeline(down_after_ms=5000, after_failover=True, samples=400)
    assert t.phases[0].duration[0] == pytest.approx(5000 - 1000 - TMAX)
    assert t.phases[0].duration[2] == pytest.approx(5000 + 1000 + 2 * TMAX)


def test_all_writes_ok_waits_for_the_old_master_to_be_marked_down():
    # HAProxy defaults inter 2000 fall 3 rise 2; down-after 1000
    t = S.failover_timeline(down_after_ms=1000, samples=2000)
    # SDOWN + 4 ticks + rtt 1 ms for ODOWN, election, promotion; then rise 2 checks of 1 ms, fastinter 2000 apart
    lo_total = 1000 + 4 * TMIN + 3 * 1 + (2000 + 1) + 1
    hi_total = 1000 + 2 * TMAX + 4 * TMAX + 3 * 1 + 2000 + (2000 + 1) + 1
    assert t.write_unavailable[0] == pytest.approx(lo_total) and t.write_unavailable[2] == pytest.approx(hi_total)
    assert t.old_marked_down[0] == 4000 and t.old_marked_down[2] == 6000
    assert t.all_writes_ok[0] == 4000 and t.all_writes_ok[2] == 6000
    assert t.all_writes_ok[1] >= t.write_unavailable[1] and t.all_writes_ok[1] >= t.old_marked_down[1]


# --------------------------------------------------------------------------------------------- medians

def test_typical_ticks_and_haproxy_waits_are_medians_of_their_distributions():
    rtt = 2.0
    t = S.failover_timeline(down_after_ms=1000, inter_ms=800, fall=3, rise=3, fastinter_ms=150, downinter_ms=600,
                            rtt_ms=rtt, samples=20_000, seed=11)
    sd, od, el, pr, up, old = (p.duration[1] for p in t.phases)
    a, b = _discrete_median(TICKS * 10)
    assert a + rtt - 1e-9 <= od <= b + rtt + 1e-9 and a + rtt - 1e-9 <= el <= b + rtt + 1e-9
    pa, pb = _discrete_median([x + y for x in TICKS for y in TICKS])
    assert pa + rtt - 0.5 <= pr <= pb + rtt + 0.5
    # up = U*downinter + (rise-1)*fastinter + rtt: symmetric, median = mean
    assert up == pytest.approx(300 + 2 * 150 + rtt, abs=12)
    # old down (crash, check 0): U*inter + (fall-1)*fastinter
    assert old == pytest.approx(400 + 2 * 150, abs=15) and t.old_marked_down[1] == old


def _sdown_samples(rng, n, alive, quorum, da, crash, ping):
    def tick():
        return 1000 / (10 + rng.randrange(10))
    out = []
    for _ in range(n):
        each = sorted((rng.random() * tick() if crash else rng.random() * ping) + da + rng.random() * tick()
                      for _ in range(alive))
        out.append(each[quorum - 1])
    return out


@pytest.mark.parametrize("sentinels, quorum, lost, failure", [
    (3, 2, 0, "crash"), (3, 3, 0, "crash"), (1, 1, 0, "crash"), (3, 1, 1, "hang"),
])
def test_sdown_typical_is_the_quorum_th_order_statistic(sentinels, quorum, lost, failure):
    # an independent draw of the documented rule: each alive Sentinel starts its clock at the reconnect PING
    # (crash: within one tick) or at the first unanswered PING (hang: within ping = min(da, 1000)), and sees
    # SDOWN on the tick after down-after; the failover is driven by the quorum-th Sentinel in SDOWN
    da = 700
    t = S.failover_timeline(down_after_ms=da, sentinels=sentinels, quorum=quorum, sentinels_lost=lost,
                            failure=failure, samples=8000, seed=3)
    ref = statistics.median(_sdown_samples(random.Random(99), 8000, sentinels - lost, quorum, da,
                                           failure == "crash", min(da, 1000)))
    assert t.phases[0].duration[1] == pytest.approx(ref, abs=5 if failure == "crash" else 15)


def test_sdown_typical_grows_with_quorum():
    typ = [S.failover_timeline(down_after_ms=1000, sentinels=3, quorum=q, samples=2000).phases[0].duration[1]
           for q in (1, 2, 3)]
    assert typ[0] + 10 < typ[1] < typ[2] - 10


def test_total_typical_is_the_median_of_the_summed_phases():
    t = S.failover_timeline(down_after_ms=1000, inter_ms=500, fall=2, rise=1, samples=20_000, seed=1)
    parts = sum(p.duration[1] for p in t.phases[:5])
    assert t.write_unavailable[1] == pytest.approx(parts, abs=25)  # medians of near-symmetric parts add up
    assert t.all_writes_ok[1] == t.write_unavailable[1]  # old master DOWN within 1000 ms, before any new UP


def test_not_possible_still_reports_old_master_down():
    t = S.failover_timeline(sentinels=3, quorum=2, sentinels_lost=2, inter_ms=1000, fall=2, samples=20_000)
    assert not t.possible and t.summary().startswith("无法故障转移")
    lo, typ, hi = t.old_marked_down
    assert (lo, hi) == (1000, 2000) and typ == pytest.approx(1500, abs=15)
    assert t.phases[0].duration == t.old_marked_down and t.phases[0].parallel


def test_no_failover_reason_boundaries():
    assert S.failover_timeline(sentinels=3, quorum=3, samples=10).possible  # quorum == sentinels
    assert S.failover_timeline(sentinels=5, quorum=3, sentinels_lost=2, samples=10).possible  # alive == quorum == need
    t = S.failover_timeline(sentinels=5, quorum=4, sentinels_lost=2, samples=10)
    assert not t.possible and "quorum=4" in t.reason
    t = S.failover_timeline(sentinels=4, quorum=1, sentinels_lost=2, samples=10)  # need 4/2+1 = 3
    assert not t.possible and "3 票" in t.reason
    assert S.failover_timeline(sentinels=4, quorum=1, sentinels_lost=1, samples=10).possible


def test_split_vote_retry_is_twice_failover_timeout():
    assert S.failover_timeline(failover_timeout_ms=5000, samples=10).split_vote_retry_ms == 10_000


# --------------------------------------------------------------------------------------------- two masters

def test_two_master_window_bounds():
    # INFO every 3000 ms, REPLICAOF once now - role_reported_time > 9000 (strictly): the 4th poll
    w = S.two_master_window(inter_ms=500, rise=2, fall=3, fastinter_ms=200, downinter_ms=400, info_period_ms=3000,
                            wait_ms=9000, reconnect_ms=800, startup_ms=50, samples=20_000, seed=2)
    assert w["info_polls"] == 4
    assert w["up"][0] == 50 + 200 and w["up"][2] == 50 + 400 + 200
    assert w["demoted"][0] == 50 + 12_000 and w["demoted"][2] == pytest.approx(50 + 800 + TMAX + 12_000)
    assert w["down"][0] == 50 + 12_000 + 400 and w["down"][2] == pytest.approx(50 + 800 + TMAX + 12_000 + 500 + 400)
    assert w["window"][0] == 12_050 + 400 - 650 and w["window"][2] == pytest.approx(12_950 + 900 - 250)
    # medians of symmetric sums of uniforms
    assert w["up"][1] == pytest.approx(50 + 200 + 200, abs=8)
    assert w["demoted"][1] == pytest.approx(50 + 400 + 50 + 12_000, abs=10)
    assert w["down"][1] == pytest.approx(50 + 450 + 12_000 + 250 + 400, abs=12)
    assert w["window"][1] == pytest.approx(13_150 - 450, abs=15)  # mean(down) - mean(up)


def test_two_master_window_defaults_and_clamp():
    w = S.two_master_window(samples=200)
    assert w["info_polls"] == 1  # 8000 < 10000: the first INFO after the report
    assert w["demoted"][0] == 100 + 10_000
    # a very slow HAProxy and an immediate demotion: the window is clamped at 0
    w = S.two_master_window(inter_ms=5000, rise=3, fall=1, info_period_ms=100, wait_ms=0, reconnect_ms=100,
                            startup_ms=0, samples=500)
    assert w["info_polls"] == 1 and w["window"] == (0.0, 0.0, 0.0)  # DOWN by 5300 ms, UP no earlier than 10000
    w = S.two_master_window(inter_ms=5000, rise=1, fall=1, info_period_ms=100, wait_ms=0, reconnect_ms=100,
                            startup_ms=0, samples=500)
    assert w["window"][0] == 0.0 and w["window"][2] == pytest.approx(100 + 100 + TMAX + 5000)
    w = S.two_master_window(wait_ms=0, startup_ms=0, samples=10)
    assert w["up"][0] == 2000 and w["info_polls"] == 1


# --------------------------------------------------------------------------------------------- defaults & details

def test_haproxy_defaults_are_the_documented_ones():
    # HAProxy 5.2: inter 2s, fall 3, rise 2 (fastinter/downinter default to inter); check time 1 ms
    assert S.haproxy_mark_up() == (2000 + 2, 4000 + 2)
    assert S.haproxy_mark_down() == (4000, 6000)
    assert S.haproxy_mark_up(0.5, 1, check_ms=0.5) == (0.5, 1.0)  # any positive interval is allowed
    assert S.haproxy_mark_down(0.5, 1, check_fail_ms=0.5) == (0.5, 1.0)


def test_default_parameters_of_the_timelines():
    t = S.failover_timeline()
    assert t.params["quorum"] == 2 and t.params["sentinels"] == 3 and t.params["rtt_ms"] == 1.0
    assert t == S.failover_timeline(samples=2000, seed=0)  # typical values: 2000 runs with seed 0
    w = S.two_master_window()
    assert w == S.two_master_window(samples=2000, seed=0)
    # defaults inter 2000 rise 2 fall 3: DOWN 4000..6000 after the demotion at 10100..11200
    assert w["down"][0] == 100 + 10_000 + 4000 and w["down"][2] == pytest.approx(100 + 1000 + TMAX + 10_000 + 6000)


def test_lab_parameters():
    # design doc "Lab facts": down-after-milliseconds 1000, HAProxy inter 500ms fall 2 rise 1; 3 Sentinels quorum 2
    assert S.LAB == {"down_after_ms": 1000, "sentinels": 3, "quorum": 2, "inter_ms": 500, "fall": 2, "rise": 1}
    assert S.LAB_MEASURED_FAILOVER_MS == 1900


def test_results_are_frozen():
    t = S.failover_timeline(samples=10)
    with pytest.raises(AttributeError):
        t.possible = False
    with pytest.raises(AttributeError):
        t.phases[0].start = 1.0


def test_smallest_counts_are_accepted():
    t = S.failover_timeline(fall=1, rise=1, samples=1)
    assert t.possible and t.old_marked_down[0] == 0.0 and t.old_marked_down[2] == 2000
    assert S.two_master_window(samples=1)["info_polls"] == 1
    with pytest.raises(ValueError, match="seed"):
        S.two_master_window(seed=-(2**63) - 1)
    assert S.two_master_window(seed=-(2**63), samples=1)["info_polls"] == 1


def test_rtt_adds_to_every_sentinel_step_and_the_new_up():
    rtt = 10.0
    t = S.failover_timeline(down_after_ms=1000, inter_ms=800, rise=2, fastinter_ms=100, downinter_ms=400, rtt_ms=rtt,
                            samples=20_000, seed=4)
    _sd, od, el, pr, up, _old = (p.duration[1] for p in t.phases)
    a, b = _discrete_median(TICKS * 10)
    assert a + rtt - 1e-9 <= od <= b + rtt + 1e-9 and a + rtt - 1e-9 <= el <= b + rtt + 1e-9
    assert up == pytest.approx(200 + (100 + rtt) + rtt, abs=6)  # U*downinter + (rise-1)*(fastinter + rtt) + rtt


def test_old_down_phase_is_the_parallel_haproxy_phase():
    t = S.failover_timeline(down_after_ms=1000, inter_ms=1000, fall=3, fastinter_ms=200, samples=20_000, seed=5)
    assert (t.old_marked_down[0], t.old_marked_down[2]) == (400, 1400)
    assert t.old_marked_down[1] == pytest.approx(500 + 400, abs=15)  # U*inter + (fall-1)*fastinter
    old = t.phases[-1]
    assert old.key == "old_down" and old.start == 0.0 and old.end == t.old_marked_down[1]


def test_all_writes_ok_typical_waits_for_old_down():
    # HAProxy defaults: old DOWN 4000..6000 (median 5000) while the new master is UP earlier, about 3.3..5.6 s
    t = S.failover_timeline(down_after_ms=1000, samples=4000)
    assert t.all_writes_ok[1] > t.write_unavailable[1] + 500
    assert t.all_writes_ok[1] >= t.old_marked_down[1]
