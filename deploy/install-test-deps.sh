#!/usr/bin/env bash
# Installs what the test suite needs beyond deploy/install-deps.sh, only where it is missing, and says what it does:
#   gcc, libc6-dev        compile the stub libnvidia-ml the NVML tests load
#   nodejs, npm           run the OpenAPI linter
#   @redocly/cli 1.34.5   the linter ApiLintTest runs over the served OpenAPI document, pinned (the last 1.x, which runs
#                         on the Node.js 18 of Debian 12 as well as on 20+), into .ci/node (ignored by git)
#   FFmpeg 4.1.0 static   a second FFmpeg with libvmaf (a 2018 static build from the npm package
#                         @ffmpeg-installer/linux-x64, pinned), unpacked into .ci/node/ffmpeg-vmaf: QualityScorerIT
#                         scores with it through --quality-ffmpeg (it has no VMAF model file: the test checks that
#                         VMAF is refused honestly)
#   prometheus            its promtool checks every /metrics scrape the tests take (promtool check metrics);
#                         (Debian enables a Prometheus service with it; when this script installs the package it
#                         stops and disables that service again, since only promtool is wanted)
#   systemd               its systemd-analyze checks the units in deploy/systemd (systemd need not be running)
#   chromium, chromium-driver  the real browser the web UI's tests drive (WebUiIT), headless, through Debian's
#                         chromedriver (Selenium is told where it is, so nothing is downloaded)
# Usage: sudo deploy/install-test-deps.sh   (from anywhere; run deploy/install-deps.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."

REDOCLY_VERSION=1.34.5
SCORER_PACKAGE=@ffmpeg-installer/linux-x64@4.1.0
sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
have() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  echo "installing $*"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "$@"
}

if have gcc; then echo "gcc: found"; else apt_install gcc libc6-dev; fi
if have promtool; then
  echo "promtool: found"
else
  apt_install prometheus
  if command -v systemctl >/dev/null 2>&1; then
    "${sudo_cmd[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi
if have systemd-analyze; then echo "systemd-analyze: found"; else apt_install systemd; fi
if have chromium && have chromedriver; then
  echo "chromium: found ($(chromium --version 2>/dev/null | head -n1)); chromedriver: found"
else
  apt_install chromium chromium-driver
fi
if have npm; then echo "npm: found ($(npm --version))"; else apt_install nodejs npm; fi
if [ "$(.ci/node/node_modules/.bin/redocly --version 2>/dev/null)" = "$REDOCLY_VERSION" ]; then
  echo "redocly: found $REDOCLY_VERSION in .ci/node"
else
  echo "installing @redocly/cli@$REDOCLY_VERSION into .ci/node"
  npm install --prefix .ci/node --no-save --no-audit --no-fund "@redocly/cli@$REDOCLY_VERSION"
fi
# npm pack, not npm install: an install into .ci/node without a package.json would prune the linter installed above.
if [ -x .ci/node/ffmpeg-vmaf/ffmpeg ] && .ci/node/ffmpeg-vmaf/ffmpeg -hide_banner -version 2>/dev/null | grep -q 'N-47683'; then
  echo "scoring FFmpeg: found 4.1.0 static in .ci/node/ffmpeg-vmaf"
else
  echo "installing $SCORER_PACKAGE (FFmpeg 4.1 static with libvmaf) into .ci/node/ffmpeg-vmaf"
  mkdir -p .ci/node/ffmpeg-vmaf
  tgz=$(cd .ci/node && npm pack --silent "$SCORER_PACKAGE" | tail -n 1)
  tar -xzf ".ci/node/$tgz" -C .ci/node/ffmpeg-vmaf --strip-components=1 package/ffmpeg package/package.json
  rm -f ".ci/node/$tgz"
  chmod u+x .ci/node/ffmpeg-vmaf/ffmpeg
fi
