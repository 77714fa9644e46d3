"""Static checks of the Kubernetes labs (no Docker engine here, so no cluster can run).

- every manifest in labs/manifests validates (strict: unknown fields are errors) against the
  Kubernetes OpenAPI schema shipped offline by kubernetes-validate, for a current version;
- the kind configs validate against labs/cluster/kind-v1alpha4.schema.json (kubernetes-validate
  has no schema for kind's own config) and have the promised topology;
- the context guard accepts local contexts, refuses others unless HAKIT_ALLOW_CONTEXT names them
  exactly;
- each k8s notebook, executed with nbclient and an empty kubeconfig, stops at its connection
  cell with the Chinese message that says to run `make cluster`;
- the workflow and the cluster scripts parse.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import jsonschema
import kubernetes_validate
import nbformat
import pytest
import yaml

from hakit import versions
from hakit.lab import kube

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = ROOT / "labs" / "manifests"
CLUSTER = ROOT / "labs" / "cluster"
NOTEBOOKS = sorted((ROOT / "labs").glob("k8s_*.ipynb"))
#: The schema of the Kubernetes minor the course targets (hakit.versions), shipped offline by
#: kubernetes-validate.
TARGET_SCHEMA = versions.KUBERNETES_MINOR + ".0"
K8S_VERSION = TARGET_SCHEMA


def _docs(path: Path) -> list:
    with open(path, encoding="utf-8") as fh:
        return [d for d in yaml.safe_load_all(fh) if d]


MANIFEST_DOCS = [(f.name, i, d) for f in sorted(MANIFESTS.glob("*.yaml")) for i, d in enumerate(_docs(f))]


# ------------------------------------------------------------------------------ manifests
def test_schema_version_is_shipped_offline():
    assert TARGET_SCHEMA in kubernetes_validate.utils.all_versions()


def test_expected_manifests_exist():
    names = {f.name for f in MANIFESTS.glob("*.yaml")}
    assert {"rollout-web.yaml", "probes-liveness.yaml", "probes-readiness.yaml", "probes-startup.yaml",
            "metrics-server.yaml", "hpa-php-apache.yaml", "hpa-load-generator.yaml",
            "spread-web.yaml", "statefulset-web.yaml"} <= names
    assert len(MANIFEST_DOCS) >= 20


@pytest.mark.parametrize("name,index,doc", MANIFEST_DOCS,
                         ids=[f"{n}#{i}:{d['kind']}" for n, i, d in MANIFEST_DOCS])
def test_manifest_validates_strictly(name, index, doc):
    assert kubernetes_validate.validate(doc, K8S_VERSION, strict=True) == versions.KUBERNETES_MINOR


def test_validator_rejects_broken_manifests():
    """The validation above can fail: an unknown field and a wrong type are both errors."""
    dep = next(d for n, _, d in MANIFEST_DOCS if n == "rollout-web.yaml" and d["kind"] == "Deployment")
    typo = json.loads(json.dumps(dep))
    typo["spec"]["strategy"]["rollingUpdate"]["maxSurgee"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(typo, K8S_VERSION, strict=True)
    wrong = json.loads(json.dumps(dep))
    wrong["spec"]["replicas"] = "six"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong, K8S_VERSION, strict=True)


def test_manifests_leave_namespace_to_the_lab():
    """Lab objects are applied into each lab's own namespace; only metrics-server is cluster-wide."""
    for name, _i, doc in MANIFEST_DOCS:
        ns = doc.get("metadata", {}).get("namespace")
        if name == "metrics-server.yaml":
            assert ns in (None, "kube-system")
        else:
            assert ns is None, f"{name}: {doc['kind']} hard-codes namespace {ns}"


def test_metrics_server_is_vendored_for_kind():
    docs = _docs(MANIFESTS / "metrics-server.yaml")
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == sorted(["ServiceAccount", "ClusterRole", "ClusterRole", "RoleBinding",
                            "ClusterRoleBinding", "ClusterRoleBinding", "Service", "Deployment",
                            "APIService"])
    dep = next(d for d in docs if d["kind"] == "Deployment")
    args = dep["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--kubelet-insecure-tls" in args
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"].startswith(
        "registry.k8s.io/metrics-server/metrics-server:v0.8")


def test_lab_parameters_match_the_notebooks():
    dep = next(d for n, _, d in MANIFEST_DOCS if n == "rollout-web.yaml" and d["kind"] == "Deployment")
    ru = dep["spec"]["strategy"]["rollingUpdate"]
    assert (dep["spec"]["replicas"], ru["maxSurge"], ru["maxUnavailable"]) == (6, 2, 1)
    spread = next(d for n, _, d in MANIFEST_DOCS if n == "spread-web.yaml" and d["kind"] == "Deployment")
    tol = {t["key"]: t["tolerationSeconds"] for t in spread["spec"]["template"]["spec"]["tolerations"]}
    assert tol["node.kubernetes.io/unreachable"] == 30 < 300
    pdb = next(d for n, _, d in MANIFEST_DOCS if d["kind"] == "PodDisruptionBudget")
    assert spread["spec"]["replicas"] - pdb["spec"]["minAvailable"] == 1   # disruptionsAllowed 1
    hpa = next(d for n, _, d in MANIFEST_DOCS if d["kind"] == "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 60


# ------------------------------------------------------------------------------ kind configs
def _kind_schema() -> dict:
    return json.loads((CLUSTER / "kind-v1alpha4.schema.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["kind-ha.yaml", "kind-single.yaml"])
def test_kind_config_validates(name):
    (cfg,) = _docs(CLUSTER / name)
    jsonschema.Draft202012Validator(_kind_schema()).validate(cfg)
    # node labels must also be valid Kubernetes labels: validate them on a v1 Node
    for node in cfg["nodes"]:
        fake = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n", "labels": node.get("labels", {})}}
        kubernetes_validate.validate(fake, K8S_VERSION, strict=True)
        for key, value in node.get("labels", {}).items():
            assert re.fullmatch(r"([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?", key)
            assert re.fullmatch(r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?", value)


def test_kind_schema_rejects_typos():
    (cfg,) = _docs(CLUSTER / "kind-ha.yaml")
    bad = json.loads(json.dumps(cfg))
    bad["nodes"][0]["role"] = "master"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_kind_schema()).validate(bad)
    bad = json.loads(json.dumps(cfg))
    bad["node"] = bad.pop("nodes")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_kind_schema()).validate(bad)


def test_kind_topologies():
    (ha,) = _docs(CLUSTER / "kind-ha.yaml")
    roles = [n["role"] for n in ha["nodes"]]
    assert roles.count("control-plane") == 3 and roles.count("worker") == 3
    zones = {n["labels"]["topology.kubernetes.io/zone"] for n in ha["nodes"] if n["role"] == "worker"}
    assert len(zones) == 3
    (single,) = _docs(CLUSTER / "kind-single.yaml")
    assert [n["role"] for n in single["nodes"]] == ["control-plane"]
    assert ha["name"] != single["name"]
    assert kube.kind_cluster_name("kind-" + ha["name"]) == ha["name"]


# ------------------------------------------------------------------------------ context guard
@pytest.mark.parametrize("name", ["kind-x", "kind-hakit", "k3d-dev", "minikube", "docker-desktop",
                                  "rancher-desktop", "orbstack"])
def test_local_contexts_are_allowed(name):
    assert kube.is_local_context(name)
    assert kube.check_context(name, environ={}) == name


@pytest.mark.parametrize("name", ["gke_proj_europe-west1_prod", "arn:aws:eks:us-east-1:1:cluster/x",
                                  "prod", "minikube-prod", "my-kind-x", "Kind-x", ""])
def test_other_contexts_are_refused(name):
    assert not kube.is_local_context(name)
    with pytest.raises(kube.ContextRefused) as exc:
        kube.check_context(name, environ={})
    if name:
        msg = str(exc.value)
        assert "拒绝连接" in msg and kube.ALLOW_ENV in msg


def test_allow_variable_must_name_the_context_exactly():
    name = "gke_proj_europe-west1_sandbox"
    assert kube.check_context(name, environ={kube.ALLOW_ENV: name}) == name
    for near in ("gke_proj_europe-west1", "gke_*", name + "x", "*", name.upper()):
        with pytest.raises(kube.ContextRefused) as exc:
            kube.check_context(name, environ={kube.ALLOW_ENV: near})
        assert "不完全相同" in str(exc.value)


def _write_kubeconfig(path: Path, context: str, server: str = "https://127.0.0.1:9") -> None:
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": context,
        "clusters": [{"name": "c", "cluster": {"server": server, "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": context, "context": {"cluster": "c", "user": "u"}}],
    }), encoding="utf-8")


def test_connect_refuses_before_touching_the_network(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    _write_kubeconfig(cfg, "gke_p_z_prod", server="https://203.0.113.1:443")
    monkeypatch.delenv(kube.ALLOW_ENV, raising=False)
    with pytest.raises(kube.ContextRefused):
        kube.connect(kubeconfig=str(cfg), timeout=0.5)


def test_connect_reports_unreachable_local_cluster(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    _write_kubeconfig(cfg, "kind-hakit")   # port 9 (discard) on loopback: connection refused
    with pytest.raises(kube.ClusterUnavailable) as exc:
        kube.connect(kubeconfig=str(cfg), timeout=2)
    assert "make cluster" in str(exc.value) and "kind-hakit" in str(exc.value)
    assert not kube.cluster_reachable(timeout=1, kubeconfig=str(cfg))


def test_empty_kubeconfig_means_unavailable(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("")
    assert kube.current_context(str(empty)) is None
    with pytest.raises(kube.ClusterUnavailable) as exc:
        kube.connect(kubeconfig=str(empty))
    assert "make cluster" in str(exc.value)
    # the exception renders as the message only in IPython (no traceback)
    assert exc.value._render_traceback_() == ["ClusterUnavailable: " + str(exc.value)]


def test_check_command_exit_status(tmp_path, monkeypatch, capsys):
    """``python -m hakit.lab.kube check`` (the harness gate) exits 1 and says why without a cluster."""
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("KUBECONFIG", str(empty))
    assert kube.main(["check"]) == 1
    assert "make cluster" in capsys.readouterr().out
    assert kube.main(["bogus"]) == 2


# ------------------------------------------------------------------------------ notebooks
def test_there_are_six_k8s_labs():
    assert [p.name for p in NOTEBOOKS] == [
        "k8s_01_control_plane_ha.ipynb", "k8s_02_rolling_update.ipynb", "k8s_03_probes.ipynb",
        "k8s_04_hpa.ipynb", "k8s_05_failure_domains.ipynb", "k8s_06_statefulset.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_structure(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    conn = [i for i, c in enumerate(nb.cells) if "connection" in c.metadata.get("tags", [])]
    assert len(conn) == 1, "exactly one cell tagged 'connection'"
    assert "kube.connect()" in nb.cells[conn[0]].source
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, "outputs must be stripped"
    answers = [i for i, c in enumerate(nb.cells) if "### BEGIN SOLUTION" in c.source]
    assert answers, "each lab has at least one exercise"
    for i in answers:
        src = nb.cells[i].source
        assert src.index("### BEGIN SOLUTION") < src.index("### END SOLUTION")
        nxt = nb.cells[i + 1]
        assert nxt.cell_type == "code" and 'check("labs.' in nxt.source, "answer cell is followed by a hakit.grading check cell"
    assert any("checks.check_" in c.source for c in nb.cells), "observations are checked too"
    # every manifest a notebook applies exists
    for c in nb.cells:
        for m in re.findall(r'apply\("([^"]+\.yaml)"', c.source):
            assert (MANIFESTS / m).exists(), m


@pytest.mark.timeout(240)
def test_notebooks_stop_at_the_connection_cell_without_a_cluster(tmp_path):
    """Run each notebook under nbclient with an empty kubeconfig (KUBECONFIG -> empty temp file):
    the cells up to the connection cell run, the connection cell fails with the Chinese message,
    and no later cell runs. One kernel serves all six notebooks (kernel start-up is the slow
    part on a shared machine); each notebook's cells execute in order as nbclient would."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    empty = tmp_path / "kubeconfig"
    empty.write_text("")
    env = {k: v for k, v in os.environ.items() if k != kube.ALLOW_ENV}
    env["KUBECONFIG"] = str(empty)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(ROOT / "labs"), env=env)
    try:
        for path in NOTEBOOKS:
            nb = nbformat.read(path, as_version=4)
            conn = next(i for i, c in enumerate(nb.cells) if "connection" in c.metadata.get("tags", []))
            client = NotebookClient(nb, km=km, timeout=60, kernel_name="python3")
            with pytest.raises(CellExecutionError) as exc:
                client.execute()
            msg = str(exc.value)
            assert "ClusterUnavailable" in msg and "make cluster" in msg, (path.name, msg[-500:])
            errors = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                      and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
            assert errors == [conn], (path.name, errors, conn)
            err = next(o for o in nb.cells[conn].outputs if o["output_type"] == "error")
            assert err["ename"] == "ClusterUnavailable"
            assert "make cluster" in err["evalue"] and "kubeconfig" in err["evalue"]
            assert str(empty) in err["evalue"], "the message names the kubeconfig it read"
            executed = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count]
            assert max(executed) == conn, (path.name, executed)
    finally:
        km.shutdown_kernel(now=True)


# ------------------------------------------------------------------------------ workflow, scripts
def test_workflow_parses_and_grades_the_labs():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "grade-labs.yml").read_text(encoding="utf-8"))
    on = wf.get("on", wf.get(True))           # YAML 1.1 reads the key `on` as True
    assert "push" in on and "pull_request" in on
    steps = wf["jobs"]["k8s-labs"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "make setup" in runs, "hakit must be installed as the Makefile does (editable)"
    assert "make cluster" in runs and "make cluster-delete" in runs
    assert "--nbval-lax" in runs and "labs/k8s_*.ipynb" in runs
    assert "hakit.lab.kube check" in runs
    lab_step = next(s for s in steps if "labs/k8s_*.ipynb" in s.get("run", ""))
    assert lab_step["env"]["HAKIT_K8S_LABS"] == "1"
    delete = next(s for s in steps if "cluster-delete" in s.get("run", ""))
    assert delete.get("if") == "always()"
    # the unit tests, book and local labs: the README's command, after the Makefile's set-up
    test_runs = "\n".join(s.get("run", "") for s in wf["jobs"]["test"]["steps"])
    assert "make setup" in test_runs and ".ci/run" in test_runs
    assert wf["jobs"]["test"]["container"].startswith("debian:12")


@pytest.mark.parametrize("script", ["create.sh", "delete.sh"])
def test_scripts_pass_bash_n(script):
    path = CLUSTER / script
    assert os.access(path, os.X_OK), f"{script} must be executable"
    proc = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash")


def test_create_says_what_to_install_when_tools_are_missing(tmp_path):
    """With an empty PATH (plus bash's own directory) create.sh names docker and kind and exits 1."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("dirname", "grep", "cat"):
        found = shutil.which(tool)
        if found:
            (bindir / tool).symlink_to(found)
    bash = shutil.which("bash")
    proc = subprocess.run([bash, str(CLUSTER / "create.sh")], env={"PATH": str(bindir)},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "缺少 docker" in proc.stderr and "缺少 kind" in proc.stderr
    assert "go install sigs.k8s.io/kind" in proc.stderr and "make cluster" in proc.stderr
    proc = subprocess.run([bash, str(CLUSTER / "create.sh"), "huge"], env={"PATH": str(bindir)},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2


def test_delete_without_kind_is_harmless(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    proc = subprocess.run([shutil.which("bash"), str(CLUSTER / "delete.sh")], env={"PATH": str(bindir)},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and "kind" in proc.stderr


# ------------------------------------------------------------------------------ against a fake API
class _FakeAPI:
    """A tiny loopback HTTP server that answers the few Kubernetes API calls the lab driver makes,
    so that hakit.lab.kube's use of the generated client (types, paths, watch streaming, error
    statuses) is exercised here without a cluster."""

    def __init__(self):
        import http.server
        import threading

        self.requests: list = []
        self.namespaces = {"kube-system"}
        self.patches: list = []
        self.applied: list = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _send(self, code, obj, ctype="application/json"):
                body = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                try:
                    return json.loads(raw or b"null")
                except ValueError:
                    return yaml.safe_load(raw)

            def do_GET(self):
                fake.requests.append(("GET", self.path))
                path, _, query = self.path.partition("?")
                path = urllib.parse.unquote(path)
                if path.rstrip("/") == "/version":
                    return self._send(200, {"major": "1", "minor": "35", "gitVersion": "v1.35.0",
                                            "gitCommit": "x", "gitTreeState": "clean",
                                            "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.25",
                                            "compiler": "gc", "platform": "linux/amd64"})
                if path == "/api":
                    return self._send(200, {"kind": "APIVersions", "versions": ["v1"],
                                            "serverAddressByClientCIDRs": []})
                if path == "/apis":
                    return self._send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                        {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                         "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]})
                if path == "/api/v1":
                    return self._send(200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                        {"name": "services", "singularName": "service", "namespaced": True, "kind": "Service",
                         "verbs": ["create", "get", "list", "patch", "delete", "watch"]}]})
                if path == "/apis/apps/v1":
                    return self._send(200, {"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
                        {"name": "deployments", "singularName": "deployment", "namespaced": True,
                         "kind": "Deployment", "verbs": ["create", "get", "list", "patch", "delete", "watch"]}]})
                if path.startswith("/api/v1/namespaces/") and path.count("/") == 4:
                    name = path.rsplit("/", 1)[1]
                    if name in fake.namespaces:
                        return self._send(200, {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": name}})
                    return self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                            "reason": "NotFound", "code": 404})
                if path == "/apis/apps/v1/namespaces/lab/replicasets":
                    if "watch=true" in query:
                        events = [
                            {"type": "ADDED", "object": _rs("web-new", 2, 0, "2", rv="11")},
                            {"type": "MODIFIED", "object": _rs("web-old", 5, 5, "1", rv="12")},
                            {"type": "MODIFIED", "object": _rs("web-new", 6, 6, "2", rv="13")},
                            {"type": "MODIFIED", "object": _rs("web-old", 0, 0, "1", rv="14")},
                        ]
                        body = b"".join(json.dumps(e).encode() + b"\n" for e in events)
                        return self._send(200, body)
                    return self._send(200, {"kind": "ReplicaSetList", "apiVersion": "apps/v1",
                                            "metadata": {"resourceVersion": "10"},
                                            "items": [_rs("web-old", 6, 6, "1", rv="10")]
                                            + ([_rs("web-new", 0, 0, "2", rv="10")] if fake.patches else [])})
                if path == "/apis/apps/v1/namespaces/lab/deployments/web":
                    return self._send(200, _dep())
                if path.startswith("/apis/discovery.k8s.io/v1/namespaces/lab/endpointslices"):
                    assert "labelSelector=kubernetes.io/service-name=web" in urllib.parse.unquote(query), query
                    return self._send(200, {"kind": "EndpointSliceList", "apiVersion": "discovery.k8s.io/v1",
                                            "metadata": {}, "items": [{
                                                "metadata": {"name": "web-abc"}, "addressType": "IPv4",
                                                "endpoints": [
                                                    {"addresses": ["10.244.1.2"], "conditions": {"ready": True, "serving": True, "terminating": False},
                                                     "targetRef": {"kind": "Pod", "name": "web-1"}},
                                                    {"addresses": ["10.244.2.3"], "conditions": {"ready": False, "serving": False, "terminating": False},
                                                     "targetRef": {"kind": "Pod", "name": "web-2"}}]}]})
                if path.startswith("/api/v1/namespaces/lab/services/web:80/proxy"):
                    return self._send(200, b"hello", "text/plain")
                return self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404})

            def do_POST(self):
                body = self._body()
                fake.requests.append(("POST", self.path))
                if self.path == "/api/v1/namespaces":
                    fake.namespaces.add(body["metadata"]["name"])
                    return self._send(201, body)
                if self.path.endswith("/eviction"):
                    return self._send(429, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                            "reason": "TooManyRequests", "code": 429,
                                            "message": "Cannot evict pod as it would violate the pod's disruption budget."})
                return self._send(404, {})

            def do_PATCH(self):
                body = self._body()
                fake.requests.append(("PATCH", self.path, self.headers.get("Content-Type")))
                if self.path.startswith("/apis/apps/v1/namespaces/lab/deployments/web"):
                    if "apply-patch" in (self.headers.get("Content-Type") or ""):
                        fake.applied.append((self.path, body))
                    else:
                        fake.patches.append(body)
                    return self._send(200, _dep())
                if self.path.startswith("/api/v1/namespaces/lab/services/web"):
                    fake.applied.append((self.path, body))
                    return self._send(200, {"kind": "Service", "apiVersion": "v1", "metadata": {"name": "web", "namespace": "lab"}})
                return self._send(404, {})

            def do_DELETE(self):
                fake.requests.append(("DELETE", self.path))
                name = self.path.split("?")[0].rsplit("/", 1)[1]
                fake.namespaces.discard(name)
                return self._send(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _rs(name, spec, avail, revision, rv="1"):
    return {"kind": "ReplicaSet", "apiVersion": "apps/v1",
            "metadata": {"name": name, "namespace": "lab", "resourceVersion": rv, "uid": f"uid-{name}",
                         "annotations": {"deployment.kubernetes.io/revision": revision},
                         "labels": {"app": "web", "pod-template-hash": name[-3:]},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                              "uid": "uid-dep", "controller": True}]},
            "spec": {"replicas": spec, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": name[-3:]}},
                                  "spec": {"containers": [{"name": "nginx",
                                                           "image": "nginx:1.27-alpine" if revision == "1" else "nginx:bad"}]}}},
            "status": {"replicas": spec, "availableReplicas": avail, "readyReplicas": avail}}


def _dep():
    return {"kind": "Deployment", "apiVersion": "apps/v1",
            "metadata": {"name": "web", "namespace": "lab", "uid": "uid-dep", "generation": 2,
                         "annotations": {"deployment.kubernetes.io/revision": "2"}},
            "spec": {"replicas": 6, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:bad"}]}}},
            "status": {"observedGeneration": 2, "replicas": 6, "availableReplicas": 6, "updatedReplicas": 6}}


@pytest.fixture
def fake_cluster(tmp_path, monkeypatch):
    fake = _FakeAPI()
    cfg = tmp_path / "config"
    _write_kubeconfig(cfg, "kind-fake", server=fake.url)
    cluster = kube.connect(kubeconfig=str(cfg), timeout=5)
    yield fake, cluster
    cluster.close()
    fake.close()


@pytest.mark.timeout(60)
def test_driver_against_a_fake_api(fake_cluster, capsys):
    fake, c = fake_cluster
    assert c.context == "kind-fake" and c.version == "v1.35.0"

    # namespace context manager: created, then deleted on exit, also when the body is interrupted
    with pytest.raises(KeyboardInterrupt):
        with c.lab_namespace("hakit-test", timeout=5) as ns:
            assert ns in fake.namespaces
            raise KeyboardInterrupt
    assert "hakit-test" not in fake.namespaces
    assert ("DELETE", "/api/v1/namespaces/hakit-test") in fake.requests

    # EndpointSlices: ready and not-ready endpoints with their pods
    eps = c.endpoint_slices("lab", "web")
    assert [(e["pod"], e["ready"]) for e in eps] == [("web-1", True), ("web-2", False)]
    assert c.ready_endpoints("lab", "web") == ["web-1"]

    # eviction refused by a PDB -> (429, message)
    code, msg = c.evict("lab", "web-1")
    assert code == 429 and "disruption budget" in msg

    # Service through the API server proxy
    assert c.service_get("lab", "web") == (True, "hello")

    # the rollout recorder: triggers the change after the initial list, follows the watch
    snaps = kube.record_rollout(c, "lab", "web", "nginx:1.28-alpine", timeout=20)
    assert fake.patches and fake.patches[0]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28-alpine"
    assert [(s["old"], s["new"]) for s in snaps] == [(6, 0), (6, 2), (5, 2), (5, 6), (0, 6)]
    assert snaps[-1]["new_available"] == 6

    # kubectl rollout undo equivalent: the previous revision's template without pod-template-hash
    assert c.rollout_undo("lab", "web") == 1
    patch = fake.patches[-1]
    assert patch[0]["op"] == "replace" and patch[0]["path"] == "/spec/template"
    assert patch[0]["value"]["spec"]["containers"][0]["image"] == "nginx:1.27-alpine"
    assert "pod-template-hash" not in patch[0]["value"]["metadata"]["labels"]
    json_patch = [r for r in fake.requests if r[0] == "PATCH" and r[1].endswith("/deployments/web")][-1]
    assert json_patch[2] == "application/json-patch+json"

    # server-side apply through the dynamic client, into the lab namespace
    out = c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                   "spec": {"replicas": 6}}, namespace="lab")
    assert out[0]["metadata"]["name"] == "web"
    path, body = fake.applied[-1]
    assert "fieldManager=hakit-lab" in path and "force=true" in path
    ssa = [r for r in fake.requests if r[0] == "PATCH" and "fieldManager" in r[1]][-1]
    assert ssa[2] == "application/apply-patch+yaml"

    # a bounded wait that times out says so in Chinese
    with pytest.raises(TimeoutError, match="等待超时"):
        c.wait_for(lambda: False, timeout=0.5, interval=0.1, what="永远不会发生", progress=False)


# ------------------------------------------------------------------------------ N.4.2 redis-ha example
from hakit.lab import redis_ha  # noqa: E402

REDIS_HA_DOCS = redis_ha.kubernetes_documents()
BOOK_MANIFESTS = sorted((ROOT / "book").glob("**/manifests/**/*.yaml"))


@pytest.mark.parametrize("doc", REDIS_HA_DOCS, ids=[f"{d['kind']}:{d['metadata']['name']}" for d in REDIS_HA_DOCS])
def test_redis_ha_validates_against_the_target_kubernetes(doc):
    assert kubernetes_validate.validate(doc, TARGET_SCHEMA, strict=True) == versions.KUBERNETES_MINOR


def test_book_manifests_validate_against_the_target_kubernetes():
    """Any YAML the chapters keep under book/**/manifests/ (none is also fine)."""
    for path in BOOK_MANIFESTS:
        docs = _docs(path)
        assert docs, f"{path} 里没有对象"
        for d in docs:
            assert kubernetes_validate.validate(d, TARGET_SCHEMA, strict=True) == versions.KUBERNETES_MINOR, path


def _ha(kind: str, name: str) -> dict:
    return next(d for d in REDIS_HA_DOCS if d["kind"] == kind and d["metadata"]["name"] == name)


def _init_env(workload: dict) -> dict:
    (init,) = workload["spec"]["template"]["spec"]["initContainers"]
    return {e["name"]: e.get("value") for e in init["env"]}


def _pod_env(workload: dict, pod: str, namespace: str = "harbor") -> dict:
    """The init container's variables as the kubelet expands them ($(VAR) references)."""
    env = {}
    for k, v in _init_env(workload).items():
        if v is None:
            v = {"POD_NAME": pod, "POD_NAMESPACE": namespace}[k]
        env[k] = re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], v)
    return env


def test_redis_ha_configmap_carries_the_files_the_lab_uses():
    cm = _ha("ConfigMap", "redis-ha-config")
    assert set(cm["data"]) == set(redis_ha.CONFIG_FILES + redis_ha.INIT_SCRIPTS)
    for name, text in cm["data"].items():
        assert text == redis_ha.path(name).read_text(encoding="utf-8")
    for kind, name in (("StatefulSet", "redis"), ("StatefulSet", "redis-sentinel"), ("Deployment", "redis-haproxy")):
        spec = _ha(kind, name)["spec"]["template"]["spec"]
        (init,) = spec["initContainers"]
        vols = {v["name"]: v for v in spec["volumes"]}
        assert vols["templates"]["configMap"]["name"] == cm["metadata"]["name"]
        script = init["command"][-1].rsplit("/", 1)[1]
        assert script in redis_ha.INIT_SCRIPTS
        used = set(re.findall(r"\$\{?([A-Z_]+)", redis_ha.path(script).read_text(encoding="utf-8")))
        optional = {"ASK_ATTEMPTS", "ASK_INTERVAL"}
        assert used - optional <= set(_init_env(_ha(kind, name))), (script, used - set(_init_env(_ha(kind, name))))


def test_redis_ha_topology_is_consistent():
    redis, sentinel = _ha("StatefulSet", "redis"), _ha("StatefulSet", "redis-sentinel")
    haproxy = _ha("Deployment", "redis-haproxy")
    for sts in (redis, sentinel):
        svc = _ha("Service", sts["spec"]["serviceName"])
        assert svc["spec"]["clusterIP"] == "None" and svc["spec"]["publishNotReadyAddresses"] is True
        assert svc["spec"]["selector"] == sts["spec"]["selector"]["matchLabels"]
        assert sts["spec"]["replicas"] == 3
        assert sts["spec"]["volumeClaimTemplates"], "state must be on a persistent volume"
    env = _pod_env(redis, "redis-1")
    assert env["ANNOUNCE_HOST"] == "redis-1.redis.harbor.svc.cluster.local"
    assert env["SENTINELS"].split() == [f"redis-sentinel-{i}.redis-sentinel.harbor.svc.cluster.local:26379"
                                        for i in range(sentinel["spec"]["replicas"])]
    assert env["FALLBACK_MASTER"] == "redis-0.redis.harbor.svc.cluster.local:6379"
    senv = _pod_env(sentinel, "redis-sentinel-2")
    assert senv["ANNOUNCE_HOST"] == "redis-sentinel-2.redis-sentinel.harbor.svc.cluster.local"
    assert senv["SENTINEL_DIR"] in [m["mountPath"] for m in sentinel["spec"]["template"]["spec"]["initContainers"][0]["volumeMounts"]
                                    if m["name"] == "sentinel-data"]
    assert int(senv["QUORUM"]) == 2 == sentinel["spec"]["replicas"] // 2 + 1
    servers = _pod_env(haproxy, "x")["SERVERS"].split()
    assert servers == [f"redis-{i}=redis-{i}.redis.harbor.svc.cluster.local:6379" for i in range(redis["spec"]["replicas"])]
    for pdb in ("redis", "redis-sentinel", "redis-haproxy"):
        sel = _ha("PodDisruptionBudget", pdb)["spec"]["selector"]["matchLabels"]
        assert sel in (redis["spec"]["selector"]["matchLabels"], sentinel["spec"]["selector"]["matchLabels"],
                       haproxy["spec"]["selector"]["matchLabels"])
    # the image must understand resolve-hostnames / announce-hostnames (Redis >= 6.2)
    for w in (redis, sentinel):
        for c in w["spec"]["template"]["spec"]["containers"] + w["spec"]["template"]["spec"]["initContainers"]:
            major, minor = (int(x) for x in c["image"].split(":")[1].split(".")[:2])
            assert (major, minor) >= (6, 2)


def _render_in_pod(workload: dict, pod: str, tmp_path: Path) -> dict:
    """Run the workload's init script as its init container would, with paths under tmp_path."""
    env = _pod_env(workload, pod)
    for k in ("TEMPLATE",):
        env[k] = str(redis_ha.path(Path(env[k]).name))
    for k in ("CONF", "DATA_DIR", "SENTINEL_DIR", "RUN_DIR"):
        if k in env:
            env[k] = str(tmp_path / env[k].lstrip("/"))
            (Path(env[k]).parent if k == "CONF" else Path(env[k])).mkdir(parents=True, exist_ok=True)
    env["SENTINELS"] = "127.0.0.1:1"        # nobody answers: the first-bootstrap path
    env["ASK_ATTEMPTS"], env["ASK_INTERVAL"] = "2", "0.1"
    script = workload["spec"]["template"]["spec"]["initContainers"][0]["command"][-1].rsplit("/", 1)[1]
    redis_ha.run_init(script, env, timeout=30)
    return env


@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("redis-cli") is None, reason="需要 sh 与 redis-cli")
def test_redis_init_bootstraps_once_then_never_guesses(tmp_path):
    redis = _ha("StatefulSet", "redis")
    env = _render_in_pod(redis, "redis-1", tmp_path)
    conf = Path(env["CONF"]).read_text(encoding="utf-8")
    assert "replica-announce-ip redis-1.redis.harbor.svc.cluster.local" in conf
    assert conf.rstrip().splitlines()[-1] == "replicaof redis-0.redis.harbor.svc.cluster.local 6379"
    assert "@" not in "".join(ln for ln in conf.splitlines() if not ln.startswith("#"))
    # the second start of the same Pod (marker on its volume) refuses to fall back to redis-0
    with pytest.raises(RuntimeError, match="not guessing"):
        _render_in_pod(redis, "redis-1", tmp_path)
    env0 = _render_in_pod(redis, "redis-0", tmp_path / "p0")
    assert not [ln for ln in Path(env0["CONF"]).read_text(encoding="utf-8").splitlines() if ln.startswith("replicaof")]


@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("redis-cli") is None, reason="需要 sh 与 redis-cli")
def test_sentinel_init_keeps_the_state_sentinel_rewrote(tmp_path):
    sentinel = _ha("StatefulSet", "redis-sentinel")
    env = _render_in_pod(sentinel, "redis-sentinel-0", tmp_path)
    conf = Path(env["SENTINEL_DIR"]) / "sentinel.conf"
    lines = [ln for ln in conf.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert lines.index("sentinel resolve-hostnames yes") < next(i for i, ln in enumerate(lines) if ln.startswith("sentinel monitor"))
    assert "sentinel announce-ip redis-sentinel-0.redis-sentinel.harbor.svc.cluster.local" in lines
    assert "sentinel monitor mymaster redis-0.redis.harbor.svc.cluster.local 6379 2" in lines
    conf.write_text(conf.read_text(encoding="utf-8") + "sentinel myid 0123\n", encoding="utf-8")
    _render_in_pod(sentinel, "redis-sentinel-0", tmp_path)
    assert conf.read_text(encoding="utf-8").endswith("sentinel myid 0123\n")


@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("haproxy", path="/usr/sbin:/usr/bin:/usr/local/sbin") is None,
                    reason="需要 sh 与 haproxy")
def test_haproxy_config_of_the_example_is_valid(tmp_path):
    env = _render_in_pod(_ha("Deployment", "redis-haproxy"), "redis-haproxy-x", tmp_path)
    cfg = Path(env["CONF"]).read_text(encoding="utf-8")
    servers = [ln.split() for ln in cfg.splitlines() if ln.strip().startswith("server ")]
    assert [s[1:3] for s in servers] == [[f"redis-{i}", f"redis-{i}.redis.harbor.svc.cluster.local:6379"] for i in range(3)]
    for line in ("tcp-check expect string role:master", "on-marked-down shutdown-sessions", "resolvers dns"):
        assert line in cfg
    exe = shutil.which("haproxy", path="/usr/sbin:/usr/bin:/usr/local/sbin")
    r = subprocess.run([exe, "-c", "-f", env["CONF"]], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "Configuration file is valid" in r.stdout, r.stdout + r.stderr


# ------------------------------------------------------------------------------ local name, remote server
@pytest.mark.parametrize("name,server", [
    ("kind-hakit", "https://127.0.0.1:41234"), ("kind-x", "https://[::1]:6443"),
    ("k3d-dev", "https://0.0.0.0:6550"), ("k3d-dev", "https://localhost:6550"),
    ("minikube", "https://192.168.49.2:8443"), ("minikube", "https://127.0.0.1:32771"),
])
def test_local_context_on_this_machine_is_accepted(name, server):
    assert kube.check_server(name, server, environ={}) == name


@pytest.mark.parametrize("name,server", [
    ("kind-hakit", "https://203.0.113.7:6443"), ("kind-hakit", "https://10.0.0.5:6443"),
    ("k3d-dev", "https://k3d.example.com:6443"), ("minikube", "https://198.51.100.2:8443"),
    ("minikube", "https://169.254.1.1:8443"), ("docker-desktop", "https://192.168.1.10:6443"),
    ("kind-hakit", None),
])
def test_local_looking_context_with_a_remote_server_is_refused(name, server):
    with pytest.raises(kube.ContextRefused, match="不在本机"):
        kube.check_server(name, server, environ={})
    assert kube.check_server(name, server, environ={kube.ALLOW_ENV: name}) == name


def test_connect_refuses_a_kind_named_remote_cluster_before_the_network(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    _write_kubeconfig(cfg, "kind-hakit", server="https://203.0.113.1:443")
    monkeypatch.delenv(kube.ALLOW_ENV, raising=False)
    with pytest.raises(kube.ContextRefused, match="不在本机"):
        kube.connect(kubeconfig=str(cfg), timeout=0.5)


# ------------------------------------------------------------------------------ pinned kind release
def _sh_var(path: Path, name: str) -> str:
    m = re.search(rf'^{name}="([^"]+)"$', path.read_text(encoding="utf-8"), re.M)
    assert m, f"{path.name} 里没有 {name}"
    return m.group(1)


def test_kind_release_and_node_image_are_pinned_where_hakit_versions_says():
    assert re.fullmatch(r"kindest/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}", versions.KIND_NODE_IMAGE)
    assert versions.KIND_NODE_IMAGE.split(":")[1].split("@")[0] == versions.KUBERNETES_VERSION
    assert versions.KUBERNETES_VERSION.lstrip("v").startswith(versions.KUBERNETES_MINOR + ".")
    create = CLUSTER / "create.sh"
    assert _sh_var(create, "KIND_VERSION") == versions.KIND_VERSION
    assert _sh_var(create, "KIND_NODE_IMAGE_PINNED") == versions.KIND_NODE_IMAGE
    for name in ("kind-ha.yaml", "kind-single.yaml"):
        (cfg,) = _docs(CLUSTER / name)
        assert [n.get("image") for n in cfg["nodes"]] == [versions.KIND_NODE_IMAGE] * len(cfg["nodes"]), name
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "grade-labs.yml").read_text(encoding="utf-8"))
    kind_steps = [s for job in wf["jobs"].values() for s in job["steps"] if "helm/kind-action" in s.get("uses", "")]
    assert kind_steps and all(s["with"]["version"] == versions.KIND_VERSION for s in kind_steps)


def test_create_script_refuses_another_kind_release(tmp_path):
    """A fake kind that reports v0.31.0: create.sh stops before creating anything."""
    if shutil.which("bash") is None:
        pytest.skip("需要 bash")
    fake = tmp_path / "bin"
    fake.mkdir()
    for tool, body in (("kind", 'if [ "$1" = version ]; then echo "kind v0.31.0 go1.24 linux/amd64"; else echo "kind $*" >> "$LOG"; fi'),
                       ("docker", 'exit 0')):
        (fake / tool).write_text(f"#!/bin/sh\n{body}\n")
        (fake / tool).chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "LOG": str(tmp_path / "log")}
    r = subprocess.run(["bash", str(CLUSTER / "create.sh"), "ha"], capture_output=True, text=True, env=env, timeout=30)
    assert r.returncode == 1 and "v0.32.0" in r.stderr
    assert not (tmp_path / "log").exists(), "不应调用 kind create"


def test_redis_ha_images_are_the_versions_the_course_targets():
    """The example runs the current Redis and HAProxy releases named in hakit.versions."""
    images = {c["image"] for d in REDIS_HA_DOCS if d["kind"] in ("StatefulSet", "Deployment")
              for c in d["spec"]["template"]["spec"]["containers"] + d["spec"]["template"]["spec"].get("initContainers", [])}
    assert images == {f"redis:{versions.REDIS_VERSION}", f"haproxy:{versions.HAPROXY_VERSION}"}
