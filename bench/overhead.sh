#!/usr/bin/env bash
# Orchestration overhead: the wall time of an encode run as a bench job (fork, progress parsing, power polling,
# all under the worker) against the very same FFmpeg command run bare, five times each, alternating is not
# possible (bench runs its jobs in one go) so bare runs follow the bench runs.
# Also: the worker's own CPU use while it samples power once a second (SamplingCost, 60 s).
# Usage: bench/overhead.sh   (after `mvn -DskipTests package test-compile`)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/ffrtmp.jar
[ -f "$jar" ] || { echo "build first: mvn -DskipTests package test-compile" >&2; exit 1; }
out=$(mktemp -d)
java -jar "$jar" bench bench/overhead-campaign.json --out "$out/results" --data-dir "$out/data" --no-progress >/dev/null
python3 - "$out/results/results.json" <<'PY' > "$out/command.txt"
import json, sys
jobs = json.load(open(sys.argv[1]))["jobs"]
print("\0".join(jobs[0]["command"]))
PY
python3 - "$out" <<'PY'
import json, os, statistics, subprocess, sys, time
out = sys.argv[1]
jobs = [j for j in json.load(open(os.path.join(out, "results", "results.json")))["jobs"] if j["state"] == "succeeded"]
cmd = open(os.path.join(out, "command.txt")).read().rstrip("\n").split("\0")
cmd[-1] = os.path.join(out, "bare.mkv")
bare = []
for _ in range(len(jobs)):
    t = time.monotonic()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    bare.append(time.monotonic() - t)
inbench = [j["wall_s"] for j in jobs]
mb, ms = statistics.mean(bare), statistics.mean(inbench)
print(f"encode: {' '.join(cmd[cmd.index('-c:v')+1:cmd.index('-c:v')+6])} ... ({len(jobs)} runs each)")
print(f"bare FFmpeg wall s:   mean {mb:.3f}  runs {' '.join(f'{x:.3f}' for x in bare)}")
print(f"bench job wall s:     mean {ms:.3f}  runs {' '.join(f'{x:.3f}' for x in inbench)}")
print(f"overhead:             {100*(ms-mb)/mb:+.2f} %")
PY
java -cp "$jar:target/test-classes" io.ffrtmp.bench.SamplingCost 60 1000
rm -rf "$out"
