"""A warm generation of Odoo: a process with Odoo's imports done, waiting for its args.

The agent starts one after each server it launches on the held socket, with the same user,
cwd, environment, interpreter and script as that server (so it writes where the server
writes), and gives the next restart's args, with the held socket, to it instead of starting
a new interpreter. It never holds the port itself while it waits:

    python3 /tmp/odoo-dev/warm.py PORT KIND=TARGET DIGEST PADDING

KIND is `path` (a script run as __main__: odoo-bin, /usr/bin/odoo, a venv console script) or
`module` (`python3 -m odoo`); DIGEST names the launch it was made for (user, directory,
environment, interpreter, script), and PADDING is room for the server's command line.

Once its imports are done it listens on the abstract Unix socket `odoo-dev-warm-PORT` (only
root and its own user may talk to it) for one line, `{"digest": ..., "argv": [...], "args": [...]}`, with the held
listening socket passed along (SCM_RIGHTS), and answers:

- `started PID`: it forked the server, which runs the script with these args (its command
  line rewritten to ARGV, as `ps` and our agent read it; the socket as fd 3 with LISTEN_FDS
  and LISTEN_PID); then `exited CODE SIGNAL` once that
  server ends, while the asker still listens. It reaps the server, nothing more.
- `stale FILE`: a file of the modules it imported changed on disk since; it exits, and the
  server starts cold (so it runs the changed code). The user's addons are imported after the
  args, so they are always fresh.
- `mismatch`: it was made for another launch; it exits.

It also exits when the holder of PORT is gone (the last server stopped), so that nothing of
ours keeps the port. Where odoo cannot be imported it exits with status 2 at once.
"""

import importlib
import json
import os
import runpy
import select
import socket
import struct
import sys

# What the server script imports before its first log line, in import order; those that do not
# exist in a series are skipped.
ODOO_MODULES = ('odoo', 'odoo.cli', 'odoo.cli.server', 'odoo.service.server', 'odoo.http')
HOLDER = '/tmp/odoo-dev/holder-%d.sock'
# The keeper's holder (keeper-holder.ts) has an abstract socket, as /proc/net/unix lists it.
KEEPER_HOLDER = b' @odoo-dev-holder-%d\n'


def holder_exists(port):
    if os.path.exists(HOLDER % port):
        return True
    try:
        with open('/proc/net/unix', 'rb') as f:
            return KEEPER_HOLDER % port in f.read()
    except (IOError, OSError):
        return False


def control_address(port):
    return '\0odoo-dev-warm-%d' % port


def warm_entry(argv):
    """How a server with this command line can be warmed: ('path', script, args) for a script
    run by the interpreter, ('module', 'odoo', args) for `python3 -m odoo`, or None when it
    must start cold (interpreter options, another module such as debugpy, a subcommand)."""
    if len(argv) < 2 or not os.path.basename(argv[0]).startswith('python'):
        return None
    if argv[1] == '-m':
        if len(argv) >= 3 and argv[2] == 'odoo' and not is_subcommand(argv[3:]):
            return ('module', 'odoo', list(argv[3:]))
        return None
    if argv[1].startswith('-') or is_subcommand(argv[2:]):
        return None
    return ('path', argv[1], list(argv[2:]))


def is_subcommand(args):
    """A first word that is not an option names a command (shell, gevent, ...); only the
    server is warmed."""
    return bool(args) and not args[0].startswith('-') and args[0] != 'server'


# ---------------------------------------------------------------------------------------
# What was imported, and whether it changed since.


def loaded_files():
    """The source file of every module imported so far, with its mtime and size."""
    files = {}
    for module in list(sys.modules.values()):
        path = getattr(module, '__file__', None)
        if path and path not in files:
            files[path] = file_stamp(path)
    return files


def file_stamp(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def changed_file(files):
    for path, stamp in files.items():
        if file_stamp(path) != stamp:
            return path
    return None


def import_odoo():
    """Imports what the server script would import first; False when odoo cannot be imported."""
    for name in ODOO_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if name == 'odoo' or error.name in ('odoo', None) or not name.startswith(error.name):
                return False
        except Exception:
            return False
    return True


# ---------------------------------------------------------------------------------------
# The command line, as /proc/PID/cmdline shows it


def set_command_line(argv):
    """Rewrites this process's command line in place (the kernel shows the bytes between its
    arg_start and arg_end): the server's own, so that `ps`, `docker top` and our agent read
    what runs. False when it does not fit or the memory cannot be written."""
    try:
        with open('/proc/self/stat', 'rb') as f:
            stat = f.read()
        fields = stat[stat.rindex(b')') + 2:].split()
        # Fields 48 and 49 of proc(5); `fields` starts at field 3.
        start, end = int(fields[45]), int(fields[46])
        data = b'\0'.join(os.fsencode(a) for a in argv) + b'\0'
        if len(data) > end - start:
            return False
        with open('/proc/self/mem', 'r+b', buffering=0) as mem:
            mem.seek(start)
            mem.write(data + b'\0' * (end - start - len(data)))
        return True
    except (IOError, OSError, ValueError, IndexError):
        return False


# ---------------------------------------------------------------------------------------
# The warm process


def allowed(conn):
    """Only root and this process's own user may hand it args."""
    credentials = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize('3i'))
    _pid, uid, _gid = struct.unpack('3i', credentials)
    return uid in (0, os.getuid())


def read_request(conn):
    """The request line, and the listening socket that came with it (the held one), if any."""
    import array
    conn.settimeout(10.0)
    data = b''
    listener = None
    while b'\n' not in data:
        fds = array.array('i')
        chunk, ancillary, _flags, _address = conn.recvmsg(65536, socket.CMSG_LEN(fds.itemsize))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
                listener = fds[0] if listener is None and fds else listener
        if not chunk:
            return None, listener
        data += chunk
    return json.loads(data.split(b'\n', 1)[0].decode('utf-8')), listener


def send(conn, line):
    try:
        conn.sendall((line + '\n').encode('utf-8'))
    except OSError:
        pass


def serve_warm(port, kind, target, digest):
    # The sys.path the cold process would have: the script's folder, or the cwd for -m.
    sys.path[0] = os.path.dirname(os.path.realpath(target)) if kind == 'path' else os.getcwd()
    if not import_odoo():
        os._exit(2)
    files = loaded_files()
    # Bound once the imports are done: a restart that comes earlier starts cold at once
    # instead of waiting for them.
    control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        control.bind(control_address(port))
    except OSError:
        os._exit(0)  # another warm process serves this port
    control.listen(4)
    while True:
        readable, _, _ = select.select([control], [], [], 0.25)
        if not holder_exists(port):
            os._exit(0)  # the last server stopped: nothing may keep the port
        if not readable:
            continue
        try:
            conn, _ = control.accept()
        except OSError:
            continue
        try:
            request, listener = read_request(conn) if allowed(conn) else (None, None)
        except (OSError, ValueError):
            request, listener = None, None
        if request is None:
            if listener is not None:
                os.close(listener)
            conn.close()
            continue
        if request.get('digest') != digest:
            send(conn, 'mismatch')
            os._exit(0)
        changed = changed_file(files)
        if changed:
            send(conn, 'stale %s' % changed)
            os._exit(3)
        control.close()
        run_server(conn, kind, target, request['argv'], request['args'], listener)


def forward(pid, number):
    try:
        os.kill(pid, number)
    except OSError:
        pass


def run_server(conn, kind, target, argv, args, listener):
    """Forks the server with ARGS, on LISTENER as fd 3 by socket activation when one came;
    this process reaps it and tells the asker how it ended."""
    pid = os.fork()
    if pid == 0:
        conn.close()
        if listener is not None:
            os.dup2(listener, 3)
            if listener != 3:
                os.close(listener)
            os.environ['LISTEN_FDS'] = '1'
            os.environ['LISTEN_PID'] = str(os.getpid())
        set_command_line(argv)
        if kind == 'module':
            sys.argv = [''] + list(args)
            runpy.run_module(target, run_name='__main__', alter_sys=True)
        else:
            sys.argv = [target] + list(args)
            runpy.run_path(target, run_name='__main__')
        sys.exit(0)
    # The socket is the server's: this process keeps none of it.
    if listener is not None:
        os.close(listener)
    send(conn, 'started %d' % pid)
    # This process stands where the server would: signals meant for it (a keeper's TERM to
    # every child of PID 1 on `docker stop`, a HUP) go on to the server.
    import signal
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, lambda number, _frame: forward(pid, number))
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            status = 0
            break
        except InterruptedError:
            continue
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1
    send(conn, 'exited %d %d' % (code, sig))
    os._exit(0)


if __name__ == '__main__':
    kind, _, target = sys.argv[2].partition('=')
    serve_warm(int(sys.argv[1]), kind, target, sys.argv[3])
