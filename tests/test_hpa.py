"""Tests for hakit.models.hpa.

Vectors come from
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ (algorithm details,
  default behavior);
- kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go
  (TestReplicaCalcScaleUp, TestReplicaCalcScaleDown, TestReplicaCalcTolerance);
- kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go
  (TestConvertDesiredReplicasWithRules: the "scaleUp/scaleDown with ... policy" cases).
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from hakit.models import hpa as H


# --------------------------------------------------------------------------- desired_replicas
def test_docs_examples():
    # "if the current metric value is 200m, and the desired value is 100m, the number of
    # replicas will be doubled ... If the current value is instead 50m, you'll halve"
    assert H.desired_replicas(4, 200, 100) == 8
    assert H.desired_replicas(4, 50, 100) == 2


@pytest.mark.parametrize("replicas, value, target, expected", [
    (3, 50, 30, 5),      # TestReplicaCalcScaleUp: 3 pods at 50 % for a 30 % target
    (5, 28, 50, 3),      # TestReplicaCalcScaleDown: 5 pods at 28 % for a 50 % target
    (3, 102, 100, 3),    # TestReplicaCalcTolerance: 102 % vs 100 % is within 0.1
])
def test_replica_calculator_upstream(replicas, value, target, expected):
    assert H.desired_replicas(replicas, value, target) == expected


def test_tolerance_is_an_interval_since_v1_33():
    # replica_calculator.go Tolerances.isWithin: (1 - down) <= ratio <= (1 + up); in float64
    # 1.0 + 0.1 == 110/100, so exactly +10 % is *within* (it scaled up to v1.32, |1 - 1.1| > 0.1)
    assert H.desired_replicas(10, 110, 100) == 10 and H.desired_replicas(10, 110, 100).within_tolerance
    assert H.desired_replicas(4, 110, 100) == 4
    assert H.desired_replicas(10, 109, 100).within_tolerance
    assert H.desired_replicas(10, 111, 100) == 12                     # ceil(11.1)
    assert not H.desired_replicas(10, 111, 100).within_tolerance
    assert H.desired_replicas(10, 90, 100) == 10                      # exactly -10 %: within
    assert H.desired_replicas(10, 89, 100) == 9                       # ceil(8.9)
    assert H.desired_replicas(10, 105, 100, tolerance=0.0) == 11
    assert H.desired_replicas(10, 140, 100, tolerance=0.5) == 10
    assert H.desired_replicas(10, 150, 100, tolerance=0.5) == 10      # the upper end is inclusive
    assert H.desired_replicas(10, 151, 100, tolerance=0.5) == 16


def test_rounding_is_ceil_not_floor_or_round():
    # 4 pods at 70 % for a 60 % target: 4 × 70/60 = 4.67 -> 5 (floor would give 4)
    assert H.desired_replicas(4, 70, 60) == 5
    # 7 pods at 45 % for 60 %: 5.25 -> 6 (round would give 5); scale-down also rounds up
    assert H.desired_replicas(7, 45, 60) == 6
    assert H.desired_replicas(9, 20, 50) == 4                         # 3.6 -> 4


@pytest.mark.parametrize("behavior, value, expected", [
    (None, 108, 10),                                        # the flag: [0.9, 1.1]
    ({"scaleUp": {"tolerance": 0.05}}, 108, 11),            # 1.08 > 1.05: ceil(10.8)
    ({"scaleUp": {"tolerance": 0.05}}, 105, 10),            # 1.05 is the inclusive upper end
    ({"scaleUp": {"tolerance": 0.05}}, 89, 9),              # scale-down side keeps the flag's 0.1
    ({"scaleDown": {"tolerance": 0.2}}, 85, 10),            # 0.85 >= 0.8
    ({"scaleDown": {"tolerance": 0.2}}, 79, 8),             # ceil(7.9)
    ({"scaleDown": {"tolerance": 0.2}}, 111, 12),           # scale-up side keeps 0.1
])
def test_per_hpa_tolerance(behavior, value, expected):
    # KEP-4951, HPAConfigurableTolerance beta and on by default since v1.35 (so in 1.36)
    tol = H.tolerances_for(behavior)
    assert H.desired_replicas(10, value, 100, tolerance=tuple(tol)) == expected
    assert H.reconcile(10, value, 100, max_replicas=100, behavior=behavior).formula == expected


def test_tolerances_for():
    assert H.tolerances_for(None) == H.Tolerances(0.1, 0.1)
    assert H.tolerances_for({}, tolerance=0.2) == (0.2, 0.2)
    assert H.tolerances_for({"scaleUp": {"tolerance": 0.01}, "scaleDown": {"tolerance": 0.3}}) == (0.3, 0.01)
    with pytest.raises(ValueError, match="tolerance"):
        H.tolerances_for({"scaleUp": {"tolerance": -0.1}})


def test_clamp_is_reported():
    r = H.desired_replicas(4, 200, 50, max_replicas=10)
    assert r == 10 and r.raw == 16 and r.limited_by == "maxReplicas"
    r = H.desired_replicas(2, 10, 50, min_replicas=2)
    assert r == 2 and r.raw == 1 and r.limited_by == "minReplicas"
    r = H.desired_replicas(4, 90, 50)
    assert r == 8 and r.limited_by is None and "8" in r.explain()
    assert f"{r}" == "8" and isinstance(r, int)


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(current_replicas=0, current_value=1, target_value=1), "ScalingDisabled"),
    (dict(current_replicas=2, current_value=1, target_value=0), "target_value"),
    (dict(current_replicas=2, current_value=-1, target_value=1), "current_value"),
    (dict(current_replicas=2, current_value=1, target_value=1, tolerance=-0.1), "tolerance"),
    (dict(current_replicas=2, current_value=1, target_value=1, min_replicas=0), "spec.minReplicas"),
    (dict(current_replicas=2, current_value=1, target_value=1, min_replicas=3, max_replicas=2), "spec.maxReplicas"),
    (dict(current_replicas=2.5, current_value=1, target_value=1), "current_replicas"),
    (dict(current_replicas=2, current_value=float("nan"), target_value=1), "current_value"),
])
def test_invalid_input(kwargs, fragment):
    with pytest.raises(ValueError) as exc:
        H.desired_replicas(**kwargs)
    assert fragment in str(exc.value)


# --------------------------------------------------------------------------- behavior
def _rules(pods, pods_period, percent, percent_period, window):
    """Like upstream generateScalingRules: a policy for each non-zero value."""
    policies = []
    if pods:
        policies.append({"type": "Pods", "value": pods, "periodSeconds": pods_period})
    if percent:
        policies.append({"type": "Percent", "value": percent, "periodSeconds": percent_period})
    out = {"stabilizationWindowSeconds": window}
    if policies:
        out["policies"] = policies
    return out


def _events(values, interval=120):
    """Like upstream generateEventsUniformDistribution: events spread over the last interval."""
    n = len(values)
    return [(-interval + (i + 1) * interval / (n + 1), v) for i, v in enumerate(values)]


CASES = [
    # name, min, max, up rules, down rules, up events, down events, current, desired, expected, reason
    ("scaleUp pods big", 1, 1000, _rules(10000, 60, 0, 0, 0), None, [], [], 10, 50, 50, "DesiredWithinRange"),
    ("scaleUp pod policy", 1, 1000, _rules(30, 60, 0, 0, 0), None, [], [], 10, 50, 40, "ScaleUpLimit"),
    ("scaleUp percent policy", 1, 1000, _rules(0, 0, 200, 60, 0), None, [], [], 10, 50, 30, "ScaleUpLimit"),
    ("scaleDown percent > pod", 1, 1000, None, _rules(20, 60, 1, 60, 300), [], [], 100, 2, 80, "ScaleDownLimit"),
    ("scaleDown pod > percent", 1, 1000, None, _rules(2, 60, 1, 60, 300), [], [], 100, 2, 98, "ScaleDownLimit"),
    ("scaleDown min with pod policy", 1, 1000, None, _rules(100, 60, 0, 0, 300), [], [], 10, 0, 1, "TooFewReplicas"),
    ("scaleDown min with percent", 5, 1000, None, _rules(0, 0, 100, 60, 300), [], [], 10, 2, 5, "TooFewReplicas"),
    ("scaleDown pod policy", 1, 1000, None, _rules(5, 60, 0, 0, 300), [], [], 10, 2, 5, "ScaleDownLimit"),
    ("scaleDown percent within", 1, 1000, None, _rules(0, 0, 50, 60, 300), [], [], 10, 5, 5, "DesiredWithinRange"),
    ("scaleUp max with events", 1, 200, _rules(300, 60, 0, 0, 0), None, _events([1, 5, 9]), [], 100, 500, 200, "TooManyReplicas"),
    ("scaleUp current limit", 1, 1000, _rules(5, 120, 0, 0, 0), None, _events([1, 5, 9]), [], 100, 500, 100, "ScaleUpLimit"),
    ("scaleUp pods + events", 1, 1000, _rules(150, 120, 0, 0, 0), None, _events([1, 5, 9]), [], 100, 500, 235, "ScaleUpLimit"),
    ("scaleUp percent + events", 1, 1000, _rules(0, 0, 200, 120, 0), None, _events([1, 5, 9]), [], 100, 500, 255, "ScaleUpLimit"),
    ("scaleDown default + events", 1, 1000, None, None, [], _events([1, 5, 9]), 10, 5, 5, "DesiredWithinRange"),
    ("scaleDown min pods + events", 1, 1000, None, _rules(115, 120, 0, 0, 300), [], _events([1, 5, 9]), 100, 0, 1, "TooFewReplicas"),
    ("scaleDown min5 pods + events", 5, 1000, None, _rules(130, 120, 0, 0, 300), [], _events([1, 5, 9]), 100, 0, 5, "TooFewReplicas"),
    ("scaleDown min5 percent + events", 5, 1000, None, _rules(0, 0, 100, 120, 300), [], _events([1, 5, 9]), 100, 2, 5, "TooFewReplicas"),
    ("scaleDown pods + events", 1, 1000, None, _rules(5, 120, 0, 0, 300), [], _events([1, 5, 9]), 100, 2, 100, "ScaleDownLimit"),
    ("scaleDown percent + events", 1, 1000, None, _rules(0, 0, 50, 120, 300), [], _events([2, 4, 6]), 100, 0, 56, "ScaleDownLimit"),
    ("scaleDown prevented", 1, 1000, None, _rules(0, 0, 10, 120, 300), [], _events([10, 10, 10]), 100, 0, 100, "ScaleDownLimit"),
    ("scaleDown still allowed", 1, 1000, None, _rules(0, 0, 1000, 120, 300), [], _events([10, 10, 10]), 10, 5, 5, "DesiredWithinRange"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_convert_desired_replicas_with_rules_upstream(case):
    _, lo, hi, up, down, up_ev, down_ev, cur, desired, expected, reason = case
    behavior = {}
    if up is not None:
        behavior["scaleUp"] = up
    if down is not None:
        behavior["scaleDown"] = down
    got = H.convert_desired_replicas_with_behavior_rate(cur, desired, lo, hi, behavior, up_ev, down_ev, now=0.0)
    assert got == (expected, reason)


def test_default_behavior_values():
    b = H.default_behavior()
    assert b["scaleDown"].stabilization_window_seconds == 300
    assert [(p.type, p.value, p.period_seconds) for p in b["scaleDown"].policies] == [("Percent", 100, 15)]
    assert b["scaleUp"].stabilization_window_seconds == 0
    assert sorted((p.type, p.value, p.period_seconds) for p in b["scaleUp"].policies) == [
        ("Percent", 100, 15), ("Pods", 4, 15)]
    assert b["scaleUp"].select_policy == "Max"


def test_stabilize_recommendation():
    # scale-down: the largest recommendation of the last 300 s wins
    assert H.stabilize_recommendation(10, 4, [(-100, 8), (-400, 12)], 0, 0, 300) == 8
    # a sample exactly at now - window is outside (strictly after the cutoff)
    assert H.stabilize_recommendation(10, 4, [(-300, 8)], 0, 0, 300) == 4
    # scale-up: the smallest recommendation of the scaleUp window
    assert H.stabilize_recommendation(2, 6, [(-30, 3)], 0, 60, 300) == 3


@pytest.mark.parametrize("spec, fragment", [
    ({"scaleUp": {"policies": [{"type": "Foo", "value": 1, "periodSeconds": 15}]}}, "type"),
    ({"scaleUp": {"policies": [{"type": "Pods", "value": 0, "periodSeconds": 15}]}}, "value"),
    ({"scaleDown": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 1801}]}}, "1800"),
    ({"scaleDown": {"stabilizationWindowSeconds": 3601}}, "3600"),
    ({"scaleDown": {"selectPolicy": "Maximum"}}, "selectPolicy"),
    ({"scaleDown": {"policies": []}}, "policies"),
    ({"scaleSideways": {}}, "scaleSideways"),
    ({"scaleDown": {"stabilizationWindow": 0}}, "stabilizationWindow"),     # a typo is not ignored
    ({"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 15, "period": 1}]}}, "period"),
    ({"scaleUp": {"policies": {"type": "Pods"}}}, "policies"),
])
def test_behavior_validation(spec, fragment):
    with pytest.raises(ValueError) as exc:
        H.normalize_behavior(spec)
    assert fragment in str(exc.value)


# --------------------------------------------------------------------------- simulation
def test_scale_up_rate_default_policies():
    run = H.simulate([10_000] * 8, target_value=50, initial_replicas=1, max_replicas=100, behavior={})
    # behavior set (even empty): the defaulted policies, max(current + 4, 2 * current) per 15 s
    assert run.column("desired")[:7] == [5, 10, 20, 40, 80, 100, 100]
    assert run.steps[0].reason == "ScaleUpLimit" and run.steps[5].reason == "TooManyReplicas"
    assert run.column("recommendation")[0] == 200     # the formula's value is kept apart


def test_scale_up_rate_without_behavior_is_legacy():
    # horizontal.go: Behavior == nil -> normalizeDesiredReplicas -> convertDesiredReplicasWithRules,
    # calculateScaleUpLimit = max(2 × current, 4)
    run = H.simulate([10_000] * 8, target_value=50, initial_replicas=1, max_replicas=100)
    assert run.behavior is None
    assert run.column("desired")[:7] == [4, 8, 16, 32, 64, 100, 100]
    assert run.steps[0].reason == "ScaleUpLimit" and run.steps[5].reason == "TooManyReplicas"
    assert [H.calculate_scale_up_limit(n) for n in (0, 1, 2, 3, 4, 7)] == [4, 4, 4, 6, 8, 14]


@pytest.mark.parametrize("current, legacy, with_behavior", [(1, 4, 5), (2, 4, 6), (3, 6, 7), (4, 8, 8), (10, 20, 20)])
def test_one_sync_includes_the_rate_limit(current, legacy, with_behavior):
    # facts-n3 #6/#7: the two paths agree only from 4 replicas on
    assert H.reconcile(current, 1000, 10, max_replicas=30).desired_replicas == legacy
    assert H.reconcile(current, 1000, 10, max_replicas=30, behavior={}).desired_replicas == with_behavior
    assert H.convert_desired_replicas_with_rules(current, 30, 1, 30)[0] == legacy


def test_reconcile_keeps_formula_and_written_value_apart():
    r = H.reconcile(3, 200, 50, max_replicas=10)
    assert (r.formula, r.stabilized, r.desired_replicas, r.reason) == (12, 12, 6, "ScaleUpLimit")
    assert "12" in r.explain() and "6" in r.explain()
    r = H.reconcile(3, 200, 50, max_replicas=10, behavior={})
    assert (r.formula, r.desired_replicas, r.reason) == (12, 7, "ScaleUpLimit")
    r = H.reconcile(8, 200, 50, max_replicas=10)
    assert (r.formula, r.desired_replicas, r.reason) == (32, 10, "TooManyReplicas")
    r = H.reconcile(4, 64, 60)
    assert r.within_tolerance and r.desired_replicas == 4 and r.reason == "DesiredWithinRange"
    assert H.reconcile(2, 1, 50, min_replicas=2).reason == "TooFewReplicas"
    assert H.reconcile(12, 1, 50, max_replicas=10).desired_replicas == 10
    with pytest.raises(ValueError, match="ScalingDisabled"):
        H.reconcile(0, 1, 1)


@pytest.mark.parametrize("current, desired, lo, hi, expected", [
    (2, 20, 1, 30, (4, "ScaleUpLimit")),
    (2, 20, 1, 3, (3, "TooManyReplicas")),
    (10, 2, 5, 30, (5, "TooFewReplicas")),
    (10, 3, 1, 30, (3, "DesiredWithinRange")),
    (10, 20, 1, 30, (20, "DesiredWithinRange")),
    (10, 21, 1, 30, (20, "ScaleUpLimit")),
])
def test_convert_desired_replicas_with_rules(current, desired, lo, hi, expected):
    assert H.convert_desired_replicas_with_rules(current, desired, lo, hi) == expected


def test_scale_down_waits_for_stabilization_window():
    load = [500] * 10 + [50] * 40
    default = H.simulate(load, target_value=50, max_replicas=10, behavior={})
    no_window = H.simulate(load, target_value=50, max_replicas=10, behavior=H.behavior(scale_down_window=0))
    legacy = H.simulate(load, target_value=50, max_replicas=10)
    first_down = lambda run: next(s.time for s in run.steps if s.desired < s.replicas)
    assert first_down(no_window) == 150      # the first low sample
    assert first_down(default) == 435        # last high sample at 135 s, strictly after 435 - 300
    # stabilizeRecommendation (no behavior) drops only samples *before* now - 5 min: 135 s still counts
    assert first_down(legacy) == 450
    assert default.steps[-1].desired == 1 and legacy.steps[-1].desired == 1
    assert legacy.scale_down_window == 300 and no_window.scale_down_window == 0


def test_run_behavior_can_be_fed_back():
    load = H.bursty_load()
    run = H.simulate(load, behavior=H.behavior(scale_down_window=60, scale_up_tolerance=0.05))
    again = H.simulate(load, behavior=run.behavior)
    assert again.column("desired") == run.column("desired")
    assert run.behavior["scaleUp"]["tolerance"] == 0.05 and run.tolerances == (0.1, 0.05)


def test_thrashing_without_window_and_not_with_default():
    load = H.bursty_load()
    thrash = H.simulate(load, behavior=H.behavior(scale_down_window=0))
    calm = H.simulate(load)
    assert thrash.direction_changes >= 10
    assert calm.direction_changes == 0 and H.simulate(load, behavior={}).direction_changes == 0


def test_callable_load_and_manifest_behavior():
    run = H.simulate(lambda t: 200.0 if t < 300 else 20.0, duration=900, target_value=50, max_replicas=8,
                     behavior={"scaleDown": {"stabilizationWindowSeconds": 60,
                                             "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}})
    assert len(run.steps) == 61
    downs = [s for s in run.steps if s.desired < s.replicas]
    assert downs and all(s.replicas - s.desired == 1 for s in downs)
    # at most one pod removed per 60 s
    times = [s.time for s in downs]
    assert all(b - a >= 60 for a, b in zip(times, times[1:]))


def test_simulate_rejects():
    with pytest.raises(ValueError, match="duration"):
        H.simulate(lambda t: 1.0)
    with pytest.raises(ValueError, match="load"):
        H.simulate([])
    with pytest.raises(ValueError, match="load"):
        H.simulate([1, -2])
    with pytest.raises(ValueError, match="spec.maxReplicas"):
        H.simulate([1], min_replicas=5, max_replicas=3)
    with pytest.raises(ValueError, match="stabilizationWindow"):
        H.simulate([1], behavior={"scaleDown": {"stabilizationWindow": 0}})


@given(st.lists(st.floats(0, 2000, allow_nan=False), min_size=1, max_size=80),
       st.integers(1, 5), st.integers(0, 20), st.integers(1, 30),
       st.sampled_from([0, 15, 60, 300]), st.floats(0, 0.5), st.floats(1, 200))
@settings(max_examples=80, deadline=None)
def test_property_replicas_within_bounds(load, lo, extra, initial, window, tol, target):
    hi = lo + extra
    run = H.simulate(load, target_value=target, initial_replicas=initial, min_replicas=lo, max_replicas=hi,
                     tolerance=tol, behavior=H.behavior(scale_down_window=window))
    for s in run.steps:
        assert lo <= s.desired <= hi
    for s in run.steps[1:]:
        assert lo <= s.replicas <= hi


# --------------------------------------------------------------------------- figures and widget
from conftest import valid_plotly as _valid_plotly  # noqa: E402


def test_hpa_figures():
    from hakit.figures.hpa import hpa_figure, hpa_window_slider_figure
    load = H.bursty_load()
    fig = hpa_figure(H.simulate(load), H.simulate(load, behavior=H.behavior(scale_down_window=0)))
    _valid_plotly(fig)
    assert len(fig.data) == 5
    slider = hpa_window_slider_figure()
    _valid_plotly(slider)
    steps = slider.layout.sliders[0].steps
    assert [s.label for s in steps] == ["0 s", "30 s", "60 s", "120 s", "300 s"]
    assert all(s.method == "update" for s in steps)
    # the 0 s step shows thrashing, the 300 s step does not
    assert "方向反转 30 次" in steps[0].args[1]["annotations"][-1]["text"].split("<br>")[0]
    assert "方向反转 0 次" in steps[-1].args[1]["annotations"][-1]["text"].split("<br>")[0]
    with pytest.raises(ValueError):
        hpa_figure(None)


def test_hpa_widget():
    import inspect
    from hakit.widgets.hpa import LOADS, MAX_PANEL_REPLICAS, MAX_PANEL_WINDOW, hpa_panel, render_hpa
    panel = hpa_panel()
    controls = panel.children[1].children
    assert {c._hakit_name for c in controls} == set(inspect.signature(render_hpa).parameters)
    for name in LOADS:
        _valid_plotly(render_hpa(5, 0.0, 1, MAX_PANEL_REPLICAS, MAX_PANEL_WINDOW, name))
    with pytest.raises(ValueError, match="spec.maxReplicas"):
        render_hpa(50, 0.1, 5, 3, 300)


# --------------------------------------------------------------------------- boundaries (mutation survivors)
def test_clamp_boundaries_are_not_limits():
    assert H.desired_replicas(4, 150, 60, max_replicas=10).limited_by is None        # raw 10 == max
    assert H.desired_replicas(4, 15, 60, min_replicas=1).limited_by is None          # raw 1 == min
    r = H.desired_replicas(1, 10, 50)                                                # defaults: min 1, no max
    assert (int(r), r.raw, r.limited_by) == (1, 1, None)
    assert H.desired_replicas(1, 1000, 10) == 100


@pytest.mark.parametrize("spec", [
    {"scaleDown": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 1800}]}},
    {"scaleDown": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 1}]}},
    {"scaleDown": {"stabilizationWindowSeconds": 3600}},
    {"scaleUp": {"policies": ({"type": "Percent", "value": 1, "periodSeconds": 15},)}},
])
def test_behavior_limits_are_inclusive(spec):
    H.normalize_behavior(spec)


def test_policies_must_be_a_list():
    with pytest.raises(ValueError, match="必须是策略列表"):
        H.normalize_behavior({"scaleUp": {"policies": "Pods"}})


def test_behavior_helper_defaults_are_the_api_defaults():
    assert H.behavior() == H.default_behavior()
    with pytest.raises(Exception):
        H.default_behavior()["scaleUp"].select_policy = "Min"      # frozen, like an API object
    with pytest.raises(Exception):
        H.default_behavior()["scaleUp"].policies[0].value = 5


def _conv(cur, desired, lo, hi, up=None, down=None, up_ev=(), down_ev=(), **kw):
    behavior = {}
    if up is not None:
        behavior["scaleUp"] = up
    if down is not None:
        behavior["scaleDown"] = down
    return H.convert_desired_replicas_with_behavior_rate(cur, desired, lo, hi, behavior, up_ev, down_ev, **kw)


def _pol(*pols, select=None):
    out = {"policies": [{"type": t, "value": v, "periodSeconds": p} for t, v, p in pols]}
    if select:
        out["selectPolicy"] = select
    return out


@pytest.mark.parametrize("args, expected", [
    # Percent up rounds up: ceil(3 × 1.5) = ceil(4.5) = 5
    (dict(cur=3, desired=10, lo=1, hi=100, up=_pol(("Percent", 50, 60))), (5, "ScaleUpLimit")),
    # selectPolicy Min / Max for scale-up: Pods 4 -> 14, Percent 100 -> 20
    (dict(cur=10, desired=50, lo=1, hi=100, up=_pol(("Pods", 4, 15), ("Percent", 100, 15), select="Min")), (14, "ScaleUpLimit")),
    (dict(cur=10, desired=50, lo=1, hi=100, up=_pol(("Pods", 4, 15), ("Percent", 100, 15))), (20, "ScaleUpLimit")),
    # scale-down: Pods 2 -> 8, Percent 50 -> 5; Max = the biggest change
    (dict(cur=10, desired=1, lo=1, hi=100, down=_pol(("Pods", 2, 15), ("Percent", 50, 15))), (5, "ScaleDownLimit")),
    (dict(cur=10, desired=1, lo=1, hi=100, down=_pol(("Pods", 2, 15), ("Percent", 50, 15), select="Min")), (8, "ScaleDownLimit")),
    # Percent down truncates: int(201 × 0.5) = 100
    (dict(cur=201, desired=1, lo=1, hi=1000, down=_pol(("Percent", 50, 15))), (100, "ScaleDownLimit")),
    # maxReplicas equal to the rate limit: TooManyReplicas (hpaMaxReplicas > scaleUpLimit is false)
    (dict(cur=2, desired=20, lo=1, hi=6), (6, "TooManyReplicas")),
    (dict(cur=2, desired=6, lo=1, hi=30), (6, "DesiredWithinRange")),
    # minReplicas equal to the scale-down limit: TooFewReplicas
    (dict(cur=10, desired=1, lo=5, hi=30, down=_pol(("Pods", 5, 15))), (5, "TooFewReplicas")),
    (dict(cur=0, desired=3, lo=1, hi=10), (3, "DesiredWithinRange")),
    (dict(cur=7, desired=7, lo=1, hi=10), (7, "DesiredWithinRange")),
    # a scale-up 14.5 s ago counts within a 15 s period (now defaults to 0)
    (dict(cur=8, desired=20, lo=1, hi=100, up=_pol(("Pods", 4, 15)), up_ev=[(-14.5, 4)]), (8, "ScaleUpLimit")),
    (dict(cur=8, desired=20, lo=1, hi=100, up=_pol(("Pods", 4, 15)), up_ev=[(-15.5, 4)]), (12, "ScaleUpLimit")),
])
def test_convert_boundaries(args, expected):
    assert _conv(**args) == expected


def test_legacy_rules_boundaries():
    assert H.convert_desired_replicas_with_rules(2, 20, 1, 4) == (4, "TooManyReplicas")      # hi == limit
    assert H.convert_desired_replicas_with_rules(5, 2, 2, 10) == (2, "DesiredWithinRange")   # desired == min
    assert H.convert_desired_replicas_with_rules(0, 0, 1, 10) == (1, "TooFewReplicas")
    with pytest.raises(ValueError, match="maxReplicas"):
        H.convert_desired_replicas_with_rules(1, 1, 1, None)


def test_stabilize_recommendation_boundaries():
    assert H.stabilize_recommendation(2, 6, [(-60, 3)], 0, 60, 300) == 6       # exactly at the cutoff: out
    assert H.stabilize_recommendation(2, 6, [(-59, 3)], 0, 60, 300) == 3
    assert H.stabilize_recommendation(10, 4, [(-299, 8)], 0) == 8               # defaults: up 0, down 300
    assert H.stabilize_recommendation(10, 4, [(-300.5, 8)], 0) == 4
    assert H.stabilize_recommendation(2, 6, [(-0.5, 3)], 0) == 6               # default scaleUp window 0
    assert H.stabilize_recommendation(0, 0, [], 0, 0, 0) == 0


def test_sync_result_explain_names_each_stage():
    plain = H.reconcile(4, 90, 50)
    assert "稳定窗口" not in plain.explain() and "限制" not in plain.explain()
    limited = H.reconcile(2, 1000, 50)
    assert "受 ScaleUpLimit 限制" in limited.explain()
    above = H.reconcile(12, 100, 50, max_replicas=10)
    assert (above.ratio, above.within_tolerance, above.desired_replicas) == (2.0, False, 10)
    below = H.reconcile(1, 100, 50, min_replicas=2, max_replicas=10)
    assert (below.ratio, below.within_tolerance, below.desired_replicas, below.reason) == (2.0, False, 2, "TooFewReplicas")
    assert H.reconcile(6, 1000, 10).desired_replicas == 10                      # default maxReplicas 10
    assert H.reconcile(5, 1000, 10).reason == "TooManyReplicas"                 # max(2 × 5, 4) == 10 == max


def test_simulate_stabilized_differs_from_formula_in_explain():
    run = H.simulate([500] * 4 + [50] * 4, target_value=50, max_replicas=10, behavior={})
    s = run.steps[5]
    assert s.recommendation < s.stabilized == s.desired == s.replicas


def test_simulate_scale_up_policy_remembers_events():
    # one pod per 60 s: the events of the last 60 s hold the next scale-up back
    run = H.simulate([10_000] * 10, target_value=50, max_replicas=100,
                     behavior={"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}})
    assert run.column("desired") == [2, 2, 2, 2, 3, 3, 3, 3, 4, 4]
    down = H.simulate([1] * 10, target_value=50, initial_replicas=10, max_replicas=100,
                      behavior={"scaleDown": {"stabilizationWindowSeconds": 0,
                                              "policies": [{"type": "Pods", "value": 2, "periodSeconds": 30}]}})
    assert down.column("desired") == [8, 8, 6, 6, 4, 4, 2, 2, 1, 1]


def test_run_statistics():
    run = H.simulate([10, 500, 500, 10, 10, 10], target_value=50, initial_replicas=5, max_replicas=10,
                     behavior=H.behavior(scale_down_window=0))
    assert run.column("desired") == [1, 5, 10, 1, 1, 1]
    assert run.scale_events == 4 and run.direction_changes == 2
    calm = H.simulate([10] * 3 + [1] * 3, target_value=50, initial_replicas=8, max_replicas=10,
                      behavior=H.behavior(scale_down_window=0, scale_down_policies=[H.ScalingPolicy("Pods", 2, 15)]))
    assert calm.column("desired") == [6, 4, 2, 1, 1, 1] and calm.direction_changes == 0
    d = run.as_dict()
    assert set(d) == {"target_value", "min_replicas", "max_replicas", "tolerance", "behavior", "sync_period", "steps"}
    assert d["steps"][0]["desired"] == 1 and len(d["steps"]) == 6


def test_simulate_defaults_and_duration():
    run = H.simulate([100])
    assert (run.target_value, run.min_replicas, run.max_replicas, run.sync_period) == (50.0, 1, 10, 15)
    assert run.steps[0].replicas == 1 and run.steps[0].recommendation == 2
    assert len(H.simulate([1.0] * 10, duration=30).steps) == 3
    assert len(H.simulate(lambda t: 1.0, duration=30).steps) == 3
    assert len(H.simulate([1.0] * 10, sync_period=1, duration=3).steps) == 4
    for bad in (dict(load=[1.0], duration=0), dict(load=lambda t: 1.0, duration=0),
                dict(load=[1.0], target_value=0)):
        with pytest.raises(ValueError):
            H.simulate(**bad)
    with pytest.raises(ValueError, match="target_value"):
        H.reconcile(2, 1, 0)


def test_bursty_load_shape():
    load = H.bursty_load()
    assert len(load) == 121 and load[:4] == [300.0, 300.0, 300.0, 60.0] and load[8] == 300.0
    assert len(H.bursty_load(sync_period=1)) == 1801
    assert H.bursty_load(base=1, peak=2, period_seconds=1, burst_seconds=0, duration=1, sync_period=1) == [1.0, 1.0]
    assert H.bursty_load(base=1, peak=2, period_seconds=30, burst_seconds=15, duration=45) == [2.0, 1.0, 2.0, 1.0]


def test_scale_events_record_the_change_not_the_count():
    # Pods 4 per 60 s: 1 -> 3 (the load asks for 3) leaves 2 of the 4 for the same period
    up = H.simulate([150] + [10_000] * 3, target_value=50, max_replicas=100,
                    behavior={"scaleUp": {"policies": [{"type": "Pods", "value": 4, "periodSeconds": 60}]}})
    assert up.column("desired") == [3, 5, 5, 5]
    down = H.simulate([400] + [1] * 3, target_value=50, initial_replicas=10, max_replicas=100,
                      behavior={"scaleDown": {"stabilizationWindowSeconds": 0,
                                              "policies": [{"type": "Pods", "value": 4, "periodSeconds": 60}]}})
    assert down.column("desired") == [8, 6, 6, 6]


@pytest.mark.parametrize("call", [
    lambda: H.stabilize_recommendation(2, 3, [(0, 2.7)], 1),
    lambda: H.stabilize_recommendation(2, 3, [(float("nan"), 2)], 1),
    lambda: H.stabilize_recommendation(2, 3, [(0,)], 1),
    lambda: H.convert_desired_replicas_with_behavior_rate(2, 3, 1, 10, None, [(0, -1)]),
    lambda: H.convert_desired_replicas_with_behavior_rate(2, 3, 1, 10, None, (), "x"),
])
def test_history_and_events_are_validated(call):
    with pytest.raises(ValueError):
        call()


def test_zero_change_events_are_accepted():
    assert H.convert_desired_replicas_with_behavior_rate(2, 3, 1, 10, None, [(0, 0)]) == (3, "DesiredWithinRange")
