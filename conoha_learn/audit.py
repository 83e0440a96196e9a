"""``conoha-learn audit``: look for secrets before they are committed.

    conoha-learn audit                 # the whole repository (what git would commit)
    conoha-learn audit notebooks/ x.py # folders and files

It reads cassettes, notebooks (code *and* outputs), and any other text file, and reports
``file:line: what`` for anything that looks like:

* a Keystone token: a Fernet token (``gAAAAA...``, 100+ characters), or a long value in a token
  position (``X-Auth-Token``, ``X-Subject-Token``, ``OS_TOKEN``, ``"token": {"id": ...}``);
* a password field (``password``, ``adminPass``, ``OS_PASSWORD``...) holding a literal value;
* a private key block (the BEGIN line followed by key material);
* the value of a credential in *your* environment: ``OS_PASSWORD``, ``OS_TOKEN``..., and the
  password of the ``clouds.yaml`` cloud that ``OS_CLOUD`` names.

The secret itself is never printed. The exit status is 1 when anything is found, so CI can run
it. Cassettes written by conoha-learn pass: their placeholders (``TOKEN_1``, ``PASSWORD_1``) and
the library's shell variables (``$OS_PASSWORD``) are recognised as such.

A value that is not a secret, although it looks like one, is allowed in one of two explicit ways:
listed in `ALLOWED_VALUES` below (with the reason), or on a line carrying the comment
``pragma: allowlist secret`` (the convention of the detect-secrets tool).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .cassette import PLACEHOLDER
from .config import find_credentials
from .i18n import N_, _

ALLOWED_VALUES = {
    # The simulator's built-in learner accounts (conoha_learn/sim/seed.py, documented in
    # README.md): public by design, they open nothing but the local simulator.
    "Sim-Passw0rd-1", "Sim-Passw0rd-2",
    # Fake values the unit tests send on purpose, to check that redaction hides such values.
    # They are published in the tests, so they protect nothing. Prefer the pragma for new ones.
    "S3cret-Pass!", "wrong-password", "Very-Secret-123", "Learn-Conoha-2015", "Secret-Pass1",
    "Abcdefg1!x", "nouppercase1!", "Abc-12345!", "Known-Passw0rd!-7x", "Root-Pass-42x!",
}
PRAGMA = "pragma: allowlist secret"

# Shorter password literals are examples ("pw", "x"), not credentials: ConoHa's own rule asks for
# 9 to 70 characters, and every password policy we know asks for at least 8.
MIN_PASSWORD_LENGTH = 8
MIN_KNOWN_SECRET_LENGTH = 6  # an environment value this short would match ordinary words

# Values that stand for a secret rather than being one.
STAND_INS = re.compile(r"""(?x)
    \$\{?[A-Za-z_]\w*\}?        # a shell variable: $OS_PASSWORD, ${OS_PASSWORD}
  | [*.…xX]+                     # ***, ..., …, xxxx
  | <[^>]*>  | \{[^}]*\}?        # <your password>, {creds['OS_PASSWORD']} (templates, f-strings)
  | %\(\w+\)s                    # %(password)s
  | [A-Z][A-Z_]*                 # a constant's or placeholder's name: ADMIN_PASS
  | (?i:null|none|true|false|redacted|changeme|secret|password|\*+hidden\*+|\(hidden\))
""")

_Q = r"""\\?["']"""  # a quote, perhaps JSON-escaped (notebooks keep code and outputs as JSON strings)
PASSWORD_KEYS = r"(?:os_password|admin_?pass(?:word)?|passwd|password)"
PASSWORD_QUOTED = re.compile(
    rf"(?i)(?<![A-Za-z0-9_]){PASSWORD_KEYS}{_Q}?\s*[:=]\s*{_Q}(?P<value>[^\"'\\\n]*){_Q}")
# YAML, shell and .env files also write values without quotes: `password: s3cret`, OS_PASSWORD=s3cret
PASSWORD_BARE = re.compile(
    rf"(?im)(?<![A-Za-z0-9_]){PASSWORD_KEYS}\s*[:=][ \t]*(?P<value>[^\s\"'#,;]+)[ \t]*(?:#.*)?$")
TOKEN_VALUE = r"(?P<value>[A-Za-z0-9_\-+/=]{32,})"
TOKEN_RULES = [
    (N_("a Keystone token (Fernet, gAAAAA...)"),
     re.compile(r"(?<![A-Za-z0-9_\-])(?P<value>gAAAAA[A-Za-z0-9_\-]{80,}=*)")),
    (N_("a token value in a token header or variable"),
     re.compile(rf"(?i)(?:x-auth-token|x-subject-token|os_token|auth_token){_Q}?\s*[:=]\s*(?:-\s+)?{_Q}?{TOKEN_VALUE}")),
    (N_("a token id in a token body"),
     re.compile(rf"(?is)\btoken{_Q}?\s*:\s*\{{[^{{}}]{{0,400}}?\bid{_Q}?\s*:\s*{_Q}{TOKEN_VALUE}")),
    (N_("a private key"),
     re.compile(r"(?P<value>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\\n|\\r|\s)+[A-Za-z0-9+/=]{40,})")),
]

BARE_VALUE_SUFFIXES = {".yaml", ".yml", ".env", ".cfg", ".ini", ".toml", ".sh", ".txt", ".md", ".rst"}
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache",
                ".hypothesis", ".ipynb_checkpoints", "build", "dist", ".mypy_cache", ".ruff_cache"}
MAX_FILE_BYTES = 20 * 1024 * 1024
IMAGE_LINE = re.compile(r'^\s*"image/[a-z+.-]+":')  # base64 pictures in notebook outputs


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {_(self.what)}"  # what: a msgid, or already translated


def is_stand_in(value: str) -> bool:
    """Placeholders, variables, masks and allow-listed values: not secrets."""
    value = value.strip()
    return (not value or value in ALLOWED_VALUES or bool(PLACEHOLDER.fullmatch(value))
            or bool(STAND_INS.fullmatch(value)))


# --- what we know from the environment ----------------------------------------------------------

SECRET_VARIABLES = ("OS_PASSWORD", "OS_TOKEN", "OS_APPLICATION_CREDENTIAL_SECRET", "OS_CLIENT_SECRET")


def known_secrets(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Credential values of this environment -> where they come from (never the value)."""
    found = {environ[v]: _("the value of ${variable} in your environment").format(variable=v)
             for v in SECRET_VARIABLES
             if environ.get(v)}
    if environ.get("OS_CLOUD"):
        try:
            creds = find_credentials(environ=environ)
        except Exception:  # a broken clouds.yaml is not the audit's business
            creds = None
        if creds is not None and creds.password:
            found.setdefault(creds.password, _("the password of cloud {cloud!r} (clouds.yaml)").format(
                cloud=environ["OS_CLOUD"]))
    return {value: where for value, where in found.items()
            if len(value) >= MIN_KNOWN_SECRET_LENGTH and not is_stand_in(value)}


# --- scanning -----------------------------------------------------------------------------------

def scan_text(text: str, path: str, *, bare_values: bool = False,
              known: Mapping[str, str] | None = None) -> list[Finding]:
    """Every finding in ``text`` (the contents of ``path``), in line order."""
    lines = text.split("\n")
    # Keep line numbers, drop what cannot hold a credential but may look like one by chance.
    text = "\n".join("" if IMAGE_LINE.match(line) else line for line in lines)
    findings = set()
    reported: set[int] = set()  # where a secret starts: one finding each, whichever rule saw it

    def report(start: int, what: str) -> None:
        number = text.count("\n", 0, start) + 1
        if PRAGMA not in lines[number - 1] and start not in reported:
            reported.add(start)
            findings.add(Finding(path, number, what))

    for what, rule in TOKEN_RULES:
        for match in rule.finditer(text):
            if not is_stand_in(match.group("value")):
                report(match.start("value"), what)
    password_rules = [PASSWORD_QUOTED] + ([PASSWORD_BARE] if bare_values else [])
    for rule in password_rules:
        for match in rule.finditer(text):
            value = match.group("value")
            if len(value) >= MIN_PASSWORD_LENGTH and not is_stand_in(value):
                report(match.start("value"), N_("a password field with a literal value"))
    for value, where in (known or {}).items():
        for match in re.finditer(re.escape(value), text):
            report(match.start(), where)
    return sorted(findings)


def scan_file(path: Path, known: Mapping[str, str] | None = None, shown: str | None = None) -> list[Finding]:
    """Findings in one file; binary and huge files are skipped (they hold no readable secret)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return []
        data = path.read_bytes()
    except OSError:
        return []
    if b"\0" in data[:8192]:
        return []
    bare = path.suffix.lower() in BARE_VALUE_SUFFIXES or path.name.startswith(".env")
    return scan_text(data.decode("utf-8", "replace"), shown or str(path), bare_values=bare, known=known)


def _git_files(folder: Path) -> list[Path] | None:
    """Files git would commit under ``folder`` (tracked, or new and not ignored); None without git."""
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                              cwd=folder, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return sorted({folder / name for name in done.stdout.decode("utf-8", "replace").split("\0") if name})


def _walked_files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            yield Path(root) / name


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files named, and the files in folders named (what git would commit, when it is a repo)."""
    for path in map(Path, paths):
        if path.is_dir():
            listed = _git_files(path)
            files = listed if listed is not None else _walked_files(path)
            yield from (f for f in files if f.is_file() and not SKIPPED_DIRS & set(f.parts))
        else:
            yield path


def audit(paths: Iterable[str | os.PathLike], environ: Mapping[str, str] = os.environ) -> list[Finding]:
    """Findings in every file under ``paths``."""
    known = known_secrets(environ)
    findings = []
    for path in iter_files(paths):
        findings += scan_file(path, known, shown=os.path.normpath(path))
    return findings


def main(paths: list[str]) -> int:
    """Print the findings; 0 when there are none, 1 when there are, 2 for a missing path."""
    paths = paths or ["."]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(_("conoha-learn audit: no such file or folder: {paths}").format(paths=", ".join(missing)),
              file=sys.stderr)
        return 2
    findings = audit(paths)
    for finding in findings:
        print(finding)
    if findings:
        print("\n" + _("{count} possible secret(s). Remove them (re-record cassettes with "
                       "`conoha-learn record`; clear notebook outputs), or, if a value is not a "
                       "secret, mark its line with `{pragma}`.").format(count=len(findings), pragma=PRAGMA),
              file=sys.stderr)
        return 1
    print(_("conoha-learn audit: no secrets found."), file=sys.stderr)
    return 0
