#!/bin/sh
# The original restart script's method, in POSIX sh for an image without pgrep or ps
# (bench only; never shipped). Usage: sh original-restart.sh LOGFILE ODOO-ARGS...
#   1. find the Odoo server by scanning /proc/*/cmdline (what `pgrep -f` did),
#      refusing when there are several;
#   2. send it SIGTERM and poll `kill -0` every second, 30 s at most;
#   3. relaunch Odoo detached (setsid + nohup) with the new args, output to LOGFILE.
log=$1
shift
found=
count=0
for dir in /proc/[0-9]*; do
  pid=${dir#/proc/}
  [ "$pid" = "$$" ] && continue
  cmd=$(tr '\000' ' ' <"$dir/cmdline" 2>/dev/null) || continue
  if printf '%s\n' "$cmd" | grep -q '^[^ ]*python3 [^ ]*/odoo \(-\|$\)'; then
    found=$pid
    count=$((count + 1))
  fi
done
if [ "$count" -gt 1 ]; then
  echo "$count Odoo processes found; refusing" >&2
  exit 1
fi
if [ "$count" -eq 1 ]; then
  kill -TERM "$found" || exit 1
  waited=0
  while kill -0 "$found" 2>/dev/null; do
    if [ "$waited" -ge 30 ]; then
      echo "Odoo (PID $found) did not stop within 30 s" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "stopped $found after $waited s of polling"
fi
setsid nohup odoo "$@" >>"$log" 2>&1 </dev/null &
echo "relaunched $!"
