"""What a browser tab (JupyterLite, Pyodide) cannot run, said in a notebook's first cell.

A page has no processes and cannot load every package: the ``openstack`` command (06, and the last
part of 09) and openstacksdk (07; it needs cryptography and psutil) do not run there. A notebook
calls ``cl.browser_tab_notice("06_python_openstackclient")`` in its first cell; in a page it says,
in the learner's language, what cannot run and where to run it instead (``make lab``, Binder), and
stops "Run All" for a notebook that cannot work at all, without a traceback. Anywhere else it does
nothing and shows nothing, so the notebooks' committed outputs stay the same.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ConohaLearnError
from .i18n import N_, _, current_language
from .inprocess import in_browser

BINDER = "https://mybinder.org/v2/gh/conoha-learn/conoha-learn/HEAD?urlpath=lab/tree/notebooks/{path}"

# Notebook number → (does nothing run without it, why).
LIMITS = {
    "06": (True, N_("This notebook runs the openstack command (python-openstackclient), which "
                    "cannot run in a browser tab: the tab has no processes, and the command's "
                    "packages cannot be loaded there.")),
    "07": (True, N_("This notebook uses openstacksdk, which cannot be loaded in a browser tab (it "
                    "needs the compiled packages cryptography and psutil).")),
    "09": (False, N_("Its last part (\"The openstack command\") runs the openstack command, which "
                     "cannot run in a browser tab; every cell before it works here.")),
}
# A public key made with `ssh-keygen -t ed25519 -C learner@laptop` (its private half was thrown
# away): what notebook 04 imports in a page, where there is no ssh-keygen to run.
EXAMPLE_PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH8ItbsW+Rb+TQ6I+YbzdSl3Hok/kD12uE03wHcBvFRG "
                      "learner@laptop")
ELSEWHERE = N_("To run it, open the course on your computer with `make lab` (`make lab-ja` in "
               "Japanese), or on Binder: {url}")


class NotInABrowserTab(ConohaLearnError):
    """This notebook cannot run in a browser tab; the message says where to run it."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]  # IPython shows this, not a traceback: the message is the lesson


def notice_text(notebook: str) -> str | None:
    """What a page cannot run of ``notebook`` (a file name such as "06_python_openstackclient"),
    and where to run it; None when all of it runs in a page."""
    limit = LIMITS.get(notebook[:2])
    if limit is None:
        return None
    path = ("ja/" if current_language() == "ja" else "") + notebook.removesuffix(".ipynb") + ".ipynb"
    return _(limit[1]) + "\n" + _(ELSEWHERE).format(url=BINDER.format(path=path))


def browser_tab_notice(notebook: str) -> None:
    """In a browser tab: say what of this notebook cannot run here (and stop, if none of it can)."""
    if not in_browser():
        return
    text = notice_text(notebook)
    if text is None:
        return
    if LIMITS[notebook[:2]][0]:
        raise NotInABrowserTab(text)
    print(text)


def in_browser_tab() -> bool:
    """Whether this notebook runs in a browser tab (JupyterLite), where no program can be started."""
    return in_browser()


def example_public_key(path: str | Path) -> Path:
    """Write a ready-made ed25519 public key to ``path`` (for a page, which cannot run ssh-keygen)."""
    path = Path(path)
    path.write_text(EXAMPLE_PUBLIC_KEY + "\n")
    return path
