"""Reads the Dockerfile and .dockerignore as a builder does, enough to replay a stage's COPY and RUN steps
outside a container engine (there is none on these machines).

Only what our Dockerfile uses is understood: FROM ... AS, ARG, ENV, WORKDIR, COPY [--from=...], RUN, USER,
CMD, EXPOSE; continuation lines and comments. Anything else is refused, so a new instruction in the
Dockerfile fails the test instead of being skipped unseen.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

KNOWN = {"FROM", "ARG", "ENV", "WORKDIR", "COPY", "RUN", "USER", "CMD", "EXPOSE"}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [i.value for i in self.instructions if i.keyword == keyword]


@dataclass
class Dockerfile:
    global_args: dict[str, str]
    stages: list[Stage]

    def stage(self, name: str) -> Stage:
        return next(s for s in self.stages if s.name == name)


def parse(text: str) -> Dockerfile:
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, value = line.partition(" ")
        keyword = keyword.upper()
        if keyword not in KNOWN:
            raise ValueError(f"Dockerfile instruction {keyword} is not understood by tests/deploy/dockerfile.py")
        value = value.strip()
        if keyword == "FROM":
            parts = value.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else f"stage{len(stages)}"
            stages.append(Stage(name=name, base=expand(parts[0], global_args)))
        elif not stages and keyword == "ARG":
            global_args.update(assignments(value))
        else:
            stages[-1].instructions.append(Instruction(keyword, value))
    return Dockerfile(global_args, stages)


def assignments(value: str) -> dict[str, str]:
    """``K=V K2="V 2"`` (ENV and ARG) as a dict; an ARG without a default maps to ""."""
    result = {}
    for token in shlex.split(value):
        key, _, val = token.partition("=")
        result[key] = val
    return result


def expand(value: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m.group(1) or m.group(2), m.group(0)), value)


@dataclass(frozen=True)
class Copy:
    sources: list[str]
    destination: str
    from_stage: str | None
    flags: dict[str, str]


def copy_of(value: str) -> Copy:
    tokens = shlex.split(value)
    flags = {}
    while tokens and tokens[0].startswith("--"):
        key, _, val = tokens.pop(0)[2:].partition("=")
        flags[key] = val
    return Copy(tokens[:-1], tokens[-1], flags.pop("from", None), flags)


class DockerIgnore:
    """The build context's filter: patterns anchored at the context's root, ``*`` within one path segment,
    ``**`` across segments, a directory excluded with all it holds, ``!`` re-including, the last match
    winning (as Docker's builder reads .dockerignore)."""

    def __init__(self, text: str) -> None:
        self.rules: list[tuple[bool, re.Pattern[str]]] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            include = line.startswith("!")
            pattern = line[1:] if include else line
            self.rules.append((include, re.compile(_glob_regex(pattern.strip("/")))))

    def excluded(self, relative: str) -> bool:
        parts = relative.split("/")
        # A path is out when it, or a directory holding it, matches an exclusion the later rules do not undo.
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        excluded = False
        for include, regex in self.rules:
            if any(regex.fullmatch(c) for c in candidates):
                excluded = not include
        return excluded


def _glob_regex(pattern: str) -> str:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        else:
            out += "[^/]*" if pattern[i] == "*" else fnmatch.translate(pattern[i])[4:-3]
            i += 1
    return out


def copy_into(context: Path, ignore: DockerIgnore, source: str, target: Path) -> None:
    """One COPY source from the build context: a file to the target, a folder's contents into it."""
    origin = context / source
    if ignore.excluded(source):
        raise FileNotFoundError(f"COPY {source}: excluded by .dockerignore")
    if origin.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target)
        return
    if not origin.is_dir():
        raise FileNotFoundError(f"COPY {source}: not in the build context")
    for path in sorted(origin.rglob("*")):
        relative = path.relative_to(context).as_posix()
        if path.is_file() and not ignore.excluded(relative):
            destination = target / path.relative_to(origin)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
