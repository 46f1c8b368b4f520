#!/usr/bin/env bash
# Places two natural clips from Debian packages under a media root, for conf/campaigns/natural-clips.json:
#   python3-imageio   cockatoo.mp4  1280x720, 20 fps, 14 s   (H.264 High 4:4:4, 388 kbit/s: already lossy)
#   opencv-doc        vtest.avi     768x576, 10 fps, 79.5 s  (MS-MPEG-4 v3, 817 kbit/s: already lossy)
# It installs a package with apt-get only where its clip is not found, finds the file with dpkg -L and copies it to
# MEDIA_ROOT/clips/ (the folder the campaign sweeps). Prints each clip's own codec and bitrate (ffprobe).
# Usage: deploy/fetch-clips.sh [MEDIA_ROOT]
#   MEDIA_ROOT defaults to <data-dir>/media: $FFRTMP_DATA_DIR, else /var/lib/ffrtmp for root, else
#   $XDG_DATA_HOME/ffrtmp or ~/.local/share/ffrtmp (the node's data directory, as ffrtmp chooses it).
#   ffrtmp has no default media root: give it to the node, e.g. bench --media-root MEDIA_ROOT.
set -euo pipefail

if [ $# -gt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

default_data_dir() {
  if [ -n "${FFRTMP_DATA_DIR:-}" ]; then echo "$FFRTMP_DATA_DIR"
  elif [ "$(id -u)" -eq 0 ]; then echo /var/lib/ffrtmp
  elif [ -n "${XDG_DATA_HOME:-}" ]; then echo "$XDG_DATA_HOME/ffrtmp"
  else echo "$HOME/.local/share/ffrtmp"; fi
}
root="${1:-$(default_data_dir)/media}"
dest="$root/clips"

sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
apt_install() {
  echo "installing $*"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

# package, file name the package ships
clips=("python3-imageio cockatoo.mp4" "opencv-doc vtest.avi")

mkdir -p "$dest"
for entry in "${clips[@]}"; do
  read -r pkg name <<<"$entry"
  if ! dpkg -s "$pkg" >/dev/null 2>&1; then
    apt_install "$pkg"
  fi
  src=$(dpkg -L "$pkg" | grep -E "/${name//./\\.}(\.gz)?$" | head -n 1 || true)
  if [ -z "$src" ]; then
    echo "fetch-clips: $pkg does not ship $name (dpkg -L $pkg lists no such file)" >&2
    exit 1
  fi
  if [[ "$src" == *.gz ]]; then
    gzip -dc "$src" >"$dest/$name.tmp"
  else
    cp "$src" "$dest/$name.tmp"
  fi
  mv "$dest/$name.tmp" "$dest/$name"
  echo "$dest/$name  (from $pkg: $src)"
  if command -v ffprobe >/dev/null 2>&1; then
    ffprobe -v error -select_streams v:0 \
      -show_entries stream=codec_name,profile,width,height,avg_frame_rate,bit_rate:format=duration,bit_rate \
      -of default=noprint_wrappers=1 "$dest/$name" | sed 's/^/    /'
  fi
done
echo "media root: $root   (bench conf/campaigns/natural-clips.json --media-root $root)"
