#!/usr/bin/env bash
#
# collect.sh: turn a live Kubernetes cluster into a kube-netdiag snapshot tarball
# (format netdiag-snapshot/v1; see docs/collector.md).
#
# Read-only by default: it gets and lists objects, reads pod logs and, for node
# data, runs read-only commands (iptables-save, ip route, ...) through
# `kubectl exec` in pods that already run on each node with host networking.
# Only --node-debug creates something: one debug pod per node, deleted again.
#
# Needs bash (3.2 or newer, so the macOS one works), kubectl, tar, gzip and the
# POSIX tools every system has (awk, sed, grep, date, mktemp, wc, tail, tr).
# No jq, no Python: the JSON it writes is kubectl's own output, filtered line by
# line with awk (kubectl always pretty-prints with 4-space indents and sorted keys).

set -u
set -o pipefail
# Bytes in, bytes out: no locale-dependent case mapping or multibyte surprises.
export LC_ALL=C
# The snapshot can hold sensitive cluster data: keep everything private to the user.
umask 077

readonly COLLECTOR_NAME="kube-netdiag-collect"
readonly COLLECTOR_VERSION="0.1.0"
readonly SNAPSHOT_FORMAT="netdiag-snapshot/v1"
PROG=${0##*/}
KUBECTL=${KUBECTL:-kubectl}

usage() {
  cat <<EOF
Usage: $PROG [options]

Collect a kube-netdiag snapshot (netdiag-snapshot/v1) from the cluster of the
current kubeconfig context and write netdiag-<context>-<UTC time>.tgz.

Options:
      --context NAME         kubeconfig context to use (default: the current one)
      --kubeconfig FILE      kubeconfig file (default: kubectl's: \$KUBECONFIG or ~/.kube/config)
  -n, --namespace NS         limit application data (pods, services, policies, events...)
                             to NS; repeatable or comma-separated. kube-system and the
                             namespaces of network components are always collected.
      --since DURATION       how far back to read logs (default: 6h; e.g. 30m, 2h, 1h30m)
      --log-bytes SIZE       keep at most the newest SIZE bytes per container log
                             (default: 1M; suffixes K and M, powers of 1024)
      --no-node-data         skip per-node data (iptables, routes, CNI config...)
      --node NAME            collect node data only from NAME (repeatable)
      --node-debug           collect node data with \`kubectl debug node/<n>\` pods
                             (creates one privileged pod per node, deletes it afterwards)
      --debug-image IMAGE    image for --node-debug (default: busybox:1.36)
      --debug-namespace NS   namespace for --node-debug pods (default: default)
      --request-timeout DUR  timeout of each API request (default: 30s)
  -o, --output FILE          write the snapshot to FILE instead
  -q, --quiet                no progress lines, only errors and the final summary
      --mask-only json|text  mask secrets in stdin the way the collector does and write
                             the result to stdout (for hand-made snapshot files)
  -h, --help                 show this help
      --version              print the collector version

Exit status: 0 when the snapshot was written (it lists what failed in manifest.json),
1 when nothing could be collected (cluster unreachable), 2 on bad usage.
EOF
}

usage_error() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  printf "Try '%s --help'.\n" "$PROG" >&2
  exit 2
}

die() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  exit 1
}

# ---------------------------------------------------------------------------
# Masking. One awk program for both kinds of files:
#   mode=json  kubectl -o json output: env values masked (proxy variables kept),
#              last-applied-configuration annotations dropped, secret-looking
#              key=value pairs inside strings masked (never breaking the JSON)
#   mode=text  logs and node files: bearer tokens, passwords, tokens, URL
#              credentials, JWTs and PEM private keys masked
# The number of masked values goes to the file named by -v countfile=.
# Every regex below is a constant: nothing from the input is ever used as one.
# ---------------------------------------------------------------------------
MASK_AWK=$(cat <<'AWK'
function lead(s) { match(s, /^ */); return RLENGTH }
# The value of a one-line JSON member `"key": "value",` (still JSON-escaped).
function member_value(s,    v) {
  v = s
  sub(/^ *"[^"]*": "/, "", v)
  sub(/",?$/, "", v)
  return v
}
function is_proxy_var(n) {
  return n == "HTTP_PROXY" || n == "HTTPS_PROXY" || n == "NO_PROXY" ||
         n == "http_proxy" || n == "https_proxy" || n == "no_proxy"
}
# A pattern is key, value, suffix: only the value is replaced. The suffix is one
# character (a closing quote, the @ of URL credentials) or empty.
function add_pattern(key, value, suffix) {
  npat++
  pat_key[npat] = key
  pat_full[npat] = key value suffix
  pat_suffix[npat] = (suffix == "" ? 0 : 1)
}
# Replace the secret part of each pattern match by <redacted>, keeping the key
# (e.g. "password=") and the suffix. Matching runs on a lower-cased copy, so the
# patterns are written in lower case; positions are the same in both copies.
function mask_patterns(s,    i, out, rest, lc, start, len, klen, slen) {
  for (i = 1; i <= npat; i++) {
    out = ""
    rest = s
    while (match(tolower(rest), pat_full[i])) {
      start = RSTART
      len = RLENGTH
      klen = 0
      if (pat_key[i] != "" && match(substr(tolower(rest), start, len), "^" pat_key[i]))
        klen = RLENGTH
      slen = pat_suffix[i]
      out = out substr(rest, 1, start - 1 + klen) "<redacted>" substr(rest, start + len - slen, slen)
      rest = substr(rest, start + len)
      masked_patterns++
    }
    s = out rest
  }
  return s
}
BEGIN {
  keys = "(password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client-key-data|credentials?)"
  if (mode == "json") {
    # Inside JSON strings: never past a quote or backslash (JSON escapes stay
    # whole), but through \uXXXX escapes (kubectl escapes & < > that way).
    u = "\\\\u[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
    # "password": "…" (also inside a JSON string: \"password\": \"…\"): up to the quote.
    add_pattern(keys "\\\\?\"[ ]*:[ ]*\\\\?\"", "([^\"\\\\]|" u ")+", "")
    # --password=… inside a string: up to the next separator.
    add_pattern(keys "=", "([^\"\\\\ ,;<]|" u ")+", "")
    add_pattern("bearer[ ]+", "[a-z0-9._~+/=-]+", "")
    add_pattern("://", "[^/@ \"\\\\<]+:[^/@ \"\\\\<]+", "@")
    add_pattern("", "eyj[a-z0-9_-]+\\.[a-z0-9_-]+\\.[a-z0-9_-]+", "")
    add_pattern("-----begin [a-z ]*private key-----", "[a-z0-9+/=\\\\ ]+", "")
  } else {
    sep = "[\"']?[ \t]*[:=][ \t]*"
    value = "[^ \t\"'\\\\,;&<]+"
    add_pattern("authorization" sep "[\"']?([a-z]+[ \t]+)?", value, "")
    add_pattern("bearer[ \t]+", "[a-z0-9._~+/=-]+", "")
    # Quoted values up to their closing quote, then bare ones up to a separator.
    add_pattern(keys sep "\"", "[^\"<]+", "\"")
    add_pattern(keys sep "'", "[^'<]+", "'")
    add_pattern(keys sep, value, "")
    add_pattern("://", "[^/@ \t\"'<]+:[^/@ \t\"'<]+", "@")
    add_pattern("", "eyj[a-z0-9_-]+\\.[a-z0-9_-]+\\.[a-z0-9_-]+", "")
  }
  env_ind = -1
  secret_flag_ind = -1
}
mode == "json" {
  line = $0
  ind = lead(line)
  if (env_ind < 0) {
    if (line ~ /^ *"env": \[$/) { env_ind = ind; have_name = 0 }
  } else if (ind == env_ind && line ~ /^ *\],?$/) {
    env_ind = -1
  } else if (ind == env_ind + 4 && line ~ /^ *\{$/) {
    have_name = 0
  } else if (ind == env_ind + 8 && line ~ /^ *"name": "/) {
    name = member_value(line)
    have_name = 1
  } else if (ind == env_ind + 8 && line ~ /^ *"value": "/) {
    # Unknown name (value before name) counts as secret: mask.
    if (member_value(line) != "" && !(have_name && is_proxy_var(name))) {
      line = substr(line, 1, ind) "\"value\": \"<redacted>\"" (line ~ /,$/ ? "," : "")
      masked_env++
    }
  }
  # An argv element after a flag like "--password" is the secret itself.
  if (secret_flag_ind >= 0 && ind == secret_flag_ind && line ~ /^ *"/) {
    line = substr(line, 1, ind) "\"<redacted>\"" (line ~ /,$/ ? "," : "")
    masked_patterns++
  }
  secret_flag_ind = -1
  if (tolower(line) ~ /^ *"--?[a-z0-9_.-]*(password|passwd|secret|token|api-key|apikey)",$/)
    secret_flag_ind = ind
  if (line ~ /^ *"kubectl\.kubernetes\.io\/last-applied-configuration": "/) {
    # A copy of the whole applied manifest, env values included: drop it.
    line = substr(line, 1, ind) "\"kubectl.kubernetes.io/last-applied-configuration\": \"<redacted>\"" (line ~ /,$/ ? "," : "")
    masked_last_applied++
  } else {
    line = mask_patterns(line)
  }
  print line
  next
}
{
  lc = tolower($0)
  if (in_pem) {
    if (lc ~ /-----end [a-z ]*private key-----/) { in_pem = 0; print }
    next
  }
  print mask_patterns($0)
  if (lc ~ /-----begin [a-z ]*private key-----/ && lc !~ /-----end/) {
    in_pem = 1
    masked_patterns++
    print "<redacted>"
  }
}
END {
  if (countfile != "")
    printf "env %d\nlast-applied %d\npatterns %d\n", masked_env, masked_last_applied, masked_patterns > countfile
}
AWK
)

# mask MODE COUNTFILE < in > out
mask() {
  awk -v mode="$1" -v countfile="$2" "$MASK_AWK"
}

# Concatenate the items of several `kubectl get -o json` Lists into one v1 List,
# in kubectl's own layout. Files with no output (nothing found) add nothing.
MERGE_AWK=$(cat <<'AWK'
BEGIN { print "{"; print "    \"apiVersion\": \"v1\","; print "    \"items\": [" }
FNR == 1 { in_items = 0 }
/^    "items": \[$/ {
  in_items = 1
  if (have_pending) { print pending ","; have_pending = 0 }
  next
}
in_items && /^    \],?$/ { in_items = 0; next }
in_items { if (have_pending) print pending; pending = $0; have_pending = 1 }
END {
  if (have_pending) print pending
  print "    ],"
  print "    \"kind\": \"List\","
  print "    \"metadata\": {"
  print "        \"resourceVersion\": \"\""
  print "    }"
  print "}"
}
AWK
)

# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------
CONTEXT=""
KUBECONFIG_FILE=""
SCOPE_REQUESTED=""        # space-separated namespaces given with --namespace
SINCE="6h"
LOG_BYTES=1048576
NODE_MODE="exec"          # exec | debug | skip
NODE_FILTER=""            # space-separated node names given with --node
DEBUG_IMAGE="busybox:1.36"
DEBUG_NS="default"
REQUEST_TIMEOUT="30s"
OUTPUT=""
QUIET=0
# A debug pod only sleeps: if cleanup ever fails it ends by itself after this long.
readonly DEBUG_POD_SECONDS=900

parse_size() {
  local n unit
  case $1 in
    *[Kk]i | *[Kk]) n=${1%[Kk]*}; unit=1024 ;;
    *[Mm]i | *[Mm]) n=${1%[Mm]*}; unit=1048576 ;;
    *) n=$1; unit=1 ;;
  esac
  case $n in '' | *[!0-9]*) return 1 ;; esac
  printf '%s\n' $((10#$n * unit))
}

add_namespaces() {
  local ns list
  list=$(printf '%s' "$1" | tr ',' ' ')
  for ns in $list; do
    printf '%s' "$ns" | grep -Eq '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' || usage_error "invalid namespace name: $ns"
    case " $SCOPE_REQUESTED " in *" $ns "*) ;; *) SCOPE_REQUESTED="${SCOPE_REQUESTED:+$SCOPE_REQUESTED }$ns" ;; esac
  done
}

parse_args() {
  local opt
  while [ $# -gt 0 ]; do
    case $1 in
      --*=*) opt=${1%%=*}; set -- "$opt" "${1#*=}" "${@:2}"; continue ;;
    esac
    case $1 in
      --context | --kubeconfig | -n | --namespace | --since | --log-bytes | --node | \
      --debug-image | --debug-namespace | --request-timeout | -o | --output | --mask-only)
        if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "option $1 needs a value"; fi ;;
    esac
    case $1 in
      --context) CONTEXT=$2; shift ;;
      --kubeconfig) KUBECONFIG_FILE=$2; shift ;;
      -n | --namespace) add_namespaces "$2"; shift ;;
      --since)
        printf '%s' "$2" | grep -Eq '^([0-9]+(h|m|s))+$' || usage_error "invalid --since duration: $2 (use e.g. 6h, 30m, 1h30m)"
        SINCE=$2; shift ;;
      --log-bytes)
        if ! LOG_BYTES=$(parse_size "$2") || [ "$LOG_BYTES" -le 0 ]; then
          usage_error "invalid --log-bytes size: $2 (use e.g. 512K, 2M)"
        fi
        shift ;;
      --no-node-data) NODE_MODE="skip" ;;
      --node) NODE_FILTER="${NODE_FILTER:+$NODE_FILTER }$2"; shift ;;
      --node-debug) NODE_MODE="debug" ;;
      --debug-image) DEBUG_IMAGE=$2; shift ;;
      --debug-namespace) DEBUG_NS=$2; shift ;;
      --request-timeout)
        printf '%s' "$2" | grep -Eq '^([0-9]+(h|m|s))+$|^[0-9]+$' || usage_error "invalid --request-timeout: $2 (use e.g. 30s, 2m)"
        REQUEST_TIMEOUT=$2; shift ;;
      -o | --output) OUTPUT=$2; shift ;;
      -q | --quiet) QUIET=1 ;;
      --mask-only)
        case $2 in json | text) mask "$2" "" ; exit $? ;; *) usage_error "--mask-only takes json or text" ;; esac ;;
      -h | --help) usage; exit 0 ;;
      --version) printf '%s %s\n' "$COLLECTOR_NAME" "$COLLECTOR_VERSION"; exit 0 ;;
      *) usage_error "unknown argument: $1" ;;
    esac
    shift
  done
}

# ---------------------------------------------------------------------------
# Bookkeeping: progress on stderr, collector.log, errors and unavailable items
# ---------------------------------------------------------------------------
WORK=""
ROOT=""
SNAPNAME=""
COLLECTOR_LOG=""
INTERRUPTED=0
DEBUG_PODS=""             # "namespace/pod" of debug pods still to delete
STEP_NO=0
STEP_TOTAL=0
STEP_ERRORS=0             # errors recorded during the current step
STEPS_WITH_ERRORS=0

say() { [ "$QUIET" = 1 ] || printf '%s\n' "$*" >&2; }

log() {
  [ -n "$COLLECTOR_LOG" ] || return 0
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$COLLECTOR_LOG"
}

# The line of kubectl's stderr that says what went wrong, on one line.
error_message() {
  local msg
  msg=$(grep -E '^(Error from server|error:|Error:|Unable to connect|The connection to the server)' "$1" | tail -n 1)
  [ -n "$msg" ] || msg=$(grep -v '^[[:space:]]*$' "$1" | grep -v '^Warning:' | tail -n 1)
  [ -n "$msg" ] || msg="failed without a message"
  printf '%s' "$msg" | tr -d '\r' | cut -c 1-500
}

record_error() {
  printf '%s\t%s\n' "$1" "$2" >>"$WORK/errors.tsv"
  STEP_ERRORS=$((STEP_ERRORS + 1))
  log "ERROR $1: $2"
}

record_unavailable() {
  printf '%s\t%s\n' "$1" "$2" >>"$WORK/unavailable.tsv"
  log "unavailable $1: $2"
}

# Counts written by the mask filter are summed per kind of file for the manifest.
add_mask_counts() {
  local kind=$1 file=$2 what n
  [ -f "$file" ] || return 0
  while read -r what n; do
    [ "${n:-0}" -gt 0 ] 2>/dev/null && printf '%s %s %s\n' "$kind" "$what" "$n" >>"$WORK/masked.txt"
  done <"$file"
  rm -f "$file"
}

begin_step() {
  STEP_NO=$((STEP_NO + 1))
  STEP_ERRORS=0
  [ "$QUIET" = 1 ] || printf '[%*d/%d] %s\n' "${#STEP_TOTAL}" "$STEP_NO" "$STEP_TOTAL" "$1" >&2
  log "step $STEP_NO/$STEP_TOTAL: $1"
}

end_step() {
  [ "$STEP_ERRORS" -eq 0 ] || STEPS_WITH_ERRORS=$((STEPS_WITH_ERRORS + 1))
}

# ---------------------------------------------------------------------------
# kubectl
# ---------------------------------------------------------------------------
kc() {
  local args=(--request-timeout="$REQUEST_TIMEOUT")
  [ -z "$CONTEXT" ] || args+=(--context="$CONTEXT")
  [ -z "$KUBECONFIG_FILE" ] || args+=(--kubeconfig="$KUBECONFIG_FILE")
  "$KUBECTL" "${args[@]}" "$@" </dev/null
}

# kc_to OUT ERR ARGS...: run kubectl into files, logging the command and its stderr.
kc_to() {
  local out=$1 err=$2 rc
  shift 2
  kc "$@" >"$out" 2>"$err"
  rc=$?
  log "kubectl $* -> exit $rc"
  if [ -s "$err" ]; then
    sed 's/^/    | /' "$err" | head -n 20 >>"$COLLECTOR_LOG"
  fi
  return $rc
}

# ---------------------------------------------------------------------------
# Cleanup and interruption
# ---------------------------------------------------------------------------
delete_debug_pod() {
  local ref=$1
  if kc delete pod -n "${ref%%/*}" "${ref#*/}" --wait=false --ignore-not-found >/dev/null 2>&1; then
    log "deleted debug pod $ref"
  else
    log "ERROR could not delete debug pod $ref"
    printf '%s: could not delete debug pod %s; delete it with: kubectl delete pod -n %s %s\n' \
      "$PROG" "$ref" "${ref%%/*}" "${ref#*/}" >&2
  fi
  DEBUG_PODS=$(printf '%s' "$DEBUG_PODS" | tr ' ' '\n' | grep -vxF "$ref" | tr '\n' ' ')
}

cleanup() {
  local ref
  for ref in $DEBUG_PODS; do delete_debug_pod "$ref"; done
  [ -z "$WORK" ] || rm -rf "$WORK"
}

on_interrupt() {
  if [ "$INTERRUPTED" = 1 ]; then
    # Second Ctrl-C: stop now (the EXIT trap still deletes debug pods).
    exit 130
  fi
  INTERRUPTED=1
  printf '\n%s: interrupted: finishing the snapshot with what was collected (Ctrl-C again to abort)\n' "$PROG" >&2
}

# ---------------------------------------------------------------------------
# Preflight and discovery
# ---------------------------------------------------------------------------
SERVER_VERSION=""
CONTEXT_NAME=""
HAVE_DISCOVERY=0
SCOPE_NS=""               # namespaces of namespaced data when scoped (empty: all)
COMPONENT_NS=""           # namespaces where network components run
NODES=""

check_tools() {
  local t
  for t in "$KUBECTL" tar gzip awk sed grep; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found on PATH (the collector needs bash, kubectl, tar and gzip)"
  done
}

setup_workdir() {
  local stamp iso
  read -r stamp iso < <(date -u '+%Y%m%dT%H%M%SZ %Y-%m-%dT%H:%M:%SZ')
  COLLECTED_AT=$iso
  CONTEXT_NAME=$CONTEXT
  if [ -z "$CONTEXT_NAME" ]; then
    CONTEXT_NAME=$(kc config current-context 2>/dev/null) || CONTEXT_NAME=""
  fi
  # Without a context kubectl falls back to the in-cluster service account.
  [ -n "$CONTEXT_NAME" ] || CONTEXT_NAME="in-cluster"
  SNAPNAME="netdiag-$(printf '%s' "$CONTEXT_NAME" | tr -c 'A-Za-z0-9._-' '-' | cut -c 1-80)-$stamp"
  [ -n "$OUTPUT" ] || OUTPUT="$SNAPNAME.tgz"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/netdiag.XXXXXX") || die "cannot create a temporary directory"
  ROOT="$WORK/$SNAPNAME"
  mkdir -p "$ROOT/resources" "$ROOT/logs" "$ROOT/nodes" "$WORK/tmp" || die "cannot write to $WORK"
  COLLECTOR_LOG="$ROOT/collector.log"
  : >"$WORK/errors.tsv"
  : >"$WORK/unavailable.tsv"
  : >"$WORK/masked.txt"
  log "$COLLECTOR_NAME $COLLECTOR_VERSION, context $CONTEXT_NAME, since $SINCE, log bytes $LOG_BYTES, node data $NODE_MODE"
}

preflight() {
  local t="$WORK/tmp"
  if ! kc_to "$t/version.json" "$t/version.err" version -o json ||
    ! grep -q '"serverVersion"' "$t/version.json"; then
    [ "$INTERRUPTED" = 0 ] || exit 130
    printf '%s: cannot reach the Kubernetes API server of context "%s": %s\n' \
      "$PROG" "$CONTEXT_NAME" "$(error_message "$t/version.err")" >&2
    printf '%s: nothing was collected. Check that "kubectl%s get nodes" works, then run again.\n' \
      "$PROG" "${CONTEXT:+ --context $CONTEXT}" >&2
    exit 1
  fi
  SERVER_VERSION=$(awk '/"serverVersion": \{/ { s = 1 } s && /"gitVersion":/ { v = $0; sub(/^[^:]*: "/, "", v); sub(/",?$/, "", v); print v; exit }' "$t/version.json")
  say "netdiag: context $CONTEXT_NAME, server $SERVER_VERSION"
  log "server version $SERVER_VERSION"
}

discover_apis() {
  local t="$WORK/tmp"
  : >"$WORK/discovery-failed.txt"
  if kc_to "$WORK/api-resources.txt" "$t/api.err" api-resources -o name; then
    HAVE_DISCOVERY=1
  elif [ -s "$WORK/api-resources.txt" ]; then
    # Some aggregated API (often metrics) is down; the rest of discovery is fine.
    # kubectl names the group versions it could not list: "unable to retrieve the
    # complete list of server APIs: metrics.k8s.io/v1beta1: <why>, <g>/<v>: <why>".
    HAVE_DISCOVERY=1
    record_error "discovery" "$(error_message "$t/api.err")"
    sed -n 's/.*unable to retrieve the complete list of server APIs: //p' "$t/api.err" | tr ',' '\n' |
      sed -n 's|^ *\([a-z0-9.-]*\)/v[0-9a-z]*: .*|\1|p' | sort -u >"$WORK/discovery-failed.txt"
  else
    record_error "discovery" "$(error_message "$t/api.err")"
  fi
}

# The API group of a resource name as `kubectl api-resources -o name` prints it
# (httproutes.gateway.networking.k8s.io; core resources have none).
api_group() { case $1 in *.*) printf '%s\n' "${1#*.}" ;; *) printf '\n' ;; esac; }

api_served() { [ "$HAVE_DISCOVERY" = 1 ] && grep -qxF "$1" "$WORK/api-resources.txt"; }

# Whether discovery tells if the resource is served: it lists it, or its group
# answered in full (a group with one version down may still list the others').
api_checked() {
  api_served "$1" || { [ "$HAVE_DISCOVERY" = 1 ] && ! grep -qxF "$(api_group "$1")" "$WORK/discovery-failed.txt"; }
}

# Network components, found by the labels their standard manifests and charts set.
# Each line: label key | selector. The component name comes from the label value.
readonly COMPONENT_QUERIES='k8s-app|k8s-app in (kube-dns,kube-proxy,calico-node,calico-typha,cilium,kube-router)
component|component=kube-proxy
io.cilium/app|io.cilium/app=operator
app|app=flannel
name|name=weave-net
app.kubernetes.io/name|app.kubernetes.io/name in (ingress-nginx,traefik,kubernetes-ingress,haproxy-ingress)
istio|istio=ingressgateway'

component_name() { # label-key label-value app.kubernetes.io/component
  case "$1=$2" in
    k8s-app=kube-dns) echo coredns ;;
    k8s-app=* | component=kube-proxy) echo "$2" ;;
    io.cilium/app=operator) echo cilium-operator ;;
    app=flannel) echo kube-flannel ;;
    name=weave-net) echo weave-net ;;
    app.kubernetes.io/name=ingress-nginx)
      # The chart's admission-webhook jobs carry the same name label.
      [ "$3" = controller ] && echo ingress-nginx ;;
    app.kubernetes.io/name=kubernetes-ingress | app.kubernetes.io/name=haproxy-ingress) echo haproxy-ingress ;;
    app.kubernetes.io/name=traefik) echo traefik ;;
    istio=ingressgateway) echo istio-ingressgateway ;;
  esac
}

# components.txt: component|namespace|pod|node|hostNetwork|phase|containers|inits|restarts
# (containers and inits as "name=image " lists, restarts as "name=count ").
discover_components() {
  local t="$WORK/tmp" key selector tmpl ns pod node hostnet phase value role containers inits restarts comp
  : >"$WORK/components.txt"
  while IFS='|' read -r key selector; do
    tmpl='{{range .items}}{{.metadata.namespace}}|{{.metadata.name}}|{{.spec.nodeName}}|{{.spec.hostNetwork}}|{{.status.phase}}|{{index .metadata.labels "'$key'"}}|{{index .metadata.labels "app.kubernetes.io/component"}}|{{range .spec.containers}}{{.name}}={{.image}} {{end}}|{{range .spec.initContainers}}{{.name}}={{.image}} {{end}}|{{range .status.containerStatuses}}{{.name}}={{.restartCount}} {{end}}{{range .status.initContainerStatuses}}{{.name}}={{.restartCount}} {{end}}{{"\n"}}{{end}}'
    if ! kc_to "$t/comp.txt" "$t/comp.err" get pods -A -l "$selector" -o go-template="$tmpl"; then
      record_error "discovery/pods -l $selector" "$(error_message "$t/comp.err")"
      continue
    fi
    while IFS='|' read -r ns pod node hostnet phase value role containers inits restarts; do
      [ -n "$pod" ] || continue
      [ "$phase" != Succeeded ] || continue
      comp=$(component_name "$key" "$value" "$role") || true
      [ -n "$comp" ] || continue
      grep -qF "|$ns|$pod|" "$WORK/components.txt" && continue
      printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$comp" "$ns" "$pod" "$node" "$hostnet" "$phase" "$containers" "$inits" "$restarts" >>"$WORK/components.txt"
      case " $COMPONENT_NS " in *" $ns "*) ;; *) COMPONENT_NS="${COMPONENT_NS:+$COMPONENT_NS }$ns" ;; esac
    done <"$t/comp.txt"
  done <<EOF
$COMPONENT_QUERIES
EOF
  local summary
  summary=$(cut -d'|' -f1 "$WORK/components.txt" | sort | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
  say "netdiag: network components: ${summary:-none found}"
  log "components: ${summary:-none}"
}

discover_scope() {
  local ns
  [ -n "$SCOPE_REQUESTED" ] || return 0
  # kube-system and the network components' namespaces are always in scope.
  SCOPE_NS="kube-system"
  for ns in $SCOPE_REQUESTED $COMPONENT_NS; do
    case " $SCOPE_NS " in *" $ns "*) ;; *) SCOPE_NS="$SCOPE_NS $ns" ;; esac
  done
  say "netdiag: namespaces: $SCOPE_NS"
}

discover_nodes() {
  local t="$WORK/tmp"
  [ "$NODE_MODE" != skip ] || return 0
  if [ -n "$NODE_FILTER" ]; then
    NODES=$NODE_FILTER
  elif kc_to "$t/nodes.txt" "$t/nodes.err" get nodes -o go-template='{{range .items}}{{.metadata.name}} {{end}}'; then
    NODES=$(cat "$t/nodes.txt")
  else
    record_error "discovery/nodes" "$(error_message "$t/nodes.err")"
  fi
}

# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------
# resources: file plural | kubectl resource name(s), first served wins | scope | API check
#   always: try it whatever discovery says; api: only if discovery lists it
#   (built-in APIs an old cluster may lack); crd: only if discovery lists it.
readonly RESOURCES='nodes|nodes|cluster|always
namespaces|namespaces|cluster|always
pods|pods|namespaced|always
services|services|namespaced|always
endpoints|endpoints|namespaced|always
endpointslices|endpointslices.discovery.k8s.io|namespaced|api
networkpolicies|networkpolicies.networking.k8s.io|namespaced|api
ingresses|ingresses.networking.k8s.io|namespaced|api
ingressclasses|ingressclasses.networking.k8s.io|cluster|api
events|events|namespaced|always
daemonsets|daemonsets.apps|namespaced|api
deployments|deployments.apps|namespaced|api
gateways|gateways.gateway.networking.k8s.io|namespaced|crd
httproutes|httproutes.gateway.networking.k8s.io|namespaced|crd
gatewayclasses|gatewayclasses.gateway.networking.k8s.io|cluster|crd
referencegrants|referencegrants.gateway.networking.k8s.io|namespaced|crd
peerauthentications|peerauthentications.security.istio.io|namespaced|crd
virtualservices|virtualservices.networking.istio.io|namespaced|crd
destinationrules|destinationrules.networking.istio.io|namespaced|crd
ciliumnetworkpolicies|ciliumnetworkpolicies.cilium.io|namespaced|crd
globalnetworkpolicies|globalnetworkpolicies.crd.projectcalico.org globalnetworkpolicies.projectcalico.org|cluster|crd'

# Config maps holding network configuration, by namespace: the kube-system ones,
# and the CNI ones wherever a network component runs.
readonly KUBE_SYSTEM_CONFIGMAPS="coredns coredns-custom node-local-dns kube-proxy kubelet-config calico-config cilium-config kube-flannel-cfg"
readonly CNI_CONFIGMAPS="calico-config cilium-config kube-flannel-cfg"

# Node commands: file | command. Host-network pods see the node's network
# namespace, so these read the node's own state.
readonly NODE_COMMANDS='iptables-save.txt|iptables-save -c
iptables-legacy-save.txt|iptables-legacy-save -c
iptables-nft-save.txt|iptables-nft-save -c
ip6tables-save.txt|ip6tables-save
nft-ruleset.txt|nft list ruleset
ipvsadm.txt|ipvsadm -Ln
ip-addr.txt|ip -d addr
ip-route.txt|ip route
conntrack.txt|conntrack -S
resolv.conf|cat /etc/resolv.conf
dmesg.txt|dmesg'

STEPS=()

plan_steps() {
  local plural names scope check name chosen unchecked ns pod node
  : >"$WORK/apis-checked.txt"
  : >"$WORK/apis-served.txt"
  while IFS='|' read -r plural names scope check; do
    chosen=""
    unchecked=""
    if [ "$check" = always ]; then
      chosen=${names%% *}
    else
      # Every name goes to manifest.json's "apis" (diagnose tells "not installed"
      # from "not collected" by it); the first served one is collected.
      for name in $names; do
        if ! api_checked "$name"; then
          unchecked="${unchecked:+$unchecked }$name"
          continue
        fi
        printf '%s\n' "$name" >>"$WORK/apis-checked.txt"
        if api_served "$name"; then
          printf '%s\n' "$name" >>"$WORK/apis-served.txt"
          [ -n "$chosen" ] || chosen=$name
        fi
      done
      # A built-in API that discovery could not answer for is asked for anyway.
      if [ -z "$chosen" ] && [ -n "$unchecked" ] && [ "$check" = api ]; then chosen=${unchecked%% *}; fi
    fi
    if [ -n "$chosen" ]; then
      STEPS+=("resource|$plural|$chosen|$scope")
    elif [ -n "$unchecked" ]; then
      record_unavailable "resources/$plural.json" "API discovery failed: whether the cluster serves ${unchecked// / or } is unknown"
    elif [ "$check" = api ]; then
      record_unavailable "resources/$plural.json" "API ${names%% *} is not served by this cluster"
    else
      log "resources/$plural.json: ${names%% *} not installed, skipped"
    fi
  done <<EOF
$RESOURCES
EOF
  STEPS+=("configmaps" "secrets")
  while IFS='|' read -r _ ns pod _; do
    [ -n "$pod" ] && STEPS+=("logs|$ns|$pod")
  done <"$WORK/components.txt"
  for node in $NODES; do STEPS+=("node|$node"); done
  STEP_TOTAL=${#STEPS[@]}
}

# Get NAME across all namespaces, or namespace by namespace when scoped. With
# --namespace, DEFAULT_FILTER (a selector) also takes the few objects of the
# default namespace that network diagnosis needs.
scoped_get() { # OUT NAME SCOPE STEP [DEFAULT_FILTER]
  local out=$1 name=$2 scope=$3 step=$4 default_filter=${5:-} t="$WORK/tmp" ns i=0 ok=0 parts=() args
  if [ "$scope" = cluster ] || [ -z "$SCOPE_NS" ]; then
    if kc_to "$t/get.json" "$t/get.err" get "$name" -A -o json; then
      mv "$t/get.json" "$out"
      return 0
    fi
    record_error "$step" "$(error_message "$t/get.err")"
    return 1
  fi
  for ns in $SCOPE_NS default; do
    i=$((i + 1))
    args=(get "$name" -n "$ns" -o json)
    if [ "$ns" = default ]; then
      case " $SCOPE_NS " in *" default "*) continue ;; esac
      [ -n "$default_filter" ] || continue
      args+=("$default_filter")
    fi
    if kc_to "$t/get.$i.json" "$t/get.err" "${args[@]}"; then
      parts+=("$t/get.$i.json")
      ok=1
    else
      record_error "$step ($ns)" "$(error_message "$t/get.err")"
    fi
  done
  [ "$ok" = 1 ] || return 1
  awk "$MERGE_AWK" "${parts[@]}" >"$out"
  rm -f "${parts[@]}"
}

step_resource() {
  local plural=$1 name=$2 scope=$3 t="$WORK/tmp" default_filter=""
  begin_step "resources: $plural"
  # The API server's Service and node events live in the default namespace.
  case $plural in
    events) default_filter="--field-selector=involvedObject.kind=Node" ;;
    services | endpoints) default_filter="--field-selector=metadata.name=kubernetes" ;;
    endpointslices) default_filter="--selector=kubernetes.io/service-name=kubernetes" ;;
  esac
  if scoped_get "$t/raw.json" "$name" "$scope" "resources/$plural.json" "$default_filter"; then
    mask json "$t/counts" <"$t/raw.json" >"$ROOT/resources/$plural.json"
    add_mask_counts resources "$t/counts"
    rm -f "$t/raw.json"
  fi
  end_step
}

step_configmaps() {
  local t="$WORK/tmp" ns i=0 parts=()
  begin_step "resources: configmaps (network configuration only)"
  for ns in kube-system $COMPONENT_NS; do
    # kube-system comes first, whether or not network components run there.
    [ "$ns" != kube-system ] || [ "$i" = 0 ] || continue
    i=$((i + 1))
    if [ "$ns" = kube-system ]; then
      # shellcheck disable=SC2086 # word splitting intended: a list of names
      set -- $KUBE_SYSTEM_CONFIGMAPS
    else
      # shellcheck disable=SC2086
      set -- $CNI_CONFIGMAPS
    fi
    if kc_to "$t/cm.$i.json" "$t/cm.err" get configmaps -n "$ns" "$@" --ignore-not-found -o json; then
      parts+=("$t/cm.$i.json")
    else
      record_error "resources/configmaps.json ($ns)" "$(error_message "$t/cm.err")"
    fi
  done
  if [ ${#parts[@]} -gt 0 ]; then
    awk "$MERGE_AWK" "${parts[@]}" | mask json "$t/counts" >"$ROOT/resources/configmaps.json"
    add_mask_counts resources "$t/counts"
    rm -f "${parts[@]}"
  fi
  end_step
}

# secrets.tsv from the server-side table (NAME TYPE DATA AGE): the API server
# sends names and types only, so secret data never even reaches this machine.
step_secrets() {
  local t="$WORK/tmp" ns ok=0
  begin_step "resources: secrets.tsv (names and types only)"
  : >"$t/secrets.tsv"
  if [ -z "$SCOPE_NS" ]; then
    set -- "-A"
  else
    # shellcheck disable=SC2086
    set -- $SCOPE_NS
  fi
  for ns in "$@"; do
    if [ "$ns" = "-A" ]; then
      kc_to "$t/secrets.txt" "$t/secrets.err" get secrets -A
    else
      kc_to "$t/secrets.txt" "$t/secrets.err" get secrets -n "$ns"
    fi || { record_error "resources/secrets.tsv${SCOPE_NS:+ ($ns)}" "$(error_message "$t/secrets.err")"; continue; }
    # Columns: [NAMESPACE] NAME TYPE DATA AGE (a type may contain spaces).
    if ! awk -v ns="$ns" '
      NR == 1 {
        first = ($1 == "NAMESPACE") ? 2 : 1
        if ($first != "NAME" || $(first + 1) != "TYPE") exit 3
        next
      }
      NF >= first + 3 {
        type = $(first + 1)
        for (i = first + 2; i <= NF - 2; i++) type = type " " $i
        printf "%s\t%s\t%s\n", (first == 2 ? $1 : ns), $first, type
      }' "$t/secrets.txt" >>"$t/secrets.tsv"; then
      record_error "resources/secrets.tsv" "unexpected columns in kubectl get secrets output: $(head -n 1 "$t/secrets.txt")"
      continue
    fi
    ok=1
  done
  [ "$ok" = 0 ] || mv "$t/secrets.tsv" "$ROOT/resources/secrets.tsv"
  rm -f "$t/secrets.txt"
  end_step
}

# One container log, newest LOG_BYTES bytes of the last SINCE. kubectl's
# --limit-bytes keeps the oldest bytes, so a bounded window is fetched (--tail
# and a 4x byte limit) and trimmed here to its newest end.
fetch_log() { # ns pod container previous(0|1)
  local ns=$1 pod=$2 c=$3 prev=$4 t="$WORK/tmp" file dest extra=() size
  file="$c.log"
  [ "$prev" = 0 ] || { file="$c.previous.log"; extra=(--previous); }
  dest="$ROOT/logs/$ns/$pod/$file"
  if ! kc_to "$t/log.txt" "$t/log.err" logs -n "$ns" "$pod" -c "$c" ${extra[@]+"${extra[@]}"} \
    --since="$SINCE" --tail=$((LOG_BYTES / 128 + 100)) --limit-bytes=$((LOG_BYTES * 4)); then
    record_error "logs/$ns/$pod/$file" "$(error_message "$t/log.err")"
    return 1
  fi
  mkdir -p "$ROOT/logs/$ns/$pod"
  size=$(wc -c <"$t/log.txt" | tr -d ' ')
  if [ "$size" -gt "$LOG_BYTES" ]; then
    # Drop the first, partial line of the kept tail.
    tail -c "$LOG_BYTES" "$t/log.txt" | sed '1d' >"$t/log.cut"
    mv "$t/log.cut" "$t/log.txt"
    log "logs/$ns/$pod/$file: $size bytes, kept the newest $LOG_BYTES"
  fi
  mask text "$t/counts" <"$t/log.txt" >"$dest"
  add_mask_counts logs "$t/counts"
}

step_logs() {
  local ns=$1 pod=$2 line containers inits restarts entry c n
  begin_step "logs: $ns/$pod"
  line=$(awk -F'|' -v ns="$ns" -v pod="$pod" '$2 == ns && $3 == pod { print; exit }' "$WORK/components.txt")
  IFS='|' read -r _ _ _ _ _ _ containers inits restarts <<EOF
$line
EOF
  for entry in $inits $containers; do
    c=${entry%%=*}
    [ "$INTERRUPTED" = 0 ] || break
    fetch_log "$ns" "$pod" "$c" 0
    # A previous log only exists once the container has restarted.
    n=$(printf '%s' "$restarts" | tr ' ' '\n' | sed -n "s/^$c=//p" | head -n 1)
    if [ "${n:-0}" -gt 0 ] 2>/dev/null; then fetch_log "$ns" "$pod" "$c" 1; fi
  done
  end_step
}

# ----- node data --------------------------------------------------------------
# A target is a place to run node commands: "namespace|pod|container|image|mode"
#   chroot: a --node-debug pod; commands run as `chroot /host CMD`, i.e. the
#           node's own binaries and files
#   pod:    a host-network pod's own binaries (same network namespace as the
#           node); node files only where the pod mounts them under /host
MISSING_BINARIES="|"      # "image>mode>binary|" entries known to be absent
EXEC_FORBIDDEN=0

# Host-network pods on a node that can see its netfilter state, best first.
node_targets() { # node
  local comp main
  for comp in kube-proxy calico-node cilium kube-flannel weave-net kube-router; do
    case $comp in
      cilium) main=cilium-agent ;;
      weave-net) main=weave ;;
      *) main=$comp ;;
    esac
    awk -F'|' -v node="$1" -v comp="$comp" -v main="$main" '
      $1 == comp && $4 == node && $5 == "true" && $6 == "Running" {
        n = split($7, cs, " ")
        pick = ""
        for (i = 1; i <= n; i++) { split(cs[i], kv, "="); if (kv[1] == main) pick = cs[i] }
        if (pick == "") pick = cs[1]
        eq = index(pick, "=")
        printf "%s|%s|%s|%s|pod\n", $2, $3, substr(pick, 1, eq - 1), substr(pick, eq + 1)
      }' "$WORK/components.txt"
  done
}

# Why an exec failed: forbidden; binary (not in the image, or on the node for
# chroot); file (the command ran, the file it reads is not there); unsupported
# (this API server or pod cannot exec at all); other.
# shellcheck disable=SC2016 # a literal $PATH, as container runtimes print it
classify_exec_error() {
  if grep -Eqi 'forbidden' "$1"; then
    echo forbidden
  elif grep -Eqi 'executable file not found|not found in \$PATH|exit code 12[67]|command not found|applet not found|can.t execute' "$1"; then
    echo binary
  elif grep -Eqi 'no such file or directory' "$1"; then
    echo file
  elif grep -Eqi 'could not find the requested resource|unable to upgrade|upgrade request required|NotFound' "$1"; then
    echo unsupported
  else
    echo other
  fi
}

# exec_on_node TARGETS OUT CMD...: run CMD on the first target that has it.
# Returns 0 on success, 1 if no target could, 2 if exec is forbidden. On failure
# EXEC_FAIL_KIND is the worst kind seen (other > unsupported > file > binary, see
# classify_exec_error) and EXEC_FAIL_MSG says why, target by target.
EXEC_LAST_TARGET=""
EXEC_FAIL_KIND=""
EXEC_FAIL_MSG=""
exec_on_node() {
  local targets=$1 out=$2 t="$WORK/tmp" ns pod c image mode key kind reasons="" other="" worst=binary
  shift 2
  [ "$EXEC_FORBIDDEN" = 0 ] || return 2
  while IFS='|' read -r ns pod c image mode; do
    [ -n "$pod" ] || continue
    [ "$INTERRUPTED" = 0 ] || break
    # Binaries are a property of the image; through chroot, of each node.
    key="$image>$mode>$1|"
    [ "$mode" != chroot ] || key="$pod>$mode>$1|"
    case $MISSING_BINARIES in *"|$key"*)
      reasons="$reasons; $ns/$pod: $1 not in its image"
      continue ;;
    esac
    if [ "$mode" = chroot ]; then set -- chroot /host "$@"; fi
    if kc_to "$out" "$t/exec.err" exec -n "$ns" "$pod" -c "$c" -- "$@"; then
      EXEC_LAST_TARGET="$ns/$pod ($c, $mode)"
      return 0
    fi
    if [ "$mode" = chroot ]; then shift 2; fi
    kind=$(classify_exec_error "$t/exec.err")
    case "$worst>$kind" in
      binary\>file | binary\>unsupported | file\>unsupported | *\>other) worst=$kind ;;
    esac
    case $kind in
      forbidden)
        EXEC_FORBIDDEN=1
        record_error "nodes" "pods/exec is forbidden, no node data collected: $(error_message "$t/exec.err")"
        return 2 ;;
      binary)
        # A property of the image: no need to try it again in this image.
        MISSING_BINARIES="$MISSING_BINARIES$key"
        if [ "$mode" = chroot ]; then reasons="$reasons; $ns/$pod: $1 not on the node"; else reasons="$reasons; $ns/$pod: $1 not in its image"; fi ;;
      file | unsupported)
        reasons="$reasons; $ns/$pod: $(error_message "$t/exec.err")" ;;
      *)
        other="$ns/$pod: $(error_message "$t/exec.err")"
        reasons="$reasons; $other" ;;
    esac
  done <<EOF
$targets
EOF
  rm -f "$out"
  EXEC_FAIL_KIND=$worst
  EXEC_FAIL_MSG=${reasons#; }
  [ -z "$other" ] || EXEC_FAIL_MSG=$other
  return 1
}

record_exec_failure() { # step
  if [ "$EXEC_FAIL_KIND" = other ]; then
    record_error "$1" "$EXEC_FAIL_MSG"
  else
    record_unavailable "$1" "${EXEC_FAIL_MSG:-no pod to run it in}"
  fi
}

collect_cni_files() { # node targets
  local node=$1 targets=$2 t="$WORK/tmp" tried ns pod c image mode dir target files f
  # Each target with the directory it may see the node's CNI configuration in.
  tried=$(printf '%s\n' "$targets" | awk -F'|' 'NF {
    if ($5 == "chroot") print $0 "|/etc/cni/net.d"
    else { print $0 "|/host/etc/cni/net.d"; print $0 "|/etc/cni/net.d" } }')
  while IFS='|' read -r ns pod c image mode dir; do
    [ -n "$pod" ] || continue
    target="$ns|$pod|$c|$image|$mode"
    exec_on_node "$target" "$t/cni.ls" ls -1 "$dir" || continue
    # Only network configs: the directory also holds credentials (Calico's
    # calico-kubeconfig carries a service-account token) that diagnosis never needs.
    files=$(grep -E '^[A-Za-z0-9._-]+\.(conf|conflist|json)$' "$t/cni.ls" | head -n 20)
    log "nodes/$node/cni: $dir in $ns/$pod holds: $(printf '%s' "$files" | tr '\n' ' ')"
    mkdir -p "$ROOT/nodes/$node/cni"
    for f in $files; do
      if exec_on_node "$target" "$t/cni.file" cat "$dir/$f"; then
        mask text "$t/counts" <"$t/cni.file" >"$ROOT/nodes/$node/cni/$f"
        add_mask_counts nodes "$t/counts"
      else
        # Sub-directories (e.g. multus.d) land here too.
        log "nodes/$node/cni/$f: not readable: $EXEC_FAIL_MSG"
      fi
    done
    return 0
  done <<EOF
$tried
EOF
  [ "$EXEC_FORBIDDEN" = 1 ] || record_unavailable "nodes/$node/cni" "no pod on this node could list /etc/cni/net.d"
}

# start_debug_pod NODE: create a `kubectl debug node/` pod and wait until it
# runs; sets DEBUG_TARGETS (the pod is a target twice: the node's binaries
# through chroot first, then the image's own).
DEBUG_TARGETS=""
start_debug_pod() {
  local node=$1 t="$WORK/tmp" pod phase i created
  DEBUG_TARGETS=""
  # The sysadmin profile (privileged: iptables-save, dmesg) needs kubectl 1.27+.
  kc_to "$t/debug.out" "$t/debug.err" debug "node/$node" -n "$DEBUG_NS" --image="$DEBUG_IMAGE" \
    --profile=sysadmin -- sleep "$DEBUG_POD_SECONDS"
  created=$?
  if [ "$created" != 0 ] && grep -q 'unknown flag: --profile' "$t/debug.err"; then
    log "kubectl debug has no --profile: the debug pod is not privileged, some commands may fail"
    kc_to "$t/debug.out" "$t/debug.err" debug "node/$node" -n "$DEBUG_NS" --image="$DEBUG_IMAGE" \
      -- sleep "$DEBUG_POD_SECONDS"
    created=$?
  fi
  pod=$(sed -n 's/^Creating debugging pod \([^ ]*\) with container.*/\1/p' "$t/debug.out" "$t/debug.err" | head -n 1)
  # Even a failed command may have created the pod: never leave one behind.
  [ -z "$pod" ] || DEBUG_PODS="$DEBUG_PODS $DEBUG_NS/$pod"
  if [ "$created" != 0 ]; then
    record_error "nodes/$node" "kubectl debug failed: $(error_message "$t/debug.err")"
    return 1
  fi
  if [ -z "$pod" ]; then
    record_error "nodes/$node" "kubectl debug did not say which pod it created"
    return 1
  fi
  log "created debug pod $DEBUG_NS/$pod on $node"
  phase=""
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
    [ "$INTERRUPTED" = 0 ] || return 1
    phase=$(kc get pod -n "$DEBUG_NS" "$pod" -o 'go-template={{.status.phase}}' 2>/dev/null) || phase=""
    case $phase in
      Running)
        DEBUG_TARGETS="$DEBUG_NS|$pod|debugger|$DEBUG_IMAGE|chroot
$DEBUG_NS|$pod|debugger|$DEBUG_IMAGE|pod"
        return 0 ;;
      Succeeded | Failed) break ;;
    esac
    log "debug pod $DEBUG_NS/$pod: phase ${phase:-unknown}, waiting (attempt $i)"
    sleep 2
  done
  record_error "nodes/$node" "debug pod $DEBUG_NS/$pod did not start running (phase ${phase:-unknown})"
  return 1
}

step_node() {
  local node=$1 t="$WORK/tmp" targets file cmd dir ok=0 tried=0 rc debug_pod=""
  begin_step "node: $node"
  dir="$ROOT/nodes/$node"
  DEBUG_TARGETS=""
  if [ "$NODE_MODE" = debug ]; then
    start_debug_pod "$node"
    debug_pod=$(printf '%s' "$DEBUG_PODS" | tr ' ' '\n' | tail -n 1)
  fi
  targets=$(printf '%s\n%s\n' "$DEBUG_TARGETS" "$(node_targets "$node")" | grep -v '^$')
  log "nodes/$node: exec targets: $(printf '%s' "$targets" | cut -d'|' -f1-3,5 | tr '\n' ' ')"
  if [ -z "$targets" ]; then
    record_unavailable "nodes/$node" "no kube-proxy or CNI agent pod with host networking runs on this node (see --node-debug)"
  else
    mkdir -p "$dir"
    while IFS='|' read -r file cmd; do
      [ "$INTERRUPTED" = 0 ] || break
      tried=$((tried + 1))
      # shellcheck disable=SC2086 # the command is a word list
      exec_on_node "$targets" "$t/node.out" $cmd
      rc=$?
      [ "$rc" != 2 ] || break
      if [ "$rc" = 0 ]; then
        ok=$((ok + 1))
        mask text "$t/counts" <"$t/node.out" >"$dir/$file"
        add_mask_counts nodes "$t/counts"
        log "nodes/$node/$file: from $EXEC_LAST_TARGET"
        case "$file|$EXEC_LAST_TARGET" in
          "resolv.conf|"*", pod)")
            # Not the node's /etc/resolv.conf: the one the kubelet gives to
            # host-network pods (its resolvConf), which CoreDNS forwards to.
            log "nodes/$node/resolv.conf: as seen in a host-network pod, i.e. the kubelet's resolvConf" ;;
        esac
      elif [ "$ok" = 0 ] && [ "$tried" = 1 ] && [ "$EXEC_FAIL_KIND" != binary ]; then
        # The very first command failed in every pod for a reason other than a
        # missing binary (exec not possible, node unreachable): stop here.
        if [ "$EXEC_FAIL_KIND" = other ]; then
          record_error "nodes/$node" "exec failed in every pod on this node, node data skipped: $EXEC_FAIL_MSG"
        else
          record_unavailable "nodes/$node" "kubectl exec is not possible here, node data skipped: $EXEC_FAIL_MSG"
        fi
        break
      else
        record_exec_failure "nodes/$node/$file"
      fi
    done <<EOF
$NODE_COMMANDS
EOF
    [ "$EXEC_FORBIDDEN" = 1 ] || [ "$INTERRUPTED" = 1 ] || [ "$ok" = 0 ] || collect_cni_files "$node" "$targets"
    rmdir "$dir" 2>/dev/null || true
  fi
  [ -z "$debug_pod" ] || delete_debug_pod "$debug_pod"
  end_step
}

run_steps() {
  local step kind a b c
  for step in "${STEPS[@]}"; do
    if [ "$INTERRUPTED" = 1 ]; then
      record_error "collector" "interrupted by the user after step $STEP_NO of $STEP_TOTAL"
      break
    fi
    IFS='|' read -r kind a b c <<EOF
$step
EOF
    case $kind in
      resource) step_resource "$a" "$b" "$c" ;;
      configmaps) step_configmaps ;;
      secrets) step_secrets ;;
      logs) step_logs "$a" "$b" ;;
      node)
        if [ "$EXEC_FORBIDDEN" = 1 ]; then
          begin_step "node: $a (skipped: pods/exec forbidden)"
          end_step
        else
          step_node "$a"
        fi ;;
    esac
  done
}

# ---------------------------------------------------------------------------
# manifest.json and the tarball
# ---------------------------------------------------------------------------
json_str() {
  local s
  s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

# A JSON array of {"step": ..., "<field>": ...} from a step<TAB>text file.
json_step_list() { # file field indent
  local file=$1 field=$2 pad=$3 step text sep=""
  if [ ! -s "$file" ]; then printf '[]'; return; fi
  printf '['
  while IFS=$'\t' read -r step text; do
    printf '%s\n%s  { "step": %s, "%s": %s }' "$sep" "$pad" "$(json_str "$step")" "$field" "$(json_str "$text")"
    sep=","
  done <"$file"
  printf '\n%s]' "$pad"
}

# A JSON array of strings, one per line of a file.
json_line_list() { # file indent
  local file=$1 pad=$2 line sep=""
  if [ ! -s "$file" ]; then printf '[]'; return; fi
  printf '['
  while IFS= read -r line; do
    printf '%s\n%s  %s' "$sep" "$pad" "$(json_str "$line")"
    sep=","
  done <"$file"
  printf '\n%s]' "$pad"
}

masked_total() { # kind what
  awk -v k="$1" -v w="$2" '$1 == k && $2 == w { n += $3 } END { print n + 0 }' "$WORK/masked.txt"
}

write_manifest() {
  local ns sep="" scope errors unavailable complete=true env la pat_r pat_l pat_n
  if [ -z "$SCOPE_NS" ]; then
    scope='"all"'
  else
    scope="["
    for ns in $SCOPE_NS; do scope="$scope$sep$(json_str "$ns")"; sep=", "; done
    scope="$scope]"
  fi
  errors=$(wc -l <"$WORK/errors.tsv" | tr -d ' ')
  unavailable=$(wc -l <"$WORK/unavailable.tsv" | tr -d ' ')
  [ "$errors" = 0 ] && [ "$INTERRUPTED" = 0 ] || complete=false
  env=$(masked_total resources env)
  la=$(masked_total resources last-applied)
  pat_r=$(masked_total resources patterns)
  pat_l=$(masked_total logs patterns)
  pat_n=$(masked_total nodes patterns)
  {
    printf '{\n'
    printf '  "format": %s,\n' "$(json_str "$SNAPSHOT_FORMAT")"
    printf '  "collectedAt": %s,\n' "$(json_str "$COLLECTED_AT")"
    printf '  "collector": { "name": %s, "version": %s },\n' "$(json_str "$COLLECTOR_NAME")" "$(json_str "$COLLECTOR_VERSION")"
    printf '  "cluster": { "context": %s, "serverVersion": %s },\n' "$(json_str "$CONTEXT_NAME")" "$(json_str "$SERVER_VERSION")"
    printf '  "scope": { "namespaces": %s, "nodeData": %s, "logsSince": %s, "logBytesPerContainer": %s },\n' \
      "$scope" "$(json_str "$NODE_MODE")" "$(json_str "$SINCE")" "$LOG_BYTES"
    printf '  "apis": {\n'
    printf '    "checked": %s,\n' "$(json_line_list "$WORK/apis-checked.txt" "    ")"
    printf '    "served": %s\n' "$(json_line_list "$WORK/apis-served.txt" "    ")"
    printf '  },\n'
    printf '  "redactions": [\n'
    printf '    "secret data never collected: secrets.tsv holds namespace, name and type only",\n'
    printf '    "config maps limited to network configuration",\n'
    printf '    %s,\n' "$(json_str "env values masked except HTTP_PROXY, HTTPS_PROXY, NO_PROXY (and lower-case): $env values")"
    printf '    %s,\n' "$(json_str "kubectl.kubernetes.io/last-applied-configuration annotations removed: $la")"
    printf '    %s\n' "$(json_str "passwords, tokens, bearer tokens, URL credentials and private keys masked by pattern: $pat_r in resources, $pat_l in logs, $pat_n in node files")"
    printf '  ],\n'
    printf '  "completeness": { "complete": %s, "interrupted": %s, "steps": %s, "stepsWithErrors": %s, "errors": %s, "unavailable": %s },\n' \
      "$complete" "$([ "$INTERRUPTED" = 1 ] && echo true || echo false)" "$STEP_TOTAL" "$STEPS_WITH_ERRORS" "$errors" "$unavailable"
    printf '  "errors": %s,\n' "$(json_step_list "$WORK/errors.tsv" message "  ")"
    printf '  "unavailable": %s\n' "$(json_step_list "$WORK/unavailable.tsv" reason "  ")"
    printf '}\n'
  } >"$ROOT/manifest.json"
}

human_size() {
  awk -v b="$1" 'BEGIN {
    if (b >= 1048576) printf "%.1f MiB", b / 1048576
    else if (b >= 1024) printf "%.1f KiB", b / 1024
    else printf "%d B", b }'
}

finalize() {
  local files errors unavailable size data_files
  data_files=$(find "$ROOT/resources" "$ROOT/logs" "$ROOT/nodes" -type f | wc -l | tr -d ' ')
  log "done: $data_files data files"
  # The log quotes kubectl's stderr: mask it like any other text file.
  mask text "" <"$COLLECTOR_LOG" >"$WORK/collector.log" && mv "$WORK/collector.log" "$COLLECTOR_LOG"
  write_manifest
  files=$(find "$ROOT" -type f | wc -l | tr -d ' ')
  if ! tar -czf "$OUTPUT.partial" -C "$WORK" "$SNAPNAME" 2>"$WORK/tar.err" || ! mv -f "$OUTPUT.partial" "$OUTPUT"; then
    rm -f "$OUTPUT.partial"
    die "cannot write $OUTPUT: $(tail -n 1 "$WORK/tar.err")"
  fi
  errors=$(wc -l <"$WORK/errors.tsv" | tr -d ' ')
  unavailable=$(wc -l <"$WORK/unavailable.tsv" | tr -d ' ')
  size=$(wc -c <"$OUTPUT" | tr -d ' ')
  printf '%s: wrote %s (%s, %s files, %s errors, %s unavailable)\n' \
    "$PROG" "$OUTPUT" "$(human_size "$size")" "$files" "$errors" "$unavailable" >&2
  if [ "$errors" -gt 0 ]; then
    printf '%s: the snapshot is incomplete; see "errors" in manifest.json and collector.log\n' "$PROG" >&2
    awk -F'\t' 'NR <= 5 { printf "  %s: %s\n", $1, $2 } NR == 6 { print "  ..." }' "$WORK/errors.tsv" >&2
  fi
  # Ctrl-C: the partial snapshot is written, but the run did not finish.
  [ "$INTERRUPTED" = 0 ] || exit 130
  if [ "$data_files" = 0 ]; then
    printf '%s: nothing could be collected (every request failed); check your access to the cluster\n' "$PROG" >&2
    exit 1
  fi
}

main() {
  parse_args "$@"
  check_tools
  trap cleanup EXIT
  trap on_interrupt INT TERM
  setup_workdir
  preflight
  discover_apis
  discover_components
  discover_scope
  discover_nodes
  plan_steps
  run_steps
  finalize
}

main "$@"
