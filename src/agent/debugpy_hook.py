# The debug run's sitecustomize, written by odoo-dev into a folder of its own in the container
# (never into the user's site-packages) and put on PYTHONPATH for debug runs only.
#
# Two things debugpy cannot do by itself for Odoo:
#
# - Odoo re-executes itself on HUP and under --dev=reload (`execve(sys.executable, ['python3',
#   '/usr/bin/odoo', ARGS], os.environ)`), and the new image runs without debugpy. The
#   environment survives the exec, and with it this hook: when the interpreter runs an Odoo
#   script and ODOO_DEV_DEBUGPY names an address, it executes itself again as `python3 -m debugpy
#   --listen ADDRESS ... SCRIPT ARGS`, same PID, so the editor's session attaches again.
# - `--wait-for-client` waits for ever. With ODOO_DEV_DEBUGPY_WAIT (seconds), a run that waits
#   for a debugger ends with a message once that much time passed without one.
#
# It keeps to the Python of the oldest supported image (3.7), and chains to the image's own
# sitecustomize, which this one hides by coming first on the path.
import os
import sys

_SCRIPTS = ('odoo', 'odoo-bin', 'odoo.py', 'openerp-server')
_OUR_DIR = os.path.dirname(os.path.abspath(__file__))


def _cmdline():
    """This process's argv as the kernel has it: sys.argv is not set yet in 3.7's site."""
    try:
        with open('/proc/self/cmdline', 'rb') as f:
            data = f.read()
    except (IOError, OSError):
        return []
    return [part.decode('utf-8', 'surrogateescape') for part in data.split(b'\0')[:-1]]


def _listening(port):
    for name in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(name) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if fields[3] == '0A' and int(fields[1].rsplit(':', 1)[1], 16) == port:
                        return True
        except (IOError, OSError, ValueError, IndexError):
            pass
    return False


def _end_leftover_adapters(port):
    """The debugpy adapter of the image before the exec may still hold the port (a client was
    attached to it): it serves a server that is gone, so it goes."""
    import signal
    import time
    for name in os.listdir('/proc'):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open('/proc/%s/cmdline' % name, 'rb') as f:
                argv = f.read().split(b'\0')
        except (IOError, OSError):
            continue
        if b'--for-server' in argv and b'--port' in argv:
            at = argv.index(b'--port')
            if at + 1 < len(argv) and argv[at + 1] == str(port).encode('ascii'):
                try:
                    os.kill(int(name), signal.SIGTERM)
                except OSError:
                    pass
    deadline = time.time() + 10.0
    while _listening(port) and time.time() < deadline:
        time.sleep(0.05)


def _follow_reexec(listen, argv):
    # Odoo's re-exec: `python3 SCRIPT ARGS`, the script right after the interpreter.
    if len(argv) < 2 or os.path.basename(argv[1]) not in _SCRIPTS:
        return
    try:
        port = int(listen.rsplit(':', 1)[1])
    except (IndexError, ValueError):
        return
    _end_leftover_adapters(port)
    options = ['--listen', listen, '--configure-subProcess', 'False']
    os.execv(sys.executable, [argv[0], '-m', 'debugpy'] + options + argv[1:])


def _bound_the_wait(seconds, listen):
    """Ends the process when its main thread still waits for a debugger after `seconds`."""
    import threading

    def watch():
        threading.Event().wait(seconds)
        main = threading.main_thread().ident
        frame = sys._current_frames().get(main)
        while frame is not None:
            # debugpy's wait_for_client() (a callable object in 1.6 and later) waits in
            # pydevd's _wait_for_attach().
            if frame.f_code.co_name in ('wait_for_client', '_wait_for_attach'):
                sys.stderr.write(
                    'odoo-dev: no debugger attached to debugpy on %s within %d s, so this run '
                    'did not start; attach one (Odoo: Restart and Debug, or odoo-dev '
                    'debug-adapter) as soon as it starts, or run it without --debug.\n' % (listen, seconds))
                sys.stderr.flush()
                os._exit(3)
            frame = frame.f_back

    thread = threading.Thread(target=watch, name='odoo-dev debugger wait')
    thread.daemon = True
    thread.start()


def _main():
    listen = os.environ.get('ODOO_DEV_DEBUGPY')
    if not listen:
        return
    argv = _cmdline()
    if '-m' in argv[1:2] and argv[2:3] == ['debugpy']:
        if '--wait-for-client' in argv:
            try:
                seconds = int(os.environ.get('ODOO_DEV_DEBUGPY_WAIT', ''))
            except ValueError:
                seconds = 0
            if seconds > 0:
                _bound_the_wait(seconds, listen)
        return
    _follow_reexec(listen, argv)


def _chain():
    """Runs the sitecustomize this one hides, if the image has one."""
    import importlib.machinery
    import importlib.util
    path = [entry for entry in sys.path if os.path.abspath(entry or '.') != _OUR_DIR]
    spec = importlib.machinery.PathFinder.find_spec('sitecustomize', path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


try:
    _main()
except Exception as error:
    sys.stderr.write('odoo-dev: the debug hook failed: %s: %s\n' % (type(error).__name__, error))
try:
    _chain()
except Exception:
    # The image's own hook failing is its own business; Python prints nothing for it either
    # unless -v, and the run goes on as it would have.
    pass
