/**
 * The keeper's socket holder: the Python program through which the keeper starts the image's
 * entrypoint, so that the first Odoo of the container already serves on a socket of ours and
 * the first restart overlaps like every later one.
 *
 * It runs as `python3 -c KEEPER_HOLDER ENTRYPOINT... CMD...` in the process the keeper starts
 * (call it X), and always ends in `exec` of the entrypoint, with or without a socket:
 *
 * 1. From the entrypoint's and command's words and Odoo's config file (the last `-c`/`--config`
 *    that names a file, so that a shell's or Python's own `-c` does not count; else `$ODOO_RC`,
 *    else `~/.odoorc`) it reads what Odoo will serve: the HTTP port and interface.
 *    Nothing to hold for `--no-http`, prefork (`workers` > 0: the prefork master binds its own
 *    socket before 19), or an IPv6 interface. Odoo reads the same options from the same places
 *    (`odoo/tools/config.py`), so a socket bound here is the one Odoo would have bound.
 * 2. It binds that address (SO_REUSEADDR, as Odoo does) but does not listen yet, forks the
 *    holder (detached, in its own session), and execs the entrypoint with the socket as fd 3,
 *    `LISTEN_FDS=1` and `LISTEN_PID=X`: systemd's socket activation, which Odoo's threaded
 *    server honours when the PID is its own (`ThreadedWSGIServerReloadable.server_bind`).
 * 3. The holder (`odoo-keeper holder PORT` in `ps`: it rewrites its own command line, as the
 *    warm process does) listens only once X itself has become an Odoo server (the official entrypoint
 *    `exec`s Odoo, so X is Odoo's PID). An entrypoint that forks Odoo instead gives it another
 *    PID: that Odoo ignores fd 3 and binds the port itself, which a bound socket that does not
 *    listen allows (both with SO_REUSEADDR), and the holder lets go. Odoo binds ≈ 0.5 s after
 *    its exec (imports), the holder looks every 20 ms.
 * 4. Then it serves what the agent's own holder serves (agent.py, "The socket holder"), on the
 *    abstract Unix socket `@odoo-dev-holder-PORT` (no file, so no directory a user of the
 *    container could prepare): the listening socket to each client that is root or its own
 *    user, `gen PID STARTTIME` lines naming the generations on the socket, `release`; it ends
 *    once no generation runs and no client is connected for a second.
 *
 * No single quote in it (it is single-quoted in the keeper's `sh` script), and nothing Odoo's
 * users type reaches a shell: the words are the keeper's positional parameters.
 */
export const KEEPER_HOLDER = String.raw`import os, socket, sys
a = sys.argv[1:]
def values(names):
    v = []
    for i, w in enumerate(a):
        for n in names:
            if w == n and i + 1 < len(a):
                v.append(a[i + 1])
            elif n[1] == "-" and w.startswith(n + "="):
                v.append(w[len(n) + 1:])
            elif n[1] != "-" and w.startswith(n) and w != n:
                v.append(w[2:])
    return v
def value(names):
    return (values(names) or [None])[-1]
def target():
    c = {}
    try:
        import configparser
        p = configparser.RawConfigParser()
        files = [f for f in values(["-c", "--config"]) if os.path.isfile(f)]
        p.read(files[-1] if files else os.environ.get("ODOO_RC") or os.path.expanduser("~/.odoorc"))
        c = dict(p.items("options"))
    except Exception:
        pass
    def get(names, keys, default):
        v = value(names)
        for k in keys:
            v = c.get(k) if v is None else v
        return (default if v is None else v).strip()
    if "--no-http" in a or "--no-xmlrpc" in a or get([], ["http_enable", "xmlrpc"], "True").lower() in ("false", "0", "no", "off"):
        return None
    workers = get(["--workers"], ["workers"], "0")
    port = get(["--http-port", "-p", "--xmlrpc-port"], ["http_port", "xmlrpc_port"], "8069")
    host = get(["--http-interface", "--xmlrpc-interface"], ["http_interface", "xmlrpc_interface"], "") or "0.0.0.0"
    if not workers.isdigit() or int(workers) > 0 or not port.isdigit() or ":" in host:
        return None
    return host, int(port)
def stat(p):
    try:
        with open("/proc/%d/stat" % p, "rb") as f:
            d = f.read()
        r = d[d.rindex(b")") + 2:].split()
        return None if r[0] in (b"Z", b"X") else int(r[19])
    except Exception:
        return None
def cmdline(p):
    try:
        with open("/proc/%d/cmdline" % p, "rb") as f:
            return f.read()
    except Exception:
        return b""
def odoo(raw):
    v = [w.decode("utf-8", "replace") for w in raw.split(b"\0")[:-1]]
    b = [os.path.basename(w) for w in v]
    scripts = ("odoo", "odoo-bin", "odoo.py", "openerp-server", "odoo.__main__")
    if b[:1] and b[0] in scripts:
        w = v[1:]
    elif b[:1] and b[0].startswith("python"):
        j = 1
        while j < len(v) and v[j].startswith("-") and v[j] != "-m":
            j += 2 if v[j] in ("-W", "-X") else 1
        j += v[j:j + 1] == ["-m"]
        if j >= len(v) or b[j] not in scripts:
            return "python"
        w = v[j + 1:]
    else:
        return "wait"
    first = w[1:2] if w[:1] and w[0].startswith("--addons-path=") else w[:1]
    if first and not first[0].startswith("-") and first[0] != "server" or set(w) & {"-h", "--help", "--version"}:
        return "other"
    return "server"
def child_odoo(x):
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % d, "rb") as f:
                r = f.read()
            if d.isdigit() and int(r[r.rindex(b")") + 2:].split()[1]) == x and odoo(cmdline(int(d))) in ("server", "other"):
                return True
        except Exception:
            pass
    return False
def rename(words):
    try:
        with open("/proc/self/stat", "rb") as f:
            d = f.read()
        r = d[d.rindex(b")") + 2:].split()
        start, end = int(r[45]), int(r[46])
        data = b"\0".join(w.encode() for w in words) + b"\0"
        with open("/proc/self/mem", "r+b", buffering=0) as m:
            m.seek(start)
            m.write(data + b"\0" * (end - start - len(data)))
    except Exception:
        pass
def hold(s, x, port):
    import array, select, struct, time
    t = stat(x)
    me = cmdline(os.getpid())
    rename(["odoo-keeper", "holder", str(port)])
    since = time.time()
    python = None
    while True:
        if t is None or stat(x) != t:
            return
        raw = cmdline(x)
        k = "wait" if raw == me else odoo(raw)
        if k == "other" or k == "python" and child_odoo(x):
            return
        if k == "server" or k == "python" and time.time() - (python or time.time()) >= 2:
            break
        python = (python or time.time()) if k == "python" else None
        time.sleep(0.02 if time.time() - since < 60 else 0.5)
    try:
        s.listen(128)
    except OSError as e:
        sys.stderr.write("odoo-keeper: Odoo (PID %d) cannot serve on port %d: %s\n" % (x, port, e.strerror))
        return
    s.setblocking(False)
    n = os.open(os.devnull, os.O_RDWR)
    for f in (0, 1, 2):
        os.dup2(n, f)
    c = socket.socket(socket.AF_UNIX)
    try:
        c.bind("\0odoo-dev-holder-%d" % port)
        c.listen(16)
    except OSError:
        c.close()
        c = None
    gens = {x: t}
    clients = {}
    idle = None
    while True:
        for k in select.select(([c] if c else []) + list(clients), [], [], 0.25)[0]:
            if k is c:
                try:
                    n, _ = c.accept()
                    if struct.unpack("3i", n.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1] in (0, os.getuid()):
                        n.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [s.fileno()]))])
                        clients[n] = b""
                    else:
                        n.close()
                except OSError:
                    pass
                continue
            try:
                d = k.recv(4096)
            except OSError:
                d = b""
            if not d:
                k.close()
                del clients[k]
                continue
            clients[k] += d
            while b"\n" in clients[k]:
                line, clients[k] = clients[k].split(b"\n", 1)
                w = line.split()
                if len(w) == 3 and w[0] == b"gen":
                    gens[int(w[1])] = int(w[2])
                elif w == [b"release"]:
                    return
        for p in [p for p in gens if stat(p) != gens[p]]:
            del gens[p]
        if gens or clients:
            idle = None
        elif idle is None:
            idle = time.time()
        elif time.time() - idle >= 1:
            return
def main():
    h = target()
    if h is None:
        return
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(h)
    x = os.getpid()
    if os.fork() == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                hold(s, x, h[1])
        finally:
            os._exit(0)
    os.wait()
    fd = s.detach()
    if fd != 3:
        os.dup2(fd, 3)
        os.close(fd)
    os.set_inheritable(3, True)
    os.environ["LISTEN_FDS"] = "1"
    os.environ["LISTEN_PID"] = str(x)
try:
    main()
except Exception:
    pass
try:
    os.execvp(a[0], a)
except OSError as e:
    sys.stderr.write("odoo-keeper: %s: %s\n" % (a[0], e.strerror))
    os._exit(127)
`;
