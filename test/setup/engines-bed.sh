#!/usr/bin/env bash
# Sets up the other engines of test/engines/, idempotently, on a Debian machine as root, beside
# the Docker bed of test/setup/docker-bed.sh (run that first: the stand-in image comes from it):
#   1. installs Debian's podman, uidmap, rootlesskit, openssh-server and openssl when missing;
#   2. Podman rootful: `podman system service` on $ENG/podman.sock, with its own storage;
#   3. Podman rootless: the same as the user odoo-dev-rootless (created here, with subordinate
#      ids) on that user's $XDG_RUNTIME_DIR/podman/podman.sock;
#   4. a second dockerd on tcp://127.0.0.1:$ODOO_DEV_TLS_PORT with TLS (a CA, server and client
#      certificates made with openssl), its own data root, exec root, pidfile and socket;
#   5. sshd on 127.0.0.1:$ODOO_DEV_SSH_PORT for the user odoo-dev-ssh (in the docker group), a
#      key made here and held by an ssh-agent, and a client home with ~/.ssh/config and a
#      hashed known_hosts, for ssh:// to the test bed's Docker engine;
#   6. rootless Docker: Docker's own dockerd-rootless.sh (rootlesskit, then dockerd in the user
#      namespace) as the user odoo-dev-rootless-docker (created here, with subordinate ids), on
#      that user's $XDG_RUNTIME_DIR/docker.sock;
#   7. the user odoo-dev-no-access: no engine of its own, not in the docker group;
#   8. loads the stand-in image into each engine from the Docker bed's (docker save | load, over
#      the API) when the engine's copy is not the current build.
# Writes $ENG/engines.json (what the tests read). Everything listens on 127.0.0.1 or on unix
# sockets; services log to $ENG/*.log. test/setup/engines-bed-stop.sh undoes 2 to 6.
#
# Environment: ODOO_DEV_WORK (default /tmp/odoo-dev-test), ODOO_DEV_SSH_PORT (default 22220),
# ODOO_DEV_TLS_PORT (default 23760).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${ODOO_DEV_WORK:-/tmp/odoo-dev-test}
ENG=$WORK/engines
SSH_PORT=${ODOO_DEV_SSH_PORT:-22220}
TLS_PORT=${ODOO_DEV_TLS_PORT:-23760}
ROOTLESS_USER=odoo-dev-rootless
ROOTLESS_DOCKER_USER=odoo-dev-rootless-docker
NO_ACCESS_USER=odoo-dev-no-access
SSH_USER=odoo-dev-ssh
IMAGE=${ODOO_DEV_STANDIN_IMAGE:-odoo-dev-test/standin:latest}
HASH_LABEL=odoo-dev-test.context-hash

say() { printf 'engines-bed: %s\n' "$*"; }
die() { printf 'engines-bed: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it starts services and creates test users)"
command -v node >/dev/null || die "node is required"
mkdir -p "$ENG"
chmod 755 "$WORK" "$ENG"
exec 9>>"$WORK/engines.lock"
flock 9

# True while the process exists and is not a zombie.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
pid_in() { cat "$1" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_in "$1"); [ -n "$pid" ] && running "$pid"; }

# Starts "$@" in its own session, detached from our descriptors, logging to $1; records its pid.
start_service() {
  local log=$1 pidfile=$2
  shift 2
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@" >>"$log" 2>&1 </dev/null
  ) &
  echo $! >"$pidfile"
}

# Waits until `check` succeeds, failing with the log's tail when the service dies or after 30 s.
wait_service() {
  local what=$1 pidfile=$2 log=$3 check=$4 deadline=$((SECONDS + 30))
  until eval "$check"; do
    if ! alive "$pidfile"; then
      tail -n 20 "$log" >&2 || true
      die "$what exited while starting (see $log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$log" >&2 || true
      die "$what did not answer within 30 s (see $log)"
    fi
    sleep 0.1
  done
}

# The Docker API over a unix socket with Node's http module (no CLI, no node_modules).
api() {
  node -e '
const http = require("http");
const [, socket, cmd, ...args] = process.argv;
function call(path, method = "GET", body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, method, path, headers: body ? { "Content-Type": "application/x-tar" } : {} }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(600000, () => req.destroy(new Error("API timeout")));
    if (body) body.pipe(req); else req.end();
  });
}
(async () => {
  if (cmd === "ping") {
    process.exit((await call("/_ping")).status === 200 ? 0 : 1);
  } else if (cmd === "label") {
    const r = await call(`/images/${args[0]}/json`);
    if (r.status !== 200) process.exit(1);
    console.log(((JSON.parse(r.body).Config || {}).Labels || {})[args[1]] ?? "-");
  } else if (cmd === "copy-image") {
    // docker save from the Docker bed, docker load into this engine, both streamed.
    const source = await new Promise((resolve, reject) => {
      const req = http.request({ socketPath: "/var/run/docker.sock", path: `/images/get?names=${encodeURIComponent(args[0])}` }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`docker save answered ${res.statusCode}`)); else resolve(res);
      });
      req.on("error", reject);
      req.end();
    });
    const r = await call("/images/load", "POST", source);
    if (r.status !== 200 || /"error"/.test(r.body)) { console.error(r.body); process.exit(1); }
  } else if (cmd === "remove-test-containers") {
    const filters = encodeURIComponent(JSON.stringify({ label: ["odoo-dev-test"] }));
    const list = await call(`/containers/json?all=1&filters=${filters}`);
    if (list.status !== 200) return;
    const containers = JSON.parse(list.body);
    await Promise.all(containers.map((c) => call(`/containers/${c.Id}?force=1&v=1`, "DELETE")));
    if (containers.length) console.log(`removed ${containers.length} test container(s) from ${socket}`);
  } else {
    console.error(`unknown api command ${cmd}`); process.exit(2);
  }
})().catch((e) => { console.error(String(e && e.message || e)); process.exit(1); });
' "$@"
}
ping_socket() { [ -S "$1" ] && api "$1" ping 2>/dev/null; }

# --- 1. packages -----------------------------------------------------------------------
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v newuidmap >/dev/null || missing+=(uidmap)
command -v rootlesskit >/dev/null || missing+=(rootlesskit)
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-agent >/dev/null || missing+=(openssh-client)
command -v openssl >/dev/null || missing+=(openssl)
command -v runc >/dev/null || missing+=(runc)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get update -qq
  DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
ping_socket /var/run/docker.sock || die "the Docker bed does not answer: run bash test/setup/docker-bed.sh first"
bed_hash=$(api /var/run/docker.sock label "$IMAGE" "$HASH_LABEL") || die "$IMAGE is missing: run bash test/setup/docker-bed.sh first"
DOCKERD_ROOTLESS=/usr/share/docker.io/contrib/dockerd-rootless.sh
[ -x "$DOCKERD_ROOTLESS" ] || die "$DOCKERD_ROOTLESS is missing (Debian's docker.io ships it)"

# Our own containers.conf, so that the machine's Podman settings stay as they are: runc (crun
# refuses this machine's hybrid cgroups), no default ulimits (runc cannot set RLIMIT_NOFILE
# here), cgroupfs and file events (no systemd).
cat >"$ENG/containers.conf" <<'EOF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
printf '[storage]\ndriver = "overlay"\n' >"$ENG/storage-rootless.conf"
chmod 644 "$ENG/containers.conf" "$ENG/storage-rootless.conf"

# Loads the stand-in into the engine at $1 unless it has this build (same context hash).
load_image() {
  local socket=$1 name=$2
  if [ "$(api "$socket" label "$IMAGE" "$HASH_LABEL" 2>/dev/null || echo missing)" != "$bed_hash" ]; then
    say "loading $IMAGE into $name"
    api "$socket" copy-image "$IMAGE" || die "loading $IMAGE into $name failed (message above)"
  fi
}

# --- 2. Podman, rootful ----------------------------------------------------------------
PODMAN_SOCK=$ENG/podman.sock
if ! ping_socket "$PODMAN_SOCK"; then
  say "starting podman system service (rootful, log: $ENG/podman.log)"
  rm -f "$PODMAN_SOCK"
  start_service "$ENG/podman.log" "$ENG/podman.pid" env CONTAINERS_CONF="$ENG/containers.conf" \
    podman --root "$ENG/podman-root" --runroot "$ENG/podman-run" system service --time=0 "unix://$PODMAN_SOCK"
  wait_service "podman (rootful)" "$ENG/podman.pid" "$ENG/podman.log" "ping_socket $PODMAN_SOCK"
fi
load_image "$PODMAN_SOCK" "Podman (rootful)"

# --- 3. Podman, rootless ---------------------------------------------------------------
# A user for a rootless engine: $1 with the subordinate ids $2 (unless it has some) and its
# runtime directory /run/user/UID, as a login would make it.
rootless_user() {
  local user=$1 ids=$2 dir
  id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
  # usermod refuses subordinate ids while these files do not exist (Debian's base system has them
  # empty; a trimmed image may not).
  touch /etc/subuid /etc/subgid
  grep -q "^$user:" /etc/subuid || usermod --add-subuids "$ids" "$user"
  grep -q "^$user:" /etc/subgid || usermod --add-subgids "$ids" "$user"
  dir=/run/user/$(id -u "$user")
  mkdir -p "$dir"
  chown "$user:" "$dir"
  chmod 700 "$dir"
}
# Sets as_user to the command prefix that runs a command as the user $1, with the environment of
# a login: HOME, USER, XDG_RUNTIME_DIR, PATH (an array, for start_service).
user_command() {
  local user=$1 uid
  uid=$(id -u "$user")
  as_user=(setpriv --reuid="$uid" --regid="$(id -g "$user")" --init-groups
    env -i HOME="$(getent passwd "$user" | cut -d: -f6)" USER="$user" LOGNAME="$user"
    XDG_RUNTIME_DIR="/run/user/$uid" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin)
}
rootless_user "$ROOTLESS_USER" 200000-265535
RUID=$(id -u "$ROOTLESS_USER")
RUNTIME_DIR=/run/user/$RUID
ROOTLESS_SOCK=$RUNTIME_DIR/podman/podman.sock
mkdir -p "$RUNTIME_DIR/podman"
chown "$ROOTLESS_USER:" "$RUNTIME_DIR/podman"
if ! ping_socket "$ROOTLESS_SOCK"; then
  say "starting podman system service as $ROOTLESS_USER (log: $ENG/podman-rootless.log)"
  rm -f "$ROOTLESS_SOCK"
  touch "$ENG/podman-rootless.log"
  chown "$ROOTLESS_USER:" "$ENG/podman-rootless.log"
  user_command "$ROOTLESS_USER"
  start_service "$ENG/podman-rootless.log" "$ENG/podman-rootless.pid" "${as_user[@]}" \
    CONTAINERS_CONF="$ENG/containers.conf" CONTAINERS_STORAGE_CONF="$ENG/storage-rootless.conf" \
    podman system service --time=0 "unix://$ROOTLESS_SOCK"
  wait_service "podman (rootless)" "$ENG/podman-rootless.pid" "$ENG/podman-rootless.log" "ping_socket $ROOTLESS_SOCK"
fi
load_image "$ROOTLESS_SOCK" "Podman (rootless)"

# --- 4. dockerd with TLS on loopback ---------------------------------------------------
TLS=$ENG/tls
if [ ! -f "$TLS/client/key.pem" ]; then
  say "making TLS certificates with openssl"
  rm -rf "$TLS"
  mkdir -p "$TLS/server" "$TLS/client"
  (
    cd "$TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=odoo-dev-test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server/key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName = IP:127.0.0.1,DNS:localhost\nextendedKeyUsage = serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile server.ext -out server/cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=odoo-dev-test client" -keyout client/key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage = clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
      -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem server/ca.pem
    cp ca.pem client/ca.pem
    rm -f ./*.csr ./*.ext
  )
fi
TLS_DIR=$ENG/dockerd-tls
TLS_SOCK=$TLS_DIR/docker.sock
if ! ping_socket "$TLS_SOCK"; then
  say "starting a second dockerd with TLS on 127.0.0.1:$TLS_PORT (log: $ENG/dockerd-tls.log)"
  mkdir -p "$TLS_DIR/data" "$TLS_DIR/exec"
  rm -f "$TLS_SOCK"
  # dockerd writes and removes its own pidfile; ours records the same pid for the stop script.
  start_service "$ENG/dockerd-tls.log" "$ENG/dockerd-tls.pid" dockerd \
    --data-root "$TLS_DIR/data" --exec-root "$TLS_DIR/exec" --pidfile "$TLS_DIR/dockerd.pid" \
    -H "unix://$TLS_SOCK" -H "tcp://127.0.0.1:$TLS_PORT" \
    --tlsverify --tlscacert "$TLS/server/ca.pem" --tlscert "$TLS/server/cert.pem" --tlskey "$TLS/server/key.pem" \
    --bridge=none --iptables=false --ip6tables=false
  wait_service "dockerd (TLS)" "$ENG/dockerd-tls.pid" "$ENG/dockerd-tls.log" "ping_socket $TLS_SOCK"
fi
load_image "$TLS_SOCK" "the TLS dockerd"

# --- 5. sshd, a key in an ssh-agent, a client home --------------------------------------
SSH=$ENG/ssh
mkdir -p "$SSH"
chmod 755 "$SSH"
if ! id "$SSH_USER" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/sh --groups docker "$SSH_USER"
fi
# A locked account ("!") may not log in even with a key when PAM is off; "*" has no password.
usermod -p '*' "$SSH_USER"
[ -f "$SSH/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C odoo-dev-test-host -f "$SSH/host_ed25519"
[ -f "$SSH/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C odoo-dev-test-client -f "$SSH/client_ed25519"
[ -f "$SSH/other_host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C odoo-dev-test-other -f "$SSH/other_host_ed25519"
# In the user's home: sshd's StrictModes refuses a key file under /tmp (world-writable).
SSH_USER_HOME=$(getent passwd "$SSH_USER" | cut -d: -f6)
install -d -m 700 -o "$SSH_USER" -g "$SSH_USER" "$SSH_USER_HOME/.ssh"
install -m 600 -o "$SSH_USER" -g "$SSH_USER" "$SSH/client_ed25519.pub" "$SSH_USER_HOME/.ssh/authorized_keys"
cat >"$SSH/sshd_config" <<EOF
ListenAddress 127.0.0.1:$SSH_PORT
HostKey $SSH/host_ed25519
PidFile $SSH/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
AllowUsers $SSH_USER
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
StrictModes yes
LogLevel VERBOSE
EOF
mkdir -p /run/sshd
chmod 755 /run/sshd
if ! alive "$ENG/sshd.pid"; then
  say "starting sshd on 127.0.0.1:$SSH_PORT (log: $ENG/sshd.log)"
  /usr/sbin/sshd -t -f "$SSH/sshd_config" || die "sshd refuses $SSH/sshd_config"
  start_service "$ENG/sshd.log" "$ENG/sshd.pid" /usr/sbin/sshd -D -e -f "$SSH/sshd_config"
  wait_service "sshd" "$ENG/sshd.pid" "$ENG/sshd.log" \
    "node -e 'require(\"net\").connect($SSH_PORT, \"127.0.0.1\").on(\"connect\", () => process.exit(0)).on(\"error\", () => process.exit(1))'"
fi
AGENT_SOCK=$SSH/agent.sock
if ! alive "$ENG/ssh-agent.pid" || ! SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -l >/dev/null 2>&1; then
  say "starting ssh-agent with the client key"
  if alive "$ENG/ssh-agent.pid"; then kill "$(pid_in "$ENG/ssh-agent.pid")" 2>/dev/null || true; fi
  rm -f "$AGENT_SOCK"
  start_service "$ENG/ssh-agent.log" "$ENG/ssh-agent.pid" ssh-agent -D -a "$AGENT_SOCK"
  wait_service "ssh-agent" "$ENG/ssh-agent.pid" "$ENG/ssh-agent.log" "[ -S $AGENT_SOCK ]"
  SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -q "$SSH/client_ed25519"
fi
# Client homes: the key only in the agent; ~/.ssh/config names the host by an alias; the host
# key is in a hashed known_hosts (as HashKnownHosts writes it). A second home lists another key
# for the same host, so that a changed host key can be seen refused.
make_home() {
  local home=$1 hostkey=$2
  rm -rf "$home"
  install -d -m 700 "$home/.ssh"
  cat >"$home/.ssh/config" <<EOF
Host odoo-dev-bed
  HostName 127.0.0.1
  Port $SSH_PORT
  User $SSH_USER
EOF
  printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$hostkey")" >"$home/.ssh/known_hosts"
  ssh-keygen -q -H -f "$home/.ssh/known_hosts" >/dev/null 2>&1
  rm -f "$home/.ssh/known_hosts.old"
}
make_home "$SSH/home" "$SSH/host_ed25519.pub"
make_home "$SSH/home-changed-key" "$SSH/other_host_ed25519.pub"
# The remote side runs `docker system dial-stdio` as the Docker CLI does.
SSH_AUTH_SOCK=$AGENT_SOCK HOME=$SSH/home ssh -F "$SSH/home/.ssh/config" -o BatchMode=yes \
  -o UserKnownHostsFile="$SSH/home/.ssh/known_hosts" odoo-dev-bed docker version --format '{{.Server.Version}}' >/dev/null \
  || die "ssh to odoo-dev-bed cannot run docker (see $ENG/sshd.log)"

# --- 6. rootless Docker ----------------------------------------------------------------
# dockerd-rootless.sh runs rootlesskit, which makes the user namespace, then dockerd in it. With
# rootlesskit's host network (no slirp4netns, nothing leaves the machine) the engine cannot
# enter the host's network namespace ("failed to set into network namespace ... operation not
# permitted" for --network host): containers there use network none, as the tests' do.
rootless_user "$ROOTLESS_DOCKER_USER" 300000-365535
RDUID=$(id -u "$ROOTLESS_DOCKER_USER")
RD_RUNTIME_DIR=/run/user/$RDUID
RD_SOCK=$RD_RUNTIME_DIR/docker.sock
if ! ping_socket "$RD_SOCK"; then
  say "starting rootless dockerd as $ROOTLESS_DOCKER_USER (log: $ENG/dockerd-rootless.log)"
  rm -f "$RD_SOCK"
  touch "$ENG/dockerd-rootless.log"
  chown "$ROOTLESS_DOCKER_USER:" "$ENG/dockerd-rootless.log"
  user_command "$ROOTLESS_DOCKER_USER"
  # The recorded pid is rootlesskit's: on TERM it stops dockerd in the namespace, and dockerd its
  # containerd.
  start_service "$ENG/dockerd-rootless.log" "$ENG/dockerd-rootless.pid" "${as_user[@]}" \
    DOCKERD_ROOTLESS_ROOTLESSKIT_NET=host DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=none \
    "$DOCKERD_ROOTLESS" --bridge=none --iptables=false --ip6tables=false
  wait_service "dockerd (rootless)" "$ENG/dockerd-rootless.pid" "$ENG/dockerd-rootless.log" "ping_socket $RD_SOCK"
fi
load_image "$RD_SOCK" "the rootless dockerd"

# --- 7. a user who may not open the Docker bed's socket ----------------------------------
id "$NO_ACCESS_USER" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$NO_ACCESS_USER"
if id -nG "$NO_ACCESS_USER" | tr ' ' '\n' | grep -qx docker; then
  die "$NO_ACCESS_USER is in the docker group: remove it (gpasswd -d $NO_ACCESS_USER docker)"
fi
NAUID=$(id -u "$NO_ACCESS_USER")

cat >"$ENG/engines.json" <<EOF
{
  "podmanRootful": { "socket": "$PODMAN_SOCK" },
  "podmanRootless": { "socket": "$ROOTLESS_SOCK", "user": "$ROOTLESS_USER", "uid": $RUID, "runtimeDir": "$RUNTIME_DIR" },
  "tls": { "host": "tcp://127.0.0.1:$TLS_PORT", "certPath": "$TLS/client", "socket": "$TLS_SOCK" },
  "dockerRootless": { "socket": "$RD_SOCK", "user": "$ROOTLESS_DOCKER_USER", "uid": $RDUID, "gid": $(id -g "$ROOTLESS_DOCKER_USER"),
                      "home": "$(getent passwd "$ROOTLESS_DOCKER_USER" | cut -d: -f6)", "runtimeDir": "$RD_RUNTIME_DIR" },
  "noAccess": { "user": "$NO_ACCESS_USER", "uid": $NAUID, "gid": $(id -g "$NO_ACCESS_USER"), "home": "$(getent passwd "$NO_ACCESS_USER" | cut -d: -f6)" },
  "ssh": { "alias": "odoo-dev-bed", "user": "$SSH_USER", "port": $SSH_PORT, "home": "$SSH/home",
           "changedKeyHome": "$SSH/home-changed-key", "agentSocket": "$AGENT_SOCK", "sshdPidFile": "$ENG/sshd.pid" },
  "imageHash": "$bed_hash"
}
EOF
say "ready: Podman (rootful, rootless), dockerd over TLS, sshd, rootless dockerd (details: $ENG/engines.json)"
