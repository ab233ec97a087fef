#!/usr/bin/env bash
# analysis/slurm/submit.sh - submit a placesim study to Slurm: a job array of
# N shards, and the merge that runs when every shard has ended well
# (afterok).  Prints the two job ids.
#
#   analysis/slurm/submit.sh [--wait] [--cpus C] [--merge 'OPTIONS'] N DIR \
#       COMMAND SCENARIO [OPTIONS]
#
#   N         shards of the plan (the array is 0 to N-1)
#   DIR       the study's folder: shard files, then the merge reads them
#   COMMAND   run, compare, risk or sweep (placesim's own, with its OPTIONS)
#   --cpus C  CPUs per shard (sbatch --cpus-per-task; threads follow it)
#   --merge   options for placesim merge, e.g. '-o results/study.h5 -f'
#   --wait    return when the merge has ended, with its exit status
#
# Any further sbatch settings (partition, time, account) come from the
# environment Slurm reads (SBATCH_PARTITION, SBATCH_TIMELIMIT, ...).  The
# program is $PLACESIM (a command, e.g. 'apptainer run /path/placesim.sif'),
# else a copy of the repository's build/placesim made in DIR now, so that a
# rebuild during the study cannot give its shards and merge different
# programs.  If a shard fails, the merge never starts: once the array has
# ended, `placesim status DIR` lists what is missing as an --array list to
# submit again with shard.sbatch, and the merge is submitted again after it
# (sbatch --dependency=afterok:JOB merge.sbatch DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wait=() cpus=1 merge=""
while [ $# -gt 0 ]; do
    case $1 in
    --wait) wait=(--wait); shift ;;
    --cpus) cpus=$2; shift 2 ;;
    --merge) merge=$2; shift 2 ;;
    *) break ;;
    esac
done
if [ $# -lt 4 ]; then
    sed -n '2,24s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
n=$1 dir=$2
shift 2
case $n in ''|*[!0-9]*) echo "submit.sh: N wants a whole number, got '$n'" >&2; exit 2 ;; esac
[ "$n" -ge 1 ] || { echo "submit.sh: N wants at least 1" >&2; exit 2; }
mkdir -p "$dir"
# the program every task runs: given, or this build's, copied into the study
if [ -z "${PLACESIM:-}" ]; then
    cp "$(cd "$here/../.." && pwd)/build/placesim" "$dir/.placesim"
    PLACESIM=$(cd "$dir" && pwd)/.placesim
fi
export PLACESIM
array=$(sbatch --parsable --array=0-$((n - 1)) --cpus-per-task="$cpus" \
        "$here/shard.sbatch" "$n" "$dir" "$@")
array=${array%%;*}
echo "submit.sh: shards: job array $array (0-$((n - 1)))"
# shellcheck disable=SC2086  # merge options are words
merge_id=$(sbatch --parsable "${wait[@]}" --dependency=afterok:"$array" \
           --kill-on-invalid-dep=yes "$here/merge.sbatch" "$dir" $merge) || rc=$?
echo "submit.sh: merge: job ${merge_id%%;*} after the array ends well"
exit "${rc:-0}"
