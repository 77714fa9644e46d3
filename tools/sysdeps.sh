#!/usr/bin/env bash
# System packages the two set-up commands need. `sysdeps.sh book` (make book): Node.js and npm
# (Pyodide for the live panels). `sysdeps.sh` (make test): Chromium + CJK fonts (browser tests),
# etcd, Redis and HAProxy (the real-service labs). On Debian/Ubuntu the missing ones are installed
# with apt (sudo when not root), saying what is installed; elsewhere they are named and it stops.
set -euo pipefail

# binary → Debian package
declare -A NEED
if [ "${1:-test}" = "book" ]; then
  NEED=([node]=nodejs [npm]=npm)
else
  NEED=([chromium]=chromium [etcd]=etcd-server [etcdctl]=etcd-client [redis-server]=redis-server
        [haproxy]=haproxy)
fi
missing=()
for bin in "${!NEED[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${NEED[$bin]}")
done
fonts="$(fc-list : family 2>/dev/null || true)"   # not piped into grep -q: pipefail + SIGPIPE
if [ "${1:-test}" != "book" ] && ! grep -qi "Noto Sans CJK" <<<"$fonts"; then
  missing+=(fonts-noto-cjk)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

IFS=$'\n' missing=($(printf '%s\n' "${missing[@]}" | sort -u)); unset IFS
if ! command -v apt-get >/dev/null 2>&1; then
  echo "需要这些系统软件包，但本机没有 apt-get：${missing[*]}" >&2
  echo "请用本机的包管理器安装后重试（macOS：brew install chromium etcd redis haproxy，并安装 Noto Sans CJK 字体）。" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "需要 root 或 sudo 来安装：${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "用 apt 安装所需的系统软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts its own etcd/redis services on the default ports; the labs use free ports instead.
