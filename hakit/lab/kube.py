"""Kubernetes 实验驱动：连接学习者本机的集群（kind / k3d / minikube …），并且只连本机集群。

This module is what the ``labs/k8s_*.ipynb`` notebooks use to talk to a *local* learner cluster
through the official ``kubernetes`` Python client:

- :func:`check_context` / :func:`is_local_context` — the context guard. A context is accepted
  only if its name looks like a local learner cluster (``kind-*``, ``k3d-*``, ``minikube``,
  ``docker-desktop``, ``rancher-desktop``, ``orbstack``) or if the environment variable
  ``HAKIT_ALLOW_CONTEXT`` names exactly that context. :func:`check_server` also refuses a
  local-looking name whose API server is not on this machine (loopback or ``0.0.0.0``; for
  ``minikube`` also an RFC 1918 / ULA address), before anything is sent. The labs stop nodes
  and drain them: they must never run against a shared or production cluster by accident.
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
- kubeconfig contexts and ``current-context``: https://v1-36.docs.kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
- kind context names are ``kind-<cluster>``, node containers ``<cluster>-control-plane``,
  ``<cluster>-control-plane2``, ``<cluster>-worker``…, label ``io.x-k8s.kind.cluster=<cluster>``;
  k3d contexts are ``k3d-<cluster>``: https://kind.sigs.k8s.io/docs/user/quick-start/ ,
  https://k3d.io/stable/usage/kubeconfig/ , minikube's context is ``minikube``.
- Server-side apply (``PATCH`` with ``application/apply-patch+yaml``, ``fieldManager``, ``force``):
  https://v1-36.docs.kubernetes.io/docs/reference/using-api/server-side-apply/
- EndpointSlice conditions ``ready`` / ``serving`` / ``terminating``:
  https://v1-36.docs.kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions
- Eviction API (429 Too Many Requests when a PodDisruptionBudget would be violated):
  https://v1-36.docs.kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
- ``kubectl rollout undo`` = copy the previous revision's ReplicaSet pod template (without the
  ``pod-template-hash`` label) back into the Deployment: kubernetes/kubectl
  ``pkg/polymorphichelpers/rollback.go`` (DeploymentRollbacker).
- Consistent reads: a list with ``resourceVersion=""`` is a quorum read from etcd, ``"0"`` may be
  served from the API server's watch cache:
  https://v1-36.docs.kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions
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

from .process import check_seconds

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
        f"拒绝连接 context {name!r}：它不像是本机的实验集群。本实验会停掉节点、驱逐 Pod、删除名字空间，"
        f"只允许在本机集群上做（context 名为 kind-*、k3d-*、minikube、docker-desktop、"
        f"rancher-desktop 或 orbstack）。{extra}"
        f"如果你确认 {name!r} 是一个可以随意破坏的练习集群，设置环境变量 {ALLOW_ENV}={name} "
        f"（必须与 context 名完全一致）后重启内核；否则用 `kubectl config use-context kind-hakit` "
        f"切换到本机集群，或运行 `make cluster` 新建一个。"
    )


def server_is_on_this_machine(name: str, server: Optional[str]) -> bool:
    """Whether the API server URL of a local-looking context is on the learner's machine.

    Decision (no DNS lookup, nothing sent): kind, k3d, Docker Desktop, Rancher Desktop and
    OrbStack publish the API server on the host, so only loopback (127.0.0.0/8, ::1,
    ``localhost``) or the unspecified address (``0.0.0.0``, which k3d may write) counts.
    ``minikube`` may also use the address of its VM or of its container on a Docker bridge
    (192.168.49.2 with the docker driver): any private address (RFC 1918, IPv6 ULA) is
    accepted for it, a public address never.
    """
    import ipaddress
    import urllib.parse

    host = urllib.parse.urlsplit(server or "").hostname
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if ip.is_loopback or ip.is_unspecified:
        return True
    private = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")  # RFC 1918, RFC 4193
    return name == "minikube" and any(ip in ipaddress.ip_network(n) for n in private)


def check_server(name: str, server: Optional[str], environ: Optional[dict] = None) -> str:
    """Refuse a local-looking context whose API server is elsewhere (``ContextRefused``).

    A context allowed by its exact name in ``HAKIT_ALLOW_CONTEXT`` is not checked.
    """
    env = os.environ if environ is None else environ
    if (env.get(ALLOW_ENV) or "").strip() == name:
        return name
    if is_local_context(name) and not server_is_on_this_machine(name, server):
        raise ContextRefused(
            f"拒绝连接 context {name!r}：名字像本机集群，API 服务器 却是 {server!r}，不在本机"
            f"（kind、k3d 只应是 127.0.0.1 或 localhost；minikube 还可以是它的私有地址）。"
            f"本实验会停掉节点、驱逐 Pod，不能在别人的集群上做。如果你确认它可以随意破坏，"
            f"设置环境变量 {ALLOW_ENV}={name} 后重启内核。")
    return name


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
    check_server(name, cfg.host)  # before anything is sent
    cfg.retries = 0
    api = client.ApiClient(configuration=cfg)
    try:
        version = client.VersionApi(api).get_code(_request_timeout=timeout)
    except Exception as exc:
        api.close()
        raise ClusterUnavailable(
            f"context {name!r} 的 API 服务器（{cfg.host}）在 {timeout:g} 秒内没有应答"
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
                from IPython.display import Pretty, display

                if get_ipython() is not None:
                    self._pretty = Pretty
                    self._handle = display(Pretty(self._text("")), display_id=True)
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
            self._handle.update(self._pretty(self._text(status)))
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
            if exc.status != 409:
                raise
            # 409: it exists. Left over from an interrupted run: if it is still Terminating,
            # wait until it is gone (objects cannot be created in a terminating namespace).
            # An Active one is a leftover too (a killed kernel never reached its finally): it is
            # deleted and recreated, but only when it carries this lab's label.
            existing = self.core.read_namespace(name)
            labels = (existing.metadata.labels or {}) if existing.metadata else {}
            if labels.get(LAB_LABEL) != name:
                raise RuntimeError(f"名字空间 {name} 已存在但不是本实验创建的（没有标签 {LAB_LABEL}={name}），"
                                   f"不会去动它；请换一个名字或自己确认后删除它")
            if not (existing.status and existing.status.phase == "Terminating"):
                self.core.delete_namespace(name)
            self.wait_for(lambda: self._namespace_gone(name), timeout=timeout,
                          what=f"上次留下的名字空间 {name} 删除完毕")
            self.core.create_namespace(body)
        try:
            yield name
        finally:
            if not keep:
                self.delete_namespace(name, timeout=timeout)

    def _namespace_gone(self, name: str) -> bool:
        from kubernetes.client.rest import ApiException

        try:
            self.core.read_namespace(name, _request_timeout=5)
        except ApiException as exc:
            return exc.status == 404
        return False

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
        print(f"名字空间 {name} 在 {timeout:g} 秒内还没删完（仍在 Terminating）；"
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
        import urllib3
        from kubernetes import watch as kwatch
        from kubernetes.client.rest import ApiException

        check_seconds("timeout", timeout)
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
                except (ApiException, urllib3.exceptions.HTTPError, OSError) as exc:
                    # a dropped watch (410 Gone, connection reset): re-list. Errors raised by
                    # ``until`` (a bug in the caller's predicate) are not caught here.
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
            path = path.lstrip("/")
            if path:
                text = self.core.connect_get_namespaced_service_proxy_with_path(
                    f"{service}:{port}", namespace, path, _request_timeout=timeout)
            else:
                text = self.core.connect_get_namespaced_service_proxy(
                    f"{service}:{port}", namespace, _request_timeout=timeout)
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
            failed = []
            for n in reversed(stopped):
                try:
                    self.start_node(n)
                except Exception as exc:  # noqa: BLE001 - try the others, then say which stayed down
                    failed.append(f"{n}（{exc}）")
            if failed:
                raise RuntimeError("这些节点没能重新启动，请手动 `docker start`：" + "，".join(failed))


# --------------------------------------------------------------------------- lab routines
# Each routine does one experiment of a lab notebook and returns plain data (dicts, lists) that
# the graders in hakit.lab.kube_checks and the figures in hakit.figures.kube_labs consume.

def _parse_time(value: Any) -> Optional[float]:
    """An RFC 3339 timestamp (str or datetime) as epoch seconds."""
    if value is None:
        return None
    if isinstance(value, str):
        from datetime import datetime
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.timestamp()


def control_plane_containers(cluster: Cluster) -> list:
    """kind control-plane node containers, e.g. ``[hakit-control-plane, hakit-control-plane2, …]``."""
    return [n for n in cluster.node_containers() if "-control-plane" in n]


def worker_containers(cluster: Cluster) -> list:
    return [n for n in cluster.node_containers() if "-worker" in n]


def api_step(cluster: Cluster, namespace: str, stopped: int, *, settle: float = 20.0,
             tries: int = 3, timeout: float = 4.0) -> dict:
    """Wait ``settle`` s, then probe the API ``tries`` times; a probe kind counts as ok if most
    tries succeeded. Returns ``{"stopped", "read_ok", "cached_read_ok", "write_ok", "errors"}``."""
    bar = _Progress(f"停掉 {stopped} 个控制平面节点后等待 {settle:g} s 再观测", settle)
    t0 = _now()
    while _now() - t0 < settle:
        bar.update("")
        time.sleep(min(1.0, settle))
    bar.done("开始观测")
    results = [cluster.probe_api(namespace, timeout=timeout) for _ in range(tries)]
    out: dict = {"stopped": stopped, "errors": {}}
    for key in ("read_ok", "cached_read_ok", "write_ok"):
        out[key] = sum(bool(r.get(key)) for r in results) * 2 > tries
    for r in results:
        out["errors"].update(r["errors"])
    return out


def control_plane_experiment(cluster: Cluster, namespace: str, *, settle: float = 20.0,
                             recover_timeout: float = 240.0) -> list:
    """Stop one, then two control-plane node containers; observe; start them; observe again.

    The nodes are started again even if the cell is interrupted.
    """
    cps = control_plane_containers(cluster)
    if len(cps) < 3:
        raise ValueError(f"需要 3 个控制平面节点（kind-ha.yaml），只找到 {cps}：用 `make cluster` 创建 HA 集群")
    observations = [api_step(cluster, namespace, 0, settle=0)]
    # never stop the first node last: keep the original bootstrap node up
    victims = [cps[-1], cps[-2]]
    with cluster.nodes_stopped(victims[0]):
        observations.append(api_step(cluster, namespace, 1, settle=settle))
        with cluster.nodes_stopped(victims[1]):
            observations.append(api_step(cluster, namespace, 2, settle=settle))
    took = cluster.wait_for(lambda: cluster.probe_api(namespace, timeout=4)["write_ok"],
                            timeout=recover_timeout, interval=3, what="等待 etcd 恢复法定人数、API 可写")
    observations.append(api_step(cluster, namespace, 0, settle=5))
    observations[-1]["recovered_after_s"] = took
    return observations


def _rs_snapshot(state: dict, old_names: set) -> dict:
    old = new = oa = na = 0
    for name, rs in state.items():
        spec = rs.get("spec", {}).get("replicas", 0) or 0
        avail = rs.get("status", {}).get("availableReplicas", 0) or 0
        if name in old_names:
            old, oa = old + spec, oa + avail
        else:
            new, na = new + spec, na + avail
    return {"old": old, "new": new, "old_available": oa, "new_available": na}


def record_rollout(cluster: Cluster, namespace: str, deployment: str, image: str,
                   container: str = "nginx", timeout: float = 240.0) -> list:
    """Change the Deployment's image and record every ReplicaSet size/availability change.

    Returns snapshots ``{"t", "old", "new", "old_available", "new_available"}`` from the moment
    before the change until the rollout completes (new RS fully available, old RS at 0).
    """
    replicas = cluster.apps.read_namespaced_deployment(deployment, namespace).spec.replicas
    old_names = {rs.metadata.name for rs in cluster.apps.list_namespaced_replica_set(namespace).items}
    snapshots: list = []

    def until(state: dict) -> bool:
        snap = _rs_snapshot(state, old_names)
        if not snapshots or any(snap[k] != snapshots[-1][k] for k in snap):
            snap["t"] = round(_now() - t0, 2)
            snapshots.append(snap)
        if len(snapshots) == 1:  # first call: the state before the change -> trigger it now
            cluster.apps.patch_namespaced_deployment(deployment, namespace, {"spec": {"template": {
                "spec": {"containers": [{"name": container, "image": image}]}}}})
        return snap["new"] == replicas and snap["new_available"] == replicas and snap["old"] == 0

    t0 = _now()
    cluster.watch(cluster.apps.list_namespaced_replica_set, namespace=namespace, until=until,
                  timeout=timeout, what=f"滚动更新 {deployment} -> {image}")
    return snapshots


def bad_rollout(cluster: Cluster, namespace: str, deployment: str, service: str, image: str,
                container: str = "nginx", timeout: float = 150.0) -> dict:
    """Roll out a non-existent image; poll the Service once a second until the Deployment's
    Progressing condition says ProgressDeadlineExceeded. Returns the grader's observation."""
    old_names = {rs.metadata.name for rs in cluster.apps.list_namespaced_replica_set(namespace).items}
    cluster.apps.patch_namespaced_deployment(deployment, namespace, {"spec": {"template": {
        "spec": {"containers": [{"name": container, "image": image}]}}}})
    ok = total = 0
    reason = None
    samples = []
    bar = _Progress("发布坏镜像，等待 ProgressDeadlineExceeded", timeout)
    t0 = _now()
    while _now() - t0 < timeout:
        good, _ = cluster.service_get(namespace, service)
        ok, total = ok + int(good), total + 1
        dep = cluster.apps.read_namespaced_deployment_status(deployment, namespace)
        conds = {c.type: c for c in (dep.status.conditions or [])}
        reason = conds["Progressing"].reason if "Progressing" in conds else None
        state = {rs.metadata.name: cluster.to_dict(rs)
                 for rs in cluster.apps.list_namespaced_replica_set(namespace).items}
        snap = _rs_snapshot(state, old_names)
        samples.append({"t": round(_now() - t0, 1), "service_ok": good, **snap})
        bar.update(f"Service {ok}/{total} 次成功，Progressing={reason}")
        if reason == "ProgressDeadlineExceeded":
            break
        time.sleep(1.0)
    bar.done(str(reason))
    new_ready = sum((rs.get("status", {}).get("readyReplicas") or 0)
                    for n, rs in state.items() if n not in old_names)
    last = samples[-1]
    return {"old": last["old"], "new": last["new"], "old_available": last["old_available"],
            "new_ready": new_ready, "service_ok": ok, "service_total": total, "reason": reason,
            "samples": samples}


def undo_and_wait(cluster: Cluster, namespace: str, deployment: str, timeout: float = 180.0) -> dict:
    """``kubectl rollout undo`` equivalent, then wait until every replica is updated and available."""
    revision = cluster.rollout_undo(namespace, deployment)

    def done() -> bool:
        d = cluster.apps.read_namespaced_deployment_status(deployment, namespace)
        st = d.status
        return (st.observed_generation == d.metadata.generation and st.updated_replicas == d.spec.replicas
                and st.available_replicas == d.spec.replicas and not st.unavailable_replicas
                and (st.replicas or 0) == d.spec.replicas)

    cluster.wait_for(done, timeout=timeout, what="回滚完成")
    d = cluster.apps.read_namespaced_deployment(deployment, namespace)
    return {"revision": revision, "image": d.spec.template.spec.containers[0].image,
            "available": d.status.available_replicas, "replicas": d.spec.replicas}


def wait_deployment_ready(cluster: Cluster, namespace: str, name: str, timeout: float = 180.0) -> float:
    def ready() -> bool:
        d = cluster.apps.read_namespaced_deployment_status(name, namespace)
        return (d.status.observed_generation == d.metadata.generation
                and (d.status.available_replicas or 0) == d.spec.replicas
                and (d.status.updated_replicas or 0) == d.spec.replicas)
    return cluster.wait_for(ready, timeout=timeout, what=f"deployment/{name} 全部可用")


def record_restarts(cluster: Cluster, namespace: str, pod: str, restarts: int = 4,
                    timeout: float = 300.0) -> dict:
    """Poll a Pod until it has restarted ``restarts`` times; return each run's start/finish.

    ``delays[k]`` = seconds from the end of run k to the start of run k+1 (from the container
    status timestamps, 1 s resolution).
    """
    runs: dict = {}
    bar = _Progress(f"记录 {pod} 的重启", timeout)
    t0 = _now()
    count = 0
    while _now() - t0 < timeout:
        p = cluster.core.read_namespaced_pod_status(pod, namespace)
        st = (p.status.container_statuses or [None])[0]
        if st is not None:
            count = st.restart_count
            if st.state.running is not None:
                runs.setdefault(count, {})["started"] = _parse_time(st.state.running.started_at)
            if st.last_state.terminated is not None and count >= 1:
                term = st.last_state.terminated
                runs.setdefault(count - 1, {})["finished"] = _parse_time(term.finished_at)
                runs[count - 1].setdefault("started", _parse_time(term.started_at))
            waiting = st.state.waiting.reason if st.state.waiting else ""
            bar.update(f"restartCount={count} {waiting}")
            if count >= restarts and "started" in runs.get(count, {}):
                break
        time.sleep(1.0)
    bar.done(f"restartCount={count}")
    delays = []
    for k in range(count):
        a, b = runs.get(k, {}), runs.get(k + 1, {})
        if "finished" in a and "started" in b:
            delays.append(b["started"] - a["finished"])
    base = min((r.get("started") for r in runs.values() if r.get("started")), default=0.0)
    return {"restart_count": count, "delays": delays,
            "runs": [{"run": k, "start": runs[k].get("started", base) - base,
                      "end": (runs[k]["finished"] - base) if "finished" in runs[k] else None}
                     for k in sorted(runs)]}


def restart_count(cluster: Cluster, namespace: str, pod: str) -> int:
    st = (cluster.core.read_namespaced_pod_status(pod, namespace).status.container_statuses or [None])[0]
    return st.restart_count if st else 0


def readiness_experiment(cluster: Cluster, namespace: str, deployment: str = "ready-web",
                         service: str = "ready-web", timeout: float = 60.0) -> dict:
    """Break one pod's readiness endpoint, watch it leave the EndpointSlice, repair, watch it return."""
    wait_deployment_ready(cluster, namespace, deployment)
    cluster.wait_for(lambda: len(cluster.ready_endpoints(namespace, service)) == 3, timeout=timeout,
                     what="3 个端点就绪")
    before = cluster.ready_endpoints(namespace, service)
    pod = before[0]
    r0 = restart_count(cluster, namespace, pod)
    cluster.exec(namespace, pod, ["rm", "-f", "/usr/share/nginx/html/ready"])
    t_removed = cluster.wait_for(lambda: pod not in cluster.ready_endpoints(namespace, service),
                                 timeout=timeout, what=f"{pod} 离开就绪端点")
    during = cluster.ready_endpoints(namespace, service)
    slices_during = cluster.endpoint_slices(namespace, service)
    restarts_during = restart_count(cluster, namespace, pod) - r0
    cluster.exec(namespace, pod, ["sh", "-c", "echo ok > /usr/share/nginx/html/ready"])
    t_back = cluster.wait_for(lambda: pod in cluster.ready_endpoints(namespace, service),
                              timeout=timeout, what=f"{pod} 回到就绪端点")
    after = cluster.ready_endpoints(namespace, service)
    return {"pod": pod, "before": before, "during": during, "after": after,
            "restarts_during": restarts_during, "removed_after_s": t_removed,
            "back_after_s": t_back, "slices_during": slices_during}


def startup_experiment(cluster: Cluster, namespace: str, observe: float = 75.0) -> dict:
    """Observe the two slow-start pods for ``observe`` s; report restarts and whether the app
    finished starting (``/tmp/started`` exists and the container is running)."""
    bar = _Progress("观察两个慢启动 Pod", observe)
    t0 = _now()
    while _now() - t0 < observe:
        bar.update("")
        time.sleep(1.0)
    bar.done("观察结束")
    out = {}
    for pod, key in (("slow-with-startup", "with_startup"), ("slow-without-startup", "without_startup")):
        try:
            text = cluster.exec(namespace, pod, ["sh", "-c", "test -f /tmp/started && echo yes || echo no"])
            started = text.strip().endswith("yes")
        except Exception:
            started = False  # container not running (CrashLoopBackOff): exec is refused
        out[key] = {"restarts": restart_count(cluster, namespace, pod), "started": started}
    return out


def ensure_metrics_server(cluster: Cluster, timeout: float = 240.0) -> float:
    """Apply the vendored metrics-server manifest and wait until the metrics API answers."""
    from kubernetes import client

    cluster.apply("metrics-server.yaml")
    custom = client.CustomObjectsApi(cluster.api)

    def answers() -> bool:
        items = custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes",
                                                  _request_timeout=5).get("items", [])
        return len(items) > 0
    return cluster.wait_for(answers, timeout=timeout, interval=3, what="metrics.k8s.io 可用")


def hpa_sample(cluster: Cluster, namespace: str, name: str) -> dict:
    from kubernetes import client

    h = client.AutoscalingV2Api(cluster.api).read_namespaced_horizontal_pod_autoscaler_status(name, namespace)
    util = None
    for m in h.status.current_metrics or []:
        if m.type == "Resource" and m.resource and m.resource.current:
            util = m.resource.current.average_utilization
    return {"current": h.status.current_replicas or 0, "desired": h.status.desired_replicas or 0,
            "cpu": util}


def hpa_experiment(cluster: Cluster, namespace: str, *, up_timeout: float = 240.0,
                   down_timeout: float = 270.0, interval: float = 5.0, target_up: int = 3) -> dict:
    """Start the load generator, sample the HPA until it scales to ``target_up``; stop the load
    and sample until it is back at minReplicas. The defaults keep the whole cell under the
    600 s nbval cell timeout of ``make test``."""
    from kubernetes import client

    hpa = client.AutoscalingV2Api(cluster.api).read_namespaced_horizontal_pod_autoscaler(
        "php-apache", namespace)
    window = hpa.spec.behavior.scale_down.stabilization_window_seconds
    samples: list = []
    t0 = _now()

    def sample_until(pred: Callable[[dict], bool], timeout: float, what: str) -> None:
        bar = _Progress(what, timeout)
        start = _now()
        while _now() - start < timeout:
            try:
                s = hpa_sample(cluster, namespace, "php-apache")
            except Exception as exc:
                bar.update(type(exc).__name__)
                time.sleep(interval)
                continue
            s["t"] = round(_now() - t0, 1)
            samples.append(s)
            bar.update(f"desired={s['desired']} current={s['current']} cpu={s['cpu']}%")
            if pred(s):
                bar.done("完成")
                return
            time.sleep(interval)
        bar.done("超时")

    cluster.apply("hpa-load-generator.yaml", namespace=namespace)
    sample_until(lambda s: s["current"] >= target_up, up_timeout, "加压，等待扩容")
    cluster.apps.patch_namespaced_deployment_scale("load-generator", namespace, {"spec": {"replicas": 0}})
    stopped_at = round(_now() - t0, 1)
    sample_until(lambda s: s["current"] <= hpa.spec.min_replicas, down_timeout, "停止负载，等待缩容")
    return {"samples": [(s["t"], s["desired"]) for s in samples], "raw": samples,
            "load_stopped_at": stopped_at, "window": window, "min": hpa.spec.min_replicas,
            "max": hpa.spec.max_replicas, "target": 50}


def pod_nodes(cluster: Cluster, namespace: str, selector: str) -> dict:
    """{pod name: node name} for running pods matching ``selector`` (not being deleted)."""
    pods = cluster.core.list_namespaced_pod(namespace, label_selector=selector).items
    return {p.metadata.name: p.spec.node_name for p in pods
            if p.metadata.deletion_timestamp is None and p.status.phase == "Running"}


def node_failure_experiment(cluster: Cluster, namespace: str, selector: str = "app=spread",
                            timeout: float = 240.0) -> dict:
    """Stop the worker that runs the first replica; time NotReady, the unreachable taint, the
    eviction and the replacement; then start the worker again (also after an interrupt)."""
    placement = pod_nodes(cluster, namespace, selector)
    victim_pod, node = sorted(placement.items())[0]
    tol = 300  # DefaultTolerationSeconds (kube-apiserver --default-unreachable-toleration-seconds)
    for t in cluster.core.read_namespaced_pod(victim_pod, namespace).spec.tolerations or []:
        if t.key == "node.kubernetes.io/unreachable" and t.toleration_seconds is not None:
            tol = t.toleration_seconds
    times: dict = {"node": node, "pod": victim_pod, "toleration_seconds": tol}
    t0 = _now()
    bar = _Progress(f"停掉 worker {node}，观察驱逐", timeout)
    with cluster.nodes_stopped(node):
        while _now() - t0 < timeout:
            el = round(_now() - t0, 1)
            n = cluster.core.read_node(node)
            ready = next((c.status for c in n.status.conditions or [] if c.type == "Ready"), None)
            if ready != "True" and "not_ready_at" not in times:
                times["not_ready_at"] = el
            taint = next((t for t in n.spec.taints or []
                          if t.key == "node.kubernetes.io/unreachable" and t.effect == "NoExecute"), None)
            if taint is not None and "taint_at" not in times:
                added = _parse_time(taint.time_added)
                times["taint_at"] = el if added is None else round(el - max(0.0, time.time() - added), 1)
            pods = cluster.core.list_namespaced_pod(namespace, label_selector=selector).items
            victim = next((p for p in pods if p.metadata.name == victim_pod), None)
            if "evicted_at" not in times and (victim is None or victim.metadata.deletion_timestamp):
                times["evicted_at"] = el
            ready_elsewhere = [p for p in pods if p.spec.node_name != node and p.status.conditions
                               and any(c.type == "Ready" and c.status == "True" for c in p.status.conditions)]
            if "evicted_at" in times and len(ready_elsewhere) >= 3 and "replacement_ready_at" not in times:
                times["replacement_ready_at"] = el
                times["placement_after"] = {p.metadata.name: p.spec.node_name for p in ready_elsewhere}
                break
            bar.update(", ".join(f"{k}={v}" for k, v in times.items() if k.endswith("_at")))
            time.sleep(2.0)
    bar.done("节点已重新启动")
    cluster.wait_for(lambda: next(c.status for c in cluster.core.read_node(node).status.conditions
                                  if c.type == "Ready") == "True",
                     timeout=180, interval=3, what=f"{node} 恢复 Ready")
    return times


def pdb_experiment(cluster: Cluster, namespace: str, selector: str = "app=spread") -> dict:
    """Cordon two workers and evict their replicas back to back (as ``kubectl drain`` would):
    the second eviction is refused with 429 while the PDB allows no more disruptions."""
    placement = pod_nodes(cluster, namespace, selector)
    chosen = sorted(placement.items())[:2]
    statuses, messages = [], []
    try:
        for pod, node in chosen:
            cluster.core.patch_node(node, {"spec": {"unschedulable": True}})
            code, msg = cluster.evict(namespace, pod)
            statuses.append(code)
            messages.append(msg)
    finally:
        for _pod, node in chosen:
            with contextlib.suppress(Exception):
                cluster.core.patch_node(node, {"spec": {"unschedulable": False}})
    return {"statuses": statuses, "messages": messages, "pods": [p for p, _ in chosen]}


def resolve(cluster: Cluster, namespace: str, client_pod: str, name: str) -> Optional[str]:
    """The IPv4 address ``name`` resolves to from inside ``client_pod`` (busybox nslookup)."""
    out = cluster.exec(namespace, client_pod, ["nslookup", name])
    seen_name = False
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Name:"):
            seen_name = True
        elif seen_name and line.startswith("Address"):
            addr = line.split(":", 1)[1].strip().split()[0]
            if addr.count(".") == 3:
                return addr
    return None


def statefulset_identity(cluster: Cluster, namespace: str, pod: str, service: str = "web",
                         client_pod: str = "dns-client", claim: str = "data") -> dict:
    """Name, uid, IP, PVC uid, the data in the volume, and what its DNS name resolves to."""
    p = cluster.core.read_namespaced_pod(pod, namespace)
    pvc = cluster.core.read_namespaced_persistent_volume_claim(f"{claim}-{pod}", namespace)
    fqdn = f"{pod}.{service}.{namespace}.svc.cluster.local"
    dns = None
    # kubeadm v1.36's Corefile does not cache cluster.local answers (cache 30 with disable success/
    # denial cluster.local, kubernetes/kubernetes#128359), but the record only appears once the new
    # Pod has its IP in the EndpointSlice: wait until the name points at the pod
    with contextlib.suppress(TimeoutError):
        def fresh() -> bool:
            nonlocal dns
            dns = resolve(cluster, namespace, client_pod, fqdn)
            return dns == p.status.pod_ip
        cluster.wait_for(fresh, timeout=60, interval=3, what=f"{fqdn} 解析到 {p.status.pod_ip}")
    return {"name": p.metadata.name, "uid": p.metadata.uid, "ip": p.status.pod_ip,
            "node": p.spec.node_name, "pvc_uid": pvc.metadata.uid,
            "data": cluster.exec(namespace, pod, ["cat", "/data/id"]).strip(), "dns": dns,
            "fqdn": fqdn}


def delete_and_wait_recreated(cluster: Cluster, namespace: str, pod: str, timeout: float = 120.0) -> float:
    """Delete a StatefulSet pod and wait until a new pod of the same name is Ready."""
    old_uid = cluster.core.read_namespaced_pod(pod, namespace).metadata.uid
    cluster.core.delete_namespaced_pod(pod, namespace)

    def back() -> bool:
        p = cluster.core.read_namespaced_pod(pod, namespace)
        return p.metadata.uid != old_uid and any(
            c.type == "Ready" and c.status == "True" for c in p.status.conditions or [])
    return cluster.wait_for(back, timeout=timeout, what=f"{pod} 以同名重建并就绪")


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
            print(f"可用：context {c.context}，API 服务器 {c.server}，Kubernetes {c.version}")
        return 0
    except (ClusterUnavailable, ContextRefused) as exc:
        print(str(exc))
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
