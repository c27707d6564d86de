#!/usr/bin/env python3
"""Vendor the GraphiQL assets that Strawberry's IDE page loads from unpkg.com.

Strawberry's ``strawberry/static/graphiql.html`` pulls React, GraphiQL and the explorer
plugin from https://unpkg.com with SRI ``integrity`` hashes. diplograph must work without
internet access, so this script downloads the same files from the npm registry (the
tarballs unpkg itself serves from), checks every file against the sha384 integrity value
in the *installed* Strawberry template, and writes them under ``api/static/graphiql``:

    api/static/graphiql/<package>@<version>/<file name>
    api/static/graphiql/manifest.json

e.g. ``https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js`` is stored as
``@graphiql/plugin-explorer@1.0.2/index.umd.js`` (flat per package: the repo's .gitignore
ignores every ``dist/`` directory). manifest.json maps each original URL to its local path
and integrity. Upstream license files are copied next to each package's files.

Usage (stdlib only):
    python scripts/fetch_graphiql_assets.py           # download + verify + write
    python scripts/fetch_graphiql_assets.py --check   # offline verification, exit 1 on error
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEST = REPO_ROOT / "api" / "static" / "graphiql"
MANIFEST_NAME = "manifest.json"
UNPKG_PREFIX = "https://unpkg.com/"
REGISTRY = "https://registry.npmjs.org"
USER_AGENT = "diplograph-fetch-graphiql-assets/1 (+python urllib)"

# Tarball members that count as license files (case-insensitive, top level of the package).
LICENSE_RE = re.compile(r"^package/(licen[sc]e|copying|notice)(\.[a-z]+)?$", re.IGNORECASE)

# Packages whose npm tarball ships no LICENSE file. For these we copy the upstream
# package.json (its "license" field is the authoritative declaration) plus the LICENSE of
# code the bundle inlines. Keys are (package, version); values are
# (bundled package, bundled version, member in its tarball, file name written next to ours).
EXTRA_LICENSES: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {
    ("@graphiql/plugin-explorer", "1.0.2"): [
        # dist/index.umd.js inlines graphiql-explorer (dependency "^0.9.0"; 0.9.0 is latest).
        ("graphiql-explorer", "0.9.0", "package/LICENSE", "LICENSE.graphiql-explorer"),
    ],
}

TAG_RE = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE | re.DOTALL)
ATTR_RE = re.compile(r'\b(src|href|integrity)\s*=\s*"([^"]*)"', re.IGNORECASE)
SPEC_RE = re.compile(r"^(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/]+)/(?P<path>.+)$")


class AssetError(Exception):
    """Raised for any verification or download failure (the script exits 1)."""


@dataclass(frozen=True)
class TemplateAsset:
    """One ``<script src>`` / ``<link href>`` pointing at unpkg, with its SRI value."""

    url: str
    integrity: str

    @property
    def local_path(self) -> str:
        """``<package>@<version>/<file name>``, relative to the static dir.

        Flattened (no ``dist/`` etc.) on purpose: the repo's .gitignore ignores ``dist/``
        at any depth, which would silently keep vendored files out of git and the wheel.
        """
        return f"{self.package}@{self.version}/{self.path_in_package.rsplit('/', 1)[-1]}"

    @property
    def package(self) -> str:
        return self._spec()["package"]

    @property
    def version(self) -> str:
        return self._spec()["version"]

    @property
    def path_in_package(self) -> str:
        return self._spec()["path"]

    def _spec(self) -> dict[str, str]:
        match = SPEC_RE.match(self.url[len(UNPKG_PREFIX) :])
        if not match:
            raise AssetError(f"cannot parse package@version/path from {self.url!r}")
        return match.groupdict()


# --------------------------------------------------------------------------- helpers


def sri_sha384(data: bytes) -> str:
    """Return the Subresource Integrity string (``sha384-<base64>``) for ``data``."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def npm_integrity_matches(data: bytes, integrity: str) -> bool:
    """Check an npm ``dist.integrity`` value (possibly several space-separated hashes)."""
    for item in integrity.split():
        algo, _, expected = item.partition("-")
        if algo in {"sha512", "sha384", "sha256", "sha1"}:
            digest = base64.b64encode(hashlib.new(algo, data).digest()).decode("ascii")
            if digest == expected:
                return True
    return False


def load_template(template_path: Path | None) -> str:
    """Read Strawberry's GraphiQL template (the installed one unless a path is given)."""
    if template_path is not None:
        return template_path.read_text(encoding="utf-8")
    try:
        from strawberry.http.ides import get_graphql_ide_html
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise AssetError(
            "strawberry-graphql is not importable; run with the project's virtualenv "
            "or pass --template PATH"
        ) from exc
    return get_graphql_ide_html("graphiql")


def template_assets(template: str) -> list[TemplateAsset]:
    """Every unpkg ``src``/``href`` in the template with its integrity, in page order."""
    assets: list[TemplateAsset] = []
    for tag in TAG_RE.findall(template):
        attrs = {name.lower(): value for name, value in ATTR_RE.findall(tag)}
        url = attrs.get("src") or attrs.get("href") or ""
        if not url.startswith(UNPKG_PREFIX):
            continue
        integrity = attrs.get("integrity", "")
        if not integrity.startswith("sha384-"):
            raise AssetError(f"{url} has no sha384 integrity attribute in the template")
        assets.append(TemplateAsset(url=url, integrity=integrity))
    leftover = template.count(UNPKG_PREFIX) - len(assets)
    if leftover:
        raise AssetError(f"{leftover} unpkg.com reference(s) outside <script src>/<link href>")
    if not assets:
        raise AssetError("no unpkg.com assets found in the template")
    return assets


def http_get(url: str, *, attempts: int = 3, timeout: float = 60.0) -> bytes:
    """GET ``url`` with a few retries; raises AssetError on failure."""
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except OSError as exc:  # URLError/HTTPError/timeouts are all OSError
            last = exc
            time.sleep(1.5 * (attempt + 1))
    raise AssetError(f"download failed: {url}: {last}")


def tarball_url(package: str, version: str) -> str:
    """https://registry.npmjs.org/<pkg>/-/<name>-<ver>.tgz (name without the scope)."""
    return f"{REGISTRY}/{package}/-/{package.rsplit('/', 1)[-1]}-{version}.tgz"


def fetch_tarball(package: str, version: str) -> tuple[str, tarfile.TarFile]:
    """Download a package tarball and verify it against the registry's dist.integrity."""
    meta_url = f"{REGISTRY}/{urllib.parse.quote(package, safe='@')}/{version}"
    meta = json.loads(http_get(meta_url))
    expected = meta.get("dist", {}).get("integrity")
    url = tarball_url(package, version)
    print(f"  downloading {url}")
    data = http_get(url)
    if not expected or not npm_integrity_matches(data, expected):
        raise AssetError(f"{url}: tarball does not match registry integrity {expected!r}")
    return url, tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def read_member(tar: tarfile.TarFile, name: str) -> bytes:
    """Read one regular file from a tarball."""
    try:
        member = tar.getmember(name)
    except KeyError as exc:
        raise AssetError(f"{name} not found in tarball") from exc
    handle = tar.extractfile(member) if member.isfile() else None
    if handle is None:
        raise AssetError(f"{name} is not a regular file in the tarball")
    return handle.read()


def safe_relpath(relpath: str) -> str:
    """Reject absolute paths and '..' so manifest paths stay inside the static dir."""
    parts = Path(relpath).parts
    if not parts or Path(relpath).is_absolute() or ".." in parts:
        raise AssetError(f"unsafe path in manifest: {relpath!r}")
    return relpath


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file + rename so an interrupted run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def strawberry_version() -> str | None:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None
    try:
        return version("strawberry-graphql")
    except PackageNotFoundError:
        return None


# --------------------------------------------------------------------------- fetch


def fetch(dest: Path, template_path: Path | None) -> None:
    """Download, verify and write every asset, its license(s) and the manifest."""
    assets = template_assets(load_template(template_path))
    by_package: dict[tuple[str, str], list[TemplateAsset]] = {}
    for asset in assets:
        by_package.setdefault((asset.package, asset.version), []).append(asset)

    files: list[dict[str, object]] = []
    licenses: list[dict[str, object]] = []
    outputs: dict[str, bytes] = {}
    for (package, version), package_assets in by_package.items():
        print(f"{package}@{version}")
        url, tar = fetch_tarball(package, version)
        with tar:
            for asset in package_assets:
                data = read_member(tar, f"package/{asset.path_in_package}")
                actual = sri_sha384(data)
                if actual != asset.integrity:
                    raise AssetError(
                        f"{asset.url}: sha384 mismatch (template {asset.integrity}, "
                        f"tarball {actual})"
                    )
                path = safe_relpath(asset.local_path)
                if path in outputs:
                    raise AssetError(f"two assets map to the same local path {path}")
                outputs[path] = data
                files.append(
                    {
                        "url": asset.url,
                        "path": path,
                        "integrity": asset.integrity,
                        "package": package,
                        "version": version,
                        "tarball": url,
                        "size": len(data),
                    }
                )
                print(f"  ok {path} ({len(data)} bytes, {actual})")

            license_members = sorted(
                m.name for m in tar.getmembers() if m.isfile() and LICENSE_RE.match(m.name)
            )
            if not license_members:
                # No license file in the tarball: keep package.json, which declares it.
                license_members = ["package/package.json"]
            for member in license_members:
                data = read_member(tar, member)
                path = safe_relpath(f"{package}@{version}/{member.removeprefix('package/')}")
                if path in outputs:
                    raise AssetError(f"license file {member} collides with an asset at {path}")
                outputs[path] = data
                licenses.append(
                    {
                        "package": package,
                        "version": version,
                        "path": path,
                        "source": f"{url}#{member}",
                        "integrity": sri_sha384(data),
                    }
                )
                print(f"  license {path}")

        for dep, dep_version, member, name in EXTRA_LICENSES.get((package, version), []):
            dep_url, dep_tar = fetch_tarball(dep, dep_version)
            with dep_tar:
                data = read_member(dep_tar, member)
            path = safe_relpath(f"{package}@{version}/{name}")
            outputs[path] = data
            licenses.append(
                {
                    "package": package,
                    "version": version,
                    "path": path,
                    "source": f"{dep_url}#{member}",
                    "note": f"license of {dep}@{dep_version}, which the bundle inlines",
                    "integrity": sri_sha384(data),
                }
            )
            print(f"  license {path} (bundled {dep}@{dep_version})")

    manifest = {
        "comment": (
            "Generated by scripts/fetch_graphiql_assets.py from Strawberry's GraphiQL "
            "template; do not edit. Paths are relative to this directory."
        ),
        "strawberry_graphql": strawberry_version() if template_path is None else None,
        "files": files,
        "licenses": licenses,
    }
    for path, data in outputs.items():
        write_atomic(dest / path, data)
    write_atomic(dest / MANIFEST_NAME, (json.dumps(manifest, indent=2) + "\n").encode())
    for stale in sorted(unexpected_files(dest, manifest)):
        print(f"removing stale file {stale}")
        (dest / stale).unlink()
    prune_empty_dirs(dest)
    total = sum(len(data) for data in outputs.values())
    print(f"wrote {len(outputs)} files ({total} bytes) + {MANIFEST_NAME} to {dest}")


def prune_empty_dirs(dest: Path) -> None:
    for directory in sorted((p for p in dest.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


# --------------------------------------------------------------------------- check


def load_manifest(dest: Path) -> dict[str, list[dict[str, object]]]:
    try:
        return json.loads((dest / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssetError(f"cannot read {dest / MANIFEST_NAME}: {exc}") from exc


def unexpected_files(dest: Path, manifest: dict[str, list[dict[str, object]]]) -> set[str]:
    """Files in ``dest`` that the manifest does not list (e.g. left from an old version)."""
    listed = {str(entry["path"]) for entry in manifest["files"] + manifest["licenses"]}
    present = {
        p.relative_to(dest).as_posix()
        for p in dest.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    }
    return present - listed


def check(dest: Path, template_path: Path | None) -> list[str]:
    """Offline verification; returns a list of problems (empty means all good)."""
    problems: list[str] = []
    manifest = load_manifest(dest)
    for entry in manifest["files"] + manifest["licenses"]:
        path = dest / safe_relpath(str(entry["path"]))
        if not path.is_file():
            problems.append(f"missing: {entry['path']}")
            continue
        actual = sri_sha384(path.read_bytes())
        if actual != entry["integrity"]:
            problems.append(
                f"hash mismatch: {entry['path']} is {actual}, manifest says {entry['integrity']}"
            )
    for entry in manifest["files"]:
        expected_path = TemplateAsset(str(entry["url"]), str(entry["integrity"])).local_path
        if entry["path"] != expected_path:
            problems.append(f"manifest path {entry['path']} should be {expected_path}")
    problems.extend(f"not in manifest: {p}" for p in sorted(unexpected_files(dest, manifest)))

    # Cross-check with the Strawberry template, so an upgrade that changes URLs or hashes
    # is caught here rather than as a blank page in the browser.
    try:
        template = load_template(template_path)
    except AssetError as exc:
        print(f"note: skipping template cross-check ({exc})")
        return problems
    by_url = {str(entry["url"]): entry for entry in manifest["files"]}
    for asset in template_assets(template):
        entry = by_url.get(asset.url)
        if entry is None:
            problems.append(f"template loads {asset.url}, which is not vendored (re-run fetch)")
        elif entry["integrity"] != asset.integrity:
            problems.append(
                f"template integrity for {asset.url} is {asset.integrity}, vendored file has "
                f"{entry['integrity']} (re-run fetch)"
            )
    return problems


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Download the React/GraphiQL files Strawberry's GraphiQL page loads from "
            "unpkg.com (via the npm registry), verify them against the template's sha384 "
            "integrity values and store them under api/static/graphiql."
        )
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify the vendored files against manifest.json (and the installed Strawberry "
        "template, if importable) without network access; exit 1 on any mismatch",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=DEFAULT_DEST,
        help=f"output directory (default: {DEFAULT_DEST.relative_to(REPO_ROOT)})",
    )
    parser.add_argument(
        "--template",
        type=Path,
        default=None,
        help="read this GraphiQL template instead of the installed strawberry one",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check(args.dest, args.template)
            for problem in problems:
                print(f"ERROR: {problem}", file=sys.stderr)
            if problems:
                return 1
            print(f"ok: all vendored GraphiQL assets in {args.dest} match {MANIFEST_NAME}")
            return 0
        fetch(args.dest, args.template)
        return 0
    except AssetError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
