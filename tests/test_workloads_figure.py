"""Deployment → ReplicaSet → Pod 从属关系图：每一步与 rollout.simulate 一致。"""
import pytest

from hakit.figures.workloads import POD_COLORS, ownership_figure, ownership_states
from hakit.models import rollout as R


def test_states_follow_simulation():
    r, states = ownership_states(4)
    assert states[0]["old_replicas"] == 4 and states[0]["new_replicas"] == 0
    assert len(states) == len(r.steps) + 1
    # replicas=4、25%/25%：maxSurge=1、maxUnavailable=1；第一次同步新 RS 1 个、旧 RS 缩到 3
    assert (states[1]["new_replicas"], states[1]["old_replicas"]) == (1, 3)
    assert (states[-1]["new_replicas"], states[-1]["old_replicas"]) == (4, 0)
    for st in states:
        assert st["total_pods"] <= r.max_total and st["available"] >= r.min_available


def _pod_boxes(fig, step) -> dict:
    """Pod colour -> number of pod rectangles drawn in this slider step."""
    upd, idx = step.args
    out: dict = {}
    for j, k in enumerate(idx):
        color = fig.data[k].fillcolor
        if color in POD_COLORS.values() and fig.data[k].fill == "toself":
            out[color] = out.get(color, 0) + upd["x"][j].count(None)
    return out


def test_figure_pods_match_each_step():
    fig = ownership_figure(4)
    _, states = ownership_states(4)
    steps = fig.layout.sliders[0].steps
    assert len(steps) == len(states)
    for step, st in zip(steps, states):
        assert step.method == "restyle"
        boxes = _pod_boxes(fig, step)
        for kind in ("old_ready", "old_not_ready", "new_ready", "new_not_ready"):
            assert boxes.get(POD_COLORS[kind], 0) == st[kind], kind
        texts = [t for ts in step.args[0]["text"] for t in ts]
        assert f"修订版本 1 · replicas={st['old_replicas']}" in texts
    assert "尚未创建" in steps[0].args[0]["text"][-2]
    assert f"修订版本 2 · replicas={states[1]['new_replicas']}" in steps[1].args[0]["text"][-2]
    assert len(fig.to_json()) < 300_000


def test_bad_input():
    with pytest.raises(ValueError, match="1 到 12"):
        ownership_states(0)
    with pytest.raises(ValueError):
        ownership_figure(4, 0, 0)   # maxSurge 与 maxUnavailable 不能同时为 0


def test_policy_failure_figure_menus_are_independent():
    from hakit.figures.workloads import policy_failure_figure
    from hakit.models import topology as T

    graphs = {"none": T.failure_points(3, "none"), "required": T.failure_points(3, "required")}
    choices = [("无故障", []), ("节点", ["A-host1-vm1"]), ("机房 A", ["A"])]
    fig = policy_failure_figure(graphs, choices, service="app")
    policy_menu, failure_menu = fig.layout.updatemenus
    assert all(b.method == "restyle" and set(b.args[0]) == {"visible"} for b in policy_menu.buttons)
    assert all(b.method == "restyle" and set(b.args[0]) == {"x", "y", "text", "marker.size"}
               for b in failure_menu.buttons)
    # the failure menu updates both placements at once; each caption comes from impact()
    captions = [t[0] for t in failure_menu.buttons[1].args[0]["text"] if t]
    assert len(captions) == 2
    assert captions[0].startswith("none：") and "0/3 就绪" in captions[0] and "不可用" in captions[0]
    assert captions[1].startswith("required：") and "2/3 就绪" in captions[1] and "仍可用" in captions[1]
    # the policy menu only toggles visibility: each placement shows its own traces and none of the other's
    v0, v1 = (b.args[0]["visible"] for b in policy_menu.buttons)
    assert len(v0) == len(fig.data) and not any(a and b for a, b in zip(v0, v1)) and all(a or b for a, b in zip(v0, v1))
    with pytest.raises(ValueError, match="没有这些节点"):
        policy_failure_figure(graphs, [("x", ["nope"])])
    with pytest.raises(ValueError, match="service"):
        policy_failure_figure(graphs, choices, service="web")
