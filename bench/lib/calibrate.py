# The stand-in's own stop and boot times, measured inside the container with no Docker
# round trip (bench only). Usage: python3 calibrate.py PORT ODOO-ARGS...
# Prints one JSON object: bootMs (spawn to HTTP 200 from /web/health, polled every 2 ms),
# listenMs (spawn to the port listening), termToClosedMs (SIGTERM to the listening socket
# gone) and stopMs (SIGTERM to the process reaped).
import http.client
import json
import os
import signal
import subprocess
import sys
import time

port = int(sys.argv[1])
args = sys.argv[2:]
POLL = 0.002


def listening():
    for name in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == '0A' and int(fields[1].rsplit(':', 1)[1], 16) == port:
                        return True
        except (OSError, StopIteration):
            pass
    return False


def healthy():
    try:
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=1)
        conn.request('GET', '/web/health')
        status = conn.getresponse().status
        conn.close()
        return status == 200
    except (OSError, http.client.HTTPException):
        return False


log = open('/tmp/calibrate.log', 'ab')
start = time.monotonic()
proc = subprocess.Popen(['/usr/bin/odoo'] + args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
listen_ms = None
while True:
    if proc.poll() is not None:
        print(json.dumps({'error': 'the stand-in exited with %s' % proc.returncode}))
        sys.exit(1)
    if listen_ms is None and listening():
        listen_ms = (time.monotonic() - start) * 1000
    if healthy():
        boot_ms = (time.monotonic() - start) * 1000
        break
    if time.monotonic() - start > 20:
        proc.kill()
        print(json.dumps({'error': 'no HTTP 200 within 20 s'}))
        sys.exit(1)
    time.sleep(POLL)
# Let the registry of -d load: a real restart never stops a server that is still loading.
time.sleep(0.3)
term = time.monotonic()
proc.send_signal(signal.SIGTERM)
closed_ms = None
while proc.poll() is None:
    if closed_ms is None and not listening():
        closed_ms = (time.monotonic() - term) * 1000
    time.sleep(POLL)
stop_ms = (time.monotonic() - term) * 1000
if closed_ms is None:
    closed_ms = stop_ms
print(json.dumps({'bootMs': boot_ms, 'listenMs': listen_ms if listen_ms is not None else boot_ms,
                  'termToClosedMs': closed_ms, 'stopMs': stop_ms}))
