#!/usr/bin/env bash
# Records a CPU profile on this machine and uploads it where the FlameScope sidecar reads profiles.
#
#   sudo scripts/capture.sh --bucket s3://perf-profiles/prod/                  # 60 s of the whole machine
#   sudo scripts/capture.sh --bucket s3://profiles/ --endpoint-url http://minio:9000 --duration 30
#   sudo scripts/capture.sh --output-dir /var/lib/profiles                     # for `flamescope serve --storage file://…`
#   sudo scripts/capture.sh --bucket s3://perf-profiles/prod/ --loop           # back to back, until stopped
#
# What it runs: perf record -F 49 -a -g -k CLOCK_REALTIME (samples stamped with the wall clock, so the sidecar places
# them exactly), then perf script --header on this machine (so JIT symbol maps in /tmp/perf-<pid>.map are read),
# gzip, and an upload as <host>/<UTC instant of the start>Z.perf.gz (the key also places the profile, to the second)
# with the metadata flamescope-start=<that instant>. Uploads use the AWS CLI (`aws s3 cp`) or MinIO's `mc`, whichever
# is installed, with the usual AWS credentials (environment, profile, instance role).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: capture.sh (--bucket s3://BUCKET/PREFIX/ | --output-dir DIR) [options]

  --bucket URL          upload to s3://bucket/prefix/ (the sidecar's --storage)
  --output-dir DIR      write <host>/<instant>.perf.gz under DIR instead of uploading
  --endpoint-url URL    S3 endpoint (MinIO, Ceph, R2…); default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / AWS
  --host NAME           the key's first folder (default: hostname -s)
  --duration SECONDS    how long to record (default 60)
  --frequency HZ        sampling frequency (default 49: off the beat of 50/100 Hz timers)
  --pid PID             only this process (perf record -p PID) instead of every CPU (-a)
  --before-script CMD   run CMD after recording and before perf script (e.g. jmaps, to write Java symbol maps)
  --loop                capture again and again until stopped (uploads run while the next capture records)
  --keep DIR            also keep a copy of each .perf.gz in DIR
  --dry-run             print what would run, record nothing
  -h, --help            this text

Environment: PERF (perf binary, default perf), AWS_* for the upload, MC_ALIAS (use `mc` with this alias instead of
the AWS CLI: the bucket URL's s3:// becomes the alias).
USAGE
}

bucket=''
output_dir=''
endpoint="${AWS_ENDPOINT_URL_S3:-${AWS_ENDPOINT_URL:-}}"
host=''
duration=60
frequency=49
pid=''
before_script=''
loop=0
keep=''
dry_run=0
perf="${PERF:-perf}"

die() {
  echo "capture.sh: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --bucket) bucket="${2:?--bucket needs a value}"; shift 2 ;;
    --output-dir) output_dir="${2:?--output-dir needs a value}"; shift 2 ;;
    --endpoint-url) endpoint="${2:?--endpoint-url needs a value}"; shift 2 ;;
    --host) host="${2:?--host needs a value}"; shift 2 ;;
    --duration) duration="${2:?--duration needs a value}"; shift 2 ;;
    --frequency) frequency="${2:?--frequency needs a value}"; shift 2 ;;
    --pid) pid="${2:?--pid needs a value}"; shift 2 ;;
    --before-script) before_script="${2:?--before-script needs a value}"; shift 2 ;;
    --loop) loop=1; shift ;;
    --keep) keep="${2:?--keep needs a value}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[ -n "$bucket" ] || [ -n "$output_dir" ] || { usage >&2; die "give --bucket or --output-dir"; }
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -gt 0 ] || die "--duration must be a whole number of seconds"
[[ "$frequency" =~ ^[0-9]+$ ]] && [ "$frequency" -gt 0 ] || die "--frequency must be a whole number of hertz"
[ -z "$pid" ] || [[ "$pid" =~ ^[0-9]+$ ]] || die "--pid must be a process id"
if [ -n "$bucket" ]; then
  [[ "$bucket" == s3://* ]] || die "--bucket must look like s3://bucket/prefix/"
  bucket="${bucket%/}/"
fi
if [ -z "$host" ]; then
  host="$(hostname -s 2>/dev/null || hostname)"
fi
# The host becomes a folder of the key: keep it to one safe path segment.
host="$(printf '%s' "$host" | tr -c 'A-Za-z0-9._-' '_')"

uploader=''
if [ -n "$bucket" ] && [ "$dry_run" -eq 0 ]; then
  if [ -n "${MC_ALIAS:-}" ] && command -v mc >/dev/null 2>&1; then
    uploader=mc
  elif command -v aws >/dev/null 2>&1; then
    uploader=aws
  elif command -v mc >/dev/null 2>&1; then
    die "the AWS CLI is not installed: set MC_ALIAS to upload with mc"
  else
    die "neither the AWS CLI (aws) nor MinIO's mc is installed"
  fi
fi
if [ "$dry_run" -eq 0 ]; then
  command -v "$perf" >/dev/null 2>&1 || die "perf is not installed (Debian/Ubuntu: linux-perf or linux-tools-\$(uname -r))"
  if [ "$(id -u)" -ne 0 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)" -gt -1 ]; then
    echo "capture.sh: not root and kernel.perf_event_paranoid > -1: system-wide recording may be refused" >&2
  fi
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/flamescope-capture.XXXXXX")"
trap 'rm -rf "$workdir"' EXIT

run() {
  if [ "$dry_run" -eq 1 ]; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# Sends one finished profile where it belongs. $1 = local .perf.gz, $2 = key (<host>/<instant>.perf.gz), $3 = instant.
deliver() {
  local file="$1" key="$2" start="$3"
  if [ -n "$keep" ]; then
    run mkdir -p "$keep"
    run cp "$file" "$keep/${key//\//_}"
  fi
  if [ -n "$output_dir" ]; then
    run mkdir -p "$output_dir/$host"
    run mv "$file" "$output_dir/$key"
  elif [ "$uploader" = mc ] || { [ "$dry_run" -eq 1 ] && [ -n "${MC_ALIAS:-}" ]; }; then
    run mc cp --attr "flamescope-start=$start" "$file" "${MC_ALIAS}/${bucket#s3://}$key"
  else
    local args=(s3 cp --only-show-errors --metadata "flamescope-start=$start" --content-type application/gzip)
    if [ -n "$endpoint" ]; then
      args+=(--endpoint-url "$endpoint")
    fi
    run aws "${args[@]}" "$file" "$bucket$key"
  fi
  echo "capture.sh: ${output_dir:-$bucket}${output_dir:+/}$key" >&2
}

# Records one profile into $workdir; sets start (the instant) and data (perf.data's path).
record_once() {
  # The instant of the start, to the second, in UTC: the sidecar reads it from the key.
  start="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  data="$workdir/${start//:/-}.data"
  local target=(-a)
  if [ -n "$pid" ]; then
    target=(-p "$pid")
  fi
  run "$perf" record -F "$frequency" "${target[@]}" -g -k CLOCK_REALTIME -o "$data" -- sleep "$duration"
}

# perf script --header (with symbol maps), gzip, deliver. $1 = perf.data, $2 = the instant of the start.
convert_and_deliver() {
  local data="$1" start="$2"
  local script="${data%.data}.perf"
  if [ -n "$before_script" ]; then
    run sh -c "$before_script" || echo "capture.sh: --before-script failed; continuing" >&2
  fi
  if [ "$dry_run" -eq 1 ]; then
    run "$perf" script --header -i "$data"
    run gzip -6 "$script"
  else
    "$perf" script --header -i "$data" > "$script"
    rm -f "$data"
    gzip -6 "$script"
  fi
  deliver "$script.gz" "$host/$start.perf.gz" "$start"
  rm -f "$script.gz"
}

stopping=0
trap 'stopping=1' INT TERM
previous=''
while :; do
  record_once
  # One conversion at a time: the previous one finishes while this capture records, then this one starts.
  if [ -n "$previous" ]; then
    wait "$previous" || echo "capture.sh: converting or uploading the previous profile failed" >&2
  fi
  convert_and_deliver "$data" "$start" &
  previous=$!
  if [ "$loop" -eq 0 ] || [ "$stopping" -eq 1 ] || [ "$dry_run" -eq 1 ]; then
    break
  fi
done
wait "$previous"
