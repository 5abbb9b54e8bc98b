# JupyterHub for a class on one machine: trainbook's course, the "TypeScript (trainbook)" kernel.
#
# Run from the folder that keeps the hub's state (jupyterhub.sqlite, the cookie secret):
#   jupyterhub -f /path/to/trainbook/classroom/jupyterhub_config.py
# after classroom/setup.sh has installed JupyterHub, configurable-http-proxy and the kernel.
#
# Settings come from the environment so the same file serves a teacher's machine and the test:
#   CLASSROOM_PORT            public port of the proxy, on 127.0.0.1 (default 8000; put a TLS proxy in front)
#   CLASSROOM_HUB_PORT        the hub's internal port (default 8081)
#   CLASSROOM_PROXY_API_PORT  the proxy's REST API port (default 8001)
#   CLASSROOM_SPAWNER         "local" (default): real unix users, JupyterHub's LocalProcessSpawner;
#                             "simple": SimpleLocalProcessSpawner, every student's server runs as the hub's user
#                             in its own folder under CLASSROOM_HOMES, nobody logs in (API tokens only): no
#                             isolation between students, for trying the course without creating users, never for a
#                             real class (the CI test uses "local" with real users)
#   CLASSROOM_HOMES           parent folder of the students' folders with the simple spawner
#   CLASSROOM_API_TOKEN       a token for the "classroom-admin" service (create users, start and use servers)
#   CLASSROOM_ADMINS          comma-separated hub admins (the teacher)
#   CLASSROOM_EXCHANGE        nbgrader's exchange folder (default /srv/nbgrader/exchange, see classroom/setup.sh)
import os
import subprocess
import sys

c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)


def port(name, default):
    value = os.environ.get(name, str(default))
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"classroom: {name} is {value!r}, expected a TCP port number (1-65535)")
    return int(value)


# Loopback only: nothing here listens on another address.
c.JupyterHub.bind_url = f"http://127.0.0.1:{port('CLASSROOM_PORT', 8000)}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{port('CLASSROOM_HUB_PORT', 8081)}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port('CLASSROOM_PROXY_API_PORT', 8001)}"
# configurable-http-proxy is the npm package pinned in package.json (npm ci puts it here).
c.ConfigurableHTTPProxy.command = [os.path.join(repo, "node_modules", ".bin", "configurable-http-proxy")]

# The single-user server of the hub's own Python (a venv made by setup.sh): it sees the kernelspec that
# `trainbook install-kernel --sys-prefix` wrote into that environment.
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# A trainbook kernel holds a few hundred MB; see the README's "Serve a class" for the measured figures.
c.Spawner.environment = {"TRAINBOOK_CLASSROOM": "1"}
# nbgrader's exchange (release / fetch / submit / collect): the venv's nbgrader_config.py reads it from here.
if os.environ.get("CLASSROOM_EXCHANGE"):
    c.Spawner.environment["CLASSROOM_EXCHANGE"] = os.environ["CLASSROOM_EXCHANGE"]


def prepare_home(home):
    """The student's folder: a copy of the course's notebooks and node_modules linked to the course's."""
    subprocess.run(["bash", os.path.join(here, "prepare-home.sh"), home], check=True)


spawner = os.environ.get("CLASSROOM_SPAWNER", "local")
if spawner == "simple":
    homes = os.environ.get("CLASSROOM_HOMES")
    if not homes:
        raise ValueError("classroom: CLASSROOM_SPAWNER=simple needs CLASSROOM_HOMES, the folder of the students' folders")
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    # No logins at all: students exist only as hub users reached with API tokens (the test's way in).
    c.JupyterHub.authenticator_class = "null"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(os.path.abspath(homes), "{username}")
    if os.getuid() == 0:
        c.Spawner.args = ["--allow-root"]

    def pre_spawn(spawner):
        prepare_home(spawner.home_dir)

elif spawner == "local":
    import pwd

    def pre_spawn(spawner):
        entry = pwd.getpwnam(spawner.user.name)
        fresh = not os.path.exists(os.path.join(entry.pw_dir, "notebooks"))
        prepare_home(entry.pw_dir)
        if fresh:
            subprocess.run(["chown", "-R", "--no-dereference", f"{entry.pw_uid}:{entry.pw_gid}", entry.pw_dir], check=True)

else:
    raise ValueError(f'classroom: CLASSROOM_SPAWNER is {spawner!r}, expected "local" or "simple"')

c.Spawner.pre_spawn_hook = pre_spawn

admins = {name for name in os.environ.get("CLASSROOM_ADMINS", "").split(",") if name}
if admins:
    c.Authenticator.admin_users = admins

token = os.environ.get("CLASSROOM_API_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "classroom-admin", "api_token": token}]
    c.JupyterHub.load_roles = [
        {
            "name": "classroom-admin",
            "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users"],
            "services": ["classroom-admin"],
        }
    ]
