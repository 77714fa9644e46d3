"""Root pytest configuration: which notebooks nbval runs, and no silent skips in CI.

- The Kubernetes labs (labs/k8s_*.ipynb) need a local learner cluster (kind, k3d, minikube) and
  stop its nodes, so they run only when asked for: ``HAKIT_K8S_LABS=1``, or the notebooks named
  on the command line (the GitHub workflow does ``pytest … labs/k8s_*.ipynb``). Nothing probes a
  cluster at collection time. Otherwise they are collected and skipped with a reason; under
  ``CI=true`` they are deselected instead, with a line in the summary (their graders and
  manifests are checked statically in tests/).
- Under ``CI=true`` every skip is turned into a failure that names the skip's reason, so CI can
  never pass by skipping (missing binaries, a missing preflight, …).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI") == "true"
K8S_LABS_ENV = "HAKIT_K8S_LABS"

# The real-service labs need their binaries. Elsewhere a missing one skips the lab's cells with a
# message naming the package; in CI it is a failure (see pytest_runtest_makereport).
LAB_BINARIES = {
    "etcd_lab.ipynb": {"etcd": "etcd-server"},
    "redis_sentinel_lab.ipynb": {"redis-server": "redis-server", "haproxy": "haproxy"},
}
_DESELECTED_K8S: list = []


def _is_k8s_lab(path: Path) -> bool:
    return path.name.startswith("k8s_") and path.name.endswith(".ipynb")


def _k8s_labs_requested(config) -> bool:
    if os.environ.get(K8S_LABS_ENV) == "1":
        return True
    return any(_is_k8s_lab(Path(str(a).split("::")[0])) for a in config.args)


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if ".ipynb_checkpoints" in collection_path.parts or "_build" in collection_path.parts:
        return True
    return None


def pytest_collection_modifyitems(config, items) -> None:
    k8s_wanted = _k8s_labs_requested(config)
    keep, deselected = [], []
    for item in items:
        path = Path(str(item.fspath))
        if _is_k8s_lab(path) and not k8s_wanted:
            if IN_CI:
                deselected.append(item)
                continue
            item.add_marker(pytest.mark.skip(
                reason=f"Kubernetes 实验需要本地集群：启动 kind 集群后设置 {K8S_LABS_ENV}=1 再运行（它会停掉集群节点）"))
        needs = LAB_BINARIES.get(path.name)
        missing = [pkg for binary, pkg in (needs or {}).items() if shutil.which(binary) is None]
        if missing:
            item.add_marker(pytest.mark.skip(
                reason=f"缺少实验所需的程序：sudo apt-get install {' '.join(missing)}（macOS：brew install etcd redis haproxy）"))
        keep.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep
        _DESELECTED_K8S.extend(sorted({Path(str(i.fspath)).name for i in deselected}))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true 时不允许跳过测试（skip → fail）：{reason}"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _DESELECTED_K8S:
        terminalreporter.write_line(
            f"未运行的 Kubernetes 实验（CI=true 且未设置 {K8S_LABS_ENV}=1）：{', '.join(_DESELECTED_K8S)}")
