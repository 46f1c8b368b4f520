#!/usr/bin/env bash
# Dispatch through one master: (a) jobs per second, claim + start + result each over the clustered event bus, with
# simulated one-slot workers (no FFmpeg); (b) submit-to-start latency for an idle worker woken by the submit;
# (c) the master's CPU and RSS with 200 simulated nodes heartbeating every 2 s. The master is the fat jar in a JVM of
# its own on an embedded PostgreSQL; its CPU and RSS come from /proc. See io.ffrtmp.bench.DispatchBench.
# Usage: bench/dispatch.sh [JOBS WORKERS SAMPLES NODES WINDOW_S SLOTS]   (after `mvn -DskipTests package test-compile`)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/ffrtmp.jar
[ -f "$jar" ] && [ -d target/test-classes ] || { echo "build first: mvn -DskipTests package test-compile" >&2; exit 1; }
out=$(mktemp -d)
chmod 711 "$out"   # run as root, the embedded PostgreSQL (an unprivileged user) passes through it
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT; echo "work dir $out" >&2
java -Djava.net.preferIPv4Stack=true -cp "$jar:target/test-classes" io.ffrtmp.bench.DispatchBench "$out" "$@" 2>"$out/bench.log" \
  || { tail -40 "$out/bench.log" >&2; tail -20 "$out/master.log" >&2 || true; exit 1; }
