#!/usr/bin/env bash
# Installs what ffrtmp runs with on Debian/Ubuntu, only where it is missing, and says what it does:
#   ffmpeg                FFmpeg with libx264, libx265, libsvtav1, libvpx (Debian's build)
#   nginx, libnginx-mod-rtmp  the RTMP server a node runs with --rtmp-server embedded (see docs/live.md)
#   gstreamer1.0-tools + plugins  gst-launch-1.0 and gst-inspect-1.0 with x264enc (ugly), x265enc and av1enc (bad),
#                         vp9enc (good), avenc_ffv1 (libav): the second engine (see docs/engines.md)
#   postgresql            server binaries (initdb, pg_ctl) for the embedded job store
#   util-linux            runuser and setsid (the embedded database runs as an unprivileged user when ffrtmp runs as root)
#   openssl               makes the cluster's CA and node certificates (event-bus TLS; see docs/cluster.md)
#   victoria-metrics      victoria-metrics and vmalert, which deploy/monitoring.sh runs (see docs/monitoring.md)
#   prometheus            promtool, which checks the alert rules and the Prometheus configuration in deploy/
# The postgresql, prometheus and victoria-metrics packages each come with a system service (a cluster on :5432,
# Prometheus on :9090, VictoriaMetrics on :8428). ffrtmp runs its own instances where it needs them, so when this
# script installs such a package it keeps the service from starting; the prometheus and victoria-metrics services
# it also disables, since deploy/monitoring.sh's VictoriaMetrics takes :8428 by default and only promtool is wanted
# of Prometheus (a system PostgreSQL is left enabled: the tests use one on :5432 where it exists).
# Usage: sudo deploy/install-deps.sh [--check]   (--check only reports, installs nothing; exit 1 if something is missing)
set -euo pipefail

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

missing=()
have() { command -v "$1" >/dev/null 2>&1; }

if have ffmpeg; then
  echo "ffmpeg: found $(command -v ffmpeg) ($(ffmpeg -hide_banner -version | head -n1))"
else
  echo "ffmpeg: missing"
  missing+=(ffmpeg)
fi

nginx_bin=""
for n in /usr/sbin/nginx "$(command -v nginx 2>/dev/null || true)"; do
  [ -n "$n" ] && [ -x "$n" ] && { nginx_bin="$n"; break; }
done
if [ -n "$nginx_bin" ]; then
  echo "nginx: found $nginx_bin ($("$nginx_bin" -v 2>&1 | head -n1))"
else
  echo "nginx: missing"
  missing+=(nginx)
fi
rtmp_module=""
for m in /usr/lib/nginx/modules/ngx_rtmp_module.so \
  "$(dpkg -L libnginx-mod-rtmp 2>/dev/null | grep '/ngx_rtmp_module\.so$' | head -n1 || true)"; do
  [ -n "$m" ] && [ -f "$m" ] && { rtmp_module="$m"; break; }
done
if [ -n "$rtmp_module" ]; then
  echo "nginx RTMP module: found $rtmp_module"
else
  echo "nginx RTMP module: missing"
  missing+=(libnginx-mod-rtmp)
fi

# GStreamer: the tools, and each plugin package by an element it brings (gst-inspect-1.0 --exists answers for one).
gst_elements=(videotestsrc:gstreamer1.0-plugins-base vp9enc:gstreamer1.0-plugins-good x265enc:gstreamer1.0-plugins-bad
  x264enc:gstreamer1.0-plugins-ugly avenc_ffv1:gstreamer1.0-libav)
if have gst-launch-1.0 && have gst-inspect-1.0; then
  echo "gstreamer: found $(command -v gst-launch-1.0) ($(gst-launch-1.0 --version | sed -n 2p))"
  for pair in "${gst_elements[@]}"; do
    element="${pair%%:*}" pkg="${pair#*:}"
    if gst-inspect-1.0 --exists "$element" 2>/dev/null; then
      echo "gstreamer $element: found ($pkg)"
    else
      echo "gstreamer $element: missing"
      missing+=("$pkg")
    fi
  done
else
  echo "gstreamer: missing"
  missing+=(gstreamer1.0-tools)
  for pair in "${gst_elements[@]}"; do missing+=("${pair#*:}"); done
fi

pg_bin=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && pg_bin="$d"
done
if [ -n "$pg_bin" ] || { have initdb && have pg_ctl; }; then
  echo "postgresql server binaries: found ${pg_bin:-$(dirname "$(command -v initdb)")}"
else
  echo "postgresql server binaries: missing"
  missing+=(postgresql)
fi

if have runuser && have setsid; then
  echo "runuser, setsid: found"
else
  echo "runuser/setsid: missing"
  missing+=(util-linux)
fi

if have openssl; then
  echo "openssl: found"
else
  echo "openssl: missing"
  missing+=(openssl)
fi

if have victoria-metrics && have vmalert; then
  echo "victoria-metrics, vmalert: found $(command -v victoria-metrics) $(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null || true)"
else
  echo "victoria-metrics/vmalert: missing"
  missing+=(victoria-metrics)
fi

if have promtool; then
  echo "promtool: found $(command -v promtool)"
else
  echo "promtool: missing"
  missing+=(prometheus)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "all dependencies present"
  exit 0
fi
if [ $check_only -eq 1 ]; then
  echo "missing: ${missing[*]} (install with: sudo deploy/install-deps.sh)"
  exit 1
fi
if ! have apt-get; then
  echo "this script installs with apt-get (Debian/Ubuntu); install these yourself: ${missing[*]}" >&2
  exit 1
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  have sudo || { echo "run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# Packages whose system service would take a port ffrtmp's own instance uses (see the top): only their binaries
# are wanted (ffrtmp runs its own servers from its data directory), so their services are kept from starting
# during the install, and disabled after it. nginx's would hold port 80 and start at every boot; the embedded RTMP
# server is a separate nginx with its own config, pid and ports.
services=()
for pkg in "${missing[@]}"; do
  case "$pkg" in
    postgresql | prometheus | victoria-metrics | nginx) services+=("$pkg") ;;
  esac
done
if [ ${#services[@]} -gt 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
if have systemctl && [ -d /run/systemd/system ]; then
  for svc in "${services[@]}"; do
    [ "$svc" = postgresql ] && continue
    if "${sudo_cmd[@]}" systemctl disable --now "$svc" >/dev/null 2>&1; then echo "disabled the $svc system service"; fi
  done
elif [[ " ${services[*]} " == *" nginx "* ]] && [ -x /etc/init.d/nginx ]; then
  "${sudo_cmd[@]}" /etc/init.d/nginx stop >/dev/null 2>&1 || true
  have update-rc.d && { "${sudo_cmd[@]}" update-rc.d nginx disable >/dev/null 2>&1 || true; }
fi
echo "installed: ${missing[*]}"
