#!/usr/bin/env bash
# A real single-node Slurm (munge + slurmctld + slurmd from Debian) in a private directory, for tests and for trying
# scripts/slurm/submit.sh without a cluster. Every daemon is stopped by the PID this script recorded.
#   scripts/slurm/local_cluster.sh start DIR   # prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm/local_cluster.sh stop DIR
# Needs root (slurmd runs jobs as their user; munged runs as user munge).
set -euo pipefail
cmd=${1:?usage: local_cluster.sh start|stop DIR}
dir=${2:?usage: local_cluster.sh start|stop DIR}

stop() {
  for name in slurmd slurmctld munged; do
    pidfile="$dir/pid/$name.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "local_cluster.sh: unknown command '$cmd' (start|stop)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "local_cluster.sh: needs root" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "local_cluster: installing slurm-wlm munge" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge >&2
fi

mkdir -p "$dir"/{state,spool,log,pid,munge}
dir=$(cd "$dir" && pwd)
chmod 755 "$dir"
export SLURM_CONF=$dir/slurm.conf
trap 'stop' ERR

# munged with a private socket and pid file, so a munged that someone else runs is never touched.
chown munge:munge "$dir/munge"
[ -f /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || /usr/sbin/mungekey --create; }
runuser -u munge -- /usr/sbin/munged --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
for _ in $(seq 50); do [ -s "$dir/munge/munged.pid" ] && break; sleep 0.1; done
cp "$dir/munge/munged.pid" "$dir/pid/munged.pid"

host=$(hostname -s)
read -r cpus mem < <(slurmd -C | awk '/NodeName/{for(i=1;i<=NF;i++){split($i,a,"=");v[a[1]]=a[2]}; print v["CPUs"], v["RealMemory"]}')
cat > "$SLURM_CONF" <<CONF
ClusterName=edgesplit-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/pid/slurmctld.pid
SlurmdPidFile=$dir/pid/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$((mem * 9 / 10)) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

# -D keeps them in the foreground of our background job, so the PID we record is the daemon's own.
setsid slurmctld -D -c >"$dir/log/ctld.out" 2>&1 &
echo $! > "$dir/pid/slurmctld.pid"
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.1; done
setsid slurmd -D >"$dir/log/slurmd.out" 2>&1 &
echo $! > "$dir/pid/slurmd.pid"
for _ in $(seq 200); do sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed' && break; sleep 0.1; done
sinfo -h -o %T | grep -qE 'idle|mixed' || { echo "local_cluster: node never became idle; see $dir/log" >&2; stop; exit 1; }
echo "export SLURM_CONF=$SLURM_CONF"
