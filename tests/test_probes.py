"""Tests for hakit.models.probes (kubelet probe timeline simulator)."""
import math

import pytest
from hypothesis import given, settings, strategies as st

from hakit.models.probes import (AppBehavior, ProbeSpec, restart_delay, scenario, scenario_names,
                                 simulate)


# ---- validation ---------------------------------------------------------------------------------

def test_defaults_match_kubernetes():
    p = ProbeSpec()
    assert (p.initialDelaySeconds, p.periodSeconds, p.timeoutSeconds,
            p.successThreshold, p.failureThreshold) == (0, 10, 1, 1, 3)


@pytest.mark.parametrize("field,value,msg", [
    ("periodSeconds", 0, "spec.containers[0].livenessProbe.periodSeconds: Invalid value: 0: must be greater than or equal to 1"),
    ("timeoutSeconds", 0, "timeoutSeconds: Invalid value: 0: must be greater than or equal to 1"),
    ("failureThreshold", 0, "failureThreshold: Invalid value: 0: must be greater than or equal to 1"),
    ("initialDelaySeconds", -1, "initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0"),
    ("successThreshold", 2, "livenessProbe.successThreshold: Invalid value: 2: must be 1"),
    ("periodSeconds", 1.5, "必须是整数"),
])
def test_validation_messages(field, value, msg):
    with pytest.raises(ValueError) as e:
        simulate(AppBehavior(), livenessProbe=ProbeSpec(**{field: value}))
    assert msg in str(e.value)


def test_startup_success_threshold_must_be_1_but_readiness_may_be_more():
    with pytest.raises(ValueError, match=r"startupProbe.successThreshold: Invalid value: 3: must be 1"):
        simulate(startupProbe=ProbeSpec(successThreshold=3))
    tl = simulate(AppBehavior(), readinessProbe=ProbeSpec(periodSeconds=5, successThreshold=3), horizon=60)
    # ready only after 3 consecutive successes: probes at 0, 5, 10 -> ready at ~10 s
    assert tl.ready and math.isclose(tl.ready[0][0], 10.05)


def test_bad_app_and_horizon():
    with pytest.raises(ValueError, match="horizon"):
        simulate(horizon=0)
    with pytest.raises(ValueError, match="startupSeconds"):
        simulate(AppBehavior(startupSeconds=-1))
    with pytest.raises(ValueError, match="未知场景"):
        scenario("nope")


# ---- documented examples ------------------------------------------------------------------------

def test_restart_delay_sequence():
    assert [restart_delay(k) for k in range(7)] == [10, 20, 40, 80, 160, 300, 300]
    with pytest.raises(ValueError):
        restart_delay(-1)


def test_slow_start_without_startup_probe_restart_loops():
    tl = simulate(**scenario("slow-start-no-startup"))
    # default liveness (period 10, failureThreshold 3) kills a 90 s start at 20 s, forever
    assert tl.runs[0].reason == "liveness" and tl.runs[0].end == pytest.approx(20.0)
    assert tl.restart_count >= 5
    assert tl.ready == []                       # never becomes Ready


def test_startup_probe_protects_slow_start():
    # startupProbe failureThreshold 30 x periodSeconds 10 = 300 s >= the 90 s start (K8S docs example)
    tl = simulate(**scenario("slow-start-with-startup"))
    assert tl.restart_count == 0
    assert tl.runs[0].started_at == pytest.approx(90.05)  # probe at 90 s answers in 0.05 s
    assert tl.ready[0][0] >= 90.0
    # liveness and readiness do not run before the startup probe succeeds
    assert all(p.time >= 90.0 for p in tl.probes if p.kind != "startup")
    assert all(p.time <= 90.0 for p in tl.probes if p.kind == "startup")


def test_startup_probe_too_short_kills_after_failure_threshold_times_period():
    app = AppBehavior(startupSeconds=90.0)
    tl = simulate(app, startupProbe=ProbeSpec(periodSeconds=10, failureThreshold=5),
                  livenessProbe=ProbeSpec(), horizon=100)
    # startup probes at 0,10,20,30,40 fail -> killed at 40 s = (5-1)*10
    assert tl.runs[0].reason == "startup" and tl.runs[0].killed_at == pytest.approx(40.0)


def test_hang_is_detected_by_liveness_and_restart_cures_it():
    tl = simulate(**scenario("hang"))
    assert tl.restart_count == 1
    kill = tl.runs[0].killed_at
    # probes at 120, 130, 140 time out (1 s each) -> kill at 141 s
    assert kill == pytest.approx(141.0)
    assert [p.reason for p in tl.probes_of("liveness") if 120 <= p.time <= 140] == ["hung"] * 3
    assert not tl.in_endpoints(135.0) and tl.in_endpoints(200.0)


def test_slow_responses_beyond_timeout_fail():
    tl = simulate(**scenario("slow-responses"))
    timeouts = [p for p in tl.probes if p.reason == "timeout"]
    assert timeouts and all(60 <= p.time < 120 for p in timeouts)
    assert all(p.duration == 1.0 for p in timeouts)
    assert tl.restart_count >= 1


def test_aggressive_liveness_back_off_grows():
    tl = simulate(**scenario("aggressive-liveness"))
    delays = [d for _e, d, _r in tl.restarts]
    assert delays[:7] == [0, 10, 20, 40, 80, 160, 300]


def test_readiness_failure_removes_from_endpoints_without_restart():
    tl = simulate(**scenario("readiness-failure"))
    assert tl.restart_count == 0
    assert tl.in_endpoints(50) and not tl.in_endpoints(100) and tl.in_endpoints(200)
    # out of endpoints after failureThreshold=2 failures (60, 65 s), back after first success
    assert tl.ready[0][1] == pytest.approx(65.05)


def test_back_off_resets_after_ten_minutes():
    app = AppBehavior(crashAfterSeconds=700.0)
    tl = simulate(app, horizon=2200)
    assert [d for _e, d, _r in tl.restarts] == [0, 0, 0]


@pytest.mark.parametrize("run_seconds, expected", [
    (595, [0, 10, 20, 40, 80, 160, 300]),   # exit 595 s after the restart: no reset, keeps doubling
    (600, [0, 10, 20, 40, 80, 160, 300]),   # HasExpiredFunc is "> 600 s"
    (601, [0, 0, 0, 0, 0, 0, 0]),           # every exit is > 600 s after the last restart
])
def test_back_off_reset_is_judged_by_exit_time(run_seconds, expected):
    # kuberuntime_manager.go doBackOff: IsInBackOffSince(key, FinishedAt) then Next(key, FinishedAt);
    # kubelet.go HasExpiredFunc: eventTime.Sub(lastUpdate) > 600 s, lastUpdate = the last restart.
    # With 595 s runs the restart after a 300 s wait comes 895 s after the previous one, yet the
    # exit that counts is only 595 s after it.
    tl = simulate(AppBehavior(crashAfterSeconds=run_seconds), horizon=run_seconds * 7 + 700)
    assert [d for _e, d, _r in tl.restarts][:7] == expected


@pytest.mark.parametrize("cap, expected", [
    (300, [0, 10, 20, 40, 80, 160, 300, 300]),
    (60, [0, 10, 20, 40, 60, 60, 60, 60]),
    (5, [0, 5, 5, 5, 5, 5, 5, 5]),           # below 10 s the initial delay is the cap
    (1, [0, 1, 1, 1, 1, 1, 1, 1]),
])
def test_node_max_container_restart_period(cap, expected):
    # KubeletCrashLoopBackOffMax (beta, on by default since 1.35): crashLoopBackOff.maxContainerRestartPeriod
    tl = simulate(AppBehavior(crashAfterSeconds=2), horizon=3000, maxContainerRestartPeriod=cap)
    assert [d for _e, d, _r in tl.restarts][:8] == expected
    assert [restart_delay(k, cap) for k in range(7)] == expected[1:]


@pytest.mark.parametrize("cap", [0, 0.5, 301, float("nan"), "300s", True])
def test_max_container_restart_period_is_validated(cap):
    with pytest.raises(ValueError, match="maxContainerRestartPeriod"):
        simulate(AppBehavior(crashAfterSeconds=2), horizon=100, maxContainerRestartPeriod=cap)
    with pytest.raises(ValueError, match="maxContainerRestartPeriod"):
        restart_delay(1, cap)


def test_liveness_kill_waits_termination_grace_period():
    # a hung container ignores SIGTERM: it runs until SIGKILL, terminationGracePeriodSeconds later
    tl = simulate(**scenario("hang"))
    assert tl.runs[0].killed_at == pytest.approx(141.0) and tl.runs[0].end == pytest.approx(171.0)
    assert tl.restarts[0] == (171.0, 0.0, 171.0)
    assert simulate(**{**scenario("hang"), "terminationGracePeriodSeconds": 0}).runs[0].end == pytest.approx(141.0)
    assert simulate(**{**scenario("hang"), "terminationGracePeriodSeconds": 60}).runs[0].end == pytest.approx(201.0)
    # the probe-level field overrides the Pod's for that probe's kills
    kw = {**scenario("hang"), "livenessProbe": ProbeSpec(terminationGracePeriodSeconds=5)}
    assert simulate(**kw).runs[0].end == pytest.approx(146.0)
    # a container that still answers stops at SIGTERM
    slow = simulate(**scenario("slow-start-no-startup"))
    assert slow.runs[0].end == slow.runs[0].killed_at == pytest.approx(20.0)


def test_probe_level_grace_period_is_validated():
    with pytest.raises(ValueError, match="readinessProbe.terminationGracePeriodSeconds"):
        simulate(readinessProbe=ProbeSpec(terminationGracePeriodSeconds=5))
    with pytest.raises(ValueError, match="livenessProbe.terminationGracePeriodSeconds"):
        simulate(livenessProbe=ProbeSpec(terminationGracePeriodSeconds=0))
    with pytest.raises(ValueError, match="terminationGracePeriodSeconds"):
        simulate(terminationGracePeriodSeconds=-1)


@settings(max_examples=80, deadline=None)
@given(delay=st.integers(0, 30), period=st.integers(1, 20), frac=st.floats(0, 0.999))
def test_first_probe_lands_within_one_period_of_initial_delay(delay, period, frac):
    # worker.go: the ticker is anchored to when the worker started, not to the container start;
    # doProbe skips while int32(time since StartedAt) < initialDelaySeconds
    phase = frac * period
    tl = simulate(AppBehavior(), livenessProbe=ProbeSpec(initialDelaySeconds=delay, periodSeconds=period),
                  horizon=200, probe_phase=phase)
    first = tl.probes_of("liveness")[0].time
    assert delay <= first < delay + period
    assert first == pytest.approx(phase + period * max(0, -(-(delay - phase) // period)))


def test_probe_phase_shifts_the_ticker():
    tl = simulate(AppBehavior(startupSeconds=30), livenessProbe=ProbeSpec(), horizon=60, probe_phase=7)
    assert [p.time for p in tl.probes_of("liveness")][:3] == [7, 17, 27]
    assert tl.runs[0].killed_at == pytest.approx(27.0)     # F-th failure at phase + (F-1)·period
    with pytest.raises(ValueError, match="probe_phase"):
        simulate(livenessProbe=ProbeSpec(), probe_phase=10)
    with pytest.raises(ValueError, match="probe_phase"):
        simulate(livenessProbe=ProbeSpec(), probe_phase={"livenes": 1})


def test_readiness_may_be_probed_on_demand_when_started():
    # prober_manager.go UpdatePodStatus: manualTriggerCh for a started container that is not Ready
    kw = scenario("slow-start-with-startup")
    assert simulate(**kw).ready[0][0] == pytest.approx(95.05)
    on_demand = simulate(**kw, readiness_on_demand=True)
    assert on_demand.ready[0][0] == pytest.approx(90.10)          # right after startup succeeds
    app = AppBehavior()
    late = dict(readinessProbe=ProbeSpec(periodSeconds=10), horizon=30, probe_phase=9)
    assert simulate(app, **late).ready[0][0] == pytest.approx(9.05)
    assert simulate(app, **late, readiness_on_demand=True).ready[0][0] == pytest.approx(0.05)
    assert [p.time for p in simulate(app, **late, readiness_on_demand=True).probes][:3] == [0, 9, 19]


def test_no_probes_means_ready_immediately():
    tl = simulate(AppBehavior(startupSeconds=30), horizon=60)
    assert tl.ready == [(0.0, 60.0)] and tl.probes == []


def test_all_scenarios_run():
    for name in scenario_names():
        tl = simulate(**scenario(name))
        assert tl.states and tl.states[-1][1] == tl.horizon


# ---- properties ---------------------------------------------------------------------------------

probe = st.builds(ProbeSpec, initialDelaySeconds=st.integers(0, 20), periodSeconds=st.integers(1, 15),
                  timeoutSeconds=st.integers(1, 3), failureThreshold=st.integers(1, 5))


@settings(max_examples=60, deadline=None)
@given(startup=st.floats(0, 60), crash=st.one_of(st.none(), st.floats(1, 40)), live=probe)
def test_restart_delays_follow_backoff(startup, crash, live):
    tl = simulate(AppBehavior(startupSeconds=startup, crashAfterSeconds=crash),
                  livenessProbe=live, horizon=1500)
    delays = [d for _e, d, _r in tl.restarts]
    if delays:
        assert delays[0] == 0
        for k, d in enumerate(delays[1:]):
            # runs here are shorter than 10 minutes, so the back-off is never reset
            assert d == restart_delay(k)


@settings(max_examples=80, deadline=None)
@given(hang=st.floats(30, 200), live=probe)
def test_kill_time_after_failure_onset(hang, live):
    tl = simulate(AppBehavior(startupSeconds=0, hangAt=hang), livenessProbe=live, horizon=400)
    run = next(r for r in tl.runs if r.start <= hang and (r.end is None or hang < r.end))
    if run.start + live.initialDelaySeconds + 1 > hang:
        return
    assert run.reason == "liveness"
    dt = run.killed_at - hang
    P, F, T = live.periodSeconds, live.failureThreshold, live.timeoutSeconds
    # [(F-1)P, FP+T] when timeoutSeconds <= periodSeconds; a worker probes sequentially, so a
    # probe slower than the period delays the next one: the period is then effectively max(P, T)
    assert (F - 1) * P - 1e-9 <= dt <= F * max(P, T) + T + 1e-9
    if T <= P:
        assert dt <= F * P + T + 1e-9


@settings(max_examples=80, deadline=None)
@given(startup=st.floats(0, 80), rp=probe, sp=st.one_of(st.none(), probe),
       fail=st.floats(0, 150), crash=st.one_of(st.none(), st.floats(5, 100)))
def test_never_in_endpoints_before_readiness_success_or_startup(startup, rp, sp, fail, crash):
    app = AppBehavior(startupSeconds=startup, crashAfterSeconds=crash, readinessFailIntervals=((fail, fail + 30),))
    tl = simulate(app, readinessProbe=rp, startupProbe=sp, livenessProbe=ProbeSpec(), horizon=300)
    for a, b in tl.ready:
        run = next(r for r in tl.runs if r.start <= a and (r.end is None or a < r.end))
        assert b <= (run.end if run.end is not None else tl.horizon)
        assert run.started_at is not None and a >= run.started_at
        ok = [p for p in tl.probes_of("readiness") if p.container == run.index and p.success
              and p.time + p.duration <= a + 1e-9]
        assert ok, f"ready at {a} without a successful readiness probe"


# ---- figure and widget --------------------------------------------------------------------------

def test_scenarios_figure_is_static_and_small():
    from hakit.figures.probes import probe_scenarios_figure
    fig = probe_scenarios_figure()
    steps = fig.layout.sliders[0].steps
    assert len(steps) == len(scenario_names()) and all(s.method == "update" for s in steps)
    assert sum(steps[3].args[0]["visible"]) == 11
    assert fig.layout.template.layout.paper_bgcolor == "white" or fig.layout.template is not None
    assert len(fig.to_json()) < 300_000


def test_widget_callback_and_error_message():
    from hakit.widgets.probes import LARGEST, probes_panel, render_probes
    fig = render_probes(**{**LARGEST, "horizon": 120})
    assert len(fig.data) == 11
    with pytest.raises(ValueError, match="livenessProbe.failureThreshold: Invalid value: 0"):
        render_probes(**{**LARGEST, "failureThreshold": 0})
    assert probes_panel().children


# ---- boundaries (mutation survivors) ------------------------------------------------------------

def test_records_are_frozen_and_defaults():
    from hakit.models.probes import ContainerRun, ProbeResult
    for obj, name in ((ProbeSpec(), "periodSeconds"), (AppBehavior(), "startupSeconds"),
                      (ProbeResult(0.0, "liveness", True, "ok", 0), "time"),
                      (ContainerRun(0, 0.0, None, "horizon", 0.0), "start")):
        with pytest.raises(Exception):
            setattr(obj, name, 1)
    assert ProbeResult(0.0, "liveness", True, "ok", 0).duration == 0.0
    assert simulate().horizon == 300.0


@pytest.mark.parametrize("app, fragment", [
    (AppBehavior(startupSeconds=None), "startupSeconds"),
    (AppBehavior(hangAt=-1), "hangAt"),
    (AppBehavior(crashAfterSeconds=0), "crashAfterSeconds"),
    (AppBehavior(readinessFailIntervals=((5, 1),)), "readinessFailIntervals"),
    (AppBehavior(readinessFailIntervals=("ab",)), "readinessFailIntervals"),
    (AppBehavior(readinessFailIntervals=((1, 2, 3),)), "readinessFailIntervals"),
    (AppBehavior(responseSeconds=lambda t: -1), "responseSeconds"),
    (AppBehavior(responseSeconds=lambda t: float("nan")), "responseSeconds"),
])
def test_app_behavior_is_validated(app, fragment):
    with pytest.raises(ValueError, match=fragment):
        simulate(app, livenessProbe=ProbeSpec(), readinessProbe=ProbeSpec(), horizon=30)


def test_response_exactly_at_timeout_succeeds():
    tl = simulate(AppBehavior(responseSeconds=1.0), livenessProbe=ProbeSpec(), horizon=30)
    assert [p.reason for p in tl.probes] == ["ok"] * 4
    tl = simulate(AppBehavior(responseSeconds=lambda t: 0.0), livenessProbe=ProbeSpec(), horizon=30)
    assert all(p.success and p.duration == 0.0 for p in tl.probes)


def test_states_and_runs():
    tl = simulate(**scenario("slow-start-with-startup"))
    assert tl.states == [(0.0, 90.05, "starting"), (90.05, 600.0, "running")]
    hang = simulate(**scenario("hang"))
    assert hang.states == [(0.0, 300.0, "running")]            # the restart at 171 s is immediate
    crash = simulate(AppBehavior(crashAfterSeconds=50), horizon=50)
    assert crash.states == [(0.0, 50.0, "running")]              # nothing of zero length at the horizon
    loop = simulate(**scenario("slow-start-no-startup"))
    assert [r.index for r in loop.runs] == list(range(len(loop.runs)))
    assert {p.container for p in loop.probes} == set(range(len(loop.runs)))
    # kills at 20 s (restart at once), 50 s (wait 10 s), 80 s (wait 20 s)
    assert loop.states[:3] == [(0.0, 50.0, "running"), (50.0, 60.0, "restarting"), (60.0, 80.0, "running")]


def test_a_probe_of_an_exited_container_is_ignored():
    # the probe started at 10 s (hung, 5 s timeout) ends at 15 s, after the crash at 12 s and the
    # immediate restart: its failure must not count against the new container
    tl = simulate(AppBehavior(hangAt=10, crashAfterSeconds=12),
                  livenessProbe=ProbeSpec(periodSeconds=10, timeoutSeconds=5, failureThreshold=1), horizon=40)
    assert [(r.index, r.end, r.reason) for r in tl.runs] == [(0, 12.0, "crash"), (1, 24.0, "crash"), (2, None, "horizon")]


def test_worker_is_on_hold_after_a_kill():
    # worker.go: onHold after a liveness failure until a new container; the hung container
    # still runs for the 30 s grace period but is not probed again
    hang = simulate(**scenario("hang"))
    assert [p.time for p in hang.probes_of("liveness") if 141 < p.time < 171] == []
    assert [p.time for p in hang.probes_of("liveness") if 171 <= p.time < 200] == [180, 190]


def test_probe_phase_defaults_to_zero_for_unnamed_kinds():
    tl = simulate(AppBehavior(), livenessProbe=ProbeSpec(), readinessProbe=ProbeSpec(), horizon=15,
                  probe_phase={"liveness": 3})
    assert [(p.kind, p.time) for p in tl.probes] == [("readiness", 0.0), ("liveness", 3.0),
                                                     ("readiness", 10.0), ("liveness", 13.0)]


#: The numbers the probes page quotes (book/n3/n3_2_4_probes.ipynb), pinned here so a change of a
#: scenario or a rule shows: (horizon, restart_count, exits, ready intervals, kill times).
SCENARIO_NUMBERS = {
    "healthy": (180.0, 0, 0, [(5.05, 180.0)], [None]),
    "slow-start-no-startup": (600.0, 6, 7, [], [20.0, 50.0, 80.0]),
    "slow-start-with-startup": (600.0, 0, 0, [(95.05, 600.0)], [None]),
    "hang": (300.0, 1, 1, [(5.05, 131.0), (180.05, 300.0)], [141.0, None]),
    "slow-responses": (300.0, 2, 2, [(5.2, 71.0), (130.2, 300.0)], [81.0, 111.0, None]),
    "aggressive-liveness": (900.0, 7, 8, [], [5.0, 10.0, 25.0]),
    "readiness-failure": (240.0, 0, 0, [(5.05, 65.05), (150.05, 240.0)], [None]),
}


@pytest.mark.parametrize("name", list(SCENARIO_NUMBERS))
def test_scenario_numbers_the_book_quotes(name):
    horizon, restarts, exits, ready, kills = SCENARIO_NUMBERS[name]
    tl = simulate(**scenario(name))
    assert (tl.horizon, tl.restart_count, len(tl.restarts)) == (horizon, restarts, exits)
    assert [tuple(round(x, 2) for x in r) for r in tl.ready] == ready
    assert [r.killed_at for r in tl.runs][:3] == kills
    assert tl.ready_seconds() == pytest.approx(sum(b - a for a, b in ready))
    assert all(a < b for a, b in tl.ready) and all(a < b for a, b, _ in tl.states)


def test_scenario_specs():
    assert scenario("slow-start-with-startup")["startupProbe"].failureThreshold == 30   # 30 × 10 = 300 s
    assert scenario("aggressive-liveness")["livenessProbe"] == ProbeSpec(initialDelaySeconds=5, periodSeconds=5,
                                                                         failureThreshold=1)


def test_in_endpoints_is_half_open():
    tl = simulate(**scenario("healthy"))
    assert not tl.in_endpoints(5.0) and tl.in_endpoints(5.05) and tl.in_endpoints(179.99)
    assert not tl.in_endpoints(180.0)


def test_restart_rows():
    tl = simulate(**scenario("slow-start-no-startup"))
    assert tl.restarts[:3] == [(20.0, 0.0, 20.0), (50.0, 10.0, 60.0), (80.0, 20.0, 100.0)]
    assert tl.restarts[1].restart_time == 60.0


def test_initial_delay_counts_from_each_container_start():
    tl = simulate(**scenario("aggressive-liveness"))
    for run in tl.runs:
        times = [p.time for p in tl.probes_of("liveness") if p.container == run.index]
        if times:
            assert min(times) >= run.start + 5


def test_more_validation_boundaries():
    simulate(livenessProbe=ProbeSpec(terminationGracePeriodSeconds=1), horizon=10)
    simulate(AppBehavior(crashAfterSeconds=0.5), horizon=2)
    simulate(horizon=0.5)
    simulate(horizon=86400)
    with pytest.raises(ValueError, match="horizon"):
        simulate(horizon=86401)
    with pytest.raises(ValueError, match="readinessFailIntervals"):
        simulate(AppBehavior(readinessFailIntervals=((5, 5),)))


def test_hang_at_container_start():
    tl = simulate(AppBehavior(hangAt=0), livenessProbe=ProbeSpec(), horizon=25)
    assert [p.reason for p in tl.probes][:3] == ["hung", "hung", "hung"]


def test_scenarios_match_their_titles():
    # the titles quote these numbers (90 s start, 15 s start, readiness every 5 s, 1.5 s replies 60–120 s)
    assert scenario("slow-start-no-startup")["app"].startupSeconds == 90.0
    assert scenario("aggressive-liveness")["app"].startupSeconds == 15.0
    assert all(scenario(n)["readinessProbe"].periodSeconds == 5 for n in scenario_names())
    slow = scenario("slow-responses")["app"]
    assert [slow.response_at(t) for t in (59.9, 60.0, 119.9, 120.0)] == [0.2, 1.5, 1.5, 0.2]
