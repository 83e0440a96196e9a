"""``%openstack``: python-openstackclient inside the notebook's kernel.

    %load_ext conoha_learn                   # (done for you by `import conoha_learn` in Jupyter)
    %openstack server list                   # prints the table, as in a terminal
    servers = %openstack server list -f json # a pandas DataFrame (a dict for `show` commands)
    %openstack server show {name} -f json    # {python} and $python values are substituted

Why not ``!openstack``? The ``!`` runs a new process: it pays over a second of start-up and a new
token on every call, and a cassette in the kernel cannot see its requests, so it cannot replay.
``%openstack`` runs the same CLI code in the kernel: the first call imports it (about a second),
the next ones take tens of milliseconds, and every mode works (sim, live, record, replay).
``!openstack`` still works in sim and live modes once the kernel's ``OS_*`` variables are set:
`use_in_terminal` sets them.

Which cloud: the one ``cl.connect()`` reaches in the same mode (see `cloud_environment`); in
replay mode the cassette's own credentials. Output never depends on the terminal width: stdout
is not a terminal here, and ``CLIFF_MAX_TERM_WIDTH``/``CLIFF_FIT_WIDTH`` are ignored (pass
``--max-width N`` for a narrow table).
A failed command raises `OpenStackCommandError`, shown as one short message, not a traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .config import ENV_VARIABLES, find_credentials, resolve_mode
from .errors import ConfigError, ConohaLearnError
from .i18n import _
from .redact import SafeDict

# The connection, the cassette and the simulator are imported when ``%openstack`` first needs
# them: `import conoha_learn` loads this module in every kernel, and should stay quick there.
# --- running the CLI in this process ------------------------------------------------------------

OSC_LIB_NOTES = (r"The ClientCache class is deprecated", r"The osc_lib\.version module is deprecated")


@dataclass
class OpenStackResult:
    """What one in-process ``openstack`` command printed, and its exit code."""

    argv: list[str]
    exit_code: int
    stdout: str
    stderr: str

    @property
    def command(self) -> str:
        return "openstack " + shlex.join(self.argv)


class OpenStackCommandError(ConohaLearnError):
    """An ``%openstack`` command failed; the message is what the CLI said."""

    def __init__(self, result: OpenStackResult):
        said = (result.stderr or result.stdout).strip() or _("(no message)")
        super().__init__(_("{command} failed (exit code {code}):\n{said}").format(
                             command=result.command, code=result.exit_code, said=said),
                         hint=_("the same command in a terminal says the same; add --debug for "
                                "the CLI's own traceback."))
        self.result = result

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the learner needs the CLI's message, not
        # the path through the magic machinery.
        return [f"OpenStackCommandError: {self}"]


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ with every OS_* and CLIFF_* replaced by ``values``, restored afterwards.

    CLIFF_MAX_TERM_WIDTH and CLIFF_FIT_WIDTH would make tables depend on who runs the notebook.
    """
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(("OS_", "CLIFF_"))]:
        del os.environ[name]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _kernel_state_kept() -> Iterator[None]:
    """Undo what the CLI does to the whole process: it is written to run once and exit.

    It adds a handler to the root logger and sets it to DEBUG on every run, sets a few library
    loggers' levels, silences warnings, and sets the locale.
    """
    import locale
    import logging
    import warnings

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    named = {name: logging.getLogger(name).level
             for name in ("requests", "cliff", "stevedore", "iso8601", "keystoneauth", "openstack")}
    saved_locale = locale.setlocale(locale.LC_ALL)
    with warnings.catch_warnings():
        # osc_lib's notes about its own internals, raised while python-openstackclient (even the
        # newest) imports it and loads its plugins: nothing the learner did or can change.
        for note in OSC_LIB_NOTES:
            warnings.filterwarnings("ignore", message=note, category=DeprecationWarning)
        try:
            yield
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
            for name, named_level in named.items():
                logging.getLogger(name).setLevel(named_level)
            locale.setlocale(locale.LC_ALL, saved_locale)


def _forget_service_clients() -> None:
    """Drop the service clients the CLI keeps for the whole process.

    osc_lib caches each client (compute, image...) on the ClientManager *class* (its
    ``ClientCache`` descriptor), which is right for a process that runs one command. Here the
    next command may use other credentials, another simulator port or a cassette, so every
    command must start with clients made from its own session.
    """
    from openstackclient.common.clientmanager import ClientManager

    for cls in ClientManager.__mro__:  # they are set on osc_lib's base class
        for value in vars(cls).values():
            if hasattr(value, "_handle") and hasattr(value, "factory"):  # an osc_lib ClientCache
                value._handle = None


def run_openstack(argv: Sequence[str], environ: Mapping[str, str]) -> OpenStackResult:
    """Run ``openstack ARGV`` in this process with ``environ`` as its OS_* settings."""
    out, err = io.StringIO(), io.StringIO()
    with _environment(environ), _kernel_state_kept(), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        from openstackclient.shell import OpenStackShell  # ~1 s the first time, then cached
        _forget_service_clients()
        try:
            code = OpenStackShell().run(list(argv))
        except SystemExit as exc:  # argparse errors and --help end with sys.exit()
            code = exc.code if isinstance(exc.code, int) else 2
        finally:
            _forget_service_clients()  # nor keep this command's session alive
    return OpenStackResult(list(argv), code or 0, out.getvalue(), err.getvalue())


# --- which cloud --------------------------------------------------------------------------------

def _credentials_environment(creds: Any) -> dict[str, str]:
    """OS_* variables for a `config.Credentials`, as the openstack CLI reads them."""
    env: dict[str, str] = {}
    done: set[str] = set()
    for variable, field in ENV_VARIABLES.items():  # OS_PROJECT_* come before OS_TENANT_*
        value = getattr(creds, field, None)
        if value and field not in done:
            env[variable] = str(value)
            done.add(field)
    if "OS_IDENTITY_API_VERSION" not in env:
        version = "2.0" if str(env.get("OS_AUTH_URL", "")).rstrip("/").endswith("v2.0") else "3"
        env["OS_IDENTITY_API_VERSION"] = version
    return env


def _connection_credentials(mode: str) -> Any:
    """The credentials of the last ``cl.connect()`` in this mode, or None."""
    from .connection import current

    conn = current()
    return conn.credentials if conn is not None and conn.mode == mode else None


def cloud_environment(mode: str | None = None) -> dict[str, str]:
    """The OS_* settings ``%openstack`` uses: the same cloud ``cl.connect()`` reaches in this mode.

    replay: the cassette's; otherwise the last ``cl.connect()``'s; without one, in sim mode the
    simulator ``cl.connect()`` would use (found or started), in live or record mode what
    ``openstack`` reads itself (OS_* variables, or OS_CLOUD and clouds.yaml).
    """
    from . import cassette

    mode = resolve_mode(mode)
    path = cassette.ensure_active(mode)  # replay and record: the cassette must be in place first
    if mode == "replay":
        return cassette.replay_credentials(path)
    creds = _connection_credentials(mode)
    if creds is None and mode == "sim":
        from .connection import sim_credentials
        from .local_sim import find_or_start
        creds = sim_credentials(find_or_start()[0])
    if creds is None:
        creds = find_credentials()
    if creds is None:  # let the CLI report what is missing, in its own words
        return {name: value for name, value in os.environ.items() if name.startswith("OS_")}
    return _credentials_environment(creds)


# --- the magic ----------------------------------------------------------------------------------

def _output_format(argv: Sequence[str]) -> str | None:
    """The value of -f/--format, as cliff parses it."""
    for i, arg in enumerate(argv):
        if arg in ("-f", "--format") and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--format="):
            return arg.split("=", 1)[1]
        if arg.startswith("-f") and not arg.startswith("--") and len(arg) > 2:
            return arg[2:]
    return None


def _parsed_json(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return None  # not JSON after all (a warning mixed in?): printed as it is


def openstack(line: str) -> Any:
    """The body of ``%openstack LINE``: JSON output parsed (lists as DataFrames), else printed."""
    argv = shlex.split(line)
    if not argv:
        print(_("Usage: %openstack COMMAND [ARGS] [-f json]   e.g. %openstack server list -f json"))
        return None
    result = run_openstack(argv, cloud_environment())
    if result.exit_code != 0:
        raise OpenStackCommandError(result)
    if result.stderr:  # warnings: shown, as a terminal would
        print(result.stderr, end="", file=sys.stderr)
    data = _parsed_json(result.stdout) if _output_format(argv) == "json" else None
    if data is not None:
        if isinstance(data, list):
            from .tables import frame
            return frame(data)
        if isinstance(data, dict):
            # `server create -f json` answers with the root password (adminPass): keep it out of
            # the displayed output, as the helper's own results do; data["adminPass"] still has it.
            return SafeDict(data)
        return data
    print(result.stdout, end="")
    return None


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext conoha_learn.magics`` (``%load_ext conoha_learn`` calls this too)."""
    ipython.register_magic_function(openstack, magic_kind="line", magic_name="openstack")


def register_in_running_kernel() -> bool:
    """Register ``%openstack`` if we are inside IPython (cheap: IPython is loaded already)."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return False
    load_ipython_extension(shell)
    return True


# --- !openstack ---------------------------------------------------------------------------------

def use_in_terminal(mode: str | None = None) -> dict[str, str]:
    """Set this kernel's OS_* so that ``!openstack ...`` reaches the same cloud as ``cl.connect()``.

    Prints what was set, with the password hidden. Returns the variables (password included,
    for your code; do not print them). Replay mode cannot work this way: a ``!`` command is a
    separate process and never sees the cassette, so use ``%openstack`` there.
    """
    mode = resolve_mode(mode)
    if mode == "replay":
        raise ConfigError(_("In replay mode `!openstack` cannot work: it runs in a separate "
                            "process, which the cassette cannot answer."),
                          hint=_("use %openstack (same arguments) instead, or CONOHA_LEARN_MODE=sim."))
    env = cloud_environment(mode)
    for name in [n for n in os.environ if n.startswith("OS_")]:
        del os.environ[name]  # an old OS_CLOUD or OS_TOKEN would win over the new settings
    os.environ.update(env)
    shown = {name: (_("(hidden)") if "PASSWORD" in name or "TOKEN" in name or "SECRET" in name else value)
             for name, value in sorted(env.items())}
    print(_("!openstack in this notebook now uses:") + "\n"
          + "\n".join(f"  {name}={value}" for name, value in shown.items()))
    return env
