"""System checks: configuration mistakes and an index that cannot serve the archive, reported
by `manage.py check` and at the start of every management command."""

import grp
import os
import pwd
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from archive.models import Article
from search.analysis import ANALYSIS_VERSION
from search.engine import get_engine
from search.engine.contract import IndexUnavailable


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


@register()
def check_search_index(app_configs, **kwargs):
    """Warn at start-up when the search index cannot serve the archive: unreadable, missing or
    empty while the database holds articles, or built by an older text analysis. (The full
    comparison, document by document, is `manage.py check_index`.)"""
    fix = "Run `manage.py check_index --repair` (it rebuilds the index from the database)."
    try:
        articles = Article.objects.count()
    except (DatabaseError, RuntimeError):
        # No database yet (before `migrate`), or none this process may read (a test without
        # one): nothing to compare the index with.
        return []
    if not articles:
        return []
    try:
        engine = get_engine()
        indexed = engine.count()
        version = engine.analysis_version()
    except IndexUnavailable as error:
        return [Warning(str(error), hint=fix, id="arshif.W010")]
    except Exception as error:  # a start-up check reports, it never stops the command
        message = f"the search index cannot be opened ({type(error).__name__}: {error})"
        return [Warning(message, hint=fix, id="arshif.W010")]
    if not indexed:
        return [
            Warning(
                f"the search index is missing or empty, but the database holds {articles} "
                f"article{'' if articles == 1 else 's'}: searches find nothing",
                hint=fix,
                id="arshif.W011",
            )
        ]
    if version != ANALYSIS_VERSION:
        built = "an unrecorded version" if version is None else f"version {version}"
        return [
            Warning(
                f"the search index was built with {built} of the text analysis; this is "
                f"version {ANALYSIS_VERSION}: some searches miss articles until it is rebuilt",
                hint=fix,
                id="arshif.W012",
            )
        ]
    return []
