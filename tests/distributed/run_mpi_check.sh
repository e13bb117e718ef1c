#!/bin/sh
# Runs a distributed check and judges its exit status and output:
#   run_mpi_check.sh collectives|abort|exception <mpi_collectives_check>
#   run_mpi_check.sh local-abort <distributed_local_abort_check>
#   run_mpi_check.sh world-mismatch <mpi_collectives_check>  (one process that
#     Slurm's variables call rank 0 of 2: srun without PMIx; must end naming them)
# The MPI modes run two ranks under `mpirun -np 2 --oversubscribe` and exit
# 77 (skipped) when mpirun is absent. Every run is bounded by `timeout`, so a
# hang fails the test (status 124) instead of stalling the suite.
mode=$1
program=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

fail() { echo "FAIL ($mode): $*"; echo "--- output ---"; cat "$out"; exit 1; }

if [ "$mode" = local-abort ]; then
  timeout 30 "$program" >"$out" 2>&1
  status=$?
  [ $status -eq 1 ] || fail "exit status $status, want 1"
  grep -q "grain: rank 0 of 1 aborts: deliberate abort of the local abort test" "$out" || fail "message missing"
  echo "local abort: status 1 with the message"
  exit 0
fi

if [ "$mode" = world-mismatch ]; then
  SLURM_PROCID=0 SLURM_NTASKS=2 SLURM_LOCALID=0 timeout 60 "$program" collectives >"$out" 2>&1
  status=$?
  [ $status -ne 0 ] && [ $status -ne 124 ] || fail "exit status $status, want an abort"
  grep -q "MPI sees rank 0 of 1 but SLURM_PROCID=0, SLURM_NTASKS=2" "$out" || fail "message missing"
  echo "world mismatch: status $status naming the Slurm variables"
  exit 0
fi

if ! command -v mpirun >/dev/null 2>&1; then
  echo "mpirun not found: skipped (install openmpi-bin, tools/install_deps.sh)"
  exit 77
fi
run() { timeout "$1" mpirun -np 2 --oversubscribe "$program" "$mode" >"$out" 2>&1; }

case "$mode" in
  collectives)
    run 120
    status=$?
    [ $status -eq 0 ] || fail "exit status $status, want 0"
    [ "$(grep -c 'checks passed' "$out")" -eq 2 ] || fail "both ranks must report their checks"
    grep 'checks passed' "$out"
    ;;
  abort|exception)
    # A job whose rank aborts must end on its own well within the bound.
    start=$(date +%s)
    run 60
    status=$?
    seconds=$(( $(date +%s) - start ))
    [ $status -ne 124 ] && [ $status -ne 137 ] || fail "the job hung (killed by timeout after ${seconds}s)"
    [ $status -ne 0 ] || fail "the job exited 0 after a rank aborted"
    if [ "$mode" = abort ]; then want="grain: rank 1 of 2 aborts: deliberate abort of the abort test"
    else want="grain: rank 1 of 2 aborts: an exception propagated past the communicator"; fi
    grep -q "$want" "$out" || fail "stderr lacks '$want'"
    echo "$mode: the job ended with status $status in ${seconds}s, naming rank 1"
    ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
