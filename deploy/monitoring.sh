#!/usr/bin/env bash
# A local monitoring pair for ffrtmp: VictoriaMetrics scraping every node through the master's service discovery
# (GET /metrics/targets), and vmalert evaluating the shipped alert rules against it. Both run as this user, in the
# background, with their data, pid and log files under one directory. Details: docs/monitoring.md.
#
#   deploy/monitoring.sh up [options]       start both (renders the configs and rules into the data directory)
#   deploy/monitoring.sh status [--data-dir DIR]
#   deploy/monitoring.sh down [--data-dir DIR]
#   deploy/monitoring.sh rules [thresholds] print the alert rules with these thresholds (e.g. for a Prometheus)
#
# Exit codes: 0 ok; 1 cannot (a binary missing, a port in use, a process that did not start); 2 bad input;
# status: 0 both running and ready, 1 partly, 3 not running.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: deploy/monitoring.sh up|down|status|rules [options]

  --data-dir DIR            data, pid and log files (default ${XDG_STATE_HOME:-~/.local/state}/ffrtmp/monitoring)
up:
  --master-url URL          the master's API, whose /metrics/targets lists the nodes (default https://127.0.0.1:8443)
  --token-file FILE         bearer token sent to the service discovery and to every scrape (when /metrics is protected)
  --ca-file FILE            verify the nodes' certificates with this CA (default: not verified; the master's
                            certificate is self-signed)
  --tls-server-name NAME    the name to check in those certificates (e.g. localhost for the self-signed one)
  --listen ADDR             address both servers listen on (default 127.0.0.1)
  --vm-port PORT            VictoriaMetrics' HTTP port (default 8428)
  --vmalert-port PORT       vmalert's HTTP port (default 8880)
  --scrape-interval DUR     how often every node is scraped, e.g. 15s or 1m (default 15s)
  --retention PERIOD        how long samples are kept, e.g. 30d, 12w, 1y (default 30d)
  --notifier-url URL        an Alertmanager to send alerts to (default none: alerts show in vmalert only)
up and rules (alert thresholds; defaults are the numbers in deploy/alerts/ffrtmp.rules.yml):
  --power-warn-watts W      a node's total power for the warning (default 300)
  --power-crit-watts W      a node's total power for the critical alert (default 450)
  --failure-ratio R         failed / finished jobs of a queue over 15 minutes, 0 < R <= 1 (default 0.1)
  --failure-min-jobs N      finished jobs a queue needs in 15 minutes before its ratio counts (default 5)
  --queue-wait-seconds S    90th percentile of a queue's submit-to-start wait over 10 minutes (default 300)
  --queued-jobs N           queued jobs of one queue, held for 15 minutes (default 100)
  --spool-minutes M         minutes a worker's report spool stays non-empty without shrinking (default 15)
  --pue X                   facility over IT energy for the cost and carbon recording rules, 1 to 3 (default 1.0)
  --energy-price P          price of a kWh for ffrtmp:node_energy_cost_per_hour, in your currency (default 0.13)
  --carbon-intensity G      grid gCO2e per kWh for ffrtmp:node_carbon_grams_per_hour (default 480)
EOF
}

fail() { # exit code, message
  echo "monitoring.sh: $2" >&2
  exit "$1"
}
bad() { fail 2 "$1 (see deploy/monitoring.sh --help)"; }

# Until the binaries are found, only shell builtins run: a PATH without them must still get the install message.
deploy_dir=${BASH_SOURCE[0]%/*}
[ "$deploy_dir" = "${BASH_SOURCE[0]}" ] && deploy_dir=.
deploy_dir=$(cd "$deploy_dir" && pwd)
rules_file="$deploy_dir/alerts/ffrtmp.rules.yml"

# The thresholds, in the order the rules file uses them, with the defaults that file holds.
threshold_names=(pue energy-price carbon-intensity power-warn-watts power-crit-watts failure-ratio failure-min-jobs
  queue-wait-seconds queued-jobs spool-minutes)
declare -A threshold_default=([pue]=1.0 [energy-price]=0.13 [carbon-intensity]=480 [power-warn-watts]=300
  [power-crit-watts]=450 [failure-ratio]=0.1 [failure-min-jobs]=5 [queue-wait-seconds]=300 [queued-jobs]=100
  [spool-minutes]=15)
declare -A threshold=()
for t in "${threshold_names[@]}"; do threshold[$t]=${threshold_default[$t]}; done

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  up | down | status | rules) ;;
  -h | --help | help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
  *) bad "unknown command '$command'; accepted: up, down, status, rules" ;;
esac

data_dir="${XDG_STATE_HOME:-${HOME:-/tmp}/.local/state}/ffrtmp/monitoring"
master_url=https://127.0.0.1:8443
token_file="" ca_file="" tls_server_name="" notifier_url=""
listen=127.0.0.1 vm_port=8428 vmalert_port=8880 scrape_interval=15s retention=30d

allowed() { # is flag $1 accepted by this command?
  case "$1" in
    --data-dir) [ "$command" != rules ] ;;
    --power-warn-watts | --power-crit-watts | --failure-ratio | --failure-min-jobs | --queue-wait-seconds | \
      --queued-jobs | --spool-minutes | --pue | --energy-price | --carbon-intensity)
      [ "$command" = up ] || [ "$command" = rules ] ;;
    *) [ "$command" = up ] ;;
  esac
}

absolute() { # a path made absolute, with builtins only
  case "$1" in
    /*) echo "$1" ;;
    *) echo "$PWD/$1" ;;
  esac
}

while [ $# -gt 0 ]; do
  flag=$1
  case "$flag" in
    -h | --help) usage; exit 0 ;;
    --*=*) value=${flag#*=}; flag=${flag%%=*}; shift ;;
    --*)
      [ $# -ge 2 ] || bad "$flag needs a value"
      value=$2; shift 2 ;;
    *) bad "unexpected argument '$flag'" ;;
  esac
  case "$flag" in
    --data-dir | --master-url | --token-file | --ca-file | --tls-server-name | --listen | --vm-port | \
      --vmalert-port | --scrape-interval | --retention | --notifier-url | --power-warn-watts | --power-crit-watts | \
      --failure-ratio | --failure-min-jobs | --queue-wait-seconds | --queued-jobs | --spool-minutes | --pue | \
      --energy-price | --carbon-intensity) ;;
    *) bad "unknown option $flag" ;;
  esac
  allowed "$flag" || bad "$flag is not an option of '$command'"
  case "$flag" in
    --data-dir) [ -n "$value" ] || bad "--data-dir: empty; give a directory"; data_dir=$value ;;
    --master-url)
      [[ $value =~ ^https?://[^/[:space:]]+/?$ ]] \
        || bad "--master-url: '$value' is not a URL like https://HOST:PORT (the master's API, without a path)"
      master_url=${value%/} ;;
    --token-file) [ -f "$value" ] && [ -r "$value" ] || bad "--token-file: '$value' is not a readable file"
      token_file=$(absolute "$value") ;;
    --ca-file) [ -f "$value" ] && [ -r "$value" ] || bad "--ca-file: '$value' is not a readable file"
      ca_file=$(absolute "$value") ;;
    --tls-server-name) [[ $value =~ ^[A-Za-z0-9.-]+$ ]] || bad "--tls-server-name: '$value' is not a host name"
      tls_server_name=$value ;;
    --listen) [[ $value =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ || $value = localhost ]] \
        || bad "--listen: '$value' is not an IPv4 address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)"
      listen=$value ;;
    --vm-port | --vmalert-port)
      [[ $value =~ ^[0-9]{1,5}$ ]] && [ "$((10#$value))" -ge 1 ] && [ "$((10#$value))" -le 65535 ] \
        || bad "$flag: '$value' is not a port; accepted: 1 to 65535"
      if [ "$flag" = --vm-port ]; then vm_port=$((10#$value)); else vmalert_port=$((10#$value)); fi ;;
    --scrape-interval) [[ $value =~ ^[1-9][0-9]*(s|m)$ ]] \
        || bad "--scrape-interval: '$value' is not a duration like 15s or 1m"
      scrape_interval=$value ;;
    --retention) [[ $value =~ ^[1-9][0-9]*[hdwy]$ ]] \
        || bad "--retention: '$value' is not a period like 30d, 12w or 1y"
      retention=$value ;;
    --notifier-url) [[ $value =~ ^https?://[^[:space:]]+$ ]] \
        || bad "--notifier-url: '$value' is not an http(s) URL of an Alertmanager"
      notifier_url=$value ;;
    --power-warn-watts | --power-crit-watts | --queue-wait-seconds | --energy-price | --carbon-intensity)
      [[ $value =~ ^[0-9]+(\.[0-9]+)?$ && ! $value =~ ^[0.]+$ ]] \
        || bad "$flag: '$value' is not a number above 0 (e.g. ${threshold_default[${flag#--}]})"
      threshold[${flag#--}]=$value ;;
    --pue)
      [[ $value =~ ^([12](\.[0-9]+)?|3(\.0*)?)$ ]] \
        || bad "--pue: '$value' is not a number from 1 to 3 (facility energy over IT energy, e.g. 1.58)"
      threshold[pue]=$value ;;
    --failure-ratio)
      [[ $value =~ ^(0?\.[0-9]+|0|1|1\.0*)$ && ! $value =~ ^[0.]+$ ]] \
        || bad "--failure-ratio: '$value' is not a number above 0 and at most 1 (e.g. 0.1 for 10 %)"
      [[ $value = .* ]] && value=0$value
      threshold[failure-ratio]=$value ;;
    --failure-min-jobs | --spool-minutes)
      [[ $value =~ ^[0-9]+$ ]] && [ "$((10#$value))" -ge 1 ] \
        || bad "$flag: '$value' is not a whole number of at least 1 (e.g. ${threshold_default[${flag#--}]})"
      threshold[${flag#--}]=$((10#$value)) ;;
    --queued-jobs)
      [[ $value =~ ^[0-9]+$ ]] || bad "--queued-jobs: '$value' is not a whole number (e.g. 100)"
      threshold[queued-jobs]=$((10#$value)) ;;
  esac
done

# One spelling of the data directory, the one the processes' command lines carry (pid_of matches it).
data_dir=$(absolute "$data_dir")
data_dir=${data_dir%/}
if [ -d "$data_dir" ]; then data_dir=$(cd "$data_dir" && pwd); fi

decimal_less() { # is decimal $1 < decimal $2? (both validated: digits with an optional fraction)
  local ai=${1%%.*} bi=${2%%.*} af="" bf=""
  [[ $1 == *.* ]] && af=${1#*.}
  [[ $2 == *.* ]] && bf=${2#*.}
  while [ ${#af} -lt ${#bf} ]; do af+=0; done
  while [ ${#bf} -lt ${#af} ]; do bf+=0; done
  ai=$((10#$ai)) bi=$((10#$bi))
  [ "$ai" -lt "$bi" ] || { [ "$ai" -eq "$bi" ] && [ -n "$af" ] && [ "$((10#$af))" -lt "$((10#$bf))" ]; }
}
decimal_less "${threshold[power-warn-watts]}" "${threshold[power-crit-watts]}" \
  || bad "--power-warn-watts (${threshold[power-warn-watts]}) must be below --power-crit-watts (${threshold[power-crit-watts]})"
[ "$vm_port" != "$vmalert_port" ] || bad "--vm-port and --vmalert-port are both $vm_port; give them different ports"

# Writes the rules file with the thresholds asked for to stdout: on every line marked "# threshold: NAME ...", each
# default of NAME (as a whole number) before the mark becomes the value asked for. A marked line without its
# default means this script and the rules file disagree: that is an error, never a silently unchanged threshold.
render_rules() {
  local spec="" t changed=""
  for t in "${threshold_names[@]}"; do
    spec+="$t=${threshold_default[$t]}=${threshold[$t]};"
    [ "${threshold[$t]}" = "${threshold_default[$t]}" ] || changed+=" --$t ${threshold[$t]}"
  done
  [ -z "$changed" ] || echo "# Rendered by deploy/monitoring.sh from deploy/alerts/ffrtmp.rules.yml with:$changed"
  awk -v spec="$spec" '
    function subst(s, d, v,   out, i, before, after) {
      out = ""
      while ((i = index(s, d)) > 0) {
        before = i > 1 ? substr(s, i - 1, 1) : substr(out, length(out), 1)
        after = substr(s, i + length(d), 1)
        if (before !~ /[0-9.]/ && after !~ /[0-9.]/) { out = out substr(s, 1, i - 1) v; hits++ }
        else { out = out substr(s, 1, i - 1 + length(d)) }
        s = substr(s, i + length(d))
      }
      return out s
    }
    BEGIN {
      n = split(spec, items, ";")
      for (i = 1; i <= n; i++) if (split(items[i], kv, "=") == 3) { def[kv[1]] = kv[2]; val[kv[1]] = kv[3] }
    }
    {
      m = index($0, "# threshold: ")
      if (m == 0) { print; next }
      head = substr($0, 1, m - 1); k = split(substr($0, m + 13), names, " ")
      for (j = 1; j <= k; j++) {
        name = names[j]
        if (!(name in def)) { printf "line %d: unknown threshold %s\n", NR, name > "/dev/stderr"; bad = 1; continue }
        hits = 0; head = subst(head, def[name], val[name])
        if (hits == 0) { printf "line %d: no default %s of %s\n", NR, def[name], name > "/dev/stderr"; bad = 1 }
      }
      print head substr($0, m)
    }
    END { exit bad }' "$rules_file" || fail 1 "$rules_file does not match this script's thresholds (see above)"
}

if [ "$command" = rules ]; then
  [ -r "$rules_file" ] || fail 1 "$rules_file is missing"
  render_rules
  exit 0
fi

find_binary() { # the first of the names given that is on PATH
  local b
  for b in "$@"; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return 0; fi
  done
  return 1
}
vm_bin="" vmalert_bin=""
if [ "$command" = up ]; then
  missing=()
  vm_bin=$(find_binary victoria-metrics victoria-metrics-prod) || missing+=(victoria-metrics)
  vmalert_bin=$(find_binary vmalert vmalert-prod) || missing+=(vmalert)
  for b in awk timeout; do command -v "$b" >/dev/null 2>&1 || missing+=("$b"); done
  if [ ${#missing[@]} -gt 0 ]; then
    fail 1 "not found on PATH: ${missing[*]}; nothing was started. Install them with: sudo deploy/install-deps.sh (or: sudo apt-get install -y victoria-metrics)"
  fi
fi

pid_of() { # the pid in DATA/$1.pid when that process is alive and still the one this script started there
  local f="$data_dir/$1.pid" pid cmdline
  [ -r "$f" ] || return 1
  read -r pid <"$f" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$data_dir/"* ]] || return 1
  echo "$pid"
}

http_get() { # host port path: the whole HTTP/1.0 answer on stdout, empty when nothing answers
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$3" "$1" >&3 && cat <&3' \
    _ "$1" "$2" "$3" 2>/dev/null || true
}
healthy() { # host port
  local answer
  answer=$(http_get "$1" "$2" /health)
  [[ $answer == "HTTP/1."?" 200"* && $answer == *OK ]]
}
port_in_use() { # host port
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# The address to reach a server that listens on $listen.
reach=$listen
[ "$listen" = 0.0.0.0 ] && reach=127.0.0.1

state_file="$data_dir/monitoring.env"
load_state() { # the ports and address of the running pair, as up wrote them
  [ -r "$state_file" ] || return 0
  local key value
  while IFS='=' read -r key value; do
    case "$key" in
      LISTEN) listen=$value; reach=$value; [ "$value" = 0.0.0.0 ] && reach=127.0.0.1 ;;
      VM_PORT) vm_port=$value ;;
      VMALERT_PORT) vmalert_port=$value ;;
      MASTER_URL) master_url=$value ;;
    esac
  done <"$state_file"
}

stop_one() { # name
  local pid i
  if ! pid=$(pid_of "$1"); then
    echo "$1: not running"
    rm -f "$data_dir/$1.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do # 10 s of grace
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    echo "$1: killed (pid $pid; it did not stop within 10 s of SIGTERM)"
  else
    echo "$1: stopped (pid $pid)"
  fi
  rm -f "$data_dir/$1.pid"
}

case "$command" in
  down)
    stop_one vmalert
    stop_one victoria-metrics
    exit 0
    ;;
  status)
    load_state
    running=0
    if pid=$(pid_of victoria-metrics); then
      running=$((running + 1))
      if healthy "$reach" "$vm_port"; then ready=ready; else ready="not ready (/health does not answer OK)"; fi
      echo "victoria-metrics: running (pid $pid) at http://$reach:$vm_port, $ready; scraping $master_url/metrics/targets"
      echo "  targets: http://$reach:$vm_port/targets"
    else
      ready=""
      echo "victoria-metrics: not running"
    fi
    if pid=$(pid_of vmalert); then
      running=$((running + 1))
      echo "vmalert: running (pid $pid) at http://$reach:$vmalert_port; alerts: http://$reach:$vmalert_port/api/v1/alerts"
    else
      echo "vmalert: not running"
    fi
    echo "data and logs: $data_dir"
    if [ $running -eq 2 ] && [ "$ready" = ready ]; then exit 0; fi
    [ $running -eq 0 ] && exit 3
    exit 1
    ;;
esac

# up
for name in victoria-metrics vmalert; do
  if pid=$(pid_of "$name"); then
    fail 1 "$name already runs from $data_dir (pid $pid); run 'deploy/monitoring.sh down --data-dir $data_dir' first"
  fi
done
# The Debian victoria-metrics package runs a system service on :8428 unless it was disabled (deploy/install-deps.sh
# disables it): the message says so, since that is the likely owner of the default port.
hint=""
[ "$vm_port" = 8428 ] && hint=" (the victoria-metrics system service? 'sudo systemctl disable --now victoria-metrics')"
port_in_use "$reach" "$vm_port" \
  && fail 1 "--vm-port: port $vm_port on $reach is in use$hint; choose another with --vm-port; nothing was started"
port_in_use "$reach" "$vmalert_port" \
  && fail 1 "--vmalert-port: port $vmalert_port on $reach is in use; choose another with --vmalert-port; nothing was started"

mkdir -p "$data_dir/rules" || fail 1 "--data-dir: cannot create $data_dir"
data_dir=$(cd "$data_dir" && pwd)
render_rules >"$data_dir/rules/ffrtmp.rules.yml"

tls_block() { # indent: the tls_config (and authorization) of the discovery and of the scrapes
  local in=$1
  echo "${in}tls_config:"
  if [ -n "$ca_file" ]; then
    echo "${in}  ca_file: $ca_file"
    [ -z "$tls_server_name" ] || echo "${in}  server_name: $tls_server_name"
  else
    echo "${in}  # The master's API certificate is self-signed unless --tls-cert gave one: not verified (--ca-file verifies)."
    echo "${in}  insecure_skip_verify: true"
  fi
  if [ -n "$token_file" ]; then
    echo "${in}authorization:"
    echo "${in}  credentials_file: $token_file"
  fi
}
{
  echo "# Rendered by deploy/monitoring.sh up from its flags (the shipped form: deploy/victoriametrics/promscrape.yml)."
  echo "global:"
  echo "  scrape_interval: $scrape_interval"
  echo "scrape_configs:"
  echo "  - job_name: ffrtmp"
  echo "    # The master lists every up or draining node with its scheme, path and the labels node and role."
  echo "    http_sd_configs:"
  echo "      - url: $master_url/metrics/targets"
  tls_block "        "
  tls_block "    "
} >"$data_dir/promscrape.yml"
if [ -n "$notifier_url" ]; then
  notifier_flags=("-notifier.url=$notifier_url")
else
  # vmalert refuses alerting rules without a notifier; an empty one keeps the alerts in vmalert's API and UI only.
  printf '# No Alertmanager (deploy/monitoring.sh up --notifier-url URL sends alerts to one).\nstatic_configs:\n  - targets: []\n' \
    >"$data_dir/notifier.yml"
  notifier_flags=("-notifier.config=$data_dir/notifier.yml")
fi

check=$("$vm_bin" -promscrape.config="$data_dir/promscrape.yml" -promscrape.config.dryRun -loggerLevel=ERROR 2>&1) \
  || fail 1 "VictoriaMetrics rejects $data_dir/promscrape.yml: $check"
check=$("$vmalert_bin" -dryRun -rule="$data_dir/rules/ffrtmp.rules.yml" -loggerLevel=ERROR 2>&1) \
  || fail 1 "vmalert rejects $data_dir/rules/ffrtmp.rules.yml: $check"

start() { # name binary args...: in the background, in its own session, its output in DATA/name.log
  local name=$1
  shift
  echo "--- $(date -u +%FT%TZ) deploy/monitoring.sh up" >>"$data_dir/$name.log"
  if command -v setsid >/dev/null 2>&1; then
    nohup setsid "$@" >>"$data_dir/$name.log" 2>&1 </dev/null &
  else
    nohup "$@" >>"$data_dir/$name.log" 2>&1 </dev/null &
  fi
  echo $! >"$data_dir/$name.pid"
}
wait_ready() { # name port: until /health answers OK (60 s), or the process is gone
  local i
  for ((i = 0; i < 300; i++)); do
    healthy "$reach" "$2" && return 0
    if ! pid_of "$1" >/dev/null; then
      echo "monitoring.sh: $1 exited at start; the end of $data_dir/$1.log:" >&2
      tail -n 15 "$data_dir/$1.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "monitoring.sh: $1 did not answer /health on $reach:$2 within 60 s; see $data_dir/$1.log" >&2
  return 1
}

start victoria-metrics "$vm_bin" \
  -httpListenAddr="$listen:$vm_port" \
  -storageDataPath="$data_dir/victoria-metrics-data" \
  -retentionPeriod="$retention" \
  -promscrape.config="$data_dir/promscrape.yml" \
  -promscrape.httpSDCheckInterval=30s
wait_ready victoria-metrics "$vm_port" || { stop_one victoria-metrics >/dev/null; exit 1; }

# Alert state goes to VictoriaMetrics as the ALERTS series and is read back at a restart, so a pending alert's
# "for" does not start over.
start vmalert "$vmalert_bin" \
  -httpListenAddr="$listen:$vmalert_port" \
  -rule="$data_dir/rules/ffrtmp.rules.yml" \
  -datasource.url="http://$reach:$vm_port" \
  -remoteWrite.url="http://$reach:$vm_port" \
  -remoteRead.url="http://$reach:$vm_port" \
  -evaluationInterval=30s \
  "${notifier_flags[@]}"
wait_ready vmalert "$vmalert_port" || { stop_one vmalert >/dev/null; stop_one victoria-metrics >/dev/null; exit 1; }

printf 'LISTEN=%s\nVM_PORT=%s\nVMALERT_PORT=%s\nMASTER_URL=%s\n' "$listen" "$vm_port" "$vmalert_port" "$master_url" \
  >"$state_file"
echo "victoria-metrics: http://$reach:$vm_port (pid $(pid_of victoria-metrics)), scraping the nodes $master_url/metrics/targets lists every $scrape_interval"
echo "vmalert: http://$reach:$vmalert_port (pid $(pid_of vmalert)), rules $data_dir/rules/ffrtmp.rules.yml"
echo "data and logs: $data_dir; stop with: deploy/monitoring.sh down --data-dir $data_dir"
