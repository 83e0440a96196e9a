"""Build the course as a JupyterLite site (a browser tab, nothing installed) into build/lite/.

    python lite/build.py build/lite [--pyodide-dist DIR_OR_TARBALL]

From PyPI and npm only. Pyodide's runtime comes from npm's `pyodide` package at exactly the version
jupyterlite-pyodide-kernel pins. npm's package has no wheels, so this script writes the lockfile
Pyodide loads packages from (pyodide-lock.json): every pure-Python package the kernel and the course
need is downloaded from PyPI and served from the site; MarkupSafe and PyYAML, which Pyodide ships
compiled, are rebuilt here from their sources in their pure-Python mode; packages that exist only as
Pyodide builds (numpy, pandas...) stay pointed at the Pyodide CDN, loaded when the browser is online.
With --pyodide-dist (a full Pyodide distribution downloaded once, for a room without Internet) every
package is served from the site instead.

It fails loudly: any `[addon] FAIL` in JupyterLite's build, a missing runtime or lockfile, is an
error; and JupyterLite's task database is removed first, so no stale state skips a step.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "lite"

# What the Pyodide kernel installs at start (its worker: micropip, then piplite installs ipykernel,
# comm, pyodide-kernel, jedi, ipython) and what `import conoha_learn` loads in a page. vcrpy is left
# out: recording cassettes is not a page's job, and its wrapt exists only as a Pyodide build.
KERNEL_PACKAGES = ["micropip", "comm", "ipython", "jedi", "traitlets"]
COURSE_DEPENDS = ["requests", "werkzeug", "pyyaml", "tqdm", "pandas"]
# Pyodide ships these compiled; both have a pure-Python mode, rebuilt here from the sdist.
PURE_FROM_SOURCE = {"markupsafe": "src/markupsafe", "pyyaml": "lib/yaml"}
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"  # its settings in jupyter-lite.json
# In a page: Python 3.14 on Emscripten, as Pyodide 314 runs it.
PAGE_ENVIRONMENT = {**default_environment(), "python_version": "3.14", "python_full_version": "3.14.2",
                    "sys_platform": "emscripten", "platform_system": "Emscripten",
                    "platform_machine": "wasm32", "implementation_name": "cpython", "os_name": "posix"}


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pyodide_version() -> str:
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION
    return PYODIDE_VERSION


def cdn_url() -> str:
    from jupyterlite_pyodide_kernel.constants import PYODIDE_CDN_URL
    return PYODIDE_CDN_URL


# Not for a page: source maps, type declarations, and Pyodide's demo consoles (which load
# jQuery and xterm from CDNs).
UNUSED = shutil.ignore_patterns("*.map", "*.d.ts", "console*.html")


# --- the runtime ---------------------------------------------------------------------------------------

def runtime(cache: Path, target: Path, dist: str | None) -> bool:
    """Pyodide into ``target``; True when it is a full distribution (every package's file is there)."""
    shutil.rmtree(target, ignore_errors=True)
    if dist:
        source = Path(dist)
        if source.is_file():
            unpacked = cache / "dist"
            shutil.rmtree(unpacked, ignore_errors=True)
            unpacked.mkdir(parents=True)
            with tarfile.open(source) as tar:
                tar.extractall(unpacked, filter="data")
            source = next(p.parent for p in unpacked.rglob("pyodide-lock.json"))
        if not (source / "pyodide-lock.json").is_file():
            sys.exit(f"lite: {dist} has no pyodide-lock.json: not a Pyodide distribution")
        shutil.copytree(source, target, ignore=UNUSED)
        return True
    version = pyodide_version()
    tarball = cache / f"pyodide-{version}.tgz"
    if not tarball.is_file():
        run("npm", "pack", f"pyodide@{version}", "--pack-destination", str(cache),
            stdout=subprocess.DEVNULL)
    unpacked = cache / "npm"
    shutil.rmtree(unpacked, ignore_errors=True)
    unpacked.mkdir()
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    shutil.copytree(unpacked / "package", target, ignore=UNUSED)
    return False


# --- wheels and the lockfile ------------------------------------------------------------------------

def download(specs: list[str], dest: Path, *, pure: bool = True) -> None:
    if not specs:
        return
    options = (["--only-binary=:all:", "--platform", "any", "--implementation", "py",
                "--abi", "none", "--python-version", "3.14"] if pure
               # the package's sdist; its build tools (read for its metadata) as wheels
               else ["--no-binary", ",".join(s.split("==")[0] for s in specs)])
    run(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(dest),
        *options, *specs)


def find_file(folder: Path, name: str, version: str | None, pattern: str) -> Path | None:
    wanted = canonicalize_name(name)
    for path in sorted(folder.glob(pattern)):
        stem = re.split(r"-(?=\d)", path.name, maxsplit=1)
        if canonicalize_name(stem[0]) == wanted and (version is None or
                                                     path.name[len(stem[0]) + 1:].startswith(version)):
            return path
    return None


def metadata(wheel: Path) -> tuple[str, str, list[str], list[str]]:
    """Name, version, the dependencies that apply in a page, and the top-level import names."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = Parser().parsestr(z.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
                                 .decode())
    depends = []
    for text in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({**PAGE_ENVIRONMENT, "extra": ""}):
            depends.append(canonicalize_name(requirement.name))
    tops = set()
    for path in names:
        first = path.split("/")[0]
        if first.endswith((".dist-info", ".data")):
            continue
        if "/" in path:
            tops.add(first)
        elif first.endswith(".py"):
            tops.add(first.removesuffix(".py"))
    return meta["Name"], meta["Version"], depends, sorted(t for t in tops if t.isidentifier())


def entry(wheel: Path, depends: list[str] | None = None) -> dict:
    name, version, found, imports = metadata(wheel)
    return {"name": canonicalize_name(name), "version": version, "file_name": wheel.name,
            "install_dir": "site", "sha256": sha256(wheel), "package_type": "package",
            "imports": imports, "depends": found if depends is None else depends,
            "unvendored_tests": False}


def pure_wheel(sdist: Path, name: str, version: str, package_dir: str, dest: Path) -> Path:
    """A py3-none-any wheel of a package's Python files alone (its C speed-ups left out)."""
    with tarfile.open(sdist) as tar:
        root = tar.getnames()[0].split("/")[0]
        members = [m for m in tar.getmembers() if m.isfile() and
                   m.name.startswith(f"{root}/{package_dir}/") and m.name.endswith((".py", ".typed"))]
        files = {m.name[len(f"{root}/{package_dir}/"):]: tar.extractfile(m).read() for m in members}
    package = package_dir.rsplit("/", 1)[-1]
    dist = f"{re.sub(r'[^A-Za-z0-9.]+', '_', name)}-{version}"
    wheel = dest / f"{dist}-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        def add(path: str, data: bytes) -> None:
            z.writestr(path, data)
            digest = hashlib.sha256(data).digest()
            import base64
            records.append(f"{path},sha256={base64.urlsafe_b64encode(digest).rstrip(b'=').decode()},"
                           f"{len(data)}")
        for relative, data in sorted(files.items()):
            add(f"{package}/{relative}", data)
        add(f"{dist}.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode())
        add(f"{dist}.dist-info/WHEEL", b"Wheel-Version: 1.0\nGenerator: conoha-learn lite/build.py\n"
                                       b"Root-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{dist}.dist-info/RECORD", "\n".join(records + [f"{dist}.dist-info/RECORD,,"]) + "\n")
    return wheel


def write_lock(pyodide: Path, cache: Path, full: bool) -> list[str]:
    """Rewrite ``pyodide/pyodide-lock.json`` so the kernel and the course load; returns the names
    served from the CDN (they load only when the browser is online)."""
    lock_path = pyodide / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    packages = lock["packages"]
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)

    # The course's own wheel, built from this checkout.
    for old in wheels.glob("conoha_learn-*.whl"):
        old.unlink()
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT))
    course = next(wheels.glob("conoha_learn-*.whl"))
    new = {"conoha-learn": entry(course, depends=list(COURSE_DEPENDS))}

    # Every package needed, breadth first: the stock lock's entries where it has them (their
    # `depends` as Pyodide built them), else the newest pure wheel on PyPI.
    needed: dict[str, dict] = {}
    todo = KERNEL_PACKAGES + COURSE_DEPENDS
    while todo:
        missing = [n for n in dict.fromkeys(canonicalize_name(n) for n in todo)
                   if n not in needed and n not in new]
        todo = []
        download([n for n in missing if n not in packages and not find_file(wheels, n, None, "*.whl")],
                 wheels)
        for name in missing:
            if name in packages:
                needed[name] = packages[name]
                todo += packages[name]["depends"]
            else:
                wheel = find_file(wheels, name, None, "*-none-any.whl")
                if wheel is None:
                    sys.exit(f"lite: no pure wheel of {name} on PyPI, and Pyodide has none either")
                new[name] = entry(wheel)
                todo += new[name]["depends"]

    served_by_cdn = []
    lacking = [e["file_name"] for e in needed.values() if not (pyodide / e["file_name"]).is_file()]
    if full and lacking:  # npm's runtime, or a partial download, given as a full distribution
        sys.exit(f"lite: the Pyodide distribution given is not a full one: it lacks {', '.join(lacking[:5])}"
                 f"{' ...' if len(lacking) > 5 else ''} (download the full one from Pyodide's release page)")
    if not full:
        pure = {n: e for n, e in needed.items() if "-none-any" in e["file_name"]}
        download([f"{n}=={e['version']}" for n, e in pure.items()
                  if not find_file(wheels, n, e["version"], "*-none-any.whl")], wheels)
        for name, stock in needed.items():
            wheel = None
            if name in pure:
                wheel = find_file(wheels, name, stock["version"], "*-none-any.whl")
            elif name in PURE_FROM_SOURCE:
                wheel = find_file(wheels, name, stock["version"], "*-none-any.whl")
                if wheel is None:
                    download([f"{name}=={stock['version']}"], cache / "sdists", pure=False)
                    sdist = find_file(cache / "sdists", name, stock["version"], "*.tar.gz")
                    wheel = pure_wheel(sdist, stock["name"], stock["version"], PURE_FROM_SOURCE[name],
                                       wheels)
            if wheel is None:  # a Pyodide build only: from the CDN, when online
                packages[name] = {**stock, "file_name": f"{cdn_url()}/{stock['file_name']}"}
                served_by_cdn.append(name)
            else:
                packages[name] = {**stock, "file_name": wheel.name, "sha256": sha256(wheel)}
                shutil.copy2(wheel, pyodide / wheel.name)
        # The rest of the stock lock keeps working online, from the CDN.
        for name, stock in packages.items():
            if name not in needed and "://" not in stock["file_name"]:
                packages[name] = {**stock, "file_name": f"{cdn_url()}/{stock['file_name']}"}
    for name, made in new.items():
        wheel = find_file(wheels, name, made["version"], "*.whl")
        shutil.copy2(wheel, pyodide / wheel.name)
        packages[name] = made
    lock_path.write_text(json.dumps(lock, indent=1) + "\n")
    return sorted(set(served_by_cdn))


# --- the site -----------------------------------------------------------------------------------------

def contents(target: Path) -> None:
    """Both editions' notebooks: English at the top, Japanese in ja/ (as in the repository)."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "ja").mkdir(parents=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)
    for notebook in sorted((ROOT / "notebooks" / "ja").glob("*.ipynb")):
        shutil.copy2(notebook, target / "ja" / notebook.name)


def build(output: Path, dist: str | None) -> None:
    output = output.resolve()  # JupyterLite runs in the source folder: no relative paths
    work = output.parent / "lite-work"
    cache = work / "cache"
    source = work / "src"
    cache.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    for name in ("jupyter_lite_config.json", "jupyter-lite.json"):
        shutil.copy2(HERE / name, source / name)
    if dist:  # an offline room: nothing may be looked up on PyPI
        config = json.loads((source / "jupyter-lite.json").read_text())
        plugin = config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
        plugin["disablePyPIFallback"] = True
        (source / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n")
    full = runtime(cache, source / "static" / "pyodide", dist)
    online_only = write_lock(source / "static" / "pyodide", cache, full)
    contents(work / "notebooks")

    shutil.rmtree(output, ignore_errors=True)
    for stale in (source / ".jupyterlite.doit.db", Path(".jupyterlite.doit.db")):
        stale.unlink(missing_ok=True)
    jupyter = Path(sys.executable).with_name("jupyter")
    result = subprocess.run([str(jupyter), "lite", "build", "--lite-dir", str(source),
                             "--output-dir", str(output), "--contents", str(work / "notebooks")],
                            cwd=source, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    failed = [line for line in (result.stdout + result.stderr).splitlines() if "FAIL" in line]
    if result.returncode != 0 or failed:
        sys.exit(f"lite: jupyter lite build failed (exit {result.returncode}):\n" + "\n".join(failed))
    check(output)
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    print(f"lite: built {output} ({size / 1e6:.0f} MB); from the Pyodide CDN when online only: "
          f"{', '.join(online_only) or 'nothing'}")


def check(output: Path) -> None:
    """What a page needs is there: the runtime, our lockfile, the course's wheel, the notebooks."""
    pyodide = output / "static" / "pyodide"
    for needed in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
                   "files/00_start_here.ipynb", "files/ja/00_start_here.ipynb"):
        where = output / needed if needed.startswith("files/") else pyodide / needed
        if not where.is_file():
            sys.exit(f"lite: the build has no {where}")
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    if "conoha-learn" not in lock["packages"]:
        sys.exit("lite: the lockfile does not list conoha-learn")
    config = json.loads((output / "jupyter-lite.json").read_text())
    plugin = config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    if not plugin.get("pyodideUrl", "").startswith("./static/pyodide/"):
        sys.exit(f"lite: jupyter-lite.json does not point at the site's own Pyodide: {plugin}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, nargs="?", default=ROOT / "build" / "lite")
    parser.add_argument("--pyodide-dist", default=os.environ.get("PYODIDE_DIST") or None,
                        help="a full Pyodide distribution (folder or tarball) for a room without Internet")
    args = parser.parse_args()
    build(args.output, args.pyodide_dist)


if __name__ == "__main__":
    main()
