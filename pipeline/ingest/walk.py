"""Walking a corpus folder without trusting it: links, loops, FIFOs, devices, odd file names.

A corpus folder may hold entries that must not be opened: a FIFO or a device (reading one blocks
for ever or never ends), a symbolic link to a file outside the folder (reading it would copy that
file into the outputs), a link loop (walking it never ends). Every entry is looked at with
``lstat`` before anything opens it, and each one that is not read or descended into comes back as
an :class:`Entry` with the reason, so the manifest lists it. Links whose target lies inside the
corpus folder are followed; a linked folder is walked once, and never when it contains the link.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass

from ..errors import InputError

KINDS = ((stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "character device"),
         (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"))
OUTSIDE = ("symbolic link to a location outside the corpus folder, not read (set "
           "ingest.read.follow_links: true to read it)")


@dataclass(frozen=True)
class Entry:
    rel: str              # POSIX path relative to the corpus, valid UTF-8 (see display_name)
    path: str             # the path to open; may hold surrogate escapes, which os functions take
    size: int
    problem: str | None   # why the entry is not read; None for a regular file


def display_name(name: str) -> str:
    """A file name as valid UTF-8: bytes that are not UTF-8 become backslash escapes.

    ``os`` gives such bytes as lone surrogates ("surrogateescape"), which cannot be encoded, so
    a raw name would abort hashing and writing; ``caf\\xe9.md`` is readable and stable.
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def walk(root: str, follow_links: bool) -> list[Entry]:
    """Every entry under ``root`` (an absolute, resolved path), sorted by ``rel``."""
    found: list[Entry] = []
    _Walker(root, follow_links, found).folder(root, "", (root,))
    return sorted(found, key=lambda e: e.rel)


class _Walker:
    def __init__(self, root: str, follow_links: bool, found: list[Entry]):
        self.root = root
        self.follow_links = follow_links
        self.found = found
        self.linked: dict[str, str] = {}  # real folder -> rel of the link it was walked through

    def folder(self, path: str, rel: str, chain: tuple[str, ...]) -> None:
        try:
            with os.scandir(path) as listing:
                names = sorted(entry.name for entry in listing)
        except OSError as exc:
            self.found.append(Entry(rel or ".", path, 0,
                                    f"cannot list folder: {exc.strerror or exc}"))
            return
        for name in names:
            self.entry(os.path.join(path, name), rel + display_name(name), chain)

    def entry(self, path: str, rel: str, chain: tuple[str, ...]) -> None:
        try:
            info = os.lstat(path)
        except OSError as exc:
            self.found.append(Entry(rel, path, 0, f"cannot access: {exc.strerror or exc}"))
            return
        is_link = stat.S_ISLNK(info.st_mode)
        if is_link:
            problem, info = self.follow(path)
            if problem is not None:
                self.found.append(Entry(rel, path, 0, problem))
                return
        if stat.S_ISDIR(info.st_mode) and is_link:
            self.linked_folder(path, rel, chain)
        elif stat.S_ISDIR(info.st_mode):
            self.folder(path, rel + "/", chain + (os.path.realpath(path),))
        elif stat.S_ISREG(info.st_mode):
            self.found.append(Entry(rel, path, info.st_size, None))
        else:
            self.found.append(Entry(rel, path, 0, f"not a regular file ({kind(info.st_mode)}); "
                                    "only regular files are read"))

    def follow(self, path: str) -> tuple[str | None, os.stat_result | None]:
        """The target's stat, or why the link is not followed. Nothing is opened."""
        try:
            target = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "symbolic link loop: the link resolves to itself", None
            if exc.errno == errno.ENOENT:
                return "broken symbolic link: its target does not exist", None
            return f"cannot follow symbolic link: {exc.strerror or exc}", None
        if not self.follow_links and not inside(os.path.realpath(path), self.root):
            return OUTSIDE, None
        return None, target

    def linked_folder(self, path: str, rel: str, chain: tuple[str, ...]) -> None:
        real = os.path.realpath(path)
        if real in chain:
            self.found.append(Entry(rel, path, 0, "symbolic link loop: the link points to a "
                                    "folder that contains it, not followed"))
        elif real in self.linked:
            # A second link to the same folder: walking it again could multiply the corpus.
            self.found.append(Entry(rel, path, 0, "symbolic link to a folder already read "
                                    f"through {self.linked[real]}, not followed again"))
        else:
            self.linked[real] = rel
            self.folder(path, rel + "/", chain + (real,))


def kind(mode: int) -> str:
    for test, name in KINDS:
        if test(mode):
            return name
    return "not a file or folder"


def inside(real: str, root: str) -> bool:
    return real == root or os.path.commonpath([real, root]) == root


def open_regular(path: str):
    """Open for reading only if it is (still) a regular file: O_NONBLOCK, so a FIFO swapped in
    since the walk cannot block the open, and fstat on the open file, so nothing is read from
    anything but a regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    handle = os.fdopen(fd, "rb")
    mode = os.fstat(handle.fileno()).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        raise InputError(f"not a regular file ({kind(mode)}) any more", code="RD213",
                         hint="run again when the corpus is no longer being changed")
    return handle


def read_regular(path: str, size: int) -> bytes:
    """The file's bytes, at most ``size + 1`` of them (one more shows that it grew)."""
    with open_regular(path) as handle:
        return handle.read(size + 1)


def hash_regular(path: str, size: int, chunk: int = 1 << 20) -> str:
    """SHA-256 of at most ``size + 1`` bytes, the bytes :func:`read_regular` would read."""
    digest = hashlib.sha256()
    left = size + 1
    with open_regular(path) as handle:
        while left > 0 and (block := handle.read(min(chunk, left))):
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()
