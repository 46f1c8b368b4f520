#!/usr/bin/env bash
# Live density: ffrtmp's density campaign against the same streams started by hand as bare FFmpeg processes.
# 1. `ffrtmp bench` runs the campaign (default conf/campaigns/live-density-small.json) on its embedded node and
#    nginx-rtmp; largest_n and each step come from its results.json. Meanwhile the bench JVM's own CPU time
#    (/proc/<pid>/stat utime+stime: master, worker, supervision, progress parsing, power polling; FFmpeg,
#    nginx and PostgreSQL are other processes) is read at the start and at the verdict of every step.
# 2. Bare: nginx with the very config the bench wrote (<data>/rtmp/nginx.conf), and for each N of the same
#    schedule (double-then-bisect, driven by the bare verdicts) N cameras and N transcoders with the exact
#    commands the bench recorded (camera.command and command in results.json; only the stream keys differ).
#    Each transcoder's -progress blocks are stamped with a monotonic clock and judged by the same rule as
#    ffrtmp's (speed, output known to a frame, >= 0.99 over every sliding window, dropped frames <= 0.5 %, exit 0, input ran its length).
# 3. Prints both tables, both largest N, their ratio (target >= 95 %), and the JVM's ms of CPU per stream-second.
# Usage: bench/live-density.sh [CAMPAIGN] [RTMP_PORT]   (after `mvn -DskipTests package`; needs nginx + RTMP module)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/ffrtmp.jar
[ -f "$jar" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
campaign=${1:-conf/campaigns/live-density-small.json}
port=${2:-19350}
out=$(mktemp -d)
chmod 711 "$out"   # run as root, the embedded PostgreSQL (an unprivileged user) passes through it
trap 'rm -rf "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$jar" "$campaign" "$port" "$out" <<'PY'
import json, os, re, signal, socket, subprocess, sys, threading, time

jar, campaign, port, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
tck = os.sysconf("SC_CLK_TCK")

def cpu_s(pid):  # utime + stime of the process itself (all its threads), in seconds
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tck

# ---- 1. ffrtmp --------------------------------------------------------------------------------------
bench = subprocess.Popen(
    ["java", "-jar", jar, "bench", campaign, "--out", f"{out}/results", "--data-dir", f"{out}/data",
     "--rtmp-port", str(port), "--no-progress"],
    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)  # step lines are on stderr
marks = []  # (what, N, monotonic s, JVM cpu s)
for line in bench.stdout:
    s = line.strip()
    if s.startswith("density step "):
        n = int(s.split(":")[1].split()[0])
        marks.append(("start", n, time.monotonic(), cpu_s(bench.pid)))
    elif re.match(r"\d+ of \d+ held realtime:", s):
        marks.append(("end", marks[-1][1], time.monotonic(), cpu_s(bench.pid)))
    if s.startswith("density step") or re.match(r"\d+ of \d+ held", s) or "largest N" in s:
        print("ffrtmp| " + s, flush=True)
if bench.wait() != 0:
    sys.exit(f"ffrtmp bench exited {bench.returncode}")
res = json.load(open(f"{out}/results/results.json"))
density = res["density"]
window = density["window_s"]
jvm = []  # per step: N, wall s, JVM cpu s, ms per stream-second
for a, b in zip(marks[0::2], marks[1::2]):
    jvm.append((a[1], b[2] - a[2], b[3] - a[3], 1000 * (b[3] - a[3]) / (a[1] * window)))
job = next(j for j in res["jobs"] if j.get("camera"))
cam_cmd, enc_cmd = job["camera"]["command"], job["command"]
rule_window = job["spec"]["measure"]["realtime_window_s"]
frame_us = round(1e6 / job["spec"]["video"]["fps"])  # output time is known to a frame
cam_url, enc_in, enc_out = cam_cmd[-1], job["camera"]["url"], enc_cmd[-1]
app = cam_url.rsplit("/", 1)[0]

# ---- 2. bare: the bench's own nginx config, the recorded commands -----------------------------------
rtmp = f"{out}/data/rtmp"
nginx = subprocess.Popen(["/usr/sbin/nginx", "-p", rtmp + "/", "-e", f"{rtmp}/error.log", "-c", f"{rtmp}/nginx.conf"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close(); break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("bare nginx did not listen")

def progress(proc, on_block):  # FFmpeg's -progress key=value blocks on stdout, each stamped on arrival
    block = {}
    for line in proc.stdout:
        k, _, v = line.strip().partition("=")
        block[k] = v
        if k == "progress":
            on_block(time.monotonic(), block); block = {}

def num(v):
    try: return int(v)
    except (TypeError, ValueError): return None

def min_window_speed(samples, w):  # RealtimeRule.minWindowSpeed, the same arithmetic
    if len(samples) < 2 or samples[-1][0] - samples[0][0] < 1.0:
        return None
    w = min(w, samples[-1][0] - samples[0][0]); lo = None; j = 0
    for i in range(1, len(samples)):
        t, o = samples[i]
        while j + 1 < i and samples[j + 1][0] <= t - w: j += 1
        if t - samples[j][0] < w: continue
        sp = (o - samples[j][1] + frame_us) / 1e6 / (t - samples[j][0])
        lo = sp if lo is None else min(lo, sp)
    return lo

def bare_step(n):
    cams, encs, stats = [], [], [dict(samples=[], frames=0, dropped=0, out_us=0) for _ in range(n)]
    ready = [threading.Event() for _ in range(n)]
    threads = []
    for i in range(n):
        url = f"{app}/bare-cam-n{n}-s{i + 1}"
        p = subprocess.Popen(cam_cmd[:-1] + [url], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        cams.append((p, url))
        t = threading.Thread(target=progress, daemon=True,
                             args=(p, lambda ts, b, e=ready[i]: (num(b.get("out_time_us")) or 0) > 0 and e.set()))
        t.start()
    for e in ready:
        e.wait(15)
    for i, (_, url) in enumerate(cams):
        cmd = [url if a == enc_in else a for a in enc_cmd[:-1]] + [f"{app}/bare-n{n}-s{i + 1}"]
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        def on(ts, b, st=stats[i]):
            o, f, d = num(b.get("out_time_us")), num(b.get("frame")), num(b.get("drop_frames"))
            if f is not None: st["frames"] = f
            if d is not None: st["dropped"] = d
            if o is not None and o > st["out_us"]:  # a block without new output is no sample
                st["samples"].append((ts, o)); st["out_us"] = o
        t = threading.Thread(target=progress, args=(p, on), daemon=True); t.start()
        encs.append((p, t))
    for p, t in encs:
        p.wait(); t.join()
    for p, _ in cams:
        p.send_signal(signal.SIGTERM)
    for p, _ in cams:
        try: p.wait(5)
        except subprocess.TimeoutExpired: p.kill(); p.wait()
    verdicts = []
    for (p, _), st in zip(encs, stats):
        m = min_window_speed(st["samples"], rule_window)
        ok = (p.returncode == 0 and st["out_us"] >= (window - 1) * 1e6 and m is not None and m >= 0.99
              and st["dropped"] <= 0.005 * st["frames"])
        verdicts.append((ok, m))
    return verdicts

bare, lo, hi, n = [], 0, None, density["start"]
while True:
    v = bare_step(n)
    held = all(ok for ok, _ in v)
    mins = [m for _, m in v if m is not None]
    bare.append(dict(n=n, held=held, holding=sum(ok for ok, _ in v), min_speed=min(mins) if mins else None))
    print(f"bare  | step {len(bare)}: N={n} {sum(ok for ok, _ in v)}/{n} held realtime: {'held' if held else 'not held'}", flush=True)
    if held:
        lo = n
        if n == density["max"]: break
    else:
        hi = n
    if hi is None:
        n = min(2 * n, density["max"])
    elif hi - lo <= 1:
        break
    else:
        n = (lo + hi) // 2
nginx.terminate(); nginx.wait()

# ---- 3. report --------------------------------------------------------------------------------------
print(f"\nstreams: {job['source']['description'].split(' at ')[0]} -> {job['config_key'].split(' | ')[0]}, "
      f"{window:g} s per step, rule window {rule_window:g} s")
print(f"{'N':>3} {'ffrtmp held':>12} {'min speed':>10} | {'bare held':>10} {'min speed':>10}")
f_steps = {s["n"]: s for s in density["steps"]}; b_steps = {s["n"]: s for s in bare}
fmt = lambda x: "-" if x is None else f"{x:.3f}"
for k in sorted(set(f_steps) | set(b_steps)):
    f, b = f_steps.get(k), b_steps.get(k)
    fh = "" if f is None else f"{'yes' if f['held'] else 'no'} {f['streams_holding']}/{k}"
    bh = "" if b is None else f"{'yes' if b['held'] else 'no'} {b['holding']}/{k}"
    print(f"{k:>3} {fh:>12} {fmt(f and f['min_window_speed']):>10} | {bh:>10} {fmt(b and b['min_speed']):>10}")
bare_n = max([s["n"] for s in bare if s["held"]], default=0)
print(f"largest N: ffrtmp {density['largest_n']}, bare {bare_n}; ratio "
      + (f"{100 * density['largest_n'] / bare_n:.0f} % (target >= 95 %)" if bare_n else "n/a"))
print("bench JVM CPU per step (start of step to its verdict; ms per stream-second = JVM cpu / (N x window)):")
for n, wall, c, ms in jvm:
    print(f"  N={n:<3} step wall {wall:6.1f} s  JVM cpu {c:6.2f} s ({100 * c / wall:4.1f} % of a core)  {ms:6.1f} ms per stream-second")
if len(jvm) >= 2:
    (n1, _, c1, _), (n2, _, c2, _) = min(jvm), max(jvm)
    if n2 > n1:
        print(f"  marginal, N={n1} -> N={n2}: {1000 * (c2 - c1) / ((n2 - n1) * window):.1f} ms per added stream-second")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
