"""A warm generation of Odoo: a process with Odoo's imports done, waiting for its args.

The socket holder starts one after each generation, with the same user, cwd, environment,
interpreter and script as the server it just started (so it inherits the held socket as fd 3),
and gives the next restart's args to it instead of starting a new interpreter. It is used only
when no file of the modules it imported changed on disk since: otherwise it says "stale" and
exits, and the holder starts the generation cold. The user's addons are imported after the
args, so they are always fresh.

    entry = warm_entry(server_argv)          # None: this shape starts cold
    warm = WarmProcess.start(python, entry, env=..., cwd=..., pass_fds=(3,))
    outcome = take_warm(warm, args)           # 'started', 'stale' or 'not-warmable'

Run as a program (`python3 warm.py FD KIND TARGET`), it is the warm process itself: KIND is
`path` (a script run as __main__: odoo-bin, /usr/bin/odoo, a venv console script) or `module`
(`python3 -m odoo`); FD is the control pipe, one line each way.
"""

import importlib
import json
import os
import runpy
import socket
import subprocess
import sys

# What the server script imports before its first log line, in import order; those that do not
# exist in a series are skipped.
ODOO_MODULES = ('odoo', 'odoo.cli', 'odoo.cli.server', 'odoo.service.server', 'odoo.http')


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
# The holder's side.


class WarmProcess:
    """A warm process the holder started, and its end of the control pipe."""

    def __init__(self, process, control):
        self.process = process
        self.control = control
        self.reply = b''

    @classmethod
    def start(cls, python, entry, env=None, cwd=None, pass_fds=(), user=None, group=None, output=None):
        """Starts the warm process; its stdout and stderr go to OUTPUT (a file descriptor), or
        where the holder's go."""
        kind, target, _args = entry
        ours, theirs = socket.socketpair()
        process = subprocess.Popen(
            [python, os.path.abspath(__file__), str(theirs.fileno()), kind, target],
            env=env, cwd=cwd, pass_fds=tuple(pass_fds) + (theirs.fileno(),), user=user, group=group,
            stdin=subprocess.DEVNULL, stdout=output, stderr=output, start_new_session=True)
        theirs.close()
        return cls(process, ours)

    def read_line(self, timeout):
        self.control.settimeout(timeout)
        while b'\n' not in self.reply:
            try:
                chunk = self.control.recv(4096)
            except OSError:
                chunk = b''
            if not chunk:
                return None
            self.reply += chunk
        line, _, self.reply = self.reply.partition(b'\n')
        return line.decode('utf-8', 'replace')

    def close(self):
        try:
            self.control.close()
        except OSError:
            pass


def take_warm(warm, args, timeout=30.0):
    """Gives the args to a warm process. 'started': it now runs the server with these args
    (its pid is warm.process.pid); 'stale' or 'not-warmable': it has exited, start cold."""
    ready = warm.read_line(timeout)
    if ready != 'ready':
        warm.close()
        warm.process.wait()
        return 'not-warmable'
    try:
        warm.control.sendall((json.dumps({'args': list(args)}) + '\n').encode('utf-8'))
    except OSError:
        return 'not-warmable'
    answer = warm.read_line(timeout)
    warm.close()
    if answer == 'started':
        return 'started'
    warm.process.wait()
    return 'stale' if answer and answer.startswith('stale') else 'not-warmable'


# ---------------------------------------------------------------------------------------
# The warm process's side.


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


def serve_warm(fd, kind, target):
    control = os.fdopen(fd, 'r+b', buffering=0)
    # The sys.path the cold process would have: the script's folder, or the cwd for -m.
    sys.path[0] = os.path.dirname(os.path.realpath(target)) if kind == 'path' else os.getcwd()
    if not import_odoo():
        control.write(b'not-warmable\n')
        os._exit(2)
    files = loaded_files()
    control.write(b'ready\n')
    line = b''
    while not line.endswith(b'\n'):
        chunk = control.read(65536)
        if not chunk:
            os._exit(0)  # the holder gave up on this one
        line += chunk
    args = json.loads(line.decode('utf-8'))['args']
    changed = changed_file(files)
    if changed:
        control.write(('stale %s\n' % changed).encode('utf-8'))
        os._exit(3)
    if 'LISTEN_FDS' in os.environ:
        os.environ['LISTEN_PID'] = str(os.getpid())
    control.write(b'started\n')
    control.close()
    if kind == 'module':
        sys.argv = [''] + args
        runpy.run_module(target, run_name='__main__', alter_sys=True)
    else:
        sys.argv = [target] + args
        runpy.run_path(target, run_name='__main__')


if __name__ == '__main__':
    serve_warm(int(sys.argv[1]), sys.argv[2], sys.argv[3])
