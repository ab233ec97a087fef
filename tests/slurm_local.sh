#!/usr/bin/env bash
# tests/slurm_local.sh up|down: start or stop a real one-node Slurm cluster on this
# Debian 12 machine, as root and without systemd (CI runs in a container whose PID 1
# is not systemd), so that tests can sbatch/srun/sinfo against a true slurmctld.
#   up    installs slurm-wlm and munge when missing, makes a munge key when there is
#         none, writes slurm.conf for ONE node (hostname -s, nproc CPUs, MemTotal),
#         starts munged, slurmctld and slurmd in the background and waits (at most
#         SLURM_LOCAL_TIMEOUT, 60 s) until sinfo shows the node idle and srun -N1 true
#         works. When all is already up it just says so.
#   down  cancels all jobs, stops the three daemons by their pid files and waits until
#         they are gone. Safe when nothing runs. Packages, key and config stay.
# Ours lives in SLURM_LOCAL_DIR (default: the folder the last up used, else
# /tmp/placesim-slurm): slurm.conf, pid files, logs, state, spool, munged's socket.
# - The config is written there and copied to /etc/slurm/slurm.conf, Slurm's built-in
#   default path, so sbatch/srun/sinfo in any other shell find it without SLURM_CONF.
#   The copy carries the marker line below; an /etc/slurm/slurm.conf without it is
#   somebody else's and is never overwritten (up fails instead).
# - munged runs on a private socket (named to Slurm by AuthInfo), so it neither clashes
#   with nor stops a system munged and makes no /run/munge. It runs as user munge:
#   munged refuses to run as root with a key owned by munge.
# - Each up starts from empty state: jobs and job ids do not survive a down.
# - No cgroups or systemd: proctrack/linuxproc, task/none, jobacct_gather/none, no
#   accounting, so no cgroup.conf; select/cons_tres + CR_CPU schedules CPUs only.
# - Addresses are pinned to 127.0.0.1 (the host name need not resolve);
#   ReturnToService=2 lets the node come up by itself; MailProg=/bin/true as there is
#   no mail. Daemons get stdio from/to files, so `up | tee log` does not hang.
set -euo pipefail

ETC_CONF=/etc/slurm/slurm.conf
MARK="# written by placesim tests/slurm_local.sh (safe to overwrite by it)"
recorded_dir() { grep -qxF "$MARK" "$ETC_CONF" 2>/dev/null || return 0
    sed -n 's/^# placesim-slurm dir: //p' "$ETC_CONF" | head -n 1; }
DIR=${SLURM_LOCAL_DIR:-$(recorded_dir)}
DIR=${DIR:-/tmp/placesim-slurm}
TIMEOUT=${SLURM_LOCAL_TIMEOUT:-60}
KEY=/etc/munge/munge.key
HOST=$(hostname -s)

say() { echo "slurm_local: $*"; }
die() { echo "slurm_local: error: $*" >&2; exit 1; }
pidfile() { if [ "$1" = munged ]; then echo "$DIR/munge/munged.pid"; else echo "$DIR/$1.pid"; fi; }
# the pid of daemon $1 if its pid file names a live process of that name (no pid reuse)
pidof_ours() { local f pid; f=$(pidfile "$1"); [ -s "$f" ] || return 1
    pid=$(cat "$f"); [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && echo "$pid"; }
logs() { local f; for f in "$DIR/munge/munged.log" "$DIR"/slurm*.log "$DIR"/*.out; do
    [ -s "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }; done >&2 || true; }

stop() {   # stop the daemons "$@" together, wait up to 15 s, then SIGKILL; count in n
    local d pid pids=() i
    for d; do pid=$(pidof_ours "$d") || continue
        say "stopping $d (pid $pid)"; kill "$pid" 2>/dev/null || true; pids+=("$pid"); done
    [ ${#pids[@]} -gt 0 ] || return 0
    n=$((n + ${#pids[@]}))
    for ((i = 0; i < 60; i++)); do kill -0 "${pids[@]}" 2>/dev/null || return 0; sleep 0.25; done
    say "killing pid(s) ${pids[*]}"; kill -9 "${pids[@]}" 2>/dev/null || true
}

down() {
    local i n=0
    if pidof_ours slurmctld >/dev/null; then   # end the jobs first, so no slurmstepd stays
        squeue -h -o %i 2>/dev/null | xargs -r scancel --quiet 2>/dev/null || true
        for ((i = 0; i < 40; i++)); do
            [ -z "$(squeue -h -t running,completing -o %i 2>/dev/null)" ] && break; sleep 0.25
        done
    fi
    stop slurmd; stop slurmctld munged   # slurmd first, else slurmctld marks the node down
    rm -f "$(pidfile slurmd)" "$(pidfile slurmctld)" "$(pidfile munged)"
    if [ $n -gt 0 ]; then say "down"; else say "nothing of ours was running"; fi
}

write_conf() {
    local mem; mem=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
    cat > "$DIR/slurm.conf" <<EOF
$MARK
# placesim-slurm dir: $DIR
ClusterName=placesim
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.sock
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$(pidfile slurmctld)
SlurmdPidFile=$(pidfile slurmd)
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
    if [ -e "$ETC_CONF" ] && ! grep -qxF "$MARK" "$ETC_CONF"; then
        die "$ETC_CONF exists and was not written by this script; not touching it"
    fi
    install -d -m 0755 /etc/slurm && install -m 0644 "$DIR/slurm.conf" "$ETC_CONF"
}

up() {
    local mc md ms left
    mc=$(pidof_ours munged || true); md=$(pidof_ours slurmctld || true); ms=$(pidof_ours slurmd || true)
    if [ -n "$mc" ] && [ -n "$md" ] && [ -n "$ms" ] && sinfo -h >/dev/null 2>&1; then
        say "already up: munged $mc, slurmctld $md, slurmd $ms; node $HOST is $(sinfo -h -n "$HOST" -o %T)"
        return 0
    fi
    if [ -n "$mc$md$ms" ]; then say "partly up; restarting"; down; fi
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        say "installing slurm-wlm and munge"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null
    fi
    if [ ! -s "$KEY" ]; then
        say "creating munge key $KEY"
        install -d -o munge -g munge -m 0700 /etc/munge
        mungekey --create --keyfile="$KEY" && chown munge:munge "$KEY" && chmod 0400 "$KEY"
    fi
    install -d -m 0755 "$DIR"
    rm -rf "$DIR/state" "$DIR/spool" "$DIR"/*.log "$DIR"/*.out "$DIR/munge/munged.log"
    install -d -m 0700 "$DIR/state" "$DIR/spool"
    install -d -o munge -g munge -m 0755 "$DIR/munge"   # munged wants it its own, world-x
    write_conf

    runuser -u munge -- munged --socket="$DIR/munge/munge.sock" --pid-file="$(pidfile munged)" \
        --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" \
        </dev/null >"$DIR/munged.out" 2>&1 || { logs; die "munged did not start"; }
    slurmctld </dev/null >"$DIR/slurmctld.out" 2>&1 || { logs; down; die "slurmctld did not start"; }
    slurmd </dev/null >"$DIR/slurmd.out" 2>&1 || { logs; down; die "slurmd did not start"; }

    local deadline=$((SECONDS + TIMEOUT))
    until [ "$(sinfo -h -n "$HOST" -o %T 2>/dev/null)" = idle ]; do
        if [ $SECONDS -ge $deadline ] || ! pidof_ours slurmctld >/dev/null || ! pidof_ours slurmd >/dev/null; then
            sinfo -N -l >&2 || true; logs; down
            die "node $HOST not idle after $TIMEOUT s, or a daemon died (logs above); stopped again"
        fi
        sleep 0.25
    done
    left=$((deadline - SECONDS)); [ $left -gt 5 ] || left=5
    timeout "$left" srun -N1 true </dev/null || { logs; down; die "srun -N1 true failed; stopped again"; }
    say "up: munged $(pidof_ours munged), slurmctld $(pidof_ours slurmctld), slurmd $(pidof_ours slurmd)"
    say "node $HOST idle with $(nproc) CPUs; config $ETC_CONF; state and logs in $DIR"
}

[ "$(id -u)" = 0 ] || die "must run as root"
case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: bash tests/slurm_local.sh up|down" >&2; exit 2 ;;
esac
