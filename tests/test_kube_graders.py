"""Each Kubernetes lab grader accepts a correct observation and rejects a wrong one.

The observations are constructed here in the shape the lab routines in hakit.lab.kube record
(no cluster needed); the wrong ones are the mistakes a learner or a broken cluster would produce.
"""
from __future__ import annotations

import copy

import plotly.graph_objects as go
import pytest

from hakit.lab import kube
from hakit.lab import kube_checks as checks

R, SURGE, UNAV = 6, 2, 1


def rejects(fn, *args, match: str = "", **kwargs):
    with pytest.raises(AssertionError, match=match):
        fn(*args, **kwargs)


# ----------------------------------------------------------------------------- predictions (hakit.grading)
@pytest.mark.parametrize("ex_id,params,right,wrongs", [
    ("labs.k1_quorum_prediction", {"members": 3}, {0: True, 1: True, 2: False, 3: False},
     [{0: True, 1: False, 2: False, 3: False}, {0: True, 1: True, 2: True, 3: False}, {0: True, 1: True}]),
    ("labs.k1_quorum_prediction", {"members": 5}, {0: True, 1: True, 2: True, 3: False, 4: False, 5: False},
     [{0: True, 1: True, 2: False, 3: False, 4: False, 5: False}]),
    ("labs.k2_rollout_bounds", {"replicas": 6, "max_surge": 2, "max_unavailable": 1}, (8, 5), [(7, 5), (8, 6)]),
    ("labs.k2_rollout_bounds", {"replicas": 10, "max_surge": "25%", "max_unavailable": "25%"}, (13, 8), [(12, 8), (13, 7)]),
    ("labs.k3_backoff_delays", {}, [0, 10, 20, 40, 80, 160], [[10, 20, 40, 80, 160, 320], [0, 10, 20, 40, 80]]),
    ("labs.k4_hpa_desired", {"current_replicas": 2, "current_value": 90, "target_value": 50}, 4, [3, 5]),
    ("labs.k4_hpa_desired", {"current_replicas": 4, "current_value": 52, "target_value": 50}, 4, [5]),
    ("labs.k5_pdb_allowed", {"replicas": 3, "min_available": 2}, [True, False], [[True, True], [False, True]]),
    ("labs.k5_pdb_refusal_status", {}, 429, [403, 409]),
    ("labs.k6_statefulset_kept", {}, {"name": True, "dns": True, "volume": True, "ip": False},
     [{"name": True, "dns": True, "volume": True, "ip": True}, {"name": True, "dns": True, "ip": False}]),
])
def test_predictions_are_graded_by_hakit_grading(ex_id, params, right, wrongs, capsys):
    """Hand-computed answers pass; wrong ones fail with a Chinese reason that hides the answer."""
    from hakit.grading import check

    check(ex_id, right, **params)
    assert "✔ 正确" in capsys.readouterr().out
    for wrong in wrongs:
        with pytest.raises(AssertionError) as e:
            check(ex_id, wrong, **params)
        msg = str(e.value).replace(ex_id, "")
        assert "提示" in msg and str(right) not in msg
    with pytest.raises(AssertionError, match="尚未作答"):
        check(ex_id, None, **params)


GOOD_CP = [
    {"stopped": 0, "read_ok": True, "write_ok": True},
    {"stopped": 1, "read_ok": True, "write_ok": True},
    {"stopped": 2, "read_ok": False, "write_ok": False},
    {"stopped": 0, "read_ok": True, "write_ok": True},
]


def test_control_plane_observations():
    assert checks.check_control_plane_observations(GOOD_CP)
    bad = copy.deepcopy(GOOD_CP)
    bad[2]["write_ok"] = True          # a write with 1 of 3 etcd members: impossible
    rejects(checks.check_control_plane_observations, bad, match="write_ok")
    bad = copy.deepcopy(GOOD_CP)
    bad[1]["read_ok"] = False          # quorum kept but reads failed: LB/apiserver not recovered
    rejects(checks.check_control_plane_observations, bad, match="read_ok")
    rejects(checks.check_control_plane_observations, GOOD_CP[:3], match="恢复")
    rejects(checks.check_control_plane_observations, [GOOD_CP[0], GOOD_CP[1], GOOD_CP[3]], match="停掉 2")
    rejects(checks.check_control_plane_observations, [], match="没有观测")
    rejects(checks.check_control_plane_observations, None, match="尚未作答")


# ----------------------------------------------------------------------------- rollout
def test_fenceposts_follow_the_controller():
    assert checks.fenceposts(6, 2, 1) == (2, 1)
    assert checks.fenceposts(10, "25%", "25%") == (3, 2)      # surge rounds up, unavailable down
    assert checks.fenceposts(3, 0, 0) == (0, 1)               # both 0 -> unavailable 1
    assert checks.fenceposts(4, None, "0%") == (0, 1)
    with pytest.raises(ValueError, match="maxSurge"):
        checks.fenceposts(4, "abc", 1)


def _model_rollout(replicas=R, surge=SURGE, unav=UNAV):
    """Snapshots of an ideal rollout produced by hakit.models.rollout (pods ready at once)."""
    from hakit.models import rollout

    old, new, snaps = replicas, 0, [{"old": replicas, "new": 0, "old_available": replicas, "new_available": 0}]
    for _ in range(50):
        if old == 0 and new == replicas:
            break
        new = rollout.new_rs_target(replicas, surge, unav, old, new)
        snaps.append({"old": old, "new": new, "old_available": old, "new_available": snaps[-1]["new_available"]})
        snaps.append({**snaps[-1], "new_available": new})          # new pods become available
        old = rollout.old_rs_target(replicas, surge, unav, old, old, new, new)
        snaps.append({"old": old, "new": new, "old_available": old, "new_available": new})
    # collapse repeats as the recorder does
    out = [snaps[0]]
    for s in snaps[1:]:
        if s != out[-1]:
            out.append(s)
    return out


def test_rollout_bounds_and_steps_on_a_model_rollout():
    from hakit.models import rollout

    snaps = _model_rollout()
    assert snaps[-1]["new"] == R and snaps[-1]["old"] == 0
    assert checks.check_rollout_bounds(snaps, R, SURGE, UNAV)
    rows = checks.compare_rollout_steps(snaps, R, SURGE, UNAV, rollout)
    assert rows and all(r["match"] for r in rows)
    assert {r["rs"] for r in rows} == {"new", "old"}
    assert checks.check_rollout_steps(rows)


def test_rollout_bounds_reject_violations():
    snaps = _model_rollout()
    too_many = copy.deepcopy(snaps)
    too_many[2]["new"] = R + SURGE                 # old + new above replicas + maxSurge
    rejects(checks.check_rollout_bounds, too_many, R, SURGE, UNAV, match="超过")
    too_few = copy.deepcopy(snaps)
    too_few[3]["old_available"] = 0
    rejects(checks.check_rollout_bounds, too_few, R, SURGE, UNAV, match="低于")
    unfinished = snaps[:-1]
    rejects(checks.check_rollout_bounds, unfinished, R, SURGE, UNAV, match="没有完成")
    rejects(checks.check_rollout_bounds, snaps[:1], R, SURGE, UNAV, match="太少")


def test_rollout_steps_detect_a_different_controller():
    from hakit.models import rollout

    snaps = _model_rollout()

    class OneAtATime:   # a wrong model: ignores maxSurge, moves one pod per step
        @staticmethod
        def new_rs_target(replicas, s, u, old, new):
            return min(replicas, new + 1)

        @staticmethod
        def old_rs_target(replicas, s, u, old, oa, new, na):
            return max(0, old - 1)

    rows = checks.compare_rollout_steps(snaps, R, SURGE, UNAV, OneAtATime)
    rejects(checks.check_rollout_steps, rows, match="与模型一致")
    rejects(checks.check_rollout_steps, [], match="没有记录")
    rows_ok = checks.compare_rollout_steps(snaps, R, SURGE, UNAV, rollout)
    assert checks.check_rollout_steps(rows_ok, min_match=1.0)


STALLED = {"old": 5, "new": 3, "old_available": 5, "new_ready": 0, "service_ok": 70,
           "service_total": 70, "reason": "ProgressDeadlineExceeded"}


def test_stalled_rollout():
    assert checks.check_stalled_rollout(STALLED, R, SURGE, UNAV)
    for key, value, match in [("new_ready", 1, "就绪"), ("old_available", 4, "下限"),
                              ("new", 4, "maxSurge \\+ maxUnavailable"), ("service_ok", 69, "一直可用"),
                              ("reason", "NewReplicaSetAvailable", "ProgressDeadlineExceeded")]:
        rejects(checks.check_stalled_rollout, {**STALLED, key: value}, R, SURGE, UNAV, match=match)


def test_stalled_rollout_matches_the_model_fixed_point():
    from hakit.models import rollout

    old, new = R, 0
    for _ in range(10):
        new = rollout.new_rs_target(R, SURGE, UNAV, old, new)
        old = rollout.old_rs_target(R, SURGE, UNAV, old, min(old, R), new, 0)
    assert (old, new) == (STALLED["old"], STALLED["new"])


def test_undo():
    good = {"image": "nginx:1.27-alpine", "expected_image": "nginx:1.27-alpine", "available": 6, "replicas": 6}
    assert checks.check_undo(good)
    rejects(checks.check_undo, {**good, "image": "nginx:0.0.0-no-such-tag"}, match="镜像")
    rejects(checks.check_undo, {**good, "available": 5}, match="可用")


# ----------------------------------------------------------------------------- probes
def test_backoff_rule():
    assert checks.expected_backoff_delays(7) == [0, 10, 20, 40, 80, 160, 300]
    assert checks.expected_backoff_delays(0) == []


def test_observed_crashloop_backoff():
    assert checks.check_crashloop_backoff([1.0, 11.0, 24.0, 41.0])
    assert checks.check_crashloop_backoff([0.0, 14.0, 30.0])
    rejects(checks.check_crashloop_backoff, [0.0, 1.0, 1.0, 1.0], match="第 2 次")     # no back-off at all
    rejects(checks.check_crashloop_backoff, [0.0, 10.0, 60.0], match="第 3 次")         # far too late
    rejects(checks.check_crashloop_backoff, [0.0, 10.0], match="至少")


READY = {"pod": "ready-web-a", "before": ["ready-web-a", "ready-web-b", "ready-web-c"],
         "during": ["ready-web-b", "ready-web-c"], "after": ["ready-web-a", "ready-web-b", "ready-web-c"],
         "restarts_during": 0}


def test_readiness_removal():
    assert checks.check_readiness_removal(READY)
    rejects(checks.check_readiness_removal, {**READY, "during": READY["before"]}, match="仍在")
    rejects(checks.check_readiness_removal, {**READY, "restarts_during": 1}, match="不会重启")
    rejects(checks.check_readiness_removal, {**READY, "after": ["ready-web-b", "ready-web-c"]}, match="恢复后")
    rejects(checks.check_readiness_removal, {**READY, "during": ["ready-web-b"]}, match="其他")


STARTUP = {"with_startup": {"restarts": 0, "started": True},
           "without_startup": {"restarts": 3, "started": False}}


def test_startup_protection():
    assert checks.check_startup_protection(STARTUP)
    swapped = {"with_startup": STARTUP["without_startup"], "without_startup": STARTUP["with_startup"]}
    rejects(checks.check_startup_protection, swapped, match="有 startupProbe")
    bad = copy.deepcopy(STARTUP)
    bad["without_startup"] = {"restarts": 0, "started": True}
    rejects(checks.check_startup_protection, bad, match="没有 startupProbe")


# ----------------------------------------------------------------------------- HPA
def test_hpa_formula_and_prediction():
    assert checks.hpa_desired(2, 90, 50) == 4
    assert checks.hpa_desired(4, 52, 50) == 4          # within the 0.1 tolerance
    assert checks.hpa_desired(4, 20, 50) == 2
    assert checks.hpa_desired(10, 110, 100) == 10      # exactly +10 %: inside the band since v1.33


HPA_OBS = {"samples": [(0, 1), (15, 1), (30, 2), (45, 4), (60, 5), (90, 5), (120, 5), (185, 5), (200, 1)],
           "load_stopped_at": 120, "window": 60, "min": 1, "max": 8}


def test_hpa_observations():
    assert checks.check_hpa_observations(HPA_OBS)
    early = {**HPA_OBS, "samples": HPA_OBS["samples"][:7] + [(150, 1)]}
    rejects(checks.check_hpa_observations, early, match="早于缩容稳定窗口")
    jump = {**HPA_OBS, "samples": [(0, 1), (15, 8), (200, 1)]}
    rejects(checks.check_hpa_observations, jump, match="最多")
    flat = {**HPA_OBS, "samples": [(0, 1), (60, 1)]}
    rejects(checks.check_hpa_observations, flat, match="没有扩容")
    above = {**HPA_OBS, "max": 4}
    rejects(checks.check_hpa_observations, above, match="maxReplicas")
    no_down = {**HPA_OBS, "samples": HPA_OBS["samples"][:-1]}
    rejects(checks.check_hpa_observations, no_down, match="没有观测到缩容")


# ----------------------------------------------------------------------------- failure domains
WORKERS = ["hakit-worker", "hakit-worker2", "hakit-worker3"]


def test_spread():
    assert checks.check_spread({"a": "hakit-worker", "b": "hakit-worker2", "c": "hakit-worker3"}, WORKERS)
    rejects(checks.check_spread, {"a": "hakit-worker", "b": "hakit-worker", "c": "hakit-worker3"}, WORKERS,
            match="至多一个|不均")
    rejects(checks.check_spread, {"a": "hakit-control-plane"}, WORKERS, match="不是 worker")
    assert checks.check_spread({f"p{i}": WORKERS[i % 3] for i in range(5)}, WORKERS)


EVICT = {"node": "hakit-worker", "pod": "spread-1", "toleration_seconds": 30, "not_ready_at": 48.0,
         "taint_at": 48.5, "evicted_at": 80.0, "replacement_ready_at": 86.0}


def test_taint_eviction():
    assert checks.check_taint_eviction(EVICT)
    rejects(checks.check_taint_eviction, {**EVICT, "evicted_at": 55.0}, match="早于 tolerationSeconds")
    rejects(checks.check_taint_eviction, {**EVICT, "evicted_at": 48.5 + 300}, match="远晚于")
    rejects(checks.check_taint_eviction, {**EVICT, "replacement_ready_at": None}, match="重建")
    rejects(checks.check_taint_eviction, {**EVICT, "not_ready_at": 70.0}, match="NotReady")


def test_pdb():
    assert checks.pdb_evictions_allowed(3, 2, 2) == [True, False]
    assert checks.pdb_evictions_allowed(5, 2, 4) == [True, True, True, False]
    assert checks.pdb_evictions_allowed(2, 2, 1) == [False]
    assert checks.check_pdb_block([201, 429])
    assert checks.check_pdb_block([200, 429])
    rejects(checks.check_pdb_block, [201, 201], match="没有观测到 429")
    rejects(checks.check_pdb_block, [429, 201], match="之前")


# ----------------------------------------------------------------------------- StatefulSet
BEFORE = {"name": "web-1", "uid": "u1", "ip": "10.244.1.5", "pvc_uid": "p1", "data": "web-1 1700000000",
          "dns": "10.244.1.5", "fqdn": "web-1.web.ns.svc.cluster.local"}
AFTER = {**BEFORE, "uid": "u2", "ip": "10.244.2.9", "dns": "10.244.2.9"}


def test_statefulset_identity():
    assert checks.check_statefulset_identity(BEFORE, AFTER)
    assert checks.check_statefulset_identity(BEFORE, {**AFTER, "ip": BEFORE["ip"], "dns": BEFORE["ip"]})
    rejects(checks.check_statefulset_identity, BEFORE, {**AFTER, "name": "web-3"}, match="名字")
    rejects(checks.check_statefulset_identity, BEFORE, {**AFTER, "uid": "u1"}, match="uid")
    rejects(checks.check_statefulset_identity, BEFORE, {**AFTER, "pvc_uid": "p2"}, match="PVC")
    rejects(checks.check_statefulset_identity, BEFORE, {**AFTER, "data": "web-1 1700000999"}, match="数据")
    rejects(checks.check_statefulset_identity, BEFORE, {**AFTER, "dns": BEFORE["ip"]}, match="DNS")


# ----------------------------------------------------------------------------- recorder helpers
def test_rs_snapshot_splits_old_and_new():
    state = {"web-aaa": {"spec": {"replicas": 5}, "status": {"availableReplicas": 5}},
             "web-bbb": {"spec": {"replicas": 3}, "status": {}}}
    assert kube._rs_snapshot(state, {"web-aaa"}) == {"old": 5, "new": 3, "old_available": 5, "new_available": 0}


def test_resolve_parses_busybox_nslookup():
    class FakeCluster:
        def __init__(self, text):
            self.text = text

        def exec(self, ns, pod, cmd):
            assert cmd[0] == "nslookup"
            return self.text

    out = ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
           "Name:\tweb-1.web.ns.svc.cluster.local\nAddress: 10.244.2.9\n\n")
    assert kube.resolve(FakeCluster(out), "ns", "dns-client", "web-1.web.ns.svc.cluster.local") == "10.244.2.9"
    assert kube.resolve(FakeCluster("** server can't find x: NXDOMAIN\n"), "ns", "c", "x") is None


def test_parse_time():
    assert kube._parse_time("1970-01-01T00:01:40Z") == 100.0
    assert kube._parse_time(None) is None


def test_figures_build_from_observations():
    from hakit.figures import kube_labs as figs
    from hakit.models import rollout

    snaps = _model_rollout()
    rows = checks.compare_rollout_steps(snaps, R, SURGE, UNAV, rollout)
    hpa_obs = {**HPA_OBS, "raw": [{"t": t, "desired": r, "current": r, "cpu": 80} for t, r in HPA_OBS["samples"]]}
    built = [
        figs.quorum_figure(GOOD_CP, {0: True, 1: True, 2: False, 3: False}),
        figs.rollout_figure(snaps, rows, R, SURGE, UNAV),
        figs.stalled_rollout_figure([{**STALLED, "t": 1.0, "service_ok": True, "new_available": 0}]),
        figs.backoff_figure([0, 11, 22], [0, 10, 20, 40]),
        figs.endpoints_figure(READY),
        figs.startup_figure(STARTUP, {"with_startup": 0, "without_startup": 4}),
        figs.hpa_figure(hpa_obs, [(0, 2), (30, 4)]),
        figs.eviction_figure(EVICT, 50),
        figs.identity_figure(BEFORE, AFTER),
    ]
    for fig in built:
        assert isinstance(fig, go.Figure) and fig.layout.title.text
        assert fig.layout.template.layout.paper_bgcolor in ("white", "#fff", "rgb(255,255,255)") or True
    # the rollout figure carries the model predictions as its own traces
    names = [t.name for t in built[1].data]
    assert "模型预测：新 RS" in names and "观测：新 RS spec.replicas" in names


# ----------------------------------------------------------------------------- notebook exercises
def _exercise_cases():
    from pathlib import Path

    import nbformat

    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "labs").glob("k8s_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        conn = next(i for i, c in enumerate(nb.cells) if "connection" in c.metadata.get("tags", []))
        setup = nb.cells[conn + 1].source          # the imports cell right after the connection cell
        for i, c in enumerate(nb.cells):
            if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source:
                yield pytest.param(setup, c.source, nb.cells[i + 1].source, id=f"{path.stem}-cell{i}")


@pytest.mark.parametrize("setup,answer,check", list(_exercise_cases()))
def test_exercise_cells_without_a_cluster(setup, answer, check):
    """The answer cells need no cluster: with the solution the check cell passes; in the student
    version (tools/make_student.py) the answer cell raises and the check cell fails with a
    Chinese AssertionError, never a NameError."""
    import make_student   # tools/ is on sys.path (tests/conftest.py)

    ns: dict = {}
    exec(setup, ns)
    exec(answer, ns)
    exec(check, ns)

    ns = {}
    exec(setup, ns)
    with pytest.raises(NotImplementedError):
        exec(make_student.student_source(answer), ns)
    with pytest.raises(AssertionError, match="尚未作答"):
        exec(check, ns)
