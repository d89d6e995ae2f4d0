#!/usr/bin/env bash
# Run a command and print how long it took: `bash scripts/timed.sh LABEL CMD...`.
# `make test` times each of its parts with it, so a slow part shows in CI's log.
label=$1
shift
start=$(date +%s)
"$@"
status=$?
echo "[time] ${label}: $(( $(date +%s) - start )) s (exit ${status})"
exit $status
