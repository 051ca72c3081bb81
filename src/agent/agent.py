# The in-container agent of Odoo Dev Container.
#
# Run by the container's own python3 (every Odoo image has one; ps, curl and bash are not
# needed) in a single exec. It reports a snapshot of the processes read from /proc, then reads
# steps from stdin, one JSON object a line, carries them out and reports events on stdout, one
# JSON object a line, until it is told to finish or stdin closes. It never runs a shell: every
# command line arrives as an argv list and goes to execve as it is.
#
# It keeps to the Python of the oldest supported image (3.7): no walrus, no match, no
# str.removeprefix.
import errno
import json
import os
import pwd
import select
import signal
import socket
import sys
import time

AGENT_PID = os.getpid()
MEMORY_DIR = '/tmp/odoo-dev'
MEMORY_FILE = MEMORY_DIR + '/last-command.json'
FALLBACK_LOG = MEMORY_DIR + '/odoo.log'
POLL = 0.01
HTTP_POLL = 0.02

# Children we launched, so their exit codes can be collected, and when they started.
children = {}
launched_at = {}
# Children whose output goes to `docker logs`, with their uid and gid: see end_partial_line.
logs_to_pid1 = {}


def emit(event):
    # A client that went away must not cut a restart in half: the step goes on unheard.
    try:
        sys.stdout.write(json.dumps(event) + '\n')
        sys.stdout.flush()
    except (IOError, OSError):
        pass


def mono():
    return time.monotonic()


def ms_since(start):
    return int(round((mono() - start) * 1000))


def fs_decode(data):
    return data.decode('utf-8', 'surrogateescape')


def fs_encode(text):
    return text.encode('utf-8', 'surrogateescape')


# ---------------------------------------------------------------------------------------------
# Reading /proc

def read_stat(pid):
    """(ppid, state, starttime) of a process, or None when it is gone."""
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            data = f.read()
    except (IOError, OSError):
        return None
    # The command name is in parentheses and may itself contain spaces and parentheses.
    rest = data[data.rindex(b')') + 2:].split()
    return int(rest[1]), rest[0].decode('ascii'), int(rest[19])


def read_ids(pid):
    uid = gid = -1
    try:
        with open('/proc/%d/status' % pid, 'rb') as f:
            for line in f:
                if line.startswith(b'Uid:'):
                    uid = int(line.split()[1])
                elif line.startswith(b'Gid:'):
                    gid = int(line.split()[1])
    except (IOError, OSError):
        pass
    return uid, gid


def read_argv(pid):
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            data = f.read()
    except (IOError, OSError):
        return []
    # A server a warm process started rewrote its command line in place, and the room left
    # over reads as trailing NULs (see warm.py): no argv ends with empty strings here.
    data = data.rstrip(b'\0')
    if not data:
        return []
    return [fs_decode(part) for part in data.split(b'\0')]


def read_details(pid):
    """Working directory and environment; needs the process's own uid when it is not ours."""
    details = {}
    try:
        details['cwd'] = fs_decode(os.readlink(fs_encode('/proc/%d/cwd' % pid)))
    except OSError:
        pass
    try:
        with open('/proc/%d/environ' % pid, 'rb') as f:
            data = f.read()
        details['env'] = [fs_decode(part) for part in data.split(b'\0') if part]
    except (IOError, OSError):
        pass
    try:
        # Where stdout and stderr go: the same pipe as PID 1's means `docker logs` shows it.
        details['stdio'] = [fs_decode(os.readlink(fs_encode('/proc/%d/fd/%d' % (pid, fd)))) for fd in (1, 2)]
    except OSError:
        pass
    return details


def pids():
    result = []
    for name in os.listdir('/proc'):
        if name.isdigit():
            result.append(int(name))
    return result


def alive(pid, start_time=None):
    """True while the process runs; a zombie counts as gone (our own ones are reaped here)."""
    if pid in children:
        reap(pid)
        if children[pid] is not None:
            return False
    stat = read_stat(pid)
    if stat is None or stat[1] in ('Z', 'X'):
        return False
    return start_time is None or stat[2] == start_time


def reap(pid):
    if children.get(pid) is not None:
        return
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        children[pid] = (None, None)
        return
    if done == pid:
        if os.WIFEXITED(status):
            children[pid] = (os.WEXITSTATUS(status), None)
        elif os.WIFSIGNALED(status):
            children[pid] = (None, os.WTERMSIG(status))


def descendants(root):
    """PID -> start time of every live descendant of root."""
    parent_of = {}
    start_of = {}
    for pid in pids():
        stat = read_stat(pid)
        if stat is not None and stat[1] not in ('Z', 'X'):
            parent_of[pid] = stat[0]
            start_of[pid] = stat[2]
    found = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parent_of.items():
            if ppid == parent and pid not in found and pid != AGENT_PID:
                found[pid] = start_of[pid]
                frontier.append(pid)
    return found


def as_user(uid, gid, work):
    """Runs work() in a child that has fully become uid:gid and returns its JSON result.

    Root in an exec has no CAP_SYS_PTRACE, so it cannot read another user's environ or cwd;
    a child that drops to that user can.
    """
    if os.getuid() != 0 or uid == os.getuid():
        return work()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            data = json.dumps(work()).encode('ascii')
            while data:
                data = data[os.write(write_end, data):]
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    try:
        return json.loads(b''.join(chunks).decode('ascii'))
    except ValueError:
        return None


def snapshot(user=None):
    processes = []
    wanted = {}
    for pid in sorted(pids()):
        if pid == AGENT_PID:
            continue
        stat = read_stat(pid)
        argv = read_argv(pid)
        if stat is None or not argv:
            continue
        # Children of the agent are its own helpers, not part of the container.
        if stat[0] == AGENT_PID:
            continue
        uid, gid = read_ids(pid)
        info = {'pid': pid, 'ppid': stat[0], 'uid': uid, 'gid': gid, 'state': stat[1],
                'startTime': stat[2], 'argv': argv}
        processes.append(info)
        # Which of them is Odoo is the engine's to decide, by its one reading of a command
        # line: the details of every process go with the snapshot.
        wanted.setdefault((uid, gid), []).append(pid)
    by_pid = dict((info['pid'], info) for info in processes)
    for (uid, gid), group in wanted.items():
        found = as_user(uid, gid, lambda group=group: dict((str(p), read_details(p)) for p in group))
        for key, details in (found or {}).items():
            by_pid[int(key)].update(details)
    event = {'t': 'snapshot', 'processes': processes}
    remembered = read_memory()
    if remembered is not None:
        event['remembered'] = remembered
    if user is not None:
        event['user'] = resolve_user(user)
    return event


def resolve_user(spec):
    """The container's configured user (`name`, `uid`, `name:group`, `uid:gid`) as numbers."""
    name, _, group = spec.partition(':')
    found = {'spec': spec}
    try:
        entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name or 'root')
        found.update({'uid': entry.pw_uid, 'gid': entry.pw_gid, 'home': entry.pw_dir})
    except KeyError:
        if name.isdigit():
            found.update({'uid': int(name), 'gid': int(name)})
    if group:
        try:
            import grp
            found['gid'] = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
        except KeyError:
            pass
    return found


# ---------------------------------------------------------------------------------------------
# The remembered command

def read_memory():
    try:
        with open(MEMORY_FILE, 'rb') as f:
            return json.loads(f.read().decode('utf-8'))
    except (IOError, OSError, ValueError):
        return None


def remember(command):
    if not command:
        return
    try:
        if not os.path.isdir(MEMORY_DIR):
            os.makedirs(MEMORY_DIR, 0o755)
        temp = MEMORY_FILE + '.tmp'
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'wb') as f:
            f.write(json.dumps(command).encode('ascii'))
        os.rename(temp, MEMORY_FILE)
    except (IOError, OSError):
        # Memory is a convenience: a container where /tmp is read-only still restarts.
        pass


# ---------------------------------------------------------------------------------------------
# HTTP readiness, inside the container

def http_port(target):
    if target.get('port'):
        return int(target['port'])
    config = target.get('configFile')
    if config:
        try:
            import configparser
            parser = configparser.RawConfigParser()
            parser.read(config)
            for key in ('http_port', 'xmlrpc_port'):
                if parser.has_option('options', key):
                    value = parser.get('options', key).strip()
                    if value.isdigit():
                        return int(value)
        except Exception:
            pass
    return 8069


def http_host(target):
    host = target.get('host') or ''
    return '127.0.0.1' if host in ('', '0.0.0.0', '::', '*') else host


def http_call(host, port, method, path, body=None, timeout=1.0):
    """A plain HTTP/1.0 request over a socket: importing http.client costs more than a restart's
    whole bookkeeping, and Odoo answers HTTP/1.0 without chunking."""
    payload = (body or '').encode('utf-8')
    request = ('%s %s HTTP/1.0\r\nHost: %s:%d\r\nContent-Type: application/json\r\n'
               'Content-Length: %d\r\nConnection: close\r\n\r\n' % (method, path, host, port, len(payload)))
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.sendall(request.encode('ascii') + payload)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sock.close()
    response = b''.join(chunks)
    head, _, data = response.partition(b'\r\n\r\n')
    status_line = head.split(b'\r\n', 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise OSError(errno.EPROTO, 'not an HTTP answer')
    return int(status_line[1]), data


VERSION_BODY = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {}})


def version_info(host, port):
    try:
        status, data = http_call(host, port, 'POST', '/web/webclient/version_info', VERSION_BODY)
        if status != 200:
            return None
        result = json.loads(data.decode('utf-8')).get('result') or {}
        return {'serverVersion': str(result.get('server_version', '')),
                'serverSerie': str(result.get('server_serie', ''))}
    except Exception:
        return None


def healthy(host, port):
    """HTTP 200 from /web/health (15+) or from version_info (14, which has no health route)."""
    try:
        status, _ = http_call(host, port, 'GET', '/web/health')
    except OSError:
        return False
    if status == 200:
        return True
    return status == 404 and version_info(host, port) is not None


def listening_inodes(port):
    inodes = set()
    for name in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == '0A' and int(fields[1].rsplit(':', 1)[1], 16) == port:
                        inodes.add(fields[9])
        except (IOError, OSError, StopIteration):
            pass
    return inodes


# ---------------------------------------------------------------------------------------------
# Steps

def signal_quietly(pid, sig):
    try:
        os.kill(pid, sig)
        return True
    except OSError:
        return False


def signal_alive(pid, start_time, sig):
    """Signals a process only while it is still the one we mean: a PID may have been reused."""
    if alive(pid, start_time):
        signal_quietly(pid, sig)


def wait_gone(tracked, deadline):
    while True:
        left = dict((p, s) for p, s in tracked.items() if alive(p, s))
        if not left or mono() >= deadline:
            return left
        time.sleep(POLL)


def end_processes(tracked, grace):
    """TERM to each process left, KILL to those still there after grace seconds; returns the PIDs killed."""
    for child, child_start in tracked.items():
        signal_alive(child, child_start, signal.SIGTERM)
    left = wait_gone(tracked, mono() + grace)
    for child, child_start in left.items():
        signal_alive(child, child_start, signal.SIGKILL)
    wait_gone(left, mono() + 5.0)
    return list(left)


def step_probe(step):
    target = step['http']
    port = http_port(target)
    host = http_host(target)
    ok = not target.get('disabled') and healthy(host, port)
    event = {'t': 'probe', 'healthy': ok, 'port': port}
    if ok:
        version = version_info(host, port)
        if version:
            event['version'] = version
    emit(event)
    return True


def debug_adapters(pid):
    """PID -> start time of the debugpy adapter that serves a server run under `-m debugpy
    --listen`: debugpy detaches it, so it is no descendant, and once its server is gone it would
    keep the port and refuse the next server's debugpy."""
    argv = read_argv(pid) or []
    port = None
    for index, token in enumerate(argv[:-1]):
        if token == '--listen' and 'debugpy' in argv[:index]:
            port = argv[index + 1].rsplit(':', 1)[-1]
            break
    if port is None:
        return {}
    found = {}
    for other in pids():
        other_argv = read_argv(other) or []
        if '--for-server' in other_argv and any('debugpy' in t for t in other_argv):
            at = other_argv.index('--port') if '--port' in other_argv else -1
            stat = read_stat(other)
            if 0 <= at < len(other_argv) - 1 and other_argv[at + 1] == port and stat is not None:
                found[other] = stat[2]
    return found


def step_module(step):
    """Whether a Python interpreter finds a module (debugpy) as the server would: as its user,
    in its directory, with its environment. Nothing is imported."""
    import subprocess
    uid, gid, env = step['uid'], step['gid'], step['env']

    def become():
        if os.getuid() == 0 and (uid, gid) != (0, 0):
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
    code = 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 3)'
    try:
        program = resolve_program(step['python'], env, step['cwd'])
        found = subprocess.call(
            [fs_encode(program), b'-c', code.encode('ascii'), fs_encode(step['module'])],
            env=dict(tuple(fs_encode(e).split(b'=', 1)) for e in env if '=' in e), cwd=fs_encode(step['cwd']),
            preexec_fn=become, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30) == 0
        emit({'t': 'module', 'found': found})
    except (OSError, subprocess.SubprocessError) as error:
        emit({'t': 'module', 'found': False, 'message': str(error)})
    return True


def step_help(step):
    """What the Odoo program says of itself: `--version` and `--help`, run as the server would
    run (its user, directory, environment), each with a deadline. Neither starts a server."""
    import subprocess
    uid, gid, env = step['uid'], step['gid'], step['env']

    def become():
        if os.getuid() == 0 and (uid, gid) != (0, 0):
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
    answer = {'t': 'help'}
    try:
        argv = list(step['argv'])
        argv[0] = resolve_program(argv[0], env, step['cwd'])
        for key, flag in (('version', '--version'), ('help', '--help')):
            done = subprocess.run(
                [fs_encode(a) for a in argv + [flag]],
                env=dict(tuple(fs_encode(e).split(b'=', 1)) for e in env if '=' in e), cwd=fs_encode(step['cwd']),
                preexec_fn=become, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                timeout=60)
            if done.returncode == 0:
                answer[key] = done.stdout.decode('utf-8', 'replace')
    except (OSError, subprocess.SubprocessError) as error:
        answer['message'] = str(error)
    emit(answer)
    return True


def step_debug_hook(step):
    """Writes the debug runs' sitecustomize (the engine sends its source and its folder, one of
    ours, readable by every user: the server's user imports it from PYTHONPATH)."""
    folder_of_hook = step['dir']
    try:
        for folder in (MEMORY_DIR, folder_of_hook):
            if not os.path.isdir(folder):
                os.makedirs(folder, 0o755)
            os.chmod(folder, 0o755)
        path = folder_of_hook + '/sitecustomize.py'
        temp = path + '.tmp'
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, 'wb') as f:
            f.write(step['source'].encode('utf-8'))
        os.chmod(temp, 0o644)
        os.rename(temp, path)
    except (IOError, OSError) as error:
        emit({'t': 'debug-hook', 'message': 'cannot write %s: %s' % (folder_of_hook, error)})
        return True
    emit({'t': 'debug-hook', 'dir': folder_of_hook})
    return True


def step_stop(step):
    pid, start_time = step['pid'], step['startTime']
    remember(step.get('remember'))
    started = mono()
    if not alive(pid, start_time):
        emit({'t': 'stopped', 'pid': pid, 'ms': 0, 'forced': False, 'killed': []})
        return True
    tree = descendants(pid)
    tree.update(debug_adapters(pid))
    # Only the master gets TERM: it stops its workers and the gevent process itself.
    signal_quietly(pid, signal.SIGTERM)
    emit({'t': 'stopping', 'pid': pid})
    deadline = started + step['timeoutMs'] / 1000.0
    forced = False
    while alive(pid, start_time):
        tree.update(descendants(pid))
        if mono() >= deadline:
            if not step['force']:
                emit({'t': 'stop-timeout', 'pid': pid, 'ms': ms_since(started)})
                return False
            forced = True
            emit({'t': 'forcing', 'pid': pid, 'waitedMs': ms_since(started)})
            # A second TERM is Odoo's forced shutdown; what still runs a moment later gets KILL.
            signal_quietly(pid, signal.SIGTERM)
            wait_gone({pid: start_time}, mono() + 1.0)
            tree.update(descendants(pid))
            signal_alive(pid, start_time, signal.SIGKILL)
            for child, child_start in tree.items():
                signal_alive(child, child_start, signal.SIGKILL)
            wait_gone({pid: start_time}, mono() + 5.0)
            break
        time.sleep(POLL)
    # Workers and the gevent process normally go with the master; orphans would keep the port.
    killed = end_processes(wait_gone(tree, mono() + (0 if forced else 0.2)), 0.5)
    emit({'t': 'stopped', 'pid': pid, 'ms': ms_since(started), 'forced': forced, 'killed': killed})
    return True


# ---------------------------------------------------------------------------------------------
# The socket holder: owns the HTTP listening socket across generations of Odoo

# How long a holder with no server and no agent attached waits before it lets the port go.
HOLDER_IDLE = 1.0
# How long a server on the held socket may take to accept its first connection. Odoo starts its
# HTTP server before it loads any database (a real Odoo 18: about 0.8 s after exec); one that
# accepts nothing for this long has no HTTP service (its log says why, e.g. a bind error or a
# crash of its HTTP thread), and waiting for the whole ready timeout would only hide that.
ACCEPT_WAIT = 30.0
# Ours in a server's environment: socket activation. Never passed on from the old server.
ACTIVATION_VARIABLES = ('LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'LISTEN_FDS_FIRST_FD')
# The lease this agent holds on a holder, and the socket it got from it, by port.
leases = {}


def holder_path(port):
    return '%s/holder-%d.sock' % (MEMORY_DIR, port)


def connect_holder(port):
    """A connection to the holder of PORT: ours (a socket file), else the keeper's (an abstract
    socket, see keeper-holder.ts), or None when neither holds the port."""
    for address in (holder_path(port), '\0odoo-dev-holder-%d' % port):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(address)
            return conn
        except OSError:
            conn.close()
    return None


def send_fd(conn, fd):
    import array
    conn.sendmsg([b'F'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [fd]))])


def receive_fd(conn):
    import array
    fds = array.array('i')
    try:
        data, ancillary, _flags, _address = conn.recvmsg(1, socket.CMSG_LEN(fds.itemsize))
    except OSError:
        return None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
    return fds[0] if data == b'F' and fds else None


def lease(port):
    """The listening socket the holder of PORT keeps, as a file descriptor of ours, or None when
    no holder keeps it. The connection stays open as a lease: a holder with a lease open does
    not let go of the port, so a stop-then-start keeps every connection in the socket's queue."""
    if port in leases:
        return leases[port][1]
    conn = connect_holder(port)
    if conn is None:
        return None
    fd = receive_fd(conn)
    if fd is None:
        conn.close()
        return None
    leases[port] = (conn, fd)
    return fd


def release_holder(port):
    """Asks the holder of PORT to close its socket and end, and waits until it has (2 s at
    most): a server that binds the port itself would find it taken."""
    conn = leases.pop(port, (None, None))[0]
    if conn is None:
        conn = connect_holder(port)
        if conn is None:
            return
        fd = receive_fd(conn)
        if fd is not None:
            os.close(fd)
    try:
        conn.settimeout(2.0)
        conn.sendall(b'release\n')
        while conn.recv(4096):
            pass
    except OSError:
        pass
    finally:
        conn.close()


def register_generation(port, pid):
    """Tells the holder which server now serves on its socket: it keeps the port while one does."""
    stat = read_stat(pid)
    if port in leases and stat is not None:
        try:
            leases[port][0].sendall(('gen %d %d\n' % (pid, stat[2])).encode('ascii'))
        except OSError:
            pass


def binds_own_socket(target):
    """A prefork master before 19 binds its own socket (no socket activation there): when the
    args leave `workers` to the config file, the file decides."""
    if not target.get('workersFromConfig'):
        return False
    workers = config_value(target.get('configFile'), 'workers')
    return bool(workers and workers.isdigit() and int(workers) > 0)


def socket_inode(fd):
    return str(os.fstat(fd).st_ino)


def holds_socket(pid, inode):
    """Whether the process has the socket INODE open (a server started on the held socket).
    Its files are read as its own user: root in an exec has no CAP_SYS_PTRACE."""
    uid, gid = read_ids(pid)
    return bool(as_user(uid, gid, lambda: has_open_socket(pid, inode)))


def held_inode(pid, port):
    """The inode of the socket our holder keeps for PORT when the server PID has it open (it
    was started on it), else None."""
    fd = lease(port)
    if fd is None:
        return None
    inode = socket_inode(fd)
    return inode if holds_socket(pid, inode) else None


def socket_copies(pid, inode):
    """How many files of the process are the socket INODE: fd 3 of a server started on our
    socket, and while it serves, its HTTP server's own copy of it."""
    uid, gid = read_ids(pid)
    return as_user(uid, gid, lambda: count_open_socket(pid, inode)) or 0


def any_holds_socket(pids, inode):
    by_user = {}
    for pid in pids:
        by_user.setdefault(read_ids(pid), []).append(pid)
    return any(as_user(uid, gid, lambda group=group: any(has_open_socket(p, inode) for p in group))
               for (uid, gid), group in by_user.items())


def has_open_socket(pid, inode):
    return count_open_socket(pid, inode, 1) > 0


def count_open_socket(pid, inode, enough=None):
    """How many of the process's file descriptors are the socket INODE (ENOUGH: stop there)."""
    target = 'socket:[%s]' % inode
    try:
        names = os.listdir('/proc/%d/fd' % pid)
    except OSError:
        return 0
    found = 0
    for name in names:
        try:
            if os.readlink('/proc/%d/fd/%s' % (pid, name)) == target:
                found += 1
                if found == enough:
                    break
        except OSError:
            pass
    return found


def bind_listener(host, port, deadline):
    """A listening socket as Odoo binds it (SO_REUSEADDR, Werkzeug's backlog of 128); tries
    again while a server that just stopped, or a holder letting go, still has the port."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    while True:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(128)
            # Two generations wait on this one socket during an overlap, and only one of them
            # gets each connection: a blocking accept() in the other would hang until the next
            # one (and with it Odoo's shutdown, which waits for its HTTP thread). O_NONBLOCK
            # belongs to the open file, so every generation's copy of the socket has it, and
            # the loser's accept() fails with EAGAIN, which Werkzeug's serve loop ignores.
            sock.setblocking(False)
            return sock
        except OSError as error:
            sock.close()
            if error.errno != errno.EADDRINUSE or mono() >= deadline:
                return None
        time.sleep(POLL)


def hold(port, host):
    """The listening socket for a server about to start on PORT: the holder's, or a new one
    with a new holder for it. None when the port cannot be bound (the server then binds it
    itself, and says why it cannot)."""
    fd = lease(port)
    if fd is not None:
        return fd
    listener = bind_listener(host or '0.0.0.0', port, mono() + 2.0)
    if listener is None:
        return None
    start_holder(listener, port)
    listener.close()
    return lease(port)


def start_holder(listener, port):
    """Forks the holder, detached from this exec: it keeps LISTENER open and hands it to each
    agent that connects to its Unix socket, and ends once no server uses the socket and no agent
    holds a lease (HOLDER_IDLE later)."""
    try:
        if not os.path.isdir(MEMORY_DIR):
            os.makedirs(MEMORY_DIR, 0o755)
    except OSError:
        pass
    path = holder_path(port)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(path)
    except OSError:
        pass
    server.bind(path)
    os.chmod(path, 0o600)
    server.listen(16)
    bound = os.stat(path).st_ino
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() != 0:
                os._exit(0)
            # Nothing of the exec's pipes stays open here: the exec ends when the agent does.
            devnull = os.open('/dev/null', os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            keep = sorted((listener.fileno(), server.fileno()))
            os.closerange(3, keep[0])
            os.closerange(keep[0] + 1, keep[1])
            os.closerange(keep[1] + 1, 65536)
            program = holder_program()
            if program:
                # A fresh interpreter on a file of ours, so that `ps` and `docker top` show
                # what this process is instead of the agent's whole source.
                listener.set_inheritable(True)
                server.set_inheritable(True)
                try:
                    os.execv(sys.executable, [sys.executable, program, str(port), str(listener.fileno()),
                                              str(server.fileno()), str(bound)])
                except OSError:
                    pass
            serve_holder(listener, server, path, bound)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    server.close()


HOLDER_PROGRAM = MEMORY_DIR + '/holder.py'


def holder_program():
    """This agent's source as a file the holder runs (`python3 /tmp/odoo-dev/holder.py PORT
    ...`), written when it differs; None when there is no source to write or no place for it."""
    try:
        with open('/proc/self/cmdline', 'rb') as f:
            argv = f.read().split(b'\0')
        source = argv[argv.index(b'-c') + 1] if b'-c' in argv else None
        if not source:
            return None
        try:
            with open(HOLDER_PROGRAM, 'rb') as f:
                if f.read() == source:
                    return HOLDER_PROGRAM
        except (IOError, OSError):
            pass
        temp = '%s.%d.tmp' % (HOLDER_PROGRAM, os.getpid())
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, 'wb') as f:
            f.write(source)
        os.rename(temp, HOLDER_PROGRAM)
        return HOLDER_PROGRAM
    except (IOError, OSError, ValueError):
        return None


def holder_main(argv):
    """The holder run as its own program: PORT LISTENER_FD CONTROL_FD CONTROL_INODE."""
    port, listener_fd, control_fd, bound = [int(word) for word in argv]
    listener = socket.socket(fileno=listener_fd)
    server = socket.socket(fileno=control_fd)
    listener.set_inheritable(False)
    server.set_inheritable(False)
    serve_holder(listener, server, holder_path(port), bound)


def serve_holder(listener, server, path, bound):
    children.clear()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    clients = {}
    generations = {}
    idle_since = None
    releasing = False
    while not releasing:
        readable, _, _ = select.select([server] + list(clients), [], [], 0.25)
        for conn in readable:
            if conn is server:
                try:
                    client, _ = server.accept()
                    send_fd(client, listener.fileno())
                    clients[client] = b''
                except OSError:
                    pass
                continue
            try:
                data = conn.recv(4096)
            except OSError:
                data = b''
            if not data:
                conn.close()
                del clients[conn]
                continue
            clients[conn] += data
            while b'\n' in clients[conn]:
                line, clients[conn] = clients[conn].split(b'\n', 1)
                words = line.split()
                if len(words) == 3 and words[0] == b'gen':
                    generations[int(words[1])] = int(words[2])
                elif words == [b'release']:
                    releasing = True
        for pid, start_time in list(generations.items()):
            if not alive(pid, start_time):
                del generations[pid]
        if generations or clients:
            idle_since = None
        elif idle_since is None:
            idle_since = mono()
        elif mono() - idle_since >= HOLDER_IDLE:
            break
    try:
        # A holder that took over the port since has its own socket file there.
        if os.stat(path).st_ino == bound:
            os.unlink(path)
    except OSError:
        pass


def resolve_program(name, env, cwd):
    if '/' in name:
        return name if name.startswith('/') else os.path.join(cwd, name)
    path = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    for entry in env:
        if entry.startswith('PATH='):
            path = entry[5:]
    for folder in path.split(':'):
        candidate = os.path.join(folder or '.', name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise OSError(errno.ENOENT, 'not found on PATH (%s)' % path, name)


def open_log():
    """Odoo's output goes where `docker logs` reads: PID 1's stdout and stderr."""
    try:
        return os.open('/proc/1/fd/1', os.O_WRONLY), os.open('/proc/1/fd/2', os.O_WRONLY), 'docker-logs'
    except OSError:
        return None


def open_fallback_log():
    try:
        if not os.path.isdir(MEMORY_DIR):
            os.makedirs(MEMORY_DIR, 0o755)
    except OSError:
        pass
    fd = os.open(FALLBACK_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    return fd, os.dup(fd), FALLBACK_LOG


def step_launch(step):
    argv, cwd = step['argv'], step['cwd']
    # Socket activation is ours to give: never what the previous server was given.
    env = [e for e in step['env'] if e.split('=', 1)[0] not in ACTIVATION_VARIABLES]
    uid, gid = step['uid'], step['gid']
    held_port = http_port(step['hold']) if step.get('hold') is not None and not binds_own_socket(step['hold']) else None
    listen_fd = hold(held_port, step['hold'].get('host')) if held_port else None
    if listen_fd is None and step.get('release') is not None:
        # A server that binds its own socket: our holder of that port lets it go first.
        release_holder(http_port(step['release']))
    at = time.time()
    warm = take_warm(held_port, listen_fd, step, env) if listen_fd is not None else None
    if warm is not None and warm[0] == 'started':
        pid, log_to = warm[1], warm[2]
        launched_at[pid] = mono()
        event = {'t': 'launched', 'pid': pid, 'at': at, 'logTo': log_to, 'warm': True}
    else:
        spawned = spawn(argv, cwd, env, uid, gid, listen_fd, step.get('resolve', []))
        if isinstance(spawned, str):
            emit({'t': 'launch-failed', 'message': 'could not run %s: %s' % (argv[0], spawned)})
            return False
        pid, log_to = spawned
        event = {'t': 'launched', 'pid': pid, 'at': at, 'logTo': log_to}
        if warm is not None:
            event['cold'] = warm[1]
    if log_to == 'docker-logs':
        logs_to_pid1[pid] = (uid, gid)
    if listen_fd is not None:
        register_generation(held_port, pid)
        event['held'] = held_port
    emit(event)
    return pid


def spawn(argv, cwd, env, uid, gid, listen_fd, resolve=()):
    """Starts ARGV detached in its own session, as uid:gid in CWD with ENV, its output where
    `docker logs` reads it (else our fallback log), LISTEN_FD as fd 3 with socket activation
    when given. (pid, where its output goes), or the reason it could not start."""
    pid1_uid = read_ids(1)[0]
    status_read, status_write = os.pipe()
    os.set_inheritable(status_write, False)
    log_read, log_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(status_read)
            os.close(log_read)
            os.setsid()
            # Root can open PID 1's output only when PID 1 runs as root; otherwise the new
            # server's own user can, when it is PID 1's user.
            log = open_log() if os.getuid() == 0 and pid1_uid == 0 else None
            if os.getuid() == 0 and (uid, gid) != (0, 0):
                try:
                    groups = os.getgrouplist(pwd.getpwuid(uid).pw_name, gid)
                except KeyError:
                    groups = [gid]
                os.setgroups(groups)
                os.setgid(gid)
                os.setuid(uid)
            elif os.getuid() != uid:
                raise OSError(errno.EPERM, 'the agent runs as uid %d and cannot become uid %d' % (os.getuid(), uid))
            os.chdir(fs_encode(cwd))
            if log is None:
                log = open_log() or open_fallback_log()
            os.write(log_write, log[2].encode('utf-8'))
            os.close(log_write)
            devnull = os.open('/dev/null', os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(log[0], 1)
            os.dup2(log[1], 2)
            if listen_fd is None:
                os.closerange(3, status_write)
                os.closerange(status_write + 1, 65536)
            else:
                # The held socket becomes fd 3, as systemd passes it; nothing else stays open.
                import fcntl
                status_write = fcntl.fcntl(status_write, fcntl.F_DUPFD_CLOEXEC, 10)
                listener = fcntl.fcntl(listen_fd, fcntl.F_DUPFD, 10)
                keep = sorted((status_write, listener))
                os.closerange(3, keep[0])
                os.closerange(keep[0] + 1, keep[1])
                os.closerange(keep[1] + 1, 65536)
                os.dup2(listener, 3)
                os.close(listener)
                env = env + ['LISTEN_FDS=1', 'LISTEN_PID=%d' % os.getpid()]
            program = resolve_program(argv[0], env, cwd)
            # A script run by an interpreter (debugpy in front) is found on the PATH too.
            for index in resolve:
                argv = argv[:index] + [resolve_program(argv[index], env, cwd)] + argv[index + 1:]
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            os.execve(fs_encode(program), [fs_encode(a) for a in argv],
                      dict(tuple(fs_encode(e).split(b'=', 1)) for e in env if '=' in e))
        except BaseException as error:
            message = '%s: %s' % (type(error).__name__, error)
            try:
                os.write(status_write, message.encode('utf-8', 'replace'))
            finally:
                os._exit(127)
    os.close(status_write)
    os.close(log_write)
    children[pid] = None
    launched_at[pid] = mono()
    log_to = os.read(log_read, 4096).decode('utf-8', 'replace')
    os.close(log_read)
    failure = b''
    while True:
        chunk = os.read(status_read, 4096)
        if not chunk:
            break
        failure += chunk
    os.close(status_read)
    if failure:
        os.waitpid(pid, 0)
        del children[pid]
        return failure.decode('utf-8', 'replace')
    return pid, log_to


# ---------------------------------------------------------------------------------------------
# The warm generation: Odoo's imports done ahead of the next restart (see warm.py)

WARM_PROGRAM = MEMORY_DIR + '/warm.py'
# How long a restart waits for a warm process that is still importing.
WARM_WAIT = 3.0
# Room in the warm process's command line for the server's own (rewritten in place).
WARM_ROOM = 8192
# Servers a warm process forked for us: the connection that tells how each ended.
adopted = {}


def warm_digest(argv, cwd, env, uid, gid):
    """What a warm process must have been made for: the same user, directory, environment,
    interpreter and script as the server it replaces."""
    import hashlib
    script = argv[1:3] if argv[1:2] == ['-m'] else [os.path.join(cwd, argv[1])]
    shape = [interpreter_identity(argv[0], env, cwd), script, cwd, sorted(env), uid, gid]
    return hashlib.sha1(json.dumps(shape).encode('utf-8', 'surrogateescape')).hexdigest()


def interpreter_identity(name, env, cwd):
    """The Python an interpreter name runs: the binary (`python3` as a HUP re-exec names it, or
    its full path, are the same one) and the virtual environment it belongs to, if any (a venv's
    `bin/python3` links to the system's binary but has its own site-packages, found by the
    pyvenv.cfg next to it or one folder up, as Python itself looks)."""
    try:
        path = resolve_program(name, env, cwd)
    except OSError:
        return [name, None]
    folder = os.path.dirname(os.path.abspath(path))
    venv = None
    for candidate in (folder, os.path.dirname(folder)):
        if os.path.isfile(os.path.join(candidate, 'pyvenv.cfg')):
            venv = candidate
            break
    return [os.path.realpath(path), venv]


def warm_entry(argv):
    """('path', script) or ('module', 'odoo') for the shapes a warm process can take (see
    warm.py: the same rule), else None (`cold_reason` says why)."""
    return None if cold_reason(argv) else ('module', 'odoo') if argv[1] == '-m' else ('path', argv[1])


def cold_reason(argv):
    """Why a server with this command line cannot start from a warm process, or None when it
    can: a Python interpreter without options of its own running an Odoo script or `-m odoo`,
    as its server."""
    if len(argv) < 2 or not os.path.basename(argv[0]).startswith('python'):
        return 'its command does not start with a Python interpreter (%s)' % (argv[0] if argv else 'none')
    if argv[1] == '-m':
        if len(argv) < 3 or argv[2] != 'odoo':
            return 'it runs the Python module %s, not Odoo' % (argv[2] if len(argv) > 2 else '?')
        rest = argv[3:]
    elif argv[1].startswith('-'):
        return 'the interpreter has options of its own (%s)' % argv[1]
    else:
        rest = argv[2:]
    if is_subcommand(rest):
        return 'it runs the Odoo command %s, not the server' % rest[0]
    return None


def is_subcommand(args):
    return bool(args) and not args[0].startswith('-') and args[0] != 'server'


def by_interpreter(argv, env, cwd):
    """A script started by its name (`odoo`, `odoo-bin`) as the kernel runs it: its `#!`
    interpreter, then its path, as /proc shows the server and as the next restart relaunches it.
    `#!/usr/bin/env python3` (Odoo's odoo-bin) runs the `python3` found on the PATH, by that name."""
    if os.path.basename(argv[0]).startswith('python'):
        return argv
    try:
        path = resolve_program(argv[0], env, cwd)
        with open(path, 'rb') as f:
            first = f.readline(256)
    except (IOError, OSError):
        return argv
    words = first[2:].split() if first.startswith(b'#!') else []
    if len(words) == 2 and os.path.basename(words[0]) == b'env':
        words = words[1:]
    if len(words) == 1 and os.path.basename(words[0]).startswith(b'python'):
        return [fs_decode(words[0]), path] + list(argv[1:])
    return argv


def warm_state_path(port):
    return '%s/warm-%d.json' % (MEMORY_DIR, port)


def take_warm(port, listen_fd, step, env):
    """Hands the launch's args to the warm process of PORT. ('started', pid, log_to) when it
    forked the server; (None, why) when the server must start cold; None when none waits."""
    if step.get('noWarm'):
        return None
    # The command line the kernel gives a script started by its name: what /proc shows and
    # what the warm process was made for.
    argv = by_interpreter(step['argv'], env, step['cwd'])
    entry = warm_entry(argv)
    if entry is None:
        return (None, 'this command cannot start warm: %s' % cold_reason(argv))
    try:
        with open(warm_state_path(port), 'rb') as f:
            state = json.loads(f.read().decode('utf-8'))
    except (IOError, OSError, ValueError):
        return None
    conn = connect_warm(port, state.get('pid'))
    if conn is None:
        return None
    args = argv[3:] if entry[0] == 'module' else argv[2:]
    request = {'digest': warm_digest(argv, step['cwd'], env, step['uid'], step['gid']), 'argv': argv, 'args': args}
    try:
        import array
        conn.settimeout(5.0)
        # The held socket goes with the request: the warm process never holds the port itself.
        conn.sendmsg([(json.dumps(request) + '\n').encode('utf-8', 'surrogateescape')],
                     [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [listen_fd]))])
        answer = read_line(conn)
    except OSError:
        answer = b''
    words = answer.decode('utf-8', 'replace').split(' ', 1)
    if words[0] == 'started' and len(words) == 2 and words[1].isdigit():
        conn.settimeout(None)
        adopted[int(words[1])] = conn
        return ('started', int(words[1]), state.get('logTo', 'docker-logs'))
    conn.close()
    if words[0] == 'stale':
        return (None, 'a file Odoo imported changed: %s' % (words[1] if len(words) > 1 else '?'))
    if words[0] == 'mismatch':
        return (None, 'the warm process was made for another user, directory or environment')
    return (None, 'the warm process did not answer')


def connect_warm(port, pid):
    """A connection to the warm process of PORT. One still importing (it listens once its imports
    are done) is waited for, up to WARM_WAIT: what it has left is less than a cold start's."""
    deadline = mono() + WARM_WAIT
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect('\0odoo-dev-warm-%d' % port)
            return conn
        except OSError:
            conn.close()
        argv = read_argv(pid) if isinstance(pid, int) else []
        if argv[1:2] != [WARM_PROGRAM] or not alive(pid) or mono() >= deadline:
            return None
        time.sleep(POLL)


def read_line(conn):
    """The first line a connection sends (without its newline), or what came before it ended."""
    data = b''
    while b'\n' not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b'\n', 1)[0]


def adopted_exit(pid):
    """(exit code, signal) of a server a warm process forked, as it reports them, or Nones."""
    conn = adopted.pop(pid, None)
    if conn is None:
        return None, None
    try:
        conn.settimeout(2.0)
        data = read_line(conn)
    except OSError:
        data = b''
    finally:
        conn.close()
    words = data.split()
    if len(words) == 3 and words[0] == b'exited':
        code, sig = int(words[1]), int(words[2])
        return (code if code >= 0 else None), (sig if sig >= 0 else None)
    return None, None


def step_warm(step):
    """Starts the warm process for the next restart of the server just launched: its imports
    run now, off any restart's critical path. Where the server cannot be warmed, nothing."""
    launch = step['launch']
    argv, cwd = launch['argv'], launch['cwd']
    env = [e for e in launch['env'] if e.split('=', 1)[0] not in ACTIVATION_VARIABLES]
    argv = by_interpreter(argv, env, cwd)
    entry = warm_entry(argv)
    port = http_port(launch['hold']) if launch.get('hold') is not None else None
    if entry is None:
        emit({'t': 'warm', 'started': False, 'message': 'this command cannot start warm: %s' % cold_reason(argv)})
        return True
    if port is None or port not in leases:
        emit({'t': 'warm', 'started': False})
        return True
    try:
        if not os.path.isdir(MEMORY_DIR):
            os.makedirs(MEMORY_DIR, 0o755)
        temp = '%s.%d.tmp' % (WARM_PROGRAM, os.getpid())
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, 'wb') as f:
            f.write(step['source'].encode('utf-8'))
        os.chmod(temp, 0o644)
        os.rename(temp, WARM_PROGRAM)
    except (IOError, OSError) as error:
        emit({'t': 'warm', 'started': False, 'message': str(error)})
        return True
    digest = warm_digest(argv, cwd, env, launch['uid'], launch['gid'])
    python = argv[0]
    target = 'odoo' if entry[0] == 'module' else argv[1] if argv[1].startswith('/') else os.path.join(cwd, argv[1])
    # KIND=TARGET in one word: no argv entry of it is Odoo's script, which would read as Odoo.
    warm_argv = [python, WARM_PROGRAM, str(port), '%s=%s' % (entry[0], target), digest, ' ' * WARM_ROOM]
    try:
        spawned = spawn(warm_argv, cwd, env, launch['uid'], launch['gid'], None)
    except OSError as error:
        spawned = str(error)
    if isinstance(spawned, str):
        emit({'t': 'warm', 'started': False, 'message': spawned})
        return True
    pid, log_to = spawned
    # Not a server: its end is no news for this agent.
    children.pop(pid, None)
    launched_at.pop(pid, None)
    try:
        temp = warm_state_path(port) + '.tmp'
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'wb') as f:
            f.write(json.dumps({'pid': pid, 'logTo': log_to}).encode('ascii'))
        os.rename(temp, warm_state_path(port))
    except (IOError, OSError):
        pass
    emit({'t': 'warm', 'started': True, 'pid': pid})
    return True


def exited_event(pid, started):
    code, sig = children.get(pid) or adopted_exit(pid)
    ids = logs_to_pid1.pop(pid, None)
    if ids is not None and code != 0:
        end_partial_line(ids[0], ids[1])
    return {'t': 'exited', 'pid': pid, 'exitCode': code, 'signal': sig, 'ms': ms_since(started)}


def end_partial_line(uid, gid):
    """Ends what a failed server left of a line on PID 1's stderr with a newline.

    Docker holds a partial line until its newline comes, and the pipe stays open while PID 1
    lives: Odoo's last words before an abort (`... is a security risk, aborting.` has no
    newline) would otherwise reach `docker logs` only with the next server's first line. The
    newline is written before the exit is reported, so that the log read for the crash's
    reason holds it. After a last line that had its newline, this adds one empty line.
    """
    def write():
        try:
            fd = os.open('/proc/1/fd/2', os.O_WRONLY)
        except OSError:
            return False
        try:
            os.write(fd, b'\n')
        except OSError:
            return False
        finally:
            os.close(fd)
        return True
    # Root opens PID 1's output when PID 1 is root; otherwise the server's own user can.
    if not write() and os.getuid() == 0:
        as_user(uid, gid, write)


def wait_ready(pid, target, deadline, started, start_time=None):
    port = http_port(target)
    host = http_host(target)
    held = None if target.get('disabled') else held_inode(pid, port)
    if held is not None:
        return wait_generation_ready(pid, target, deadline, started, start_time)
    while True:
        if not alive(pid, start_time):
            emit(exited_event(pid, started))
            return False
        if target.get('disabled'):
            # Without HTTP there is nothing to ask; the caller watches the log for readiness.
            emit({'t': 'ready', 'pid': pid, 'port': 0, 'ms': ms_since(started)})
            return True
        if healthy(host, port):
            return report_ready(pid, host, port, started)
        if mono() >= deadline:
            return report_not_ready(pid, port, started)
        time.sleep(HTTP_POLL)


def report_ready(pid, host, port, started):
    """Ready is told first: the version is one more request, kept off the critical path. The
    version event always follows a ready with a port, with or without an answer."""
    emit({'t': 'ready', 'pid': pid, 'port': port, 'ms': ms_since(started)})
    event = {'t': 'version', 'pid': pid}
    version = version_info(host, port)
    if version:
        event['version'] = version
    emit(event)
    return True


def report_not_ready(pid, port, started):
    emit({'t': 'not-ready', 'pid': pid, 'ms': ms_since(started),
          'reason': 'no HTTP 200 from /web/health on port %d' % port})
    return False


def step_ready(step):
    started = mono()
    return wait_ready(step['pid'], step['http'], started + step['timeoutMs'] / 1000.0, started)


def step_hup(step):
    pid, target = step['pid'], step['http']
    started = mono()
    deadline = started + step['timeoutMs'] / 1000.0
    stat = read_stat(pid)
    start_time = stat[2] if stat else None
    port = http_port(target)
    held = None if target.get('disabled') else held_inode(pid, port)
    # A server that gets HUP while its registry loads dies instead of restarting: wait first.
    waited = wait_quietly_ready(pid, target, deadline, held)
    if waited is not True:
        emit({'t': 'not-ready', 'pid': pid, 'ms': ms_since(started),
              'reason': '%s, and a HUP while it loads would kill it' % (waited or 'the server was not ready')})
        return False
    # The socket we hold listens across the re-exec: only the server's own sockets tell.
    before = listening_inodes(port) - set([held])
    copies = socket_copies(pid, held) if held is not None else 0
    old_children = descendants(pid)
    threads = tasks(pid)
    signal_quietly(pid, signal.SIGHUP)
    hup_at = mono()
    emit({'t': 'hup-sent', 'pid': pid, 'at': time.time()})
    # The re-executed server keeps its PID. It has restarted once it let go of its listening
    # socket (or, on the socket we hold, of its own copy of it), or, for a prefork server that
    # keeps the socket (19 reloads so), once the workers it had are gone.
    while not reexecuted(before, port, old_children, pid, threads, held, copies):
        if not alive(pid, start_time):
            emit(exited_event(pid, hup_at))
            return False
        if mono() >= deadline:
            emit({'t': 'not-ready', 'pid': pid, 'ms': ms_since(hup_at), 'reason': 'the server did not re-execute after HUP'})
            return False
        time.sleep(POLL)
    return wait_ready(pid, target, deadline, hup_at, start_time)


def tasks(pid):
    """The threads of a process but its main one."""
    try:
        return set(os.listdir('/proc/%d/task' % pid)) - set([str(pid)])
    except OSError:
        return set()


def reexecuted(before, port, old_children, pid, threads, held=None, copies=0):
    if not before and not old_children and not threads and copies < 2:
        # Nothing to watch: the readiness probe that follows is all there is.
        return True
    if before and not listening_inodes(port) & before:
        return True
    # On the socket we hold, Odoo serves through a copy of fd 3 (socket.fromfd), which its
    # HTTP server closes as it stops: from then on only the re-executed server accepts.
    if copies > 1 and socket_copies(pid, held) < copies:
        return True
    # Its threads do not survive the re-exec (Odoo's HTTP thread is gone before it re-executes,
    # and nothing else can answer).
    if threads and not tasks(pid) & threads:
        return True
    return bool(old_children) and not any(alive(p, s) for p, s in old_children.items())


def wait_quietly_ready(pid, target, deadline, held=None):
    """True once the server answers; else why not (None: it ended or the deadline passed). On
    the socket we hold, a server that accepts no connection for ACCEPT_WAIT has no HTTP
    service to wait for."""
    port = http_port(target)
    host = http_host(target)
    since = mono()
    accepted = False
    while alive(pid):
        if target.get('disabled'):
            return True
        if held is None:
            if healthy(host, port):
                return True
        else:
            took, status = generation_health(pid, host, port)
            accepted = accepted or took
            if status == 200:
                return True
            if not accepted and mono() - since >= ACCEPT_WAIT:
                return no_accept_reason('the server', port)
        if mono() >= deadline:
            return None
        time.sleep(HTTP_POLL)
    return None


def step_replace(step):
    """Stop, then launch, as one step: once the old server is stopped the new one starts,
    even when the client that asked is gone by then. With `overlap`, and an old server that
    serves on the socket we hold, the new server starts first, beside it (see overlap)."""
    launch, stop = step['launch'], step.get('stop')
    # The lease is taken before anything stops: the holder keeps the port, and what arrives
    # between the two servers waits in the socket's queue instead of being refused.
    fd = lease(http_port(launch['hold'])) if launch.get('hold') is not None else None
    if step.get('overlap') and stop:
        if fd is not None and holds_socket(stop['pid'], socket_inode(fd)):
            return overlap(step)
        emit({'t': 'overlap', 'on': False, 'reason': 'the running server was not started on a socket we hold'})
    if stop and not step_stop(stop):
        return False
    return step_launch(launch)


def step_held(step):
    port = http_port(step['http'])
    fd = None if binds_own_socket(step['http']) else lease(port)
    emit({'t': 'held', 'held': fd is not None and holds_socket(step['pid'], socket_inode(fd))})
    return True


def overlap(step):
    """The new server boots on the held socket while the old one still answers on it; once the
    new one answers itself, the old one gets TERM and is waited for (the usual stop). A new
    server that exits or is not ready in time is stopped, and the old one goes on serving."""
    stop, launch = step['stop'], step['launch']
    emit({'t': 'overlap', 'on': True, 'pid': stop['pid']})
    pid = step_launch(launch)
    if not pid:
        return False
    started = mono()
    deadline = started + step.get('readyTimeoutMs', 60000) / 1000.0
    if not wait_generation_ready(pid, launch['hold'], deadline, started):
        tree = descendants(pid)
        tree[pid] = read_stat(pid)[2] if read_stat(pid) else None
        end_processes(dict((p, t) for p, t in tree.items() if t is not None), 2.0)
        reap(pid)
        emit({'t': 'kept', 'pid': stop['pid'], 'abandoned': pid})
        return False
    return step_stop(stop)


def tcp_inode(server_port, client_port):
    """The inode of the server's end of a connection from CLIENT_PORT, once a process has
    accepted it (0 until then), or None when there is no such connection."""
    found = None
    for name in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if (int(fields[1].rsplit(':', 1)[1], 16) == server_port
                            and int(fields[2].rsplit(':', 1)[1], 16) == client_port):
                        if fields[9] != '0':
                            return fields[9]
                        found = '0'
        except (IOError, OSError, StopIteration, ValueError, IndexError):
            pass
    return found


def accepted_by(sock, port, pid, deadline):
    """True when the server PID (or a process of its tree) accepted this connection, False when
    another did, None when nobody accepted it before DEADLINE."""
    client_port = sock.getsockname()[1]
    while mono() < deadline:
        inode = tcp_inode(port, client_port)
        if inode and inode != '0':
            # The accepting process has the connection's socket among its files from then on.
            return any_holds_socket([pid] + list(descendants(pid)), inode)
        time.sleep(0.002)
    return None


def exchange(sock, host, port, method, path, body=None):
    payload = (body or '').encode('utf-8')
    request = ('%s %s HTTP/1.0\r\nHost: %s:%d\r\nContent-Type: application/json\r\n'
               'Content-Length: %d\r\nConnection: close\r\n\r\n' % (method, path, host, port, len(payload)))
    sock.sendall(request.encode('ascii') + payload)
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    head = b''.join(chunks).partition(b'\r\n\r\n')[0]
    status_line = head.split(b'\r\n', 1)[0].split()
    return int(status_line[1]) if len(status_line) >= 2 and status_line[1].isdigit() else None


def generation_answers(pid, host, port, method, path, body=None):
    """(accepted, status) of a request to the server PID on a socket it shares with the
    previous server: whether PID accepted the connection itself, and the status it answered
    (the request goes out only then; None without an answer)."""
    try:
        sock = socket.create_connection((host, port), timeout=1.0)
    except OSError:
        return False, None
    try:
        if accepted_by(sock, port, pid, mono() + 0.25) is not True:
            return False, None
        try:
            return True, exchange(sock, host, port, method, path, body)
        except OSError:
            return True, None
    except OSError:
        return False, None
    finally:
        sock.close()


def generation_health(pid, host, port):
    """(accepted, status) of /web/health asked of the server PID on the held socket; 14, which
    has no health route, is asked for version_info instead."""
    accepted, status = generation_answers(pid, host, port, 'GET', '/web/health')
    if status == 404:
        accepted, status = generation_answers(pid, host, port, 'POST', '/web/webclient/version_info', VERSION_BODY)
        accepted = True
    return accepted, status


def no_accept_reason(who, port):
    return ('%s accepted no connection on port %d in %d s: its HTTP service is not running '
            '(see its log)' % (who, port, ACCEPT_WAIT))


def wait_generation_ready(pid, target, deadline, started, start_time=None):
    """Until the server PID itself answers on the held socket. One that has accepted no
    connection ACCEPT_WAIT after it started has no HTTP service: that is said at once instead
    of when the ready timeout ends."""
    port, host = http_port(target), http_host(target)
    accepted = False
    while True:
        if not alive(pid, start_time):
            emit(exited_event(pid, started))
            return False
        took, status = generation_health(pid, host, port)
        accepted = accepted or took
        if status == 200:
            return report_ready(pid, host, port, started)
        if not accepted and mono() - started >= ACCEPT_WAIT:
            emit({'t': 'not-ready', 'pid': pid, 'ms': ms_since(started), 'reason': no_accept_reason('the server', port)})
            return False
        if mono() >= deadline:
            return report_not_ready(pid, port, started)
        time.sleep(HTTP_POLL)


def step_free_port(step):
    """A port nobody listens on now: the kernel picks one for a socket bound to port 0."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    finally:
        sock.close()
    emit({'t': 'free-port', 'port': port})
    return True


# ---------------------------------------------------------------------------------------------
# What the server knows: its modules and its databases

MANIFESTS = ('__manifest__.py', '__openerp__.py')
MAX_MODULES = 5000


def config_value(config, key):
    if not config:
        return None
    try:
        import configparser
        parser = configparser.RawConfigParser()
        parser.read(config)
        if parser.has_option('options', key):
            return parser.get('options', key).strip()
    except Exception:
        pass
    return None


def base_addons(script, cwd):
    """Where Odoo's own modules are: next to the script (a source checkout), or in the odoo
    package that the container's Python imports (the official image's Debian package)."""
    found = []
    if script:
        path = script if script.startswith('/') else os.path.join(cwd or '/', script)
        root = os.path.dirname(os.path.realpath(path))
        found += [os.path.join(root, 'odoo', 'addons'), os.path.join(root, 'addons')]
    for entry in sys.path:
        if entry and os.path.isabs(entry):
            found.append(os.path.join(entry, 'odoo', 'addons'))
    return found


def read_manifest(path):
    """The name and summary of a manifest, read as a literal: nothing of it runs."""
    import ast
    try:
        with open(path, 'rb') as f:
            data = f.read(256 * 1024)
        manifest = ast.literal_eval(data.decode('utf-8', 'replace'))
    except Exception:
        return {}
    if not isinstance(manifest, dict):
        return {}
    result = {}
    for key, field in (('name', 'title'), ('summary', 'summary')):
        if isinstance(manifest.get(key), str) and manifest[key].strip():
            result[field] = manifest[key].strip()
    if manifest.get('installable') is False:
        result['installable'] = False
    return result


def list_modules(paths):
    modules = {}
    for folder in paths:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name in modules or len(modules) >= MAX_MODULES:
                continue
            for manifest in MANIFESTS:
                path = os.path.join(folder, name, manifest)
                if os.path.isfile(path):
                    module = {'name': name, 'path': os.path.join(folder, name)}
                    module.update(read_manifest(path))
                    modules[name] = module
                    break
    return [modules[name] for name in sorted(modules)]


def database_list(target):
    """The databases the server lists (`/web/database/list`), or None when it does not say."""
    if target.get('disabled'):
        return None
    try:
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': {}})
        status, data = http_call(http_host(target), http_port(target), 'POST', '/web/database/list', body, timeout=2.0)
        if status != 200:
            return None
        result = json.loads(data.decode('utf-8')).get('result')
    except Exception:
        return None
    return [str(name) for name in result] if isinstance(result, list) else None


def step_paths(step):
    """Which of these addons paths Odoo would refuse: missing, or holding no module."""
    cwd = step.get('cwd') or '/'
    refused = []
    for path in step['paths']:
        full = path if path.startswith('/') else os.path.join(cwd, path)
        if not os.path.isdir(full):
            refused.append({'path': path, 'reason': 'missing'})
        elif not list_modules([full])[:1]:
            refused.append({'path': path, 'reason': 'no-module'})
    emit({'t': 'paths', 'refused': refused})
    return True


def step_inventory(step):
    """The modules of the server's addons paths and Odoo's own, and its databases."""
    target = step.get('http') or {}
    addons = step.get('addonsPath')
    if addons is None:
        addons = config_value(target.get('configFile'), 'addons_path')
    paths = [p.strip() for p in (addons or '').split(',') if p.strip()]
    cwd = step.get('cwd') or '/'
    paths = [p if p.startswith('/') else os.path.join(cwd, p) for p in paths]
    paths += [p for p in base_addons(step.get('script'), cwd) if p not in paths and os.path.isdir(p)]
    emit({'t': 'inventory', 'addonsPaths': [p for p in paths if os.path.isdir(p)],
          'modules': list_modules(paths), 'databases': database_list(target)})
    return True


def step_remember(step):
    remember(step['command'])
    emit({'t': 'remembered'})
    return True


# ---------------------------------------------------------------------------------------------
# Ending a run early; module checksums and the agent's small state, for updating what changed

STATE_DIR = MEMORY_DIR + '/state'


def session_of(pid):
    """The session a process belongs to, or None when it is gone."""
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            data = f.read()
    except (IOError, OSError):
        return None
    rest = data[data.rindex(b')') + 2:].split()
    return None if rest[0] in (b'Z', b'X') else int(rest[3])


def session_members(sid):
    """PID -> start time of every live process of a session (a run launched here leads its own)."""
    members = {}
    for pid in pids():
        if pid != AGENT_PID and session_of(pid) == sid:
            stat = read_stat(pid)
            if stat is not None:
                members[pid] = stat[2]
    return members


def step_end_run(step):
    """Ends a run launched by this agent, and its session: what a cancelled test run leaves
    behind (the browser of an HttpCase, a helper) goes with it."""
    pid = step['pid']
    started = mono()
    unreaped = pid in children and children[pid] is None
    members = session_members(pid)
    forced = False
    if alive(pid):
        signal_quietly(pid, signal.SIGTERM)
        if wait_gone({pid: None}, started + step['timeoutMs'] / 1000.0):
            forced = True
            signal_quietly(pid, signal.SIGKILL)
            wait_gone({pid: None}, mono() + 5.0)
    # Whoever reaps the run reports its exit: this step, unless the step loop did before it.
    if unreaped and children.get(pid) is not None:
        emit(exited_event(pid, launched_at.get(pid, started)))
    members.update(session_members(pid))
    members.pop(pid, None)
    killed = end_processes(wait_gone(members, mono() + 0.2), 1.0)
    emit({'t': 'run-ended', 'pid': pid, 'ms': ms_since(started), 'forced': forced, 'killed': killed})
    return True


def checksum_addons_paths(step):
    value = step.get('addonsPath')
    if not value and step.get('configFile'):
        try:
            import configparser
            parser = configparser.RawConfigParser()
            parser.read(step['configFile'])
            if parser.has_option('options', 'addons_path'):
                value = parser.get('options', 'addons_path')
        except Exception:
            value = None
    cwd = step.get('cwd') or '/'
    paths = []
    for part in (value or '').split(','):
        part = part.strip()
        if part and not part.startswith('/'):
            part = os.path.join(cwd, part)
        if part and os.path.isdir(part) and part not in paths:
            paths.append(part)
    return paths


def is_module_folder(folder):
    return any(os.path.isfile(os.path.join(folder, name)) for name in ('__manifest__.py', '__openerp__.py'))


def module_checksum(folder, exclude):
    """One digest of a module's files, their names and contents, as click-odoo-update computes
    it: files matching an exclude pattern, hidden ones and bytecode caches left out."""
    import fnmatch
    import hashlib
    digest = hashlib.sha256()
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.') and d != '__pycache__')
        for name in names:
            if name.startswith('.'):
                continue
            path = os.path.join(root, name)
            relative = os.path.relpath(path, folder).replace(os.sep, '/')
            if not any(fnmatch.fnmatch(relative, pattern) for pattern in exclude):
                files.append((relative, path))
    for relative, path in sorted(files):
        digest.update(relative.encode('utf-8', 'surrogateescape') + b'\0')
        try:
            with open(path, 'rb') as f:
                for chunk in iter(lambda: f.read(65536), b''):
                    digest.update(chunk)
        except (IOError, OSError):
            digest.update(b'\0unreadable')
        digest.update(b'\0')
    return digest.hexdigest()


def step_checksums(step):
    paths = checksum_addons_paths(step)
    wanted = step.get('modules')
    exclude = step.get('exclude') or []
    found = {}
    for folder in paths:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        # Without names, Odoo's own addons folders (the ones holding base or web) are left
        # out: their modules change only with Odoo itself.
        if wanted is None and any(is_module_folder(os.path.join(folder, core)) for core in ('base', 'web')):
            continue
        for name in names:
            module = os.path.join(folder, name)
            # The first addons path that has a module is the one Odoo loads it from.
            if name in found or (wanted is not None and name not in wanted) or not is_module_folder(module):
                continue
            found[name] = {'path': module, 'checksum': module_checksum(module, exclude)}
    missing = [name for name in (wanted or []) if name not in found]
    emit({'t': 'checksums', 'addonsPaths': paths, 'modules': found, 'missing': missing})
    return True


def step_state(step):
    key = step.get('key') or ''
    if not key or '/' in key or key.startswith('.'):
        emit({'t': 'error', 'message': 'bad state key %r' % key})
        return False
    path = os.path.join(STATE_DIR, key + '.json')
    if 'value' in step:
        try:
            if not os.path.isdir(STATE_DIR):
                os.makedirs(STATE_DIR, 0o755)
            temp = path + '.tmp'
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, 'wb') as f:
                f.write(json.dumps(step['value']).encode('utf-8'))
            os.rename(temp, path)
        except (IOError, OSError) as error:
            emit({'t': 'error', 'message': 'cannot write %s: %s' % (path, error)})
            return False
        emit({'t': 'state', 'key': key, 'value': step['value']})
        return True
    try:
        with open(path, 'rb') as f:
            value = json.loads(f.read().decode('utf-8'))
    except (IOError, OSError, ValueError):
        value = None
    emit({'t': 'state', 'key': key, 'value': value})
    return True

STEPS = {'probe': step_probe, 'free-port': step_free_port, 'remember': step_remember, 'stop': step_stop, 'launch': step_launch, 'replace': step_replace,
         'ready': step_ready, 'hup': step_hup, 'inventory': step_inventory, 'paths': step_paths}
STEPS.update({'warm': step_warm, 'held': step_held, 'end-run': step_end_run, 'checksums': step_checksums, 'state': step_state, 'module': step_module,
              'help': step_help, 'debug-hook': step_debug_hook})


def watch_children():
    for pid in list(children):
        if children[pid] is None:
            reap(pid)
            if children[pid] is not None:
                emit(exited_event(pid, launched_at.get(pid, mono())))


stdin_buffer = [b'']


def next_step():
    """The next step from stdin; meanwhile report when a server we launched exits."""
    fd = sys.stdin.fileno()
    while b'\n' not in stdin_buffer[0]:
        ready, _, _ = select.select([fd], [], [], 0.05)
        watch_children()
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            stdin_buffer[0] += chunk
    line, stdin_buffer[0] = stdin_buffer[0].split(b'\n', 1)
    return json.loads(line.decode('utf-8'))


def take_lock():
    """One mutating agent at a time per container, whichever editor or terminal started it."""
    import fcntl
    try:
        if not os.path.isdir(MEMORY_DIR):
            os.makedirs(MEMORY_DIR, 0o755)
        fd = os.open(MEMORY_DIR + '/lock', os.O_WRONLY | os.O_CREAT, 0o600)
    except OSError:
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def relay(port, wait_ms):
    """Relays bytes between this exec's stdin/stdout and a TCP port of the container's loopback
    (the debug adapter protocol to debugpy), so that the port is never published. Waits up to
    `wait_ms` for something to listen there: a server that was just relaunched under debugpy."""
    import socket
    deadline = mono() + wait_ms / 1000.0
    while True:
        try:
            conn = socket.create_connection(('127.0.0.1', port), timeout=1.0)
            break
        except OSError as error:
            if mono() >= deadline:
                sys.stderr.write('nothing listens on 127.0.0.1:%d in the container (%s)\n' % (port, error.strerror or error))
                sys.stderr.flush()
                return 3
            select.select([], [], [], 0.05)
    conn.settimeout(None)
    fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
    while True:
        ready, _, _ = select.select([conn, fd_in], [], [])
        if conn in ready:
            data = conn.recv(65536)
            if not data:
                return 0
            view = memoryview(data)
            while view:
                view = view[os.write(fd_out, view):]
        if fd_in in ready:
            data = os.read(fd_in, 65536)
            if not data:
                conn.close()
                return 0
            conn.sendall(data)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if len(sys.argv) == 5 and sys.argv[1].isdigit():
        holder_main(sys.argv[1:])
        return
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    if options.get('relay'):
        sys.exit(relay(int(options['relay']), int(options.get('waitMs', 0))))
    if options.get('lock'):
        take_lock()
    emit(snapshot(options.get('user')))
    while True:
        step = next_step()
        if step is None or step.get('step') == 'finish':
            break
        handler = STEPS.get(step.get('step'))
        if handler is None:
            emit({'t': 'error', 'message': 'unknown step %r' % step.get('step')})
            break
        handler(step)
    emit({'t': 'done'})


if __name__ == '__main__':
    try:
        main()
    except Exception as error:
        emit({'t': 'error', 'message': '%s: %s' % (type(error).__name__, error)})
        sys.exit(1)
