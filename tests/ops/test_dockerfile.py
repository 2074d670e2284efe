"""The production image, checked without a Docker engine: what the Dockerfile says (a
non-root numeric user in the final stage, exec-form commands so that uvicorn gets SIGTERM,
a health check, tagged base images), what the build context leaves out, and what the
wheel it installs holds (the migrations, the demo data, the docs assets as a dependency)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Instruction:
    keyword: str
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined and comments left out."""
    found: list[Instruction] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        whole = pending + stripped
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends in a continuation line"
    return found


def stages(steps: list[Instruction]) -> list[list[Instruction]]:
    """The build stages, each from its FROM on."""
    split: list[list[Instruction]] = []
    for step in steps:
        if step.keyword == "FROM":
            split.append([])
        assert split, f"{step.keyword} before the first FROM"
        split[-1].append(step)
    return split


STEPS = instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
STAGES = stages(STEPS)
FINAL = STAGES[-1]


def last(stage: list[Instruction], keyword: str) -> Instruction | None:
    matching = [step for step in stage if step.keyword == keyword]
    return matching[-1] if matching else None


def test_the_parser_reads_continuations_and_forms() -> None:
    parsed = instructions(
        "# comment\nFROM python:3.11-slim AS build\nRUN a \\\n    # inside\n    && b\n"
        'CMD ["x", "y"]\n'
    )
    assert [(s.keyword, s.arguments) for s in parsed] == [
        ("FROM", "python:3.11-slim AS build"),
        ("RUN", "a && b"),
        ("CMD", '["x", "y"]'),
    ]


def test_base_images_are_tagged_and_not_latest() -> None:
    names = {stage[0].arguments.split()[2] for stage in STAGES if " AS " in stage[0].arguments}
    for stage in STAGES:
        image = stage[0].arguments.split()[0]
        if image in names:  # FROM an earlier stage
            continue
        assert re.fullmatch(r"[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?", image), image
        tag = image.partition("@")[0].rpartition(":")[2] if ":" in image else None
        assert tag is not None, f"{image}: no tag (that is latest)"
        assert tag != "latest", image


def test_the_final_stage_runs_as_a_numeric_non_root_user() -> None:
    user = last(FINAL, "USER")
    assert user is not None, "the final stage sets no USER: it would run as root"
    uid, _, gid = user.arguments.partition(":")
    assert uid.isdigit(), f"USER {user.arguments}: a name cannot be checked by runAsNonRoot"
    assert int(uid) != 0
    assert not gid or (gid.isdigit() and int(gid) != 0)
    after = FINAL[FINAL.index(user) :]
    assert all(step.keyword != "RUN" for step in after), "nothing runs as root after USER"
    # The working directory, where an SQLite default would be written, is the user's own.
    workdir = last(FINAL, "WORKDIR")
    assert workdir is not None
    assert workdir in after or f"--home-dir {workdir.arguments}" in " ".join(
        step.arguments for step in FINAL if step.keyword == "RUN"
    )


def test_commands_are_exec_form_so_uvicorn_gets_sigterm() -> None:
    cmd = last(FINAL, "CMD")
    assert cmd is not None
    for step in (cmd, last(FINAL, "ENTRYPOINT")):
        if step is None:
            continue
        argv = json.loads(step.arguments)  # shell form would not be JSON
        assert isinstance(argv, list)
        assert all(isinstance(arg, str) for arg in argv)
        assert argv[0] not in {"sh", "/bin/sh", "bash", "/bin/bash"}, "a shell would keep PID 1"
    argv = json.loads(cmd.arguments)
    assert argv[:2] == ["urbandiplo", "serve"]
    assert argv[argv.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - inside the container
    assert argv[argv.index("--port") + 1] in {
        step.arguments for step in FINAL if step.keyword == "EXPOSE"
    }


def test_the_health_check_asks_the_service() -> None:
    check = last(FINAL, "HEALTHCHECK")
    assert check is not None
    assert re.search(r"http://127\.0\.0\.1:8000/(readyz|healthz)", check.arguments)


def test_the_build_context_has_what_the_wheel_needs_and_no_local_state() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {"pyproject.toml", project["project"]["readme"], *wheel["force-include"]}
    needed |= {package.split("/")[0] for package in wheel["packages"]}
    copied = " ".join(step.arguments for step in STAGES[0] if step.keyword == "COPY")
    for path in needed:
        assert re.search(rf"(^|\s){re.escape(path)}(\s|$)", copied), f"{path} is not copied"
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".git", "node_modules", "*.db"} <= ignored
    assert not needed & ignored


def test_the_wheel_holds_the_migrations_and_the_demo_data(tmp_path: Path) -> None:
    """`pip wheel . --no-deps` as the image's build stage runs it (about 3 s here)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            f"--wheel-dir={tmp_path}",
        ],
        check=True,
        capture_output=True,
    )
    [built] = tmp_path.glob("urbandiplo-*.whl")
    with zipfile.ZipFile(built) as wheel:
        names = set(wheel.namelist())
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = [
            line.partition(":")[2].strip()
            for line in wheel.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist:")
        ]
    migrations = {
        f"urbandiplo/migrations/versions/{path.name}"
        for path in (ROOT / "migrations" / "versions").glob("*.py")
    }
    assert {"urbandiplo/migrations/env.py", "urbandiplo/migrations/script.py.mako"} <= names
    assert migrations, "no migrations found in the checkout"
    assert migrations <= names
    assert "urbandiplo/demo/data/cities.json" in names  # `serve --demo` in the image
    assert any(re.match(r"fastapi-offline\b", req) for req in requires), requires
