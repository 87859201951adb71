#!/bin/bash
# Tears down the cluster that cluster/slurm/up.sh STATE started: cancels its jobs, stops
# slurmd, slurmctld and munged (by the pid files under STATE, so nothing else is touched),
# and removes STATE. Safe to run on a half-started or already removed cluster.
#
#   cluster/slurm/down.sh STATE
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: cluster/slurm/down.sh STATE_DIR" >&2; exit 1; }
state=$1
[ -d "$state" ] || exit 0
state=$(cd "$state" && pwd)
if [ -f "$state/slurm.conf" ] && [ -f "$state/slurmctld.pid" ]; then
  export SLURM_CONF="$state/slurm.conf"
  jobs=$(timeout 10 squeue -h -o %A 2>/dev/null | sort -u)
  # shellcheck disable=SC2086
  [ -n "$jobs" ] && timeout 10 scancel $jobs 2>/dev/null
  for _ in $(seq 30); do # up to ~15 s for the cancelled jobs to end
    [ -z "$(timeout 5 squeue -h -t running,completing -o %i 2>/dev/null)" ] && break
    sleep 0.5
  done
fi

stop() { # pid-file: TERM, wait up to 10 s, then KILL
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null) || return 0
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
stop "$state/slurmd.pid"
stop "$state/slurmctld.pid"
stop "$state/munge/munged.pid"
# A slurmstepd that outlived its slurmd (a job that ignored the cancel) belongs to this
# cluster when it holds a file under STATE open (its slurmd log): kill those by id.
for dir in /proc/[0-9]*; do
  [ "$(cat "$dir/comm" 2>/dev/null)" = "slurmstepd" ] || continue
  if ls -l "$dir/fd" 2>/dev/null | grep -qF -- "$state/"; then kill -KILL "${dir#/proc/}" 2>/dev/null || true; fi
done
rm -rf "$state"
