"""Issue 9.5: a wheel built from the project carries what the app needs at run time, migrations included, and
an installed copy (here: the wheel unpacked away from the repository) can migrate a database."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from tracker.migrations import alembic_config

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # From a copy without build leftovers: a stale tracker.egg-info would list files the configuration forgot.
    source = tmp_path_factory.mktemp("source") / "tracker-src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "*.egg-info", "build", "data",
                                                                 "__pycache__", ".pytest_cache", ".ruff_cache"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check",
                    "-w", str(out), str(source)], check=True, capture_output=True, timeout=600)
    return next(out.glob("tracker-*.whl"))


@pytest.mark.heavy
def test_the_wheel_carries_migrations_templates_and_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("tracker/migrations/__init__.py", "tracker/migrations/env.py",
                   "tracker/migrations/script.py.mako", "tracker/migrations/versions/0001_foundation.py",
                   "tracker/migrations/versions/0004_sign_in_throttle.py", "tracker/templates/base.html",
                   "tracker/auth/common-passwords.txt.gz"):
        assert needed in names, needed
    assert any(name.startswith("tracker/static/") for name in names)


@pytest.mark.heavy
def test_an_installed_copy_migrates_a_database(wheel, tmp_path):
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    script = ("import tracker, sqlalchemy as sa\n"
              f"assert tracker.__file__.startswith({str(installed)!r}), tracker.__file__\n"
              "from tracker.migrations import upgrade\n"
              f"upgrade({url!r})\n"
              f"print(sa.create_engine({url!r}).connect().exec_driver_sql('select version_num from alembic_version')"
              ".scalar())\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
