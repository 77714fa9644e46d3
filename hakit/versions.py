"""The versions the course is true for, in one place.

The book's prose takes these through MyST substitutions (``{{ k8s_minor }}`` …, see
``SUBSTITUTIONS`` and ``_ext/hakit_versions.py``); the labs pin the same kind release and node
image (``labs/cluster``), and a test checks that they agree.

Kubernetes is the minor of the default node image of the pinned kind release
(kind ``pkg/apis/config/defaults/image.go`` at the tag). etcd is the version kubeadm of that
Kubernetes release deploys (``cmd/kubeadm/app/constants/constants.go``, ``DefaultEtcdVersion``).
Redis and HAProxy: the current upstream releases the text describes, and the Debian 12 (bookworm)
packages the local labs run, whose behaviour differs where the text says so.
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["Target", "TARGETS", "KIND_VERSION", "KIND_NODE_IMAGE", "KUBERNETES_VERSION",
           "KUBERNETES_MINOR", "ETCD_VERSION", "REDIS_VERSION", "HAPROXY_VERSION",
           "DEBIAN_RELEASE", "DEBIAN_ETCD", "DEBIAN_REDIS", "DEBIAN_HAPROXY", "SUBSTITUTIONS",
           "CHECKED_ON"]

#: When the values below were last checked at their sources.
CHECKED_ON = "2026-12-01"

# kind v0.32.0 (2026-06-02), pkg/apis/config/defaults/image.go at tag v0.32.0.
KIND_VERSION = "v0.32.0"
KIND_NODE_IMAGE = ("kindest/node:v1.36.1@sha256:"
                   "3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5")
KUBERNETES_VERSION = "v1.36.1"
KUBERNETES_MINOR = "1.36"
# kubernetes.io documents the newest minor only; each earlier one keeps its own archive site
# (vX-Y.docs.kubernetes.io, one per release branch). Every Kubernetes docs link the reader meets
# points there (tests/test_reader_pages.py::test_kubernetes_docs_links_are_versioned).
KUBERNETES_DOCS = "https://v" + KUBERNETES_MINOR.replace(".", "-") + ".docs.kubernetes.io"

# kubeadm v1.36 DefaultEtcdVersion (cmd/kubeadm/app/constants/constants.go at v1.36.1).
ETCD_VERSION = "3.6"
# Current upstream releases the prose describes (checked 2026-12-01): Redis Open Source 8.12
# (redis.io release notes, "What's new in Redis 8.12" lists 8.12.0); HAProxy 3.4, whose branch
# has stable releases up to 3.4.6 while 3.5 is still a development branch
# (https://www.haproxy.org/download/3.4/src/releases.json, .../3.5/src/releases.json).
REDIS_VERSION = "8.12"
HAPROXY_VERSION = "3.4"

# Debian 12 "bookworm" packages used by the local labs (etcd-server, redis-server, haproxy).
DEBIAN_RELEASE = "Debian 12 (bookworm)"
DEBIAN_ETCD = "3.4.23"
DEBIAN_REDIS = "7.0.15"
DEBIAN_HAPROXY = "2.6.12"


class Target(NamedTuple):
    """One component the course names, with where its version comes from."""
    component: str
    version: str
    source: str
    where_used: str


TARGETS: tuple[Target, ...] = (
    Target("kind", KIND_VERSION,
           "https://github.com/kubernetes-sigs/kind/releases/tag/" + KIND_VERSION,
           "Kubernetes 实验（labs/cluster）"),
    Target("Kubernetes", KUBERNETES_VERSION,
           "kind " + KIND_VERSION + " 的默认节点镜像（pkg/apis/config/defaults/image.go）",
           "全书与 Kubernetes 实验"),
    Target("etcd（随 Kubernetes）", ETCD_VERSION,
           "kubeadm " + KUBERNETES_VERSION + " 的 DefaultEtcdVersion",
           "N.2.3 与 etcd 相关的勘误"),
    Target("Redis", REDIS_VERSION,
           "https://redis.io/docs/latest/operate/oss_and_stack/stack-with-enterprise/release-notes/redisce/",
           "N.4.2 正文"),
    Target("HAProxy", HAPROXY_VERSION, "https://www.haproxy.org/download/3.4/src/", "N.4.2 正文"),
    Target("etcd（本地实验）", DEBIAN_ETCD, "Debian 12 软件包 etcd-server", "etcd 实验"),
    Target("Redis（本地实验）", DEBIAN_REDIS, "Debian 12 软件包 redis-server",
           "Redis Sentinel 实验"),
    Target("HAProxy（本地实验）", DEBIAN_HAPROXY, "Debian 12 软件包 haproxy",
           "Redis Sentinel 实验"),
)

#: MyST substitutions available on every page: ``{{ k8s_minor }}`` → ``1.36``.
SUBSTITUTIONS: dict[str, str] = {
    "checked_on": CHECKED_ON,
    "kind_version": KIND_VERSION,
    "k8s_version": KUBERNETES_VERSION,
    "k8s_minor": KUBERNETES_MINOR,
    "k8s_docs": KUBERNETES_DOCS.removeprefix("https://"),
    "etcd_version": ETCD_VERSION,
    "redis_version": REDIS_VERSION,
    "haproxy_version": HAPROXY_VERSION,
    "debian_release": DEBIAN_RELEASE,
    "debian_etcd": DEBIAN_ETCD,
    "debian_redis": DEBIAN_REDIS,
    "debian_haproxy": DEBIAN_HAPROXY,
}
