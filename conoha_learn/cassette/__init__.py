"""Cassettes: record a notebook's HTTP exchanges once, replay them later without a network.

A cassette is a YAML file holding every request a notebook sent and the answer it got, in order.
There is one per notebook, next to it: ``notebooks/02_tokens.ipynb`` ->
``notebooks/cassettes/02_tokens.yaml``. Underneath is vcrpy, which patches ``http.client`` and
urllib3 for the whole process, so requests, openstacksdk and the in-process ``%openstack`` magic
are all recorded and replayed; nothing else in the code has to know.

Modes (``CONOHA_LEARN_MODE``)::

    replay   every request is answered from the cassette; no socket is opened. A request that
             is not in the cassette fails with `NotInCassette`, naming it and how to re-record.
             Pauses between polls and retries are skipped (pausing.py).
    record   requests go out for real (to the simulator or to ConoHa) and are written, scrubbed,
             to the cassette when recording ends.

Which cassette (the kernel does not know its notebook's file name), first match wins:

1. ``CONOHA_LEARN_CASSETTE``: a path, set per notebook by ``conoha-learn record`` and by the
   nbval plugin (`nbval_environment`);
2. ``JPY_SESSION_NAME``: the notebook path Jupyter Server gives every kernel it starts, so a
   notebook opened in JupyterLab with ``CONOHA_LEARN_MODE=replay`` finds its own cassette.

When it starts, so that a notebook needs no test-only code: in kernels started by
``conoha-learn record`` and by nbval, an IPython start-up file (`kernel_startup_dir`) activates
it before the first cell; elsewhere (JupyterLab) ``import conoha_learn`` in a kernel,
``cl.connect()`` and ``%openstack`` do. In replay it also puts the cassette's (scrubbed)
credentials into ``OS_*``, because those are what the recorded requests used. Scripts and tests
use the context manager::

    with use_cassette("x.yaml", mode="replay"):
        ...

One module per job, each depending only on the ones above it:

    paths.py        which cassette belongs to which notebook, and which one a kernel uses
    bodies.py       recorded bodies and headers as text and JSON
    scrub.py        secrets become stable placeholders before anything is written
    yaml_format.py  the file: YAML with pretty JSON bodies, UTF-8, written atomically
    vcr_glue.py     vcrpy: `use_cassette`, the replay rules, `NotInCassette`
    credentials.py  the OS_* credentials a replay must send
    activation.py   one cassette for the whole process (a notebook's kernel)
    kernels.py      kernels we start that record or replay (start-up file, environment)
    recording.py    ``conoha-learn record``
    nbval_plugin.py the pytest plugin that makes nbval replay (not imported here: needs pytest)
"""

# `pause` lived here before it got a module of its own (it is no cassette's job): old imports work.
from ..pausing import pause
from .activation import activate, activate_from_environment, active, deactivate, ensure_active
from .bodies import parse_json
from .credentials import replay_credentials
from .kernels import (STARTUP_FILE, kernel_environment, kernel_startup_dir, nbval_environment,
                      replaying_for_nbval)
from .paths import (CASSETTE_DIR, CASSETTE_VARIABLE, SESSION_VARIABLE, cassette_for, notebook_for,
                    record_command, selected_cassette)
from .recording import RECORDING_TOKEN_LIFETIME, record_notebook, save_replayed_outputs
from .scrub import (CANONICAL_BASE, FAR_FUTURE, FIELD_KINDS, LOOPBACK_BASE, NESTED_KINDS,
                    PLACEHOLDER, SECRET_VARIABLES, SHAPES, Scrubber, learn_interactions,
                    scrub_interaction)
from .vcr_glue import REPEATABLE, NotInCassette, use_cassette
from .yaml_format import HEADER_COMMENT, Utf8Persister, YamlJsonSerializer

__all__ = [
    "pause", "activate", "activate_from_environment", "active", "deactivate", "ensure_active",
    "parse_json", "replay_credentials",
    "STARTUP_FILE", "kernel_environment", "kernel_startup_dir", "nbval_environment",
    "replaying_for_nbval",
    "CASSETTE_DIR", "CASSETTE_VARIABLE", "SESSION_VARIABLE", "cassette_for", "notebook_for",
    "record_command", "selected_cassette",
    "RECORDING_TOKEN_LIFETIME", "record_notebook", "save_replayed_outputs",
    "CANONICAL_BASE", "FAR_FUTURE", "FIELD_KINDS", "LOOPBACK_BASE", "NESTED_KINDS", "PLACEHOLDER",
    "SECRET_VARIABLES", "SHAPES", "Scrubber", "learn_interactions", "scrub_interaction",
    "REPEATABLE", "NotInCassette", "use_cassette",
    "HEADER_COMMENT", "Utf8Persister", "YamlJsonSerializer",
]
