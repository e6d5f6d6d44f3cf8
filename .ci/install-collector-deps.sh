#!/usr/bin/env bash
# Install what the collector tests need: kubectl (the tests run the real
# collectors/collect.sh through the real kubectl) and shellcheck, from the
# Debian/Ubuntu archive. Run as root; skips whatever is already on PATH.
#
# Debian packages kubectl as kubernetes-client (an old 1.20 on bookworm); the
# Kubernetes apt repository calls it kubectl. The tests that exec into pods
# need kubectl 1.30 or newer (exec over WebSocket) and say so when skipped.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
need_kubectl=0
need_shellcheck=0
command -v kubectl >/dev/null 2>&1 || need_kubectl=1
command -v shellcheck >/dev/null 2>&1 || need_shellcheck=1

if [ "$need_kubectl$need_shellcheck" = 00 ]; then
  echo "install-collector-deps: kubectl and shellcheck already installed"
  exit 0
fi

apt-get update -qq
packages=()
if [ "$need_kubectl" = 1 ]; then
  if apt-cache show kubectl >/dev/null 2>&1; then
    packages+=(kubectl)
  else
    packages+=(kubernetes-client)
  fi
fi
[ "$need_shellcheck" = 0 ] || packages+=(shellcheck)
apt-get install -y -qq --no-install-recommends "${packages[@]}"

kubectl version --client
shellcheck --version | head -n 2
