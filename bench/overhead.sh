#!/usr/bin/env bash
# Orchestration overhead: an encode of about ten seconds run as a bench job against the very same FFmpeg command
# run bare. Bench runs its five jobs in one go, so the bare runs come in two halves, before and after, to expose
# drift. Reported: the encode's wall time as the worker measured it (fork to exit, with progress parsing and power
# polling running) and the whole job as the worker saw it (lease to result: power windows, spawn, clean-up).
# Then the worker's own CPU use while it samples power (SamplingCost, 60 s, at 1 Hz and 10 Hz, model and RAPL tree).
# Usage: bench/overhead.sh   (after `mvn -DskipTests package test-compile`)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/ffrtmp.jar
[ -f "$jar" ] || { echo "build first: mvn -DskipTests package test-compile" >&2; exit 1; }
out=$(mktemp -d)
chmod 711 "$out"   # run as root, the embedded PostgreSQL (an unprivileged user) passes through it
bare() {  # $1 = runs; appends wall seconds to $out/bare.txt
  for _ in $(seq "$1"); do
    python3 -c 'import subprocess,sys,time; t=time.monotonic(); subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,check=True); print(f"{time.monotonic()-t:.3f}")' "${cmd[@]}" >> "$out/bare.txt"
  done
}
# The command is what bench ran; take it from a first tiny run of the same campaign.
java -jar "$jar" bench bench/overhead-campaign.json --repeat 1 --out "$out/probe" --data-dir "$out/data" --no-progress >/dev/null 2>&1
mapfile -d '' -t cmd < <(python3 -c 'import json,sys; sys.stdout.write("\0".join(json.load(open(sys.argv[1]))["jobs"][0]["command"]))' "$out/probe/results.json")
cmd[-1]="$out/bare.mkv"
bare 3
java -jar "$jar" bench bench/overhead-campaign.json --out "$out/results" --data-dir "$out/data" --no-progress >/dev/null
bare 3
python3 - "$out" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
jobs = [j for j in json.load(open(os.path.join(out, "results", "results.json")))["jobs"] if j["state"] == "succeeded"]
bare = [float(x) for x in open(os.path.join(out, "bare.txt"))]
enc = [j["wall_s"] for j in jobs]
job = [j["job_wall_s"] for j in jobs]
mb = statistics.mean(bare)
fmt = lambda xs: " ".join(f"{x:.3f}" for x in xs)
print(f"bare FFmpeg wall s:        mean {mb:.3f} sd {statistics.stdev(bare):.3f}  (3 before, 3 after) {fmt(bare)}")
print(f"bench encode wall s:       mean {statistics.mean(enc):.3f} sd {statistics.stdev(enc):.3f}  {fmt(enc)}")
print(f"bench whole job wall s:    mean {statistics.mean(job):.3f} sd {statistics.stdev(job):.3f}  {fmt(job)}")
print(f"overhead, encode:          {100*(statistics.mean(enc)-mb)/mb:+.2f} %")
print(f"overhead, whole job:       {100*(statistics.mean(job)-mb)/mb:+.2f} %")
PY
for hz in "60 1000 model" "60 100 model" "60 1000 fake-rapl" "60 100 fake-rapl"; do
  java -cp "$jar:target/test-classes" io.ffrtmp.bench.SamplingCost $hz 2>/dev/null
done
# Every source at once: two-socket RAPL tree + two GPUs through the real JNA binding to the NVML stub (needs gcc).
for hz in "60 1000" "60 100"; do
  java -cp "$jar:target/test-classes" io.ffrtmp.power.SamplingCostAllSources $hz 2>/dev/null
done
rm -rf "$out"
