#!/usr/bin/env bash
# 删除实验用的 kind 集群（节点容器、负载均衡器容器和 kubeconfig 里的 context 一并删除）。
# 用法：labs/cluster/delete.sh [ha|single|all]   默认 all
set -euo pipefail

which="${1:-all}"
case "$which" in
  ha)     names=(hakit) ;;
  single) names=(hakit-single) ;;
  all)    names=(hakit hakit-single) ;;
  *) echo "用法：$0 [ha|single|all]（收到：$which）" >&2; exit 2 ;;
esac

if ! command -v kind >/dev/null 2>&1; then
  echo "没有找到 kind 命令，因此也不会有 kind 集群需要删除。安装方法见 labs/cluster/README.md。" >&2
  exit 0
fi
if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "连不上 Docker 守护进程：先启动 Docker（Linux：sudo systemctl start docker；macOS/Windows：启动 Docker Desktop），再运行 make cluster-delete。" >&2
  exit 1
fi

existing="$(kind get clusters 2>/dev/null || true)"
for name in "${names[@]}"; do
  if printf '%s\n' "$existing" | grep -qx "$name"; then
    echo "删除 kind 集群 $name ……"
    kind delete cluster --name "$name"
  else
    echo "kind 集群 $name 不存在，跳过。"
  fi
done
