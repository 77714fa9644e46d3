"""Kubernetes 实验驱动：连接学习者本机的集群（kind / k3d / minikube …），并且只连本机集群。

This module is what the ``labs/k8s_*.ipynb`` notebooks use to talk to a *local* learner cluster
through the official ``kubernetes`` Python client:

- :func:`check_context` / :func:`is_local_context` — the context guard. A context is accepted
  only if its name looks like a local learner cluster (``kind-*``, ``k3d-*``, ``minikube``,
  ``docker-desktop``, ``rancher-desktop``, ``orbstack``) or if the environment variable
  ``HAKIT_ALLOW_CONTEXT`` names exactly that context. The labs stop nodes and drain them: they
  must never run against a shared or production cluster by accident.
- :func:`connect` -> :class:`Cluster`; raises :class:`ClusterUnavailable` (a clear Chinese message
  saying to run ``make cluster``) when there is no kubeconfig, no context or no answering API
  server. In IPython the exception renders as that message only (no traceback) through
  ``_render_traceback_``. :func:`cluster_reachable` is the boolean form for test harnesses;
  ``python -m hakit.lab.kube check`` exits 0 only when a local cluster answers.
- :class:`Cluster`: ``apply`` (server-side apply through the dynamic client), ``lab_namespace``
  (a context manager that deletes the lab's namespace on exit, also after a KeyboardInterrupt),
  ``watch`` (bounded watch with a progress line), ``events``, ``endpoint_slices``,
  ``service_get`` (through the API server's service proxy), ``exec``, ``evict``,
  ``rollout_undo``, ``probe_api`` (one read, one quorum read and one write with a short timeout),
  and ``stop_node`` / ``start_node`` (``docker stop|start <kind node container>``).

Sources:
- kubeconfig contexts and ``current-context``: https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
- kind context names are ``kind-<cluster>``, node containers ``<cluster>-control-plane``,
  ``<cluster>-control-plane2``, ``<cluster>-worker``…, label ``io.x-k8s.kind.cluster=<cluster>``;
  k3d contexts are ``k3d-<cluster>``: https://kind.sigs.k8s.io/docs/user/quick-start/ ,
  https://k3d.io/stable/usage/kubeconfig/ , minikube's context is ``minikube``.
- Server-side apply (``PATCH`` with ``application/apply-patch+yaml``, ``fieldManager``, ``force``):
  https://kubernetes.io/docs/reference/using-api/server-side-apply/
- EndpointSlice conditions ``ready`` / ``serving`` / ``terminating``:
  https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions
- Eviction API (429 Too Many Requests when a PodDisruptionBudget would be violated):
  https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
- ``kubectl rollout undo`` = copy the previous revision's ReplicaSet pod template (without the
  ``pod-template-hash`` label) back into the Deployment: kubernetes/kubectl
  ``pkg/polymorphichelpers/rollback.go`` (DeploymentRollbacker).
- Consistent reads: a list with ``resourceVersion=""`` is a quorum read from etcd, ``"0"`` may be
  served from the API server's watch cache:
  https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions
"""
from __future__ import annotations

import contextlib
import fnmatch
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Union

import yaml

ALLOW_ENV = "HAKIT_ALLOW_CONTEXT"
#: context names (fnmatch patterns) of clusters that run on the learner's own machine
LOCAL_CONTEXT_PATTERNS = ("kind-*", "k3d-*", "minikube", "docker-desktop", "rancher-desktop",
                          "orbstack")
#: root of the lab manifests
MANIFESTS = Path(__file__).resolve().parents[2] / "labs" / "manifests"
FIELD_MANAGER = "hakit-lab"
#: label put on every lab namespace (lets a learner find leftovers: kubectl get ns -l hakit.lab)
LAB_LABEL = "hakit.lab"

MAKE_CLUSTER_HINT = (
    "请先在仓库根目录运行 `make cluster`（它调用 labs/cluster/create.sh，需要 Docker 和 kind；"
    "缺什么它会告诉你怎么装），等它打印“集群已就绪”后，再重新运行这个单元格。"
    "详见 labs/README.md。"
)


class ClusterUnavailable(RuntimeError):
    """No local cluster answers. In IPython/Jupyter this shows as the Chinese message only."""

    def _render_traceback_(self) -> list:  # IPython hook: replaces the traceback display
        return ["ClusterUnavailable: " + str(self)]


class ContextRefused(RuntimeError):
    """The current kubeconfig context is not a local learner cluster (and is not allowed)."""

    def _render_traceback_(self) -> list:
        return ["ContextRefused: " + str(self)]


# --------------------------------------------------------------------------- context guard
def is_local_context(name: Optional[str]) -> bool:
    """True if ``name`` is the context name of a local learner cluster (kind-*, k3d-*, …)."""
    if not name or not isinstance(name, str):
        return False
    return any(fnmatch.fnmatchcase(name, pat) for pat in LOCAL_CONTEXT_PATTERNS)


def check_context(name: Optional[str], environ: Optional[dict] = None) -> str:
    """Return ``name`` if the labs may use it, else raise :class:`ContextRefused` (Chinese).

    Allowed: a local context name (see :data:`LOCAL_CONTEXT_PATTERNS`), or any context whose
    exact name is the value of ``HAKIT_ALLOW_CONTEXT`` (no patterns, no prefixes).
    """
    env = os.environ if environ is None else environ
    if not name:
        raise ContextRefused("kubeconfig 里没有当前 context（current-context 为空）。" + MAKE_CLUSTER_HINT)
    if is_local_context(name):
        return name
    allowed = (env.get(ALLOW_ENV) or "").strip()
    if allowed and allowed == name:
        return name
    extra = ""
    if allowed:
        extra = f"（{ALLOW_ENV} 当前是 {allowed!r}，与 {name!r} 不完全相同，所以不算允许。）"
    raise ContextRefused(
        f"拒绝连接 context {name!r}：它不像是本机的实验集群。本实验会停掉节点、驱逐 Pod、删除命名空间，"
        f"只允许在本机集群上做（context 名为 kind-*、k3d-*、minikube、docker-desktop、"
        f"rancher-desktop 或 orbstack）。{extra}"
        f"如果你确认 {name!r} 是一个可以随意破坏的练习集群，设置环境变量 {ALLOW_ENV}={name} "
        f"（必须与 context 名完全一致）后重启内核；否则用 `kubectl config use-context kind-hakit` "
        f"切换到本机集群，或运行 `make cluster` 新建一个。"
    )


def _kubeconfig_path(kubeconfig: Optional[str]) -> str:
    if kubeconfig:
        return kubeconfig
    return os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config")


def current_context(kubeconfig: Optional[str] = None) -> Optional[str]:
    """The kubeconfig's ``current-context`` (``None`` if there is no usable kubeconfig)."""
    from kubernetes import config as kconfig

    path = _kubeconfig_path(kubeconfig)
    try:
        _contexts, active = kconfig.list_kube_config_contexts(config_file=path)
    except Exception:  # missing / empty / unparsable file, or no contexts at all
        return None
    return (active or {}).get("name")


def connect(context: Optional[str] = None, *, kubeconfig: Optional[str] = None,
            timeout: float = 5.0) -> "Cluster":
    """Connect to the current (or given) kubeconfig context; refuse non-local contexts.

    Raises :class:`ClusterUnavailable` (no kubeconfig / no context / API server not answering
    within ``timeout`` seconds) or :class:`ContextRefused`.
    """
    from kubernetes import client, config as kconfig

    path = _kubeconfig_path(kubeconfig)
    name = context or current_context(path)
    if name is None:
        raise ClusterUnavailable(
            f"没有找到可用的 Kubernetes 集群：kubeconfig（{path}）不存在、为空或没有 current-context。"
            + MAKE_CLUSTER_HINT)
    check_context(name)
    cfg = client.Configuration()
    try:
        kconfig.load_kube_config(config_file=path, context=name, client_configuration=cfg,
                                 persist_config=False)
    except Exception as exc:
        raise ClusterUnavailable(f"无法读取 kubeconfig 中的 context {name!r}：{exc}。" + MAKE_CLUSTER_HINT) from None
    cfg.retries = 0
    api = client.ApiClient(configuration=cfg)
    try:
        version = client.VersionApi(api).get_code(_request_timeout=timeout)
    except Exception as exc:
        api.close()
        raise ClusterUnavailable(
            f"context {name!r} 的 API server（{cfg.host}）在 {timeout:g} 秒内没有应答"
            f"（{type(exc).__name__}）。集群可能没有启动：Docker 是否在运行？"
            f"用 `kind get clusters` 看集群是否还在。" + MAKE_CLUSTER_HINT) from None
    return Cluster(api=api, context=name, server=cfg.host, version=version.git_version)


def cluster_reachable(timeout: float = 5.0, kubeconfig: Optional[str] = None) -> bool:
    """True if :func:`connect` would succeed (for test harnesses: run the k8s labs only then)."""
    try:
        cluster = connect(kubeconfig=kubeconfig, timeout=timeout)
    except (ClusterUnavailable, ContextRefused):
        return False
    cluster.close()
    return True


# --------------------------------------------------------------------------- helpers
def load_manifests(*paths: Union[str, Path]) -> list:
    """Read YAML documents from files (relative paths are under ``labs/manifests``)."""
    docs: list = []
    for p in paths:
        path = Path(p)
        if not path.is_absolute() and not path.exists():
            path = MANIFESTS / path
        with open(path, encoding="utf-8") as fh:
            docs.extend(d for d in yaml.safe_load_all(fh) if d)
    return docs


def kind_cluster_name(context: str) -> Optional[str]:
    """``kind-hakit`` -> ``hakit``; ``None`` for non-kind contexts."""
    return context[len("kind-"):] if context.startswith("kind-") else None


def _now() -> float:
    return time.monotonic()


class _Progress:
    """One status line that updates in place (a display handle in Jupyter, ``\\r`` elsewhere)."""

    def __init__(self, what: str, timeout: float, show: bool = True):
        self.what, self.timeout, self.show = what, timeout, show
        self.t0 = _now()
        self._handle = None
        if show:
            try:
                from IPython import get_ipython
                from IPython.display import display

                if get_ipython() is not None:
                    self._handle = display(self._text(""), display_id=True)
            except Exception:
                self._handle = None

    def _text(self, status: str) -> str:
        el = _now() - self.t0
        n = int(20 * min(el / self.timeout, 1.0)) if self.timeout else 20
        return f"[{'#' * n}{'.' * (20 - n)}] {self.what}：{el:5.1f} s / 上限 {self.timeout:g} s  {status}"

    def update(self, status: str) -> None:
        if not self.show:
            return
        if self._handle is not None:
            self._handle.update(self._text(status))
        else:
            sys.stdout.write("\r" + self._text(status))
            sys.stdout.flush()

    def done(self, status: str) -> None:
        self.update(status)
        if self.show and self._handle is None:
            sys.stdout.write("\n")


@dataclass
class Observation:
    """One watch event: seconds since the watch started, event type and the object (dict)."""

    t: float
    type: str
    obj: dict


@dataclass
class Cluster:
    """A connection to one local cluster; ``with connect() as c:`` closes it at the end."""

    api: Any
    context: str
    server: str = ""
    version: str = ""
    _dyn: Any = field(default=None, repr=False)

    # -- plumbing
    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.api.close()

    @property
    def core(self):
        from kubernetes import client
        return client.CoreV1Api(self.api)

    @property
    def apps(self):
        from kubernetes import client
        return client.AppsV1Api(self.api)

    @property
    def discovery(self):
        from kubernetes import client
        return client.DiscoveryV1Api(self.api)

    @property
    def dynamic(self):
        if self._dyn is None:
            from kubernetes.dynamic import DynamicClient
            self._dyn = DynamicClient(self.api)
        return self._dyn

    def to_dict(self, obj: Any) -> dict:
        """A client model object (or dict) as a plain JSON-like dict with API field names."""
        if isinstance(obj, dict):
            return obj
        return self.api.sanitize_for_serialization(obj)  # camelCase keys, ISO-8601 times

    # -- apply / namespaces
    def apply(self, docs: Union[str, Path, dict, Iterable[dict]], namespace: Optional[str] = None,
              ) -> list:
        """Server-side apply each document (a path under ``labs/manifests``, a dict or a list).

        Namespaced objects without ``metadata.namespace`` go to ``namespace``. Returns the
        applied objects as dicts.
        """
        if isinstance(docs, (str, Path)):
            docs = load_manifests(docs)
        elif isinstance(docs, dict):
            docs = [docs]
        out = []
        for doc in docs:
            res = self.dynamic.resources.get(api_version=doc["apiVersion"], kind=doc["kind"])
            ns = None
            if res.namespaced:
                ns = doc.get("metadata", {}).get("namespace") or namespace
                if not ns:
                    raise ValueError(f"{doc['kind']}/{doc['metadata']['name']}：需要 namespace 参数")
            obj = self.dynamic.server_side_apply(res, body=doc, namespace=ns,
                                                 field_manager=FIELD_MANAGER, force_conflicts=True)
            out.append(obj.to_dict())
        return out

    @contextlib.contextmanager
    def lab_namespace(self, name: str, *, keep: bool = False, timeout: float = 120.0
                      ) -> Iterator[str]:
        """Create namespace ``name`` for a lab and delete it on exit, even after an interrupt.

        Deletion waits (bounded by ``timeout``) until the namespace is gone, so the next run
        starts clean. ``keep=True`` leaves it for inspection.
        """
        from kubernetes import client
        from kubernetes.client.rest import ApiException

        body = client.V1Namespace(metadata=client.V1ObjectMeta(name=name, labels={LAB_LABEL: name}))
        try:
            self.core.create_namespace(body)
        except ApiException as exc:
            if exc.status != 409:  # 409: it already exists (a previous run); reuse it
                raise
        try:
            yield name
        finally:
            if not keep:
                self.delete_namespace(name, timeout=timeout)

    def delete_namespace(self, name: str, timeout: float = 120.0) -> bool:
        """Delete a namespace and wait (bounded) until it is gone; True if it is gone."""
        from kubernetes.client.rest import ApiException

        try:
            self.core.delete_namespace(name, _request_timeout=10)
        except ApiException as exc:
            if exc.status == 404:
                return True
            raise
        deadline = _now() + timeout
        while _now() < deadline:
            try:
                self.core.read_namespace(name, _request_timeout=5)
            except ApiException as exc:
                if exc.status == 404:
                    return True
            except Exception:
                pass
            time.sleep(1.0)
        print(f"命名空间 {name} 在 {timeout:g} 秒内还没删完（仍在 Terminating）；"
              f"稍后可用 `kubectl get ns {name}` 查看。")
        return False

    # -- watching
    def watch(self, list_fn: Callable, *, until: Callable[[dict], bool], timeout: float = 120.0,
              what: str = "等待", progress: bool = True, **list_kwargs: Any) -> list:
        """Watch the objects returned by ``list_fn(**list_kwargs)`` until ``until(state)`` holds.

        ``state`` maps object name -> latest object (dict, API field names). Every change is
        recorded as an :class:`Observation` with its time since the start. Raises
        ``TimeoutError`` (Chinese) after ``timeout`` seconds; the recorded observations are on
        the exception as ``.observations``.
        """
        from kubernetes import watch as kwatch

        bar = _Progress(what, timeout, show=progress)
        t0 = _now()
        deadline = t0 + timeout
        state: dict = {}
        observations: list = []
        initial = list_fn(**list_kwargs)
        for item in initial.items:
            d = self.to_dict(item)
            state[d["metadata"]["name"]] = d
            observations.append(Observation(0.0, "INITIAL", d))
        rv = initial.metadata.resource_version
        if until(state):
            bar.done("已满足")
            return observations
        w = kwatch.Watch()
        try:
            while _now() < deadline:
                remaining = max(1, int(deadline - _now()))
                try:
                    for ev in w.stream(list_fn, resource_version=rv, timeout_seconds=remaining,
                                       _request_timeout=remaining + 5, **list_kwargs):
                        d = self.to_dict(ev["object"])
                        name = d["metadata"]["name"]
                        rv = d["metadata"].get("resourceVersion", rv)
                        if ev["type"] == "DELETED":
                            state.pop(name, None)
                        else:
                            state[name] = d
                        observations.append(Observation(_now() - t0, ev["type"], d))
                        bar.update(f"{len(observations)} 个事件，最新：{ev['type']} {name}")
                        if until(state):
                            bar.done("已满足")
                            return observations
                        if _now() >= deadline:
                            break
                except Exception as exc:  # a dropped watch (410 Gone, connection reset): re-list
                    if _now() >= deadline:
                        break
                    bar.update(f"watch 中断（{type(exc).__name__}），重新 list")
                    time.sleep(0.5)
                    relist = list_fn(**list_kwargs)
                    state = {self.to_dict(i)["metadata"]["name"]: self.to_dict(i) for i in relist.items}
                    rv = relist.metadata.resource_version
                    if until(state):
                        bar.done("已满足")
                        return observations
        finally:
            w.stop()
        bar.done("超时")
        err = TimeoutError(f"等待超时（{timeout:g} s）：{what}")
        err.observations = observations  # type: ignore[attr-defined]
        raise err

    def wait_for(self, predicate: Callable[[], bool], *, timeout: float = 120.0,
                 interval: float = 1.0, what: str = "等待", progress: bool = True) -> float:
        """Poll ``predicate()`` until it is true; return the seconds it took (bounded)."""
        bar = _Progress(what, timeout, show=progress)
        t0 = _now()
        while True:
            try:
                ok = predicate()
            except Exception as exc:  # the API may be briefly unavailable during the labs
                ok = False
                bar.update(f"（{type(exc).__name__}）")
            if ok:
                bar.done("完成")
                return _now() - t0
            if _now() - t0 >= timeout:
                bar.done("超时")
                raise TimeoutError(f"等待超时（{timeout:g} s）：{what}")
            bar.update("")
            time.sleep(interval)

    # -- reading
    def events(self, namespace: str, involved_name: Optional[str] = None) -> list:
        """Events in ``namespace`` (optionally for one object), oldest first, as small dicts."""
        kwargs = {}
        if involved_name:
            kwargs["field_selector"] = f"involvedObject.name={involved_name}"
        items = self.core.list_namespaced_event(namespace, **kwargs).items
        out = []
        for e in items:
            when = e.last_timestamp or e.event_time or e.first_timestamp or e.metadata.creation_timestamp
            out.append({"time": when, "type": e.type, "reason": e.reason,
                        "object": f"{e.involved_object.kind}/{e.involved_object.name}",
                        "message": e.message, "count": e.count})
        out.sort(key=lambda r: (r["time"] is None, r["time"]))
        return out

    def endpoint_slices(self, namespace: str, service: str) -> list:
        """The Service's endpoints from its EndpointSlices: [{pod, ip, ready, serving, terminating}]."""
        slices = self.discovery.list_namespaced_endpoint_slice(
            namespace, label_selector=f"kubernetes.io/service-name={service}").items
        out = []
        for s in slices:
            for ep in s.endpoints or []:
                cond = ep.conditions
                out.append({
                    "pod": ep.target_ref.name if ep.target_ref else None,
                    "ip": (ep.addresses or [None])[0],
                    "ready": bool(cond and cond.ready),
                    "serving": bool(cond and cond.serving),
                    "terminating": bool(cond and cond.terminating),
                })
        return sorted(out, key=lambda r: r["pod"] or "")

    def ready_endpoints(self, namespace: str, service: str) -> list:
        """Names of the pods that receive Service traffic (``conditions.ready`` is true)."""
        return [e["pod"] for e in self.endpoint_slices(namespace, service) if e["ready"]]

    def service_get(self, namespace: str, service: str, path: str = "", port: Union[int, str] = 80,
                    timeout: float = 3.0) -> tuple:
        """GET a Service through the API server's proxy; returns ``(ok, text_or_error)``."""
        try:
            text = self.core.connect_get_namespaced_service_proxy_with_path(
                f"{service}:{port}", namespace, path or "/", _request_timeout=timeout)
            return True, text
        except Exception as exc:
            return False, f"{type(exc).__name__}: {getattr(exc, 'status', '')} {getattr(exc, 'reason', exc)}"

    def exec(self, namespace: str, pod: str, command: list, container: Optional[str] = None,
             timeout: float = 30.0) -> str:
        """Run ``command`` in a container and return its combined output."""
        from kubernetes.stream import stream

        kwargs = {"container": container} if container else {}
        return stream(self.core.connect_get_namespaced_pod_exec, pod, namespace, command=command,
                      stderr=True, stdin=False, stdout=True, tty=False,
                      _request_timeout=timeout, **kwargs)

    def evict(self, namespace: str, pod: str) -> tuple:
        """POST an Eviction for ``pod``; returns ``(http_status, message)``. 429 = blocked by a PDB."""
        from kubernetes import client
        from kubernetes.client.rest import ApiException

        body = client.V1Eviction(metadata=client.V1ObjectMeta(name=pod, namespace=namespace))
        try:
            self.core.create_namespaced_pod_eviction(pod, namespace, body)
            return 201, "evicted"
        except ApiException as exc:
            return exc.status, exc.reason + ": " + (exc.body or "")[:300]

    def rollout_undo(self, namespace: str, deployment: str) -> int:
        """What ``kubectl rollout undo deployment/<name>`` does; returns the revision restored.

        Finds the ReplicaSets owned by the Deployment, takes the one with the highest
        ``deployment.kubernetes.io/revision`` below the current one, and patches its pod
        template (minus the ``pod-template-hash`` label) back into the Deployment.
        """
        dep = self.apps.read_namespaced_deployment(deployment, namespace)
        rev_key = "deployment.kubernetes.io/revision"
        current = int((dep.metadata.annotations or {}).get(rev_key, "0"))
        rss = [rs for rs in self.apps.list_namespaced_replica_set(namespace).items
               if any(o.uid == dep.metadata.uid for o in (rs.metadata.owner_references or []))]
        older = [rs for rs in rss if int((rs.metadata.annotations or {}).get(rev_key, "0")) < current]
        if not older:
            raise ValueError(f"deployment/{deployment} 没有更早的 revision，无法回滚")
        prev = max(older, key=lambda rs: int(rs.metadata.annotations[rev_key]))
        template = self.api.sanitize_for_serialization(prev.spec.template)
        template.get("metadata", {}).get("labels", {}).pop("pod-template-hash", None)
        self.apps.patch_namespaced_deployment(
            deployment, namespace, [{"op": "replace", "path": "/spec/template", "value": template}])
        return int(prev.metadata.annotations[rev_key])

    def probe_api(self, namespace: str, timeout: float = 4.0) -> dict:
        """One quorum read, one cached read and one write, each with a short timeout.

        Returns ``{"read_ok", "cached_read_ok", "write_ok", "errors"}``. A list with
        ``resourceVersion=""`` must reach etcd's quorum; ``resourceVersion="0"`` may be
        answered by the API server's watch cache.
        """
        from kubernetes import client

        out: dict = {"errors": {}}
        def attempt(key: str, fn: Callable[[], Any]) -> None:
            try:
                fn()
                out[key] = True
            except Exception as exc:
                out[key] = False
                out["errors"][key] = f"{type(exc).__name__}: {getattr(exc, 'status', '') or ''} {str(exc)[:120]}"
        attempt("read_ok", lambda: self.core.list_namespaced_config_map(
            namespace, _request_timeout=timeout))
        attempt("cached_read_ok", lambda: self.core.list_namespaced_config_map(
            namespace, resource_version="0", _request_timeout=timeout))
        body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="hakit-probe"),
                                  data={"t": repr(time.time())})
        def write() -> None:
            from kubernetes.client.rest import ApiException
            try:
                self.core.replace_namespaced_config_map("hakit-probe", namespace, body,
                                                        _request_timeout=timeout)
            except ApiException as exc:
                if exc.status != 404:
                    raise
                self.core.create_namespaced_config_map(namespace, body, _request_timeout=timeout)
        attempt("write_ok", write)
        return out

    # -- kind node containers
    def node_containers(self) -> list:
        """Names of this kind cluster's node containers (``docker ps -a`` by kind's label)."""
        name = kind_cluster_name(self.context)
        if name is None:
            raise ValueError(f"context {self.context!r} 不是 kind 集群：节点启停实验只支持 kind")
        out = _docker(["ps", "-a", "--filter", f"label=io.x-k8s.kind.cluster={name}",
                       "--format", "{{.Names}}"])
        return sorted(n for n in out.split() if n)

    def stop_node(self, node: str) -> None:
        """``docker stop <node>``: the kind node container (and everything on it) stops."""
        self._check_node(node)
        _docker(["stop", "--time", "1", node])

    def start_node(self, node: str) -> None:
        """``docker start <node>``."""
        self._check_node(node)
        _docker(["start", node])

    def _check_node(self, node: str) -> None:
        names = self.node_containers()
        if node not in names:
            raise ValueError(f"{node!r} 不是这个 kind 集群的节点容器；可选：{', '.join(names)}")

    @contextlib.contextmanager
    def nodes_stopped(self, *nodes: str) -> Iterator[list]:
        """Stop the given kind node containers; start them again on exit (also after an interrupt)."""
        stopped: list = []
        try:
            for n in nodes:
                self.stop_node(n)
                stopped.append(n)
            yield stopped
        finally:
            for n in reversed(stopped):
                with contextlib.suppress(Exception):
                    self.start_node(n)


def _docker(args: list, timeout: float = 60.0) -> str:
    exe = shutil.which("docker")
    if exe is None:
        raise ClusterUnavailable("没有找到 docker 命令：节点启停实验需要 Docker（见 labs/cluster/README.md）。")
    proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} 失败：{proc.stderr.strip()}")
    return proc.stdout


def main(argv: Optional[list] = None) -> int:
    """``python -m hakit.lab.kube check``: exit 0 if a local cluster answers, else print why, 1."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] != ["check"]:
        print("用法：python -m hakit.lab.kube check")
        return 2
    try:
        with connect() as c:
            print(f"可用：context {c.context}，API server {c.server}，Kubernetes {c.version}")
        return 0
    except (ClusterUnavailable, ContextRefused) as exc:
        print(str(exc))
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
