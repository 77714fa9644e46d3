"""The N.4.2 example's Redis, Sentinel and HAProxy configuration (``labs/manifests/redis-ha``).

The directory holds three configuration templates (``redis.conf``, ``sentinel.conf``,
``haproxy.cfg``: every ``@NAME@`` is a value to fill in), the three POSIX ``sh`` init scripts
that fill them in (``redis-init.sh`` asks the Sentinels for the current master first), and the
Kubernetes objects (``redis-ha.yaml``; ``kustomization.yaml`` puts the six files into the
ConfigMap ``redis-ha-config``). The Kubernetes init containers run the scripts with values from
the Pod; :mod:`hakit.lab.redis_sentinel` runs the very same scripts with loopback addresses
and free ports, so the local lab runs what the chapter shows.

- :func:`path` is the path of one of those files;
- :func:`run_init` runs one init script with its environment variables (bounded in time);
- :func:`kubernetes_documents` returns the objects ``kubectl apply -k`` creates, with the
  ConfigMap built from the files the way kustomize's ``configMapGenerator`` builds it (without
  its name-hash suffix).
"""
from __future__ import annotations

import math
import os
import subprocess
from pathlib import Path

__all__ = ["REDIS_HA_DIR", "CONFIG_FILES", "INIT_SCRIPTS", "path", "run_init", "kubernetes_documents"]

REDIS_HA_DIR = Path(__file__).resolve().parents[2] / "labs" / "manifests" / "redis-ha"
CONFIG_FILES = ("redis.conf", "sentinel.conf", "haproxy.cfg")
INIT_SCRIPTS = ("redis-init.sh", "sentinel-init.sh", "haproxy-init.sh")


def path(name: str) -> Path:
    """Path of one file of the example; raises ``ValueError`` for an unknown name."""
    if name not in CONFIG_FILES + INIT_SCRIPTS:
        raise ValueError(f"name: Unsupported value: {name!r}: 可用的文件为 {', '.join(CONFIG_FILES + INIT_SCRIPTS)}")
    p = REDIS_HA_DIR / name
    if not p.is_file():
        raise FileNotFoundError(f"找不到 {p}：hakit 需要以可编辑方式安装在仓库里（make setup）")
    return p


def run_init(script: str, env: dict, timeout: float, log_path: str | os.PathLike | None = None) -> str:
    """Run init script ``script`` with ``sh`` and the variables ``env``; return its output.

    The output is also appended to ``log_path``. Raises ``RuntimeError`` (with the output) when
    the script fails and ``TimeoutError`` after ``timeout`` seconds.
    """
    if script not in INIT_SCRIPTS:
        raise ValueError(f"script: Unsupported value: {script!r}: 可用的脚本为 {', '.join(INIT_SCRIPTS)}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"timeout: Invalid value: {timeout!r}: 必须是有限的正秒数")
    full = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME")}
    full.update({str(k): str(v) for k, v in env.items()})
    try:
        r = subprocess.run(["sh", str(path(script))], env=full, capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise TimeoutError(f"等待超时（{timeout} s）：{script}") from e
    out = r.stdout + r.stderr
    if log_path is not None:
        with open(log_path, "a", encoding="utf-8") as f:
            f.write(out)
    if r.returncode != 0:
        raise RuntimeError(f"{script} 失败（退出码 {r.returncode}）：{out.strip()}")
    return out


def _config_map(namespace: str) -> dict:
    import yaml

    kust = yaml.safe_load((REDIS_HA_DIR / "kustomization.yaml").read_text(encoding="utf-8"))
    (gen,) = kust["configMapGenerator"]
    data = {f: (REDIS_HA_DIR / f).read_text(encoding="utf-8") for f in gen["files"]}
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": gen["name"], "namespace": namespace}, "data": data}


def kubernetes_documents() -> list[dict]:
    """The objects of ``kubectl apply -k labs/manifests/redis-ha/`` (ConfigMap without hash suffix)."""
    import yaml

    kust = yaml.safe_load((REDIS_HA_DIR / "kustomization.yaml").read_text(encoding="utf-8"))
    ns = kust["namespace"]
    docs: list[dict] = []
    for res in kust["resources"]:
        for d in yaml.safe_load_all((REDIS_HA_DIR / res).read_text(encoding="utf-8")):
            if not d:
                continue
            if d["kind"] != "Namespace":
                d.setdefault("metadata", {})["namespace"] = ns
            docs.append(d)
    docs.insert(1, _config_map(ns))
    return docs
