#!/usr/bin/env bash
# What monitoring costs a node (docs/performance.md, "Monitoring"):
#   1. a worker with every power source at once (two-socket RAPL tree, two GPUs through the NVML stub, hwmon) and
#      the always-on meter reading them at 1 Hz: the process's CPU with no scrape, the registry's render time and
#      GET /metrics on loopback (p50, p99, max), the body's size and series (io.ffrtmp.node.ScrapeCost);
#   2. a master (standalone node) that knows 200 registered nodes: GET /metrics and GET /metrics/targets over
#      HTTPS (io.ffrtmp.master.api.MasterScrapeCost).
# Usage: bench/scrape.sh   (after `mvn -DskipTests package test-compile`; needs gcc for the NVML stub)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/ffrtmp.jar
[ -f "$jar" ] || { echo "build first: mvn -DskipTests package test-compile" >&2; exit 1; }
java -cp "$jar:target/test-classes" io.ffrtmp.node.ScrapeCost "${SCRAPES:-2000}" "${IDLE_S:-60}" 2>/dev/null
java -cp "$jar:target/test-classes" io.ffrtmp.master.api.MasterScrapeCost "${SCRAPES:-2000}" 200 2>/dev/null
