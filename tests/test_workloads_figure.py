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


def test_figure_pods_match_each_step():
    fig = ownership_figure(4)
    _, states = ownership_states(4)
    steps = fig.layout.sliders[0].steps
    assert len(steps) == len(states)
    for step, st in zip(steps, states):
        assert step.method == "update"
        colors = step.args[0]["marker.color"][2]
        assert colors.count(POD_COLORS["old_ready"]) == st["old_ready"]
        assert colors.count(POD_COLORS["new_not_ready"]) == st["new_not_ready"]
        assert len(colors) == st["old_ready"] + st["old_not_ready"] + st["new_ready"] + st["new_not_ready"]
        assert f"spec.replicas={st['old_replicas']}" in step.args[0]["text"][1][1]
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
    assert [b.method for b in policy_menu.buttons] == ["update", "update"]
    assert all(b.method == "restyle" and set(b.args[0]) == {"marker.color", "text"} for b in failure_menu.buttons)
    # “节点”故障：none 策略（3 个 Pod 挤在 A-host1-vm1）不可用，required 仍可用
    texts = failure_menu.buttons[1].args[0]["text"]
    assert "不可用" in texts[1][0] and "仍可用" in texts[3][0]
    # 策略菜单只切换可见性：每个策略显示自己的 3 条轨迹
    vis = policy_menu.buttons[1].args[0]["visible"]
    assert sum(vis) - sum(1 for t in fig.data if t.showlegend is not False) == 3
    with pytest.raises(ValueError, match="没有这些节点"):
        policy_failure_figure(graphs, [("x", ["nope"])])
