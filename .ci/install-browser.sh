#!/usr/bin/env bash
# Installs Debian's chromium for the HTML report's browser tests
# (test/report/html.browser.test.ts drives /usr/bin/chromium through playwright-core).
# Idempotent: does nothing when chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium
/usr/bin/chromium --version
