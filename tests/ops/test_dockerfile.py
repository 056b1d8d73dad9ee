"""The Dockerfile, read as Docker reads it: stages, a user that is not root, assets and
static files built in, the dependencies from the lock by hash, a health check and a
graceful stop. (The image itself is built by `make image` where Docker runs.)"""

import fnmatch
import re
import tomllib

from tests.ops.deployment import ROOT, dockerfile_commands, final_stage


def _stages(commands) -> dict[str, str]:
    """Each stage's name and the image it starts from."""
    stages = {}
    for command in commands:
        if command.cmd == "FROM":
            image, *rest = command.value
            assert [word.upper() for word in rest[:1]] == ["AS"], f"unnamed stage {image}"
            stages[rest[1]] = image
    return stages


def test_the_image_is_built_in_stages_and_runs_on_python_slim():
    stages = _stages(dockerfile_commands())
    assert len(stages) >= 2
    assert list(stages.values())[-1] == "python:3.11-slim"
    assert any(image.startswith("node:") for image in stages.values())


def test_the_image_runs_as_a_user_that_is_not_root():
    runtime = final_stage(dockerfile_commands())
    users = [c.value[0] for c in runtime if c.cmd == "USER"]
    assert users, "no USER in the runtime stage"
    assert users[-1].split(":")[0] not in {"root", "0"}
    # Set before what the container runs.
    order = [c.cmd for c in runtime]
    assert order.index("USER") < order.index("CMD")


def test_assets_are_built_in_and_static_files_collected_at_build_time():
    commands = dockerfile_commands()
    stages = _stages(commands)
    node_stage = next(name for name, image in stages.items() if image.startswith("node:"))
    runtime = final_stage(commands)
    copies_from_node = [c for c in runtime if c.cmd == "COPY" and f"--from={node_stage}" in c.flags]
    assert [c.value[-1] for c in copies_from_node] == ["static/dist"]
    runs = " ".join(c.value[0] for c in runtime if c.cmd == "RUN")
    assert "manage.py collectstatic --noinput" in runs
    # Collected before the user changes: the code and its static files are root's, read-only.
    order = [c for c in runtime if c.cmd in {"RUN", "USER"}]
    assert "collectstatic" in order[-2].value[0] and order[-1].cmd == "USER"


def test_dependencies_are_installed_from_the_lock_by_hash():
    runs = " ".join(c.value[0] for c in dockerfile_commands() if c.cmd == "RUN")
    assert re.search(r"pip wheel [^&]*--require-hashes -r requirements\.lock", runs)
    assert "--no-index --find-links /wheels" in runs


def test_every_runtime_dependency_is_in_the_lock():
    """The image installs pyproject's dependencies from the locked wheels and nothing else,
    so one missing from the lock would fail the build."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = {
        re.split(r"[=\[ ]", line)[0].lower().replace("_", "-")
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if re.match(r"^[A-Za-z0-9]", line)
    }
    wanted = {
        re.split(r"[<>=\[ ;]", requirement)[0].lower().replace("_", "-")
        for requirement in project["dependencies"]
    }
    assert wanted - locked == set()


def test_the_web_command_is_gunicorn_with_a_graceful_stop():
    runtime = final_stage(dockerfile_commands())
    [cmd] = [c for c in runtime if c.cmd == "CMD"]
    assert cmd.json, "CMD in exec form, so gunicorn is PID 1 and gets the stop signal itself"
    assert cmd.value[:2] == ("gunicorn", "config.wsgi")
    assert float(cmd.value[cmd.value.index("--graceful-timeout") + 1]) > 0
    assert [c.value for c in runtime if c.cmd == "STOPSIGNAL"] == [("SIGTERM",)]
    assert [c.cmd for c in runtime].count("HEALTHCHECK") == 1


def test_what_the_dockerfile_copies_exists_and_is_not_ignored():
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for secret_or_local in (".env", ".venv", "node_modules", "var", ".git"):
        assert secret_or_local in ignored
    for command in dockerfile_commands():
        if command.cmd != "COPY" or any(f.startswith("--from=") for f in command.flags):
            continue
        for source in command.value[:-1]:
            if source == ".":
                continue
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source.rstrip("/"), p) for p in ignored), source
