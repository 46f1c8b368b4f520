#!/usr/bin/env bash
# Probe encodes of the quality-targeted search against plain bisection over the CRF range, on real encodes of x264
# veryfast/medium, x265 veryfast and SVT-AV1 preset 10 for five PSNR targets, with the same stopping rule (within
# +-tolerance of the target). See io.ffrtmp.worker.TargetSearchBench; numbers in docs/performance.md.
# Usage: bench/target-search.sh [RESOLUTION DURATION_S TOLERANCE PATTERN]   (after `mvn -DskipTests package test-compile`)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/ffrtmp.jar
[ -f "$jar" ] && [ -d target/test-classes ] || { echo "build first: mvn -DskipTests package test-compile" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg is missing: deploy/install-deps.sh (or apt-get install ffmpeg)" >&2; exit 3; }
out=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT
java -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener -cp "target/classes:target/test-classes:$jar" io.ffrtmp.worker.TargetSearchBench "$out" "$@"
