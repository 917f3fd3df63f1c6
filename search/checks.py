"""System checks: configuration mistakes reported by `manage.py check`."""

import grp
import os
import pwd
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_data_dir(app_configs, **kwargs):
    if not os.access(settings.DATA_DIR, os.W_OK):
        return [
            Error(
                f"ARCHIVE_DATA_DIR {settings.DATA_DIR} is not writable",
                hint="Point ARCHIVE_DATA_DIR at a folder this user can write to.",
                id="arshif.E001",
            )
        ]
    return []


# Whoosh reads its table of contents and segment files with pickle: whoever can write to the
# data dir or the index folder can make every process that opens the index run code of their
# choosing. So both must belong to the user that runs Arshif and be writable by nobody else.
_SHARED_WRITE = stat.S_IWGRP | stat.S_IWOTH


def trust_problems(
    path: Path, mode: int, owner: int, me: int, *, private_group: bool = False
) -> list[str]:
    """What makes a file or folder untrusted, from its mode and owner: written as a reason.
    `private_group`: its group is this user's own and nobody else's (a user-private group, as
    umask 002 systems give every user), so group write lets no one else in."""
    problems = []
    if owner != me:
        problems.append(f"{path} belongs to user id {owner}, not to this user ({me})")
    shared = _SHARED_WRITE & ~stat.S_IWGRP if private_group else _SHARED_WRITE
    if mode & shared:
        writers = (("its group", stat.S_IWGRP), ("other users", stat.S_IWOTH))
        writers = tuple((name, bit) for name, bit in writers if bit & shared)
        who = " and ".join(name for name, bit in writers if mode & bit)
        problems.append(f"{path} is writable by {who} (mode {stat.S_IMODE(mode):o})")
    return problems


def _trusted_paths() -> list[Path]:
    paths = [Path(settings.DATA_DIR)]
    index = settings.HAYSTACK_CONNECTIONS["default"].get("PATH")
    if index and Path(index).is_dir():
        paths.append(Path(index))
        # The files too: a writable file can be rewritten in place inside a safe folder.
        paths.extend(child for child in sorted(Path(index).iterdir()) if child.is_file())
    return paths


def _private_group(gid: int, me: int) -> bool:
    """The group carries this user's name and has no other member (a user-private group)."""
    try:
        group, user = grp.getgrgid(gid), pwd.getpwuid(me)
    except KeyError:
        return False
    return group.gr_name == user.pw_name and set(group.gr_mem) <= {user.pw_name}


@register(deploy=False)
def check_data_dir_trust(app_configs, **kwargs):
    me = os.geteuid()
    warnings = []
    for path in _trusted_paths():
        try:
            info = path.stat()
        except OSError:
            continue
        private = _private_group(info.st_gid, me)
        for problem in trust_problems(path, info.st_mode, info.st_uid, me, private_group=private):
            warnings.append(
                Warning(
                    f"The data dir must be trusted: {problem}",
                    hint=(
                        "The search index is read with pickle, so whoever can write there can "
                        "run code as Arshif. Give the data dir (ARCHIVE_DATA_DIR) and the index "
                        "folder to the user that runs Arshif and remove write access for "
                        "others: chown -R THAT_USER DIR && chmod -R go-w DIR."
                    ),
                    id="arshif.W020",
                )
            )
    return warnings
