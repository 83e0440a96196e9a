"""Build the course site: `python website/build.py [OUT]` (`make site` runs it; OUT is build/site).

English pages go to OUT/, Japanese ones to OUT/ja/; OUT/index.html is the landing page. Three
steps: mermaid.min.js from the npm package `mermaid` (once, then from build/site-cache/), the
source trees (stage.py), one Sphinx build per language. Nothing runs a notebook.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from stage import LANGUAGES, PREFIX, stage

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = ROOT / "build" / "site-cache"
# The Mermaid the site draws with; its IIFE build, one self-contained file (MIT licence).
MERMAID_VERSION = "11.12.0"


def mermaid_assets() -> Path:
    """A directory with mermaid.min.js (and its licence), unpacked from the npm package."""
    folder = CACHE / f"mermaid-{MERMAID_VERSION}"
    if (folder / "mermaid.min.js").is_file():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("website: npm is needed once, to fetch mermaid.min.js from the npm package "
                         f"mermaid@{MERMAID_VERSION} (Debian/Ubuntu: `sudo apt-get install npm`)")
    with tempfile.TemporaryDirectory() as tmp:
        # `npm pack` fetches the one package tarball (checked against the registry's integrity
        # hash), without the dependency tree an `npm install` would bring.
        done = subprocess.run([npm, "pack", "--silent", f"mermaid@{MERMAID_VERSION}"], cwd=tmp,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"website: `npm pack mermaid@{MERMAID_VERSION}` failed:\n{done.stderr}")
        tarball = Path(tmp) / done.stdout.strip().splitlines()[-1]
        staging = Path(tmp) / "assets"
        staging.mkdir()
        with tarfile.open(tarball) as archive:
            for member, name in (("package/dist/mermaid.min.js", "mermaid.min.js"),
                                 ("package/LICENSE", "mermaid-LICENSE.txt")):
                try:
                    extracted = archive.extractfile(member)
                except KeyError:
                    extracted = None
                if extracted is not None:
                    (staging / name).write_bytes(extracted.read())
        if not (staging / "mermaid.min.js").is_file():
            raise SystemExit(f"website: mermaid@{MERMAID_VERSION} has no dist/mermaid.min.js")
        folder.parent.mkdir(parents=True, exist_ok=True)
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(staging, folder)
    return folder


def sphinx(tree: Path, out: Path, lang: str, doctrees: Path, assets: Path) -> None:
    env = dict(os.environ, CONOHA_LEARN_SITE_ASSETS=str(assets))
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(HERE),
               "-D", f"language={lang}", "-d", str(doctrees), str(tree), str(out)]
    if subprocess.run(command, env=env).returncode != 0:
        raise SystemExit(f"website: the {lang} Sphinx build failed (messages above)")


def build(out: Path) -> float:
    """Build the site into `out`; returns the seconds it took."""
    started = time.monotonic()
    assets = mermaid_assets()
    work = CACHE / "src"
    trees = stage(ROOT, work)
    if out.exists():
        shutil.rmtree(out)
    for lang in LANGUAGES:
        sphinx(trees[lang], out / PREFIX[lang], lang, CACHE / "doctrees" / lang, assets)
    lite = ROOT / "build" / "lite"  # the browser edition (`make lite`): the pages' "Try it" links
    if (lite / "jupyter-lite.json").is_file():
        shutil.copytree(lite, out / "lite")
    else:
        print(f"website: {lite} is not built (`make lite`), so the pages' browser links lead nowhere")
    (out / ".nojekyll").touch()  # GitHub Pages: serve _static/ and _images/ as they are
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "build" / "site")
    args = parser.parse_args()
    took = build(args.out.resolve())
    print(f"website: built {args.out} in {took:.1f} s; open {args.out / 'index.html'}")


if __name__ == "__main__":
    main()
