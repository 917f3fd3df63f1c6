"""The data dir and the index folder must be trusted (the index is read with pickle): a system
check warns at start-up when others can write there or another user owns them."""

import os
import stat
import subprocess
import sys

from search.checks import trust_problems
from tests.processes import ROOT


def check(tmp_path, data_dir, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "arshif.settings",
            "ARCHIVE_DATA_DIR": str(data_dir),
            "DJANGO_SECRET_KEY": "x" * 60,
            "DATABASE_URL": "",
            "SEARCH_URL": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_private_data_dir_passes(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    done = check(tmp_path, data)
    assert done.returncode == 0, done.stderr
    assert "arshif.W020" not in done.stdout + done.stderr


def test_a_data_dir_others_can_write_to_is_reported(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o757)
    done = check(tmp_path, data)
    out = done.stdout + done.stderr
    assert "arshif.W020" in out
    assert f"{data} is writable by other users (mode 757)" in out
    assert "read with pickle" in out and "chmod -R go-w" in out


def test_the_index_folder_and_its_files_are_checked_too(tmp_path):
    data, index = tmp_path / "data", tmp_path / "index"
    data.mkdir(mode=0o700)
    index.mkdir(mode=0o700)
    toc = index / "_MAIN_1.toc"
    toc.write_bytes(b"")
    toc.chmod(0o646)
    done = check(tmp_path, data, SEARCH_URL=f"whoosh://{index}")
    out = done.stdout + done.stderr
    assert f"{toc} is writable by other users (mode 646)" in out
    assert f"{index} is" not in out


def test_another_owner_and_a_shared_group_are_named():
    mode = stat.S_IFDIR | 0o755
    assert trust_problems("/srv/arshif", mode, owner=0, me=1000) == [
        "/srv/arshif belongs to user id 0, not to this user (1000)"
    ]
    assert trust_problems("/srv/arshif", stat.S_IFDIR | 0o777, owner=1000, me=1000) == [
        "/srv/arshif is writable by its group and other users (mode 777)"
    ]
    assert trust_problems("/srv/arshif", mode, owner=1000, me=1000) == []


def test_group_write_is_harmless_in_a_user_private_group():
    """umask 002 systems give each user a group of their own: its write bit lets no one in."""
    mode = stat.S_IFREG | 0o664
    assert trust_problems("/srv/i/_MAIN_1.toc", mode, owner=1000, me=1000, private_group=True) == []
    assert trust_problems("/srv/i/_MAIN_1.toc", mode | 0o002, 1000, 1000, private_group=True) == [
        "/srv/i/_MAIN_1.toc is writable by other users (mode 666)"
    ]
