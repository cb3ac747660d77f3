"""The wheel carries the dataset, and an installed posttrack finds it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_ships_the_dataset_and_finds_it_installed(tmp_path: Path) -> None:
    # The build back end's own PEP 517 hook, offline: no pip needed in the venv.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, hatchling.build; hatchling.build.build_wheel(sys.argv[1])",
            str(tmp_path),
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("posttrack-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    shipped = {
        p.relative_to(REPO / "data").as_posix() for p in (REPO / "data").rglob("*") if p.is_file()
    }
    assert {f"posttrack/data/{name}" for name in shipped} <= names
    assert "posttrack/data/positions.yaml" in names
    # the manual pages, for man to find beside the environment's bin/
    version_dir = next(
        n.split("/")[0] for n in names if n.endswith(".data/data/share/man/man1/posttrack.1")
    )
    pages = {p.name for p in (REPO / "man" / "man1").glob("*.1")}
    assert {f"{version_dir}/data/share/man/man1/{page}" for page in pages} <= names
    assert "posttrack-cite.1" in pages
    import posttrack

    assert wheel.name.startswith(f"posttrack-{posttrack.__version__}-")  # --version's source
    found = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from posttrack.config import bundled_data; print(bundled_data())",
            str(tmp_path / "site"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert Path(found.stdout.strip()) == tmp_path / "site" / "posttrack" / "data"
