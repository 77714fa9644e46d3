"""Tests for hakit.models.rollout (Deployment RollingUpdate controller semantics).

Unit vectors are the cases of the upstream Go tests (kubernetes/kubernetes):
- pkg/controller/deployment/util/deployment_util_test.go: TestResolveFenceposts,
  TestNewRSNewReplicas, TestMaxUnavailable
- pkg/controller/deployment/rolling_test.go: TestDeploymentController_reconcileNewReplicaSet,
  TestDeploymentController_reconcileOldReplicaSets, TestDeploymentController_cleanupUnhealthyReplicas,
  TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate
- pkg/apis/apps/validation/validation_test.go (TestValidateDeployment error cases)
"""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from hakit.models import rollout as R


# --------------------------------------------------------------------------- ResolveFenceposts
@pytest.mark.parametrize("surge, unavailable, desired, expected", [
    ("0%", "0%", 0, (0, 1)),
    ("39%", "39%", 10, (4, 3)),
    (None, "39%", 10, (0, 3)),
    ("39%", None, 10, (4, 0)),
    (None, None, 10, (0, 1)),
    # integer values are used as they are
    (3, 2, 10, (3, 2)),
    ("25%", "25%", 8, (2, 2)),
    ("25%", "25%", 10, (3, 2)),
    ("1%", "1%", 2, (1, 0)),
])
def test_resolve_fenceposts_upstream(surge, unavailable, desired, expected):
    assert R.resolve_fenceposts(surge, unavailable, desired) == expected


@pytest.mark.parametrize("surge, unavailable", [("oops", "39%"), ("55%", "urg"), ("5", "1"), ("25 %", 1)])
def test_resolve_fenceposts_rejects_non_percent_strings(surge, unavailable):
    with pytest.raises(ValueError, match="spec.strategy.rollingUpdate"):
        R.resolve_fenceposts(surge, unavailable, 10)


def test_resolve_fenceposts_rejects_bad_types():
    with pytest.raises(ValueError):
        R.resolve_fenceposts(1.5, 1, 10)
    with pytest.raises(ValueError):
        R.resolve_fenceposts(True, 1, 10)
    with pytest.raises(ValueError):
        R.resolve_fenceposts(1, 1, -1)


@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 500))
@settings(max_examples=200, deadline=None)
def test_resolve_fenceposts_rounding(ps, pu, n):
    s, u = R.resolve_fenceposts(f"{ps}%", f"{pu}%", n)
    exact_s, exact_u = ps * n / 100, pu * n / 100
    assert s - 1 < exact_s <= s                      # surge rounds up
    if not (s == 0 and pu * n // 100 == 0):
        assert u <= exact_u < u + 1                  # unavailable rounds down
    else:
        assert u == 1                                # both zero -> unavailable 1


# --------------------------------------------------------------------------- MaxUnavailable
@pytest.mark.parametrize("replicas, unavailable, expected", [
    (10, 5, 5), (10, 10, 10), (5, 10, 5), (0, 10, 0), (10, "50%", 5), (10, "100%", 10), (5, "100%", 5),
])
def test_max_unavailable_upstream(replicas, unavailable, expected):
    # TestMaxUnavailable uses maxSurge 1
    assert R.max_unavailable(replicas, 1, unavailable) == expected


# --------------------------------------------------------------------------- NewRSNewReplicas
@pytest.mark.parametrize("dep, new, surge, expected", [
    (1, 5, 1, 5),    # can not scale up - to newRSReplicas
    (6, 2, 10, 6),   # scale up - to depReplicas
])
def test_new_rs_new_replicas_upstream(dep, new, surge, expected):
    # upstream passes allRSs = [rs5]: 5 pods in all
    assert R.new_rs_new_replicas(dep, surge, 5, new) == expected


@pytest.mark.parametrize("surge, old, new, expected", [
    (0, 10, 0, 0),     # should not scale up
    (2, 10, 0, 2),
    (2, 5, 0, 7),
    (2, 10, 2, 2),
    (2, 2, 11, 10),    # should scale down
])
def test_reconcile_new_replica_set_upstream(surge, old, new, expected):
    assert R.new_rs_target(10, surge, 0, old, new) == expected


# --------------------------------------------------------------------------- reconcileOldReplicaSets
@pytest.mark.parametrize("unavailable, old, new, ready_old, ready_new, expected", [
    (0, 10, 0, 10, 0, 9),
    (2, 10, 0, 10, 0, 8),
    (2, 10, 0, 8, 0, 8),   # unhealthy old replicas are cleaned up
    (2, 10, 0, 9, 0, 8),   # 1 unhealthy cleaned up, 1 ready scaled down
    (2, 8, 2, 8, 0, 8),    # unavailable new pods must not make us scale down old ones
])
def test_reconcile_old_replica_sets_upstream(unavailable, old, new, ready_old, ready_new, expected):
    # upstream: deployment("foo", 10, maxSurge=0, maxUnavailable)
    assert R.old_rs_target(10, 0, unavailable, old, ready_old, new, ready_new) == expected


def test_reconcile_old_rollback_example_from_source_comment():
    # rolling.go comment, case 1: 10 replicas, maxUnavailable 2, maxSurge 3; the user rolls back
    # to the good RS (new: 8 replicas, 7 available after a node failure); the crashlooping RS of
    # 5 is "old": maxScaledDown = 13 - 8 - 1 = 4 of its pods are cleaned up.
    assert R.old_rs_target(10, 3, 2, 5, 0, 8, 7) == 1


@pytest.mark.parametrize("old, ready, max_cleanup, expected", [
    (10, 8, 1, 1), (10, 8, 3, 2), (10, 8, 0, 0), (10, 10, 3, 0),
])
def test_cleanup_unhealthy_replicas_upstream(old, ready, max_cleanup, expected):
    assert R.cleanup_unhealthy_replicas(old, ready, max_cleanup) == expected


@pytest.mark.parametrize("unavailable, ready, old, expected", [
    (0, 10, 10, 9), (2, 10, 10, 8), (2, 8, 10, 10), (2, 1, 10, 10), (2, 10, 0, 0),
])
def test_scale_down_old_replica_sets_upstream(unavailable, ready, old, expected):
    assert R.scale_down_old_replica_sets(10, 0, unavailable, old, ready) == expected


def test_old_rs_target_validates():
    with pytest.raises(ValueError, match="availableReplicas"):
        R.old_rs_target(10, 1, 1, 5, 6, 0, 0)
    with pytest.raises(ValueError):
        R.old_rs_target(10, 1, "x", 5, 5, 0, 0)


# --------------------------------------------------------------------------- validation
def test_validate_both_zero_message():
    with pytest.raises(ValueError) as exc:
        R.validate_strategy(0, 0)
    msg = str(exc.value)
    assert "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0" in msg
    assert "may not be 0 when `maxSurge` is 0" in msg
    assert "不能与 maxSurge 同时为 0" in msg


@pytest.mark.parametrize("surge, unavailable, fragment", [
    ("0%", 0, "may not be 0"),
    (0, "0%", "may not be 0"),
    (None, None, "may not be 0"),
    (1, "110%", "100%"),
    ("20Percent", 1, "maxSurge"),
    (-1, 1, "maxSurge: Invalid value: -1"),
    (1, "-10%", "maxUnavailable"),
    (1, "+5%", "maxUnavailable"),
    (1.0, 1, "maxSurge"),
])
def test_validate_rejects(surge, unavailable, fragment):
    with pytest.raises(ValueError, match=None) as exc:
        R.validate_strategy(surge, unavailable)
    assert fragment in str(exc.value)


@pytest.mark.parametrize("surge, unavailable", [(0, 1), (1, 0), ("25%", "25%"), ("200%", 0), (0, "100%"), (5, 20)])
def test_validate_accepts(surge, unavailable):
    assert R.validate_strategy(surge, unavailable) is None
    assert R.validate_strategy(surge, unavailable, replicas=3) is None


def test_validate_replicas():
    with pytest.raises(ValueError, match="spec.replicas"):
        R.validate_strategy(1, 1, replicas=-1)


def test_parse_int_or_percent():
    assert R.parse_int_or_percent(" 3 ") == 3
    assert R.parse_int_or_percent("25%") == "25%"
    assert R.parse_int_or_percent(2) == 2
    with pytest.raises(ValueError):
        R.parse_int_or_percent("abc")


# --------------------------------------------------------------------------- simulation
def _rows(r):
    return [(s.time, s.old_replicas, s.new_replicas, s.available) for s in r.steps]


def test_simulate_source_comment_example():
    # rolling.go comment: 10 replicas, maxUnavailable 2, maxSurge 3 -> newRS created with 3,
    # old scaled down to 8, new scaled up to 5 (13 pods, 8 available).
    r = R.simulate(10, 3, 2, startup_seconds=10)
    assert _rows(r) == [
        (0.0, 8, 3, 8), (0.0, 8, 5, 8),
        (10.0, 3, 5, 8), (10.0, 3, 10, 8),
        (20.0, 0, 10, 10), (20.0, 0, 10, 10),
    ]
    assert r.complete and r.completed_at == 20.0
    # the status a sync writes is computed from the ReplicaSets as that sync saw them, so the
    # completion shows in the sync the last scale-down triggers
    assert [s.progressing_reason for s in r.steps] == [
        "NewReplicaSetCreated", "ReplicaSetUpdated", "ReplicaSetUpdated", "ReplicaSetUpdated",
        "ReplicaSetUpdated", "NewReplicaSetAvailable"]
    assert max(s.total_pods for s in r.steps) == 13


def test_simulate_min_ready_seconds_delays_availability():
    r = R.simulate(4, 1, 0, startup_seconds=5, min_ready_seconds=3)
    # each wave: ready at +5, available at +8 -> 4 waves of 8 s
    assert r.complete and r.completed_at == 32.0
    ready_not_avail = [s for s in r.steps if s.new_ready > s.new_available]
    assert ready_not_avail, "a step must show a ready but not yet available pod"


def test_simulate_bad_image_stalls_and_times_out():
    r = R.simulate(10, 3, 2, startup_seconds=10, new_version_ready=False, progress_deadline_seconds=600)
    assert not r.complete
    last = r.steps[-1]
    assert (last.old_replicas, last.new_replicas, last.available) == (8, 5, 8)
    assert last.progressing == "False" and last.progressing_reason == "ProgressDeadlineExceeded"
    assert r.deadline_exceeded_at == 601.0  # requeueStuckDeployment: lastUpdate + 600 s + 1 s
    assert all(s.available_condition == "True" for s in r.steps)


def test_docs_nginx_1_161_example():
    # Deployment docs, "Failed Deployment" / "Rolling Back a Deployment": nginx:1.161 never
    # pulls; rollout status waits at "1 out of 3 new replicas have been updated", describe shows
    # Progressing True ReplicaSetUpdated, then (after progressDeadlineSeconds) False
    # ProgressDeadlineExceeded. progress.go syncRolloutStatus / deployment_util.go DeploymentProgressing.
    r = R.simulate(3, "25%", "25%", new_version_ready=False, progress_deadline_seconds=600)
    assert [(s.time, s.old_replicas, s.new_replicas, s.progressing, s.progressing_reason) for s in r.steps] == [
        (0.0, 3, 1, "True", "NewReplicaSetCreated"),
        (0.0, 3, 1, "True", "ReplicaSetUpdated"),          # the sync after the new RS has its pod
        (601.0, 3, 1, "False", "ProgressDeadlineExceeded"),
    ]
    assert all(s.available_condition == "True" for s in r.steps)
    assert not r.complete and r.deadline_exceeded_at == 601.0
    short = R.simulate(3, "25%", "25%", new_version_ready=False, progress_deadline_seconds=30)
    assert short.deadline_exceeded_at == 31.0


@pytest.mark.parametrize("deadline", [None, R.MAX_PROGRESS_DEADLINE_SECONDS])
def test_no_progress_deadline_means_no_progressing_condition(deadline):
    # deployment_util.go HasProgressDeadline: nil or math.MaxInt32; progress.go removes the condition
    stuck = R.simulate(3, "25%", "25%", new_version_ready=False, progress_deadline_seconds=deadline)
    assert all(s.progressing == "" and s.progressing_reason == "" for s in stuck.steps)
    assert not stuck.complete and stuck.deadline_exceeded_at is None
    ok = R.simulate(3, "25%", "25%", progress_deadline_seconds=deadline)
    assert ok.complete and all(s.progressing == "" for s in ok.steps)


def test_has_progress_deadline():
    assert R.has_progress_deadline(600) and R.has_progress_deadline(2147483646)
    assert not R.has_progress_deadline(None) and not R.has_progress_deadline(2147483647)
    with pytest.raises(ValueError, match="progressDeadlineSeconds"):
        R.has_progress_deadline(2147483648)
    with pytest.raises(ValueError, match="progressDeadlineSeconds"):
        R.has_progress_deadline(-1)


def test_simulate_uses_the_public_step_functions(monkeypatch):
    calls = {"new": 0, "old": 0}
    new_rs_target, reconcile_old = R.new_rs_target, R.reconcile_old_replica_sets

    def spy_new(*a):
        calls["new"] += 1
        return new_rs_target(*a)

    def spy_old(*a):
        calls["old"] += 1
        return reconcile_old(*a)

    monkeypatch.setattr(R, "new_rs_target", spy_new)
    monkeypatch.setattr(R, "reconcile_old_replica_sets", spy_old)
    assert R.simulate(10, 3, 2).complete
    assert calls["new"] >= 5 and calls["old"] >= 3


@pytest.mark.parametrize("args, expected", [
    ((10, 0, 2, 10, 10, 0, 0), (8, 0, 2)),
    ((10, 0, 2, 10, 8, 0, 0), (8, 2, 0)),      # unhealthy old pods cleaned up first
    ((10, 0, 2, 10, 9, 0, 0), (8, 1, 1)),
    ((10, 0, 2, 8, 8, 2, 0), (8, 0, 0)),       # unavailable new pods block the scale-down
    ((10, 3, 2, 5, 0, 8, 7), (1, 4, 0)),       # rolling.go comment, case 1 (rollback)
    ((10, 3, 2, 0, 0, 10, 10), (0, 0, 0)),
])
def test_reconcile_old_replica_sets_steps(args, expected):
    assert tuple(R.reconcile_old_replica_sets(*args)) == expected
    assert R.old_rs_target(*args) == expected[0]


@pytest.mark.parametrize("call", [
    lambda: R.resolve_fenceposts("-5%", "25%", 10),
    lambda: R.resolve_fenceposts(-3, 1, 10),
    lambda: R.max_unavailable(10, 1, "150%"),
    lambda: R.new_rs_new_replicas(10, "+5%", 10, 0),
    lambda: R.scale_down_old_replica_sets(10, 0, "101%", 10, 10),
    lambda: R.cleanup_unhealthy_replicas(5, 6, 1),
    lambda: R.reconcile_old_replica_sets(10, 1, 1, 5, 5, 2, 3),
])
def test_public_helpers_validate(call):
    # review code.md §10: no silent acceptance or clamp (the API server rejects these values)
    with pytest.raises(ValueError):
        call()


def test_max_unavailable_integer_above_replicas_is_capped_as_upstream():
    assert R.max_unavailable(4, 0, 10) == 4 and R.max_unavailable(4, "25%", "100%") == 4


def test_simulate_rollback_restores():
    r = R.simulate(10, 3, 2, startup_seconds=10, new_version_ready=False, rollback_at=700)
    assert r.complete
    last = r.steps[-1]
    assert (last.old_replicas, last.new_replicas, last.available) == (10, 0, 10)
    assert last.rolled_back and last.progressing_reason == "NewReplicaSetAvailable"
    assert r.completed_at == 710.0


def test_simulate_without_progress_deadline():
    # progress.go: "If there is no progressDeadlineSeconds set, remove any Progressing condition."
    r = R.simulate(10, 3, 2, progress_deadline_seconds=None)
    assert r.complete and r.completed_at == 20.0
    assert all(s.progressing == "" and s.progressing_reason == "" for s in r.steps)
    stuck = R.simulate(10, 3, 2, progress_deadline_seconds=None, new_version_ready=False)
    assert not stuck.complete and stuck.deadline_exceeded_at is None


def test_simulate_rejects_invalid():
    with pytest.raises(ValueError, match="may not be 0"):
        R.simulate(3, 0, 0)
    with pytest.raises(ValueError, match="progressDeadlineSeconds"):
        R.simulate(3, 1, 0, min_ready_seconds=700, progress_deadline_seconds=600)
    with pytest.raises(ValueError):
        R.simulate(3, 1, 0, startup_seconds=-1)


def test_simulate_zero_replicas():
    r = R.simulate(0)
    assert r.complete and r.steps[-1].total_pods == 0


def test_simulate_1000_replicas():
    r = R.simulate(1000)
    assert r.complete and max(s.total_pods for s in r.steps) == 1250
    assert min(s.available for s in r.steps) == 750


# --------------------------------------------------------------------------- properties
def _int_or_pct(replicas):
    return st.one_of(st.none(), st.integers(0, replicas + 5),
                     st.integers(0, 100).map(lambda p: f"{p}%"))


@st.composite
def scenarios(draw, min_replicas=0):
    replicas = draw(st.integers(min_replicas, 200))
    surge = draw(_int_or_pct(replicas))
    unavailable = draw(_int_or_pct(replicas))
    try:
        R.validate_strategy(surge, unavailable)
    except ValueError:
        assume(False)
    startup = draw(st.integers(1, 60))
    min_ready = draw(st.integers(0, 20))
    return replicas, surge, unavailable, startup, min_ready


@given(scenarios())
@settings(max_examples=60, deadline=None)
def test_property_rollout_bounds_and_completion(sc):
    replicas, surge, unavailable, startup, min_ready = sc
    r = R.simulate(replicas, surge, unavailable, startup_seconds=startup, min_ready_seconds=min_ready)
    s_pods, _ = R.resolve_fenceposts(surge, unavailable, replicas)
    floor = replicas - R.max_unavailable(replicas, surge, unavailable)
    for s in r.steps:
        assert s.total_pods <= replicas + s_pods
        assert s.available >= floor
    last = r.steps[-1]
    assert r.complete
    assert (last.old_replicas, last.new_replicas, last.new_available) == (0, replicas, replicas)
    assert last.progressing_reason == "NewReplicaSetAvailable"


@given(scenarios(min_replicas=1), st.integers(30, 900))
@settings(max_examples=60, deadline=None)
def test_property_bad_image_stalls(sc, deadline):
    replicas, surge, unavailable, startup, min_ready = sc
    assume(deadline > min_ready)
    r = R.simulate(replicas, surge, unavailable, startup_seconds=startup, min_ready_seconds=min_ready,
                   progress_deadline_seconds=deadline, new_version_ready=False)
    s_pods, _ = R.resolve_fenceposts(surge, unavailable, replicas)
    floor = replicas - R.max_unavailable(replicas, surge, unavailable)
    assert not r.complete
    for s in r.steps:
        assert s.total_pods <= replicas + s_pods
        assert s.old_available >= floor
        assert s.new_available == 0
        if s.time <= deadline:
            assert s.progressing == "True"
    assert r.deadline_exceeded_at == deadline + 1
    assert r.steps[-1].progressing_reason == "ProgressDeadlineExceeded"


# --------------------------------------------------------------------------- figures and widget
from conftest import valid_plotly as _valid_plotly  # noqa: E402


def test_rollout_figure():
    from hakit.figures.rollout import rollout_figure
    r = R.simulate(10, 3, 2)
    fig = rollout_figure(r)
    _valid_plotly(fig)
    assert [d.name for d in fig.data][:4] == ["旧版本（修订版本 1）就绪", "旧版本（修订版本 1）未就绪",
                                              "新版本（修订版本 2）就绪", "新版本（修订版本 2）未就绪"]
    ys = sorted(s.y0 for s in fig.layout.shapes if s.y0 == s.y1)
    assert ys == [8, 13]                     # replicas - maxUnavailable, replicas + maxSurge
    assert max(fig.data[4].y) == 13          # the surge peak is shown
    with pytest.raises(ValueError):
        rollout_figure("not a rollout")


def test_rollout_slider_figures():
    from hakit.figures.rollout import rollout_slider_figure
    fig = rollout_slider_figure()
    _valid_plotly(fig)
    steps = fig.layout.sliders[0].steps
    assert len(steps) == 15                  # 4 x 4 grid minus the invalid 0/0 pair
    assert all(s.method == "update" for s in steps)
    assert "0 / 0" not in [s.label for s in steps]
    assert steps[fig.layout.sliders[0].active].label == "25% / 25%"
    bad = rollout_slider_figure(bad_image=True)
    _valid_plotly(bad)
    assert any("ProgressDeadlineExceeded" in (a.text or "") for a in bad.layout.annotations)


def test_rollout_widget():
    import inspect
    from hakit.widgets.rollout import MAX_PANEL_REPLICAS, render_rollout, rollout_panel
    panel = rollout_panel()
    controls = panel.children[1].children
    params = set(inspect.signature(render_rollout).parameters)
    assert {c._hakit_name for c in controls} == params
    fig = render_rollout(MAX_PANEL_REPLICAS, "1", "0", 60, 60, True, "300", "120")
    _valid_plotly(fig)
    with pytest.raises(ValueError, match="不能与 maxSurge 同时为 0"):
        render_rollout(10, "0", "0%")
    with pytest.raises(ValueError, match="25%"):
        render_rollout(10, "abc", "1")
    with pytest.raises(ValueError, match="rollback_at"):
        render_rollout(10, "1", "1", rollback_at="soon")


# --------------------------------------------------------------------------- boundaries (mutation survivors)
def test_counts_and_cleanup_reject_bools_and_negative_budgets():
    with pytest.raises(ValueError, match="spec.replicas"):
        R.resolve_fenceposts(1, 1, True)
    with pytest.raises(ValueError, match="maxCleanupCount"):
        R.cleanup_unhealthy_replicas(10, 8, True)
    assert R.cleanup_unhealthy_replicas(10, 8, -1) == 0


def test_max_surge_and_max_unavailable_helpers():
    assert R.max_surge(10, "25%", "25%") == 3 and R.max_surge(10, "25%") == 3
    assert R.max_unavailable(1, 0, 1) == 1 and R.max_unavailable(0, 0, 1) == 0


def test_rollout_bounds_properties():
    r = R.simulate(10, 3, 2)
    assert (r.max_surge, r.max_unavailable, r.min_available, r.max_total) == (3, 2, 8, 13)
    assert R.Rollout(1, 0, 1, 0.0, 0.0, None, True, None).complete is False


def test_simulate_seconds_are_validated():
    for bad in (None, True, "5", float("nan"), float("inf"), -1):
        with pytest.raises(ValueError, match="startup_seconds"):
            R.simulate(3, startup_seconds=bad)
    R.simulate(3, 1, 0, min_ready_seconds=599, progress_deadline_seconds=600)
    with pytest.raises(ValueError, match="progressDeadlineSeconds"):
        R.simulate(3, 1, 0, min_ready_seconds=600, progress_deadline_seconds=600)


def test_simulate_defaults():
    r = R.simulate(4)
    assert (r.max_surge, r.max_unavailable, r.startup_seconds, r.progress_deadline_seconds) == (1, 1, 10.0, 600.0)
    assert R.simulate(4, new_version_ready=False).deadline_exceeded_at == 601.0


def test_max_syncs_counts_every_sync():
    # 10 replicas, 3/2: 8 syncs in all (t = 0: 3, t = 10: 3, t = 20: 2)
    assert R.simulate(10, 3, 2, max_syncs=8).complete
    with pytest.raises(ValueError, match="max_syncs"):
        R.simulate(10, 3, 2, max_syncs=7)


def test_a_stuck_rollout_has_no_completion_time():
    stuck = R.simulate(10, 3, 2, new_version_ready=False)
    assert not stuck.complete and stuck.completed_at is None
    undone = R.simulate(10, 3, 2, new_version_ready=False, rollback_at=700)
    assert undone.completed_at == 710.0 and any(s.action.startswith("回滚") for s in undone.steps)


def test_new_replica_set_is_created_with_new_rs_new_replicas():
    # replicas 1, maxSurge 0: NewRSNewReplicas(0 of 1) is 0 (no room); the old pod goes first
    r = R.simulate(1, 0, 1)
    assert (r.steps[0].old_replicas, r.steps[0].new_replicas) == (0, 0)
    assert r.complete and r.completed_at == 10.0


def test_until_includes_an_event_at_that_time():
    assert R.simulate(10, 3, 2, until=10).steps[-1].time == 10.0
    assert R.simulate(10, 3, 2, until=9.99).steps[-1].time == 0.0


_FIELDS = ("old_replicas", "new_replicas", "old_ready", "old_not_ready", "old_available", "new_ready",
           "new_not_ready", "new_available", "total_pods", "available", "progressing", "progressing_reason",
           "available_condition", "rolled_back")


def _table(r):
    return [(s.time,) + tuple(getattr(s, k) for k in _FIELDS) for s in r.steps]


def test_every_step_field_min_ready_seconds():
    # checked by hand against rolling.go: t=0 create 3 and scale old 10→8 (maxScaledDown 13−8−3),
    # then new 3→5; t=10 ready, not yet available; t=15 available: old 8→3, new 5→10; t=25 the
    # second wave ready; t=30 available: old 3→0, then Progressing NewReplicaSetAvailable.
    T, RU, A = "True", "ReplicaSetUpdated", "NewReplicaSetAvailable"
    assert _table(R.simulate(10, 3, 2, startup_seconds=10, min_ready_seconds=5)) == [
        (0.0, 8, 3, 8, 0, 8, 0, 3, 0, 11, 8, T, "NewReplicaSetCreated", T, False),
        (0.0, 8, 5, 8, 0, 8, 0, 5, 0, 13, 8, T, RU, T, False),
        (10.0, 8, 5, 8, 0, 8, 5, 0, 0, 13, 8, T, RU, T, False),
        (15.0, 3, 5, 3, 0, 3, 5, 0, 5, 8, 8, T, RU, T, False),
        (15.0, 3, 10, 3, 0, 3, 5, 5, 5, 13, 8, T, RU, T, False),
        (25.0, 3, 10, 3, 0, 3, 10, 0, 5, 13, 8, T, RU, T, False),
        (30.0, 0, 10, 0, 0, 0, 10, 0, 10, 10, 10, T, RU, T, False),
        (30.0, 0, 10, 0, 0, 0, 10, 0, 10, 10, 10, T, A, T, False),
    ]


def test_rollback_cleans_the_not_ready_pod_first():
    # 10 replicas, maxSurge 1, maxUnavailable 0; revision 2 has pods from t=0, 10, 20 when the
    # rollback comes at t=25: cleanupUnhealthyReplicas removes 1 (maxScaledDown 11−10−0) and the
    # ReplicaSet controller deletes the not-ready pod (created at 20), keeping the two ready ones.
    rows = {(t, old, new, nr, nnr) for t, old, new, _or, _onr, _oa, nr, nnr, *_ in _table(
        R.simulate(10, 1, 0, startup_seconds=10, rollback_at=25))}
    assert (20.0, 8, 3, 2, 1) in rows              # before: 2 ready, 1 not ready
    assert (25.0, 8, 2, 2, 0) in rows              # after the cleanup: both left are ready
    r = R.simulate(10, 1, 0, startup_seconds=10, rollback_at=25)
    assert r.complete and r.completed_at == 45.0 and r.steps[-1].rolled_back
    assert [s.new_replicas for s in r.steps if s.time == 35.0] == [1, 1]


def test_small_cases():
    assert R.cleanup_unhealthy_replicas(1, 0, 1) == 1
    zero = R.simulate(0)
    assert zero.complete and zero.completed_at == 0.0
    d = R.simulate(10, 3, 2).as_dict()
    assert d["replicas"] == 10 and len(d["steps"]) == 6 and d["steps"][0]["new_replicas"] == 3
    assert "steps" in d and d["steps"][-1]["progressing_reason"] == "NewReplicaSetAvailable"


def test_pods_becoming_ready_count_as_progress():
    # DeploymentProgressing: readyReplicas increasing refreshes lastUpdateTime. Ready at 10 s,
    # available only at 110 s: the deadline of 105 s counts from 10 s, so it is not exceeded.
    r = R.simulate(10, 3, 2, startup_seconds=10, min_ready_seconds=100, progress_deadline_seconds=105)
    assert r.complete and r.deadline_exceeded_at is None
    # a deadline that ends before the pods become ready does expire (0 + 5 s < 10 s)
    late = R.simulate(10, 3, 2, startup_seconds=10, min_ready_seconds=0, progress_deadline_seconds=5,
                      new_version_ready=False)
    assert late.deadline_exceeded_at == 6.0
