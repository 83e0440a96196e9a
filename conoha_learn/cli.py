"""The ``conoha-learn`` command.

    conoha-learn sim [--port 8765] [--host 127.0.0.1] [--seed N] [--delay S] [--state FILE] [--private]
    conoha-learn lab [--lang ja] [JUPYTER OPTIONS...]
    conoha-learn record notebooks/ [NAMES...] [--live] [--seed N] [--delay S]
    conoha-learn audit [PATHS...]
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence

from .i18n import _
from .lab import export_lines


def _sim_banner(sim) -> str:
    """Where the simulator listens, and how to point the openstack CLI at it."""
    creds = sim.credentials()
    exports = export_lines(creds)
    return _("""\
ConoHa simulator listening on {url}
  identity  {url}/identity/v3      (region c3j1)
  control   {url}/_sim             (reset: curl -X POST {url}/_sim/reset)

For the openstack CLI, either export:
{exports}

or put this in clouds.yaml and run `openstack --os-cloud conoha-sim ...`:
  clouds:
    conoha-sim:
      auth:
        auth_url: {auth_url}
        username: {username}
        password: {password}
        project_id: {project_id}
        user_domain_name: gnc
      region_name: c3j1
      interface: public
      identity_api_version: 3

These are the simulator's built-in learner credentials; they open nothing but this simulator.
Press Ctrl+C to stop.""").format(url=sim.url, exports=exports, auth_url=creds["OS_AUTH_URL"],
                                 username=creds["OS_USERNAME"], password=creds["OS_PASSWORD"],
                                 project_id=creds["OS_PROJECT_ID"])


def private_banner(sim, path) -> str:
    """For a private simulator: the secret /_sim wants, and the file the owner's tools read."""
    from .sim.private import SECRET_HEADER
    return _("""\
Private mode (a shared machine): the password above is random, and the control API wants
this simulator's secret, e.g.
  curl -X POST -H '{header}: {secret}' {url}/_sim/reset
Both are in {path}, which only you can read; cl.connect(), %openstack and
cl.use_in_terminal() find them there.""").format(header=SECRET_HEADER, secret=sim.secret,
                                                  url=sim.url, path=path)


def cmd_sim(args: argparse.Namespace) -> int:
    from .local_sim import publish, withdraw
    from .sim import Simulator
    try:
        sim = Simulator(host=args.host, port=args.port, seed=args.seed, delay=args.delay,
                        state_file=args.state, token_lifetime=args.token_lifetime,
                        private=args.private or None)  # None: CONOHA_LEARN_PRIVATE_SIM decides
        sim.bind()
    except ValueError as exc:  # private mode asked for in a way that cannot work (private.py)
        print(f"conoha-learn sim: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(_("conoha-learn sim: cannot listen on {host}:{port}: {error}.\n"
                "Is a simulator already running there? Try another port: --port 0 picks a free "
                "one.").format(host=args.host, port=args.port, error=exc.strerror),
              file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(_("Warning: listening on {host}, not loopback: anyone who can reach this "
                "address can use and reset the simulator.").format(host=args.host), file=sys.stderr)
    print(_sim_banner(sim), flush=True)
    if sim.secret is not None:
        print(private_banner(sim, publish(sim)), flush=True)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(message)s")
    if args.verbose:
        logging.getLogger("conoha_learn.sim.access").setLevel(logging.DEBUG)
    # SIGTERM (docker stop, kill) should close the store cleanly, like Ctrl+C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        withdraw(sim)
        sim.stop()
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    """JupyterLab with the simulator beside it, and OS_* set so its terminals reach the simulator."""
    from .lab import run
    return run(args.jupyter_args, language=args.lang)


def _notebooks(path: str, names: Sequence[str]) -> list[str]:
    """The notebooks in a folder (or the one named), those whose name starts with one of ``names``."""
    import os

    if os.path.isfile(path):
        return [path]
    found = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".ipynb"))
    return [nb for nb in found if not names or os.path.basename(nb).startswith(tuple(names))]


def cmd_record(args: argparse.Namespace) -> int:
    """Record each notebook's cassette, then replay it to save outputs that match."""
    from .cassette import cassette_for, record_notebook
    from .cassette.paths import is_twin

    notebooks = _notebooks(args.path, args.names)
    if not notebooks:
        none = _("conoha-learn record: no notebooks in {path} starting with {names}") if args.names \
            else _("conoha-learn record: no notebooks in {path}")
        print(none.format(path=args.path, names=", ".join(args.names)), file=sys.stderr)
        return 2
    if args.live:
        print(_("Recording against the live cloud in OS_* / clouds.yaml: servers the notebooks "
                "create cost money until they are deleted."), file=sys.stderr)
    failed = []
    for notebook in notebooks:
        source = _("ConoHa (live)") if args.live else _("a fresh simulator")
        if is_twin(notebook):  # a translation replays its original's cassette: nothing to record
            print(_("{notebook}: a translation; saving its outputs from {cassette}...").format(
                notebook=notebook, cassette=cassette_for(notebook)), flush=True)
        else:
            print(_("{notebook}: recording from {source}...").format(notebook=notebook,
                                                                     source=source), flush=True)
        try:
            cassette, count = record_notebook(notebook, live=args.live, seed=args.seed,
                                              delay=args.delay, timeout=args.timeout)
        except Exception as exc:  # a cell failed: say which notebook, keep its old cassette
            print(_("{notebook}: FAILED, old cassette and outputs kept.\n{error}").format(
                notebook=notebook, error=exc), file=sys.stderr)
            failed.append(notebook)
            continue
        print(_("{notebook}: {count} exchanges in {cassette}; outputs saved from the replay.").format(
            notebook=notebook, count=count, cassette=cassette))
    if failed:
        print("\n" + _("{count} notebook(s) failed: {names}").format(
            count=len(failed), names=", ".join(failed)), file=sys.stderr)
    return 1 if failed else 0


def cmd_audit(args: argparse.Namespace) -> int:
    from .audit import main as audit
    return audit(args.paths)


def build_parser() -> argparse.ArgumentParser:
    from .sim import DEFAULT_PORT
    parser = argparse.ArgumentParser(prog="conoha-learn",
                                     description=_("Learn the OpenStack API with ConoHa, offline."))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sim = commands.add_parser("sim", help=_("run the local ConoHa-compatible API simulator"))
    sim.add_argument("--host", default="127.0.0.1", help=_("address to bind (default: loopback)"))
    sim.add_argument("--port", type=int, default=DEFAULT_PORT,
                     help=_("port (default {port}; 0 = any free)").format(port=DEFAULT_PORT))
    sim.add_argument("--seed", type=int, default=None, help=_("fixed seed: reproducible ids and times"))
    sim.add_argument("--delay", type=float, default=3.0, help=_("seconds a status change takes (default 3)"))
    sim.add_argument("--state", metavar="FILE", default=None, help=_("keep state in this SQLite file"))
    sim.add_argument("--token-lifetime", type=int, default=24 * 3600, help=_("token lifetime in seconds"))
    sim.add_argument("--private", action="store_true",
                     help=_("for a shared machine: random password, secret for /_sim "
                            "(default: on when CONOHA_LEARN_PRIVATE_SIM=1)"))
    sim.add_argument("-v", "--verbose", action="store_true", help=_("log every request"))
    sim.set_defaults(func=cmd_sim)

    lab = commands.add_parser(
        "lab", allow_abbrev=False, usage="conoha-learn lab [--lang {en,ja}] [JUPYTER OPTIONS...] [FILES...]",
        help=_("open the course in JupyterLab, with the simulator running"),
        description=_("Every option but --lang is passed on to `jupyter lab` (e.g. --port 9999, "
                      "--no-browser, --ServerApp.ip=0.0.0.0); the start notebook opens unless you "
                      "name files."))
    lab.add_argument("--lang", choices=["en", "ja"], default="en",
                     help=_("ja: the Japanese start notebook, JupyterLab in Japanese, CONOHA_LEARN_LANG=ja"))
    lab.set_defaults(func=cmd_lab, jupyter_args=[])

    record = commands.add_parser("record", help=_("re-record notebooks' cassettes and save their outputs"))
    record.add_argument("path", help=_("a folder of notebooks (e.g. notebooks/) or one .ipynb"))
    record.add_argument("names", nargs="*", help=_("only notebooks whose name starts so (e.g. 02 03_servers)"))
    record.add_argument("--live", action="store_true",
                        help=_("record from real ConoHa (OS_* or clouds.yaml) instead of a fresh simulator"))
    record.add_argument("--seed", type=int, default=1, help=_("the simulator's seed (default 1)"))
    record.add_argument("--delay", type=float, default=3.0,
                        help=_("simulator seconds a status change takes (default 3)"))
    record.add_argument("--timeout", type=int, default=600, help=_("seconds one cell may take (default 600)"))
    record.set_defaults(func=cmd_record)

    audit = commands.add_parser("audit", help=_("look for tokens, passwords and keys in files (exit 1 if any)"))
    audit.add_argument("paths", nargs="*", default=["."], help=_("files and folders (default: .)"))
    audit.set_defaults(func=cmd_audit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # `lab` hands every option it does not know to Jupyter; the other commands know all theirs.
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "lab":
        parser.error(_("unrecognized arguments: {arguments}").format(arguments=" ".join(unknown)))
    if args.command == "lab":
        args.jupyter_args = unknown
    if getattr(args, "delay", 0) < 0 or getattr(args, "token_lifetime", 1) <= 0:
        print(_("conoha-learn: --delay must be >= 0 and --token-lifetime > 0"), file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
