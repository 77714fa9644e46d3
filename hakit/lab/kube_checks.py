"""Graders for the Kubernetes labs (``labs/k8s_*.ipynb``).

The learner's answers (predictions) are graded by :func:`hakit.grading.check` with the exercises
``labs.k*`` of :mod:`hakit.exercises.labs`, whose solvers use the rules below. The ``check_*``
functions here check what a lab *observed* (numbers, lists, dicts recorded from the API): they
return ``True`` or raise ``AssertionError`` with a Chinese message (``✘ 实验检查：…``) that says
what is wrong without giving away the answer of an exercise. They never talk to a cluster, so
they are tested on constructed observations (``tests/test_kube_graders.py``).

The rules are written out here (small, independent of the models the notebooks' solutions use,
so a bug in a model cannot make a grader accept a wrong answer or observation), with sources:

- Majority / quorum: a cluster of n members needs floor(n/2)+1 alive (etcd FAQ,
  https://etcd.io/docs/v3.5/faq/#what-is-failure-tolerance); :func:`hakit.models.quorum.majority`.
- Rolling update fenceposts: maxSurge rounds up, maxUnavailable rounds down, both 0 -> unavailable 1;
  during a rollout total pods <= replicas + maxSurge and available >= replicas - maxUnavailable
  (kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go ResolveFenceposts,
  MaxSurge, MaxUnavailable; https://v1-36.docs.kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge).
- CrashLoopBackOff: the first restart is immediate, then 10 s doubling, capped at 300 s
  (https://v1-36.docs.kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts).
  A restart is picked up on a later pod sync, so an observed delay may be up to ~15 s late.
- HPA: desired = ceil(current * currentValue / targetValue), no change within the 0.1 tolerance;
  scale-up per 15 s at most max(+100 %, +4 pods); scale-down only after the stabilization
  window (https://v1-36.docs.kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details).
- Taint-based eviction after tolerationSeconds; Eviction API 429 when a PodDisruptionBudget
  forbids it (https://v1-36.docs.kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions,
  https://v1-36.docs.kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/).
- StatefulSet: stable name, network identity and storage; the Pod IP is not stable
  (https://v1-36.docs.kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-identity).
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from hakit.grading import MISSING_MESSAGE
from hakit.models.quorum import majority

IntOrPercent = Union[int, str, None]


def _fail(msg: str) -> None:
    raise AssertionError(f"✘ 实验检查：{msg}")


def _need(observed: Any, what: str) -> None:
    if observed is None:
        _fail(f"{MISSING_MESSAGE}：还没有 {what}，请先运行上面的实验单元格。")


# ----------------------------------------------------------------------------- quorum
def quorum_table(members: int) -> dict:
    """``{k: can the cluster still write with k of members stopped}`` for k = 0..members."""
    return {k: members - k >= majority(members) for k in range(members + 1)}


def check_control_plane_observations(observations: Sequence[Mapping], members: int = 3) -> bool:
    """Observations ``[{"stopped": k, "read_ok": bool, "write_ok": bool}, ...]`` in time order.

    Needs: one step with 1 node stopped (quorum kept: read and write succeed), one with 2 stopped
    (quorum lost: quorum read and write fail), and a final step with 0 stopped that succeeds.
    """
    _need(observations, "observations")
    if not observations:
        _fail("没有观测记录：先运行上面的实验单元格。")
    seen = set()
    for i, ob in enumerate(observations):
        k = int(ob["stopped"])
        quorum = members - k >= majority(members)
        for key in ("read_ok", "write_ok"):
            if bool(ob[key]) != quorum:
                _fail(f"第 {i} 条观测（停掉 {k} 个节点）的 {key}={ob[key]}，与法定人数规则不符："
                      f"集群状态与预期不同，看看节点是否真的停下或恢复了。")
        seen.add(k)
    for k in (1, 2):
        if k not in seen:
            _fail(f"缺少停掉 {k} 个控制平面节点时的观测。")
    last = observations[-1]
    if int(last["stopped"]) != 0:
        _fail("最后一条观测应在所有节点恢复之后（stopped=0）：请先恢复节点再观测。")
    return True


# ----------------------------------------------------------------------------- rollout
def _fencepost(value: IntOrPercent, replicas: int, round_up: bool, field: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        _fail(f"{field}: 不能是布尔值")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        x = int(value[:-1]) * replicas / 100
        return math.ceil(x) if round_up else math.floor(x)
    raise ValueError(f"{field}: Invalid value: {value!r}: 必须是整数或百分比字符串（如 \"25%\"）")


def fenceposts(replicas: int, max_surge: IntOrPercent, max_unavailable: IntOrPercent) -> tuple:
    """(surge, unavailable) as the Deployment controller resolves them."""
    surge = _fencepost(max_surge, replicas, True, "spec.strategy.rollingUpdate.maxSurge")
    unavailable = _fencepost(max_unavailable, replicas, False, "spec.strategy.rollingUpdate.maxUnavailable")
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def check_rollout_bounds(snapshots: Sequence[Mapping], replicas: int, max_surge: IntOrPercent,
                         max_unavailable: IntOrPercent) -> bool:
    """ReplicaSet snapshots ``{"old", "new", "old_available", "new_available"}`` (spec sizes and
    status.availableReplicas) recorded during a complete rollout: bounds hold and it finishes."""
    _need(snapshots, "snapshots")
    if len(snapshots) < 2:
        _fail("快照太少：至少要有发布开始与结束两条记录。")
    surge, unavailable = fenceposts(replicas, max_surge, max_unavailable)
    for i, s in enumerate(snapshots):
        total = s["old"] + s["new"]
        if total > replicas + surge:
            _fail(f"第 {i} 步 old+new={total} 超过了 replicas + maxSurge 的上限")
        avail = s["old_available"] + s["new_available"]
        if avail < replicas - unavailable:
            _fail(f"第 {i} 步可用 Pod {avail} 低于 replicas - maxUnavailable 的下限")
    last = snapshots[-1]
    if not (last["new"] == replicas and last["old"] == 0 and last["new_available"] == replicas):
        _fail(f"发布没有完成：最后一步 old={last['old']} new={last['new']} "
              f"new_available={last['new_available']}，应为 old=0、new={replicas}、全部可用。")
    return True


def compare_rollout_steps(snapshots: Sequence[Mapping], replicas: int, max_surge: IntOrPercent,
                          max_unavailable: IntOrPercent, model: Any) -> list:
    """Step-by-step comparison with a model module exposing ``new_rs_target`` / ``old_rs_target``.

    For every snapshot where a ReplicaSet's size changed, the model predicts that size from the
    previous snapshot. Returns rows ``{"step", "rs", "before", "observed", "predicted", "match"}``.
    """
    rows = []
    for i in range(1, len(snapshots)):
        a, b = snapshots[i - 1], snapshots[i]
        if b["new"] != a["new"]:
            pred = model.new_rs_target(replicas, max_surge, max_unavailable, a["old"], a["new"])
            rows.append({"step": i, "rs": "new", "before": a["new"], "observed": b["new"],
                         "predicted": pred, "match": pred == b["new"]})
        if b["old"] != a["old"]:
            pred = model.old_rs_target(replicas, max_surge, max_unavailable, a["old"],
                                       a["old_available"], a["new"], a["new_available"])
            rows.append({"step": i, "rs": "old", "before": a["old"], "observed": b["old"],
                         "predicted": pred, "match": pred == b["old"]})
    return rows


def check_rollout_steps(rows: Sequence[Mapping], min_match: float = 0.8) -> bool:
    """At least ``min_match`` of the observed size changes equal the model's prediction.

    Not 100 %: the controller decides from its informer cache, which can be a status update
    ahead of or behind what our watch recorded at that instant.
    """
    _need(rows, "rows")
    if not rows:
        _fail("没有记录到任何 ReplicaSet 规模变化：发布真的发生了吗？")
    ok = sum(1 for r in rows if r["match"])
    frac = ok / len(rows)
    if frac < min_match:
        bad = [r for r in rows if not r["match"]][:3]
        _fail(f"只有 {ok}/{len(rows)} 步与模型一致（要求 ≥ {min_match:.0%}）；例如 {bad}")
    return True


def check_stalled_rollout(obs: Optional[Mapping], replicas: int, max_surge: IntOrPercent,
                          max_unavailable: IntOrPercent) -> bool:
    """A rollout to a bad image: stalls within the bounds while the Service keeps answering.

    ``obs``: ``{"old", "new", "old_available", "new_ready", "service_ok", "service_total", "reason"}``.
    """
    _need(obs, "obs")
    surge, unavailable = fenceposts(replicas, max_surge, max_unavailable)
    if obs["new_ready"] != 0:
        _fail(f"镜像不存在时新 ReplicaSet 不应有就绪 Pod，观测到 {obs['new_ready']}")
    if obs["old_available"] < replicas - unavailable:
        _fail(f"旧版本可用 Pod {obs['old_available']} 低于 replicas - maxUnavailable：滚动更新不应让可用数跌破下限")
    if obs["new"] > surge + unavailable:
        _fail(f"新 ReplicaSet 规模 {obs['new']} 超过了 maxSurge + maxUnavailable")
    if obs["old"] + obs["new"] > replicas + surge:
        _fail("Pod 总数超过 replicas+maxSurge")
    if obs["service_total"] <= 0:
        _fail("没有记录 Service 的探测结果")
    if obs["service_ok"] != obs["service_total"]:
        _fail(f"发布卡住期间 Service 应一直可用，观测到 {obs['service_ok']}/{obs['service_total']} 次成功")
    if obs.get("reason") != "ProgressDeadlineExceeded":
        _fail(f"Progressing 条件的 reason 应为 ProgressDeadlineExceeded，观测到 {obs.get('reason')!r}")
    return True


def check_undo(obs: Optional[Mapping]) -> bool:
    """After the undo: ``{"image", "expected_image", "available", "replicas"}``."""
    _need(obs, "obs")
    if obs["image"] != obs["expected_image"]:
        _fail(f"回滚后镜像是 {obs['image']}，应回到 {obs['expected_image']}")
    if obs["available"] != obs["replicas"]:
        _fail(f"回滚后可用副本 {obs['available']}/{obs['replicas']}，应全部可用")
    return True


# ----------------------------------------------------------------------------- probes
def expected_backoff_delays(n: int, initial: float = 10.0, cap: float = 300.0) -> list:
    """Delays before restarts 1..n: 0 (immediate), then initial doubling, capped."""
    return [0.0] + [min(initial * 2 ** k, cap) for k in range(n - 1)] if n > 0 else []


def check_crashloop_backoff(observed: Optional[Sequence[float]], late: float = 16.0,
                            early: float = 2.0) -> bool:
    """Observed delays (previous container finished -> next started), at least 3 of them."""
    _need(observed, "observed")
    if len(observed) < 3:
        _fail(f"至少需要观测到 3 次重启，只有 {len(observed)} 次：多等一会儿再记录。")
    expect = expected_backoff_delays(len(observed))
    for i, (o, e) in enumerate(zip(observed, expect)):
        if not (e - early <= o <= e + late):
            _fail(f"第 {i + 1} 次重启前等待了 {o:.1f} s，不符合 CrashLoopBackOff 的退避规则"
                  f"（允许提前 {early:g} s、滞后 {late:g} s）")
    return True


def check_readiness_removal(obs: Optional[Mapping]) -> bool:
    """``{"pod", "before", "during", "after", "restarts_during"}`` (lists of ready endpoint pods)."""
    _need(obs, "obs")
    pod = obs["pod"]
    if pod not in obs["before"]:
        _fail(f"{pod} 一开始就不在就绪端点里：先等所有 Pod 就绪")
    if pod in obs["during"]:
        _fail(f"就绪探针失败期间 {pod} 仍在 EndpointSlice 的 ready 端点里")
    others = set(obs["before"]) - {pod}
    if not others <= set(obs["during"]):
        _fail("其他健康的 Pod 不应被移出端点")
    if pod not in obs["after"]:
        _fail(f"恢复后 {pod} 应重新回到就绪端点")
    if obs["restarts_during"] != 0:
        _fail("就绪探针失败不会重启容器，但观测到了重启：是不是把 livenessProbe 和 readinessProbe 弄混了？")
    return True


def check_startup_protection(obs: Optional[Mapping]) -> bool:
    """``{"with_startup": {"restarts", "started"}, "without_startup": {"restarts", "started"}}``."""
    _need(obs, "obs")
    w, wo = obs["with_startup"], obs["without_startup"]
    if not w["started"] or w["restarts"] != 0:
        _fail(f"有 startupProbe 的 Pod 应不重启地完成启动，观测到 restarts={w['restarts']} started={w['started']}")
    if wo["started"] or wo["restarts"] < 1:
        _fail(f"没有 startupProbe 的 Pod 应在启动完成前被 livenessProbe 杀掉，观测到 "
              f"restarts={wo['restarts']} started={wo['started']}")
    return True


# ----------------------------------------------------------------------------- HPA
def hpa_desired(current_replicas: int, current_value: float, target_value: float,
                tolerance: float = 0.1) -> int:
    """One sync's formula value: :func:`hakit.models.hpa.desired_replicas` (tolerance band of v1.33+)."""
    from hakit.models import hpa

    return int(hpa.desired_replicas(current_replicas, current_value, target_value, tolerance=tolerance))


def check_hpa_observations(obs: Optional[Mapping]) -> bool:
    """``{"samples": [(t, replicas)], "load_stopped_at": t, "window": s, "min": m, "max": M}``.

    Scale-up happened, never above max, each increase within max(2x, +4) per 15 s, and no
    decrease earlier than ``window`` seconds after the load stopped (5 s slack).
    """
    _need(obs, "obs")
    samples = sorted(obs["samples"])
    if not samples:
        _fail("没有采样")
    top = max(r for _, r in samples)
    if top <= obs["min"]:
        _fail("负载期间没有扩容：metrics-server 是否就绪？负载发生器是否在运行？")
    if top > obs["max"]:
        _fail(f"副本数 {top} 超过了 maxReplicas={obs['max']}")
    for (t0, r0), (t1, r1) in zip(samples, samples[1:]):
        if r1 > r0 and r1 > max(2 * r0, r0 + 4):
            _fail(f"t={t1:.0f}s 时从 {r0} 跳到 {r1}：一次扩容最多 max(+100%, +4)")
    downs = [t1 for (t0, r0), (t1, r1) in zip(samples, samples[1:]) if r1 < r0]
    if not downs:
        _fail("没有观测到缩容：停掉负载后再多等一个稳定窗口")
    first_down = min(downs)
    if first_down < obs["load_stopped_at"] + obs["window"] - 5:
        _fail(f"停止负载后 {first_down - obs['load_stopped_at']:.0f} s 就缩容了，"
              f"早于缩容稳定窗口 {obs['window']} s")
    return True


# ----------------------------------------------------------------------------- failure domains
def check_spread(pod_nodes: Optional[Mapping[str, str]], workers: Iterable[str]) -> bool:
    """Each replica on a different worker; skew over workers <= 1."""
    _need(pod_nodes, "pod_nodes")
    workers = list(workers)
    counts = {w: 0 for w in workers}
    for pod, node in pod_nodes.items():
        if node not in counts:
            _fail(f"{pod} 被调度到 {node}，它不是 worker 节点")
        counts[node] += 1
    if max(counts.values()) - min(counts.values()) > 1:
        _fail(f"Pod 在 worker 间分布不均（maxSkew 1）：{counts}")
    if len(pod_nodes) <= len(workers) and max(counts.values()) > 1:
        _fail(f"副本数不多于 worker 数时应每个节点至多一个：{counts}")
    return True


def check_taint_eviction(obs: Optional[Mapping]) -> bool:
    """Times (s since the node was stopped): ``not_ready_at``, ``taint_at``, ``evicted_at``,
    ``replacement_ready_at``, plus ``toleration_seconds``."""
    _need(obs, "obs")
    tol = obs["toleration_seconds"]
    if not (0 < obs["not_ready_at"] <= obs["taint_at"] + 1):
        _fail("节点应先被判定 NotReady/Unknown，然后才被加上 unreachable 污点")
    waited = obs["evicted_at"] - obs["taint_at"]
    if waited < tol - 2:
        _fail(f"污点出现后 {waited:.0f} s 就驱逐了，早于 tolerationSeconds={tol}")
    if waited > tol + 30:
        _fail(f"污点出现后 {waited:.0f} s 才驱逐，远晚于 tolerationSeconds={tol}：容忍度写对了吗？")
    if obs.get("replacement_ready_at") is None or obs["replacement_ready_at"] < obs["evicted_at"]:
        _fail("被驱逐的副本应在别的节点上重建并就绪")
    return True


#: A granted eviction: the eviction docs say 200 OK; the API server answers the create of the
#: ``pods/eviction`` subresource with 201 Created. Either means "allowed".
#: https://v1-36.docs.kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
EVICTION_ALLOWED = (200, 201)


def pdb_evictions_allowed(replicas: int, min_available: int, attempts: int) -> list:
    """Back-to-back evictions: the first ``replicas - min_available`` are allowed, then 429."""
    allowed = max(0, replicas - min_available)
    return [i < allowed for i in range(attempts)]


def check_pdb_block(statuses: Optional[Sequence[int]]) -> bool:
    """Observed eviction statuses: a success and then a 429 from the PDB."""
    _need(statuses, "statuses")
    s = list(statuses)
    if 429 not in s:
        _fail(f"没有观测到 429：PodDisruptionBudget 没有挡住驱逐？观测到 {s}")
    if not any(code in EVICTION_ALLOWED for code in s[: s.index(429)]):
        _fail(f"429 之前应先有一次成功的驱逐（200 或 201），观测到 {s}")
    return True


# ----------------------------------------------------------------------------- StatefulSet
#: What a StatefulSet keeps across a Pod deletion (the Pod IP is not guaranteed).
STATEFULSET_KEPT = {"name": True, "dns": True, "volume": True, "ip": False}


def check_statefulset_identity(before: Optional[Mapping], after: Optional[Mapping]) -> bool:
    """``{"name", "uid", "ip", "pvc_uid", "data", "dns"}`` before and after deleting the pod."""
    _need(before, "before")
    _need(after, "after")
    if after["name"] != before["name"]:
        _fail(f"重建的 Pod 名字变了：{before['name']} -> {after['name']}")
    if after["uid"] == before["uid"]:
        _fail("Pod 的 uid 没变：它真的被删除重建了吗？")
    if after["pvc_uid"] != before["pvc_uid"]:
        _fail("重建的 Pod 挂的是另一个 PVC：StatefulSet 应挂回同一个 data-<pod> PVC")
    if after["data"] != before["data"]:
        _fail(f"卷里的数据变了：{before['data']!r} -> {after['data']!r}")
    if after["dns"] != after["ip"]:
        _fail(f"DNS 名解析到 {after['dns']}，而 Pod 现在的 IP 是 {after['ip']}")
    return True
