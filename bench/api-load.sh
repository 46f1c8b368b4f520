#!/usr/bin/env bash
# REST API load on loopback: job submissions (HTTPS + JWT + contract validation + spec parser + one INSERT round trip),
# then job listing pages with the jobs that left stored (over 10,000), at two concurrencies.
# The API, the embedded PostgreSQL and this load generator share the machine.
# Usage: bench/api-load.sh   (after `mvn -DskipTests package test-compile`)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/ffrtmp.jar
[ -f "$jar" ] && [ -d target/test-classes ] || { echo "build first: mvn -DskipTests package test-compile" >&2; exit 1; }
for c in 32 8; do
  echo "== concurrency $c"
  java -Xmx1g -cp "$jar:target/test-classes" io.ffrtmp.bench.ApiLoad 12000 "$c" 2>/dev/null | sed -n '/^$/,$p'
done
