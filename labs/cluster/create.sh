#!/usr/bin/env bash
# 创建实验用的本地 Kubernetes 集群（kind）。
# 用法：labs/cluster/create.sh [ha|single]   默认 ha（3 control-plane + 3 worker）
# 课程针对 kind v0.32.0 与它的默认节点镜像（Kubernetes v1.36.1，按摘要固定在 kind-*.yaml 里）；
# 版本写在这里和 hakit/versions.py，测试检查两处一致。
# 环境变量：KIND_NODE_IMAGE=kindest/node:vX.Y.Z  换用别的节点镜像（离开课程的目标版本，实验文字可能不再准确）
#           HAKIT_KIND_ANY_VERSION=1              允许用 v0.32.0 以外的 kind（同上）
#           HAKIT_KIND_WAIT=180s                  等待控制平面就绪的时长
set -euo pipefail

KIND_VERSION="v0.32.0"
KIND_NODE_IMAGE_PINNED="kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
topology="${1:-ha}"
case "$topology" in
  ha)     config="$here/kind-ha.yaml";     name="hakit" ;;
  single) config="$here/kind-single.yaml"; name="hakit-single" ;;
  *) echo "用法：$0 [ha|single]（收到：$topology）" >&2; exit 2 ;;
esac

missing=0
if ! command -v docker >/dev/null 2>&1; then
  cat >&2 <<'MSG'
缺少 docker 命令。kind 把每个 Kubernetes 节点跑成一个 Docker 容器，需要先安装 Docker：
  - Linux：安装 Docker Engine（https://docs.docker.com/engine/install/），
           然后 sudo usermod -aG docker "$USER" 并重新登录；
  - macOS / Windows：安装 Docker Desktop（https://docs.docker.com/desktop/），
           在 Settings → Resources 里给它至少 4 CPU、8 GB 内存（ha 拓扑有 7 个容器）。
MSG
  missing=1
elif ! docker info >/dev/null 2>&1; then
  cat >&2 <<'MSG'
docker 命令存在，但连不上 Docker 守护进程（docker info 失败）：
  - Linux：sudo systemctl start docker；若提示权限不足，把自己加入 docker 组后重新登录；
  - macOS / Windows：先启动 Docker Desktop，等它显示 running。
MSG
  missing=1
fi
if ! command -v kind >/dev/null 2>&1; then
  cat >&2 <<'MSG'
缺少 kind 命令（Kubernetes IN Docker，https://kind.sigs.k8s.io/docs/user/quick-start/#installation）。任选一种安装：
  - Linux / macOS 直接下载 v0.32.0：
      https://github.com/kubernetes-sigs/kind/releases/download/v0.32.0/kind-linux-amd64
      （或 kind-linux-arm64、kind-darwin-arm64、kind-darwin-amd64），chmod +x 后放进 PATH（如 /usr/local/bin/kind）
  - 有 Go：            go install sigs.k8s.io/kind@v0.32.0   （安装到 $(go env GOPATH)/bin）
  - Windows：          从同一页面下载 kind-windows-amd64
  （Homebrew、winget 等装的是它们当时的最新版，可能不是 v0.32.0。）
MSG
  missing=1
fi
if [ "$missing" -ne 0 ]; then
  echo "装好上面缺少的工具后重新运行：make cluster" >&2
  exit 1
fi

have="$(kind version 2>/dev/null | awk '{print $2}')"
if [ "$have" != "$KIND_VERSION" ] && [ "${HAKIT_KIND_ANY_VERSION:-}" != "1" ]; then
  echo "你的 kind 是 ${have:-未知版本}，本课程的实验针对 kind $KIND_VERSION（Kubernetes v1.36.1）。" >&2
  echo "请安装 kind $KIND_VERSION（见上面的下载地址），或设置 HAKIT_KIND_ANY_VERSION=1 后重试（实验文字可能不再准确）。" >&2
  exit 1
fi

if kind get clusters 2>/dev/null | grep -qx "$name"; then
  echo "kind 集群 $name 已存在，不再创建。当前 context：kind-$name"
  kind export kubeconfig --name "$name"
  exit 0
fi

# 空数组写法兼容 macOS 自带的 bash 3.2（set -u 下 "${a[@]}" 会报错）
image_args=()
if [ -n "${KIND_NODE_IMAGE:-}" ]; then
  image_args=(--image "$KIND_NODE_IMAGE")
fi

echo "创建 kind 集群 $name（配置：$config，节点镜像 ${KIND_NODE_IMAGE:-$KIND_NODE_IMAGE_PINNED}）……第一次需要拉取节点镜像，可能要几分钟。"
kind create cluster --config "$config" --name "$name" --wait "${HAKIT_KIND_WAIT:-180s}" ${image_args[@]+"${image_args[@]}"}

echo
echo "集群已就绪，kubeconfig 的当前 context 是 kind-$name。节点容器："
docker ps --filter "label=io.x-k8s.kind.cluster=$name" --format '  {{.Names}}\t{{.Status}}'
echo
echo "下一步：在 JupyterLab 里打开 labs/k8s_01_control_plane_ha.ipynb（或见 labs/README.md）。"
