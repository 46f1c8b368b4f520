#!/usr/bin/env bash
# The web UI in headless Chromium on this machine: first loads of the fleet view from a cold browser with 200 nodes
# and 10,000 jobs stored (bytes over the wire, time until every node is shown), then the browser's main-thread time
# while the jobs view follows 8 running jobs fed progress as workers send it. The master (embedded PostgreSQL),
# Chromium and this driver share the machine.
# Needs Debian's chromium and chromium-driver (deploy/install-test-deps.sh).
# Usage: bench/web-ui.sh   (after `mvn -DskipTests package test-compile`)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d target/classes ] && [ -d target/test-classes ] || { echo "build first: mvn -DskipTests package test-compile" >&2; exit 1; }
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" io.ffrtmp.master.api.WebUiLoad 2>/dev/null
