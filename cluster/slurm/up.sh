#!/bin/bash
# Brings up a single-node Slurm cluster on localhost (munged + slurmctld + slurmd, all
# bound to 127.0.0.1) with every file under STATE, and waits until the node is idle.
#
#   cluster/slurm/up.sh STATE        # STATE: an empty or missing folder, e.g. /tmp/amcl-slurm
#   export SLURM_CONF=STATE/slurm.conf   # then sbatch/squeue/sinfo talk to this cluster
#   cluster/slurm/down.sh STATE      # stops the daemons and removes STATE
#
# Needs the Debian packages slurmctld slurmd slurm-client munge, and root (the daemons run
# as root: SlurmUser=root; acceptable in a throw-away container, not on a shared host).
# Environment: AMCL_SLURM_CTLD_PORT (default 6817), AMCL_SLURM_SLURMD_PORT (6818),
# AMCL_SLURM_WAIT_S (60): how long to wait for the node to become idle.
set -euo pipefail

die() { echo "cluster/slurm/up.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: cluster/slurm/up.sh STATE_DIR"
[ "$(id -u)" -eq 0 ] || die "run as root (the test cluster's daemons run as root)"
for bin in munged mungekey slurmctld slurmd sinfo scontrol; do
  command -v "$bin" >/dev/null || die "$bin not found; install: apt-get install slurmctld slurmd slurm-client munge"
done

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
state=$(cd "$1" && pwd)
[ -z "$(ls -A "$state")" ] || die "$state is not empty; run cluster/slurm/down.sh $state first"
ctld_port=${AMCL_SLURM_CTLD_PORT:-6817}
slurmd_port=${AMCL_SLURM_SLURMD_PORT:-6818}
wait_s=${AMCL_SLURM_WAIT_S:-60}
listening() { # port: is a TCP socket listening on it (any address)?
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p' | grep -q .
}
for port in "$ctld_port" "$slurmd_port"; do
  if listening "$port"; then
    die "port $port is already in use (another Slurm?); set AMCL_SLURM_CTLD_PORT/AMCL_SLURM_SLURMD_PORT"
  fi
done

# From here on a failure stops whatever was started, after showing the logs.
on_exit() {
  local rc=$?
  [ $rc -eq 0 ] && return
  tail -n 20 "$state"/log/*.log >&2 2>/dev/null || true
  "$here/down.sh" "$state"
  exit $rc
}
trap on_exit EXIT

chmod 0755 "$state"
mkdir -m 0755 -p "$state/munge" && mkdir -m 0700 -p "$state/ctld" "$state/slurmd" "$state/log"

# Munge: a fresh key for this cluster only, a private socket under STATE.
mungekey --create --keyfile="$state/munge/munge.key" --force
chmod 0400 "$state/munge/munge.key"
munged --force --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket.2" \
  --pid-file="$state/munge/munged.pid" --log-file="$state/log/munged.log" \
  --seed-file="$state/munge/munged.seed"

# The node's CPUs and memory as slurmd itself sees them.
hw=$(slurmd -C | head -1)
cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
[ -n "$cpus" ] && [ -n "$mem" ] || die "could not read CPUs/RealMemory from 'slurmd -C': $hw"

fill() {
  sed -e "s|@STATE@|$state|g" -e "s|@CTLD_PORT@|$ctld_port|g" -e "s|@SLURMD_PORT@|$slurmd_port|g" \
    -e "s|@CPUS@|$cpus|g" -e "s|@MEMORY_MB@|$mem|g" "$1"
}
fill "$here/slurm.conf.in" >"$state/slurm.conf"
fill "$here/cgroup.conf.in" >"$state/cgroup.conf"
export SLURM_CONF="$state/slurm.conf"

slurmctld -c -f "$SLURM_CONF"
slurmd -N localhost -f "$SLURM_CONF"

deadline=$((SECONDS + wait_s))
until [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = "idle" ]; do
  if [ $SECONDS -ge $deadline ]; then
    die "the node did not become idle within ${wait_s}s; logs follow, then the cluster is torn down"
  fi
  sleep 1
done
trap - EXIT
echo "slurm up: SLURM_CONF=$SLURM_CONF ($cpus CPUs, $mem MB, ports $ctld_port/$slurmd_port on 127.0.0.1)"
