#!/usr/bin/env bash
# Installs what ffrtmp runs with on Debian/Ubuntu, only where it is missing, and says what it does:
#   ffmpeg                FFmpeg with libx264, libx265, libsvtav1, libvpx (Debian's build)
#   nginx, libnginx-mod-rtmp  the RTMP server a node runs with --rtmp-server embedded (see docs/live.md)
#   postgresql            server binaries (initdb, pg_ctl) for the embedded job store
#   util-linux            runuser and setsid (the embedded database runs as an unprivileged user when ffrtmp runs as root)
#   openssl               makes the cluster's CA and node certificates (event-bus TLS; see docs/cluster.md)
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
# The postgresql and nginx packages would start system services; ffrtmp only needs the binaries (it runs its own
# servers from its data directory), so keep the services from starting.
if [[ " ${missing[*]} " == *" postgresql "* || " ${missing[*]} " == *" nginx "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The distribution's nginx service would hold port 80 and start at every boot; ffrtmp never uses it (the embedded
# RTMP server is a separate nginx with its own config, pid and ports), so stop and disable it.
if [[ " ${missing[*]} " == *" nginx "* ]]; then
  if have systemctl && [ -d /run/systemd/system ]; then
    "${sudo_cmd[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/nginx ]; then
    "${sudo_cmd[@]}" /etc/init.d/nginx stop >/dev/null 2>&1 || true
    have update-rc.d && { "${sudo_cmd[@]}" update-rc.d nginx disable >/dev/null 2>&1 || true; }
  fi
fi
echo "installed: ${missing[*]}"
