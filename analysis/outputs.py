"""Publishing a build: one build at a time, all outputs or none, and a check of what is there.

A build writes every output into a staging folder inside the project
(``.trygghet/bygge-<pid>/``, ``Staging``) as soon as the stage that made it returns, with
the manifest last, and then swaps the staging folders in for ``data/processed/`` and
``reports/`` as a whole:

1. the staging folder is written completely (every file flushed to disk);
2. a journal (``.trygghet/byte.json``) says which staging folder is complete;
3. each old folder is renamed away and the staged one renamed in;
4. the journal and the old folders are removed.

A build killed before step 2 leaves the previous outputs untouched (the incomplete staging
folder is removed by the next build); killed after it, the next build (or ``recover``)
finishes the swap, so the outputs are always one complete build: the previous one or the
new one. ``verify`` checks the outputs against the manifest's hashes.

``build_lock`` lets one build run at a time: a lock file holding the builder's process id;
a second build gets a Swedish message naming it. A lock left by a killed build (its process
is gone) is taken over.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from analysis.paths import ProjectPaths, inside
from analysis.problems import UNREADABLE, DataError, Problem

WORK_DIR = ".trygghet"
LOCK_FILE = "lås"
JOURNAL = "byte.json"
STAGING_PREFIX = "bygge-"
OLD_PREFIX = "gammalt-"
REPORT_PREFIX = "rapport-"  # files handed to the processes drawing a national report
MANIFEST_FILE = "manifest.json"
KEEP = ("README.md", ".gitkeep")  # committed files in the output folders, carried over
WRITERS = 2  # threads writing the staged outputs (what they do mostly releases the GIL)


def work_dir(paths: ProjectPaths) -> Path:
    return paths.root / WORK_DIR


def _targets(paths: ProjectPaths) -> dict[str, Path]:
    """Name in the staging folder -> the output folder it replaces."""
    return {"processed": paths.processed, "reports": paths.reports}


# --- one build at a time -------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(lock: Path) -> dict:
    try:
        return json.loads(lock.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextmanager
def build_lock(paths: ProjectPaths, progress=print) -> Iterator[Path]:
    """Hold the project's build lock for the block; a second build gets a ``DataError``."""
    folder = work_dir(paths)
    _make_dir(folder, paths)
    lock = folder / LOCK_FILE
    me = {"pid": os.getpid(), "dator": socket.gethostname()}
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            pid, host = holder.get("pid"), holder.get("dator")
            if isinstance(pid, int) and host == me["dator"] and not _alive(pid):
                progress(f"Obs: ett tidigare bygge (process {pid}) avbröts; dess lås tas bort.")
                lock.unlink(missing_ok=True)
                continue
            raise DataError([Problem(str(lock.relative_to(paths.root)), None, None, None,
                                     "bygge_pagar",
                                     f"ett annat bygge pågår redan i projektet (process "
                                     f"{pid if pid else 'okänd'} på {host or 'okänd dator'}).",
                                     "Vänta tills det är klart och kör sedan igen. Om inget "
                                     f"bygge körs: ta bort filen {WORK_DIR}/{LOCK_FILE}.")],
                            title="Bygget kan inte starta") from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(me, fh)
        break
    try:
        yield lock
    finally:
        if _holder(lock).get("pid") == me["pid"]:
            lock.unlink(missing_ok=True)


# --- all or nothing -------------------------------------------------------------------------


def _make_dir(folder: Path, paths: ProjectPaths) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError, PermissionError, OSError) as exc:
        raise _not_writable(folder, paths, exc) from exc


def _not_writable(folder: Path, paths: ProjectPaths, exc: Exception | None = None) -> DataError:
    shown = folder.relative_to(paths.root) if folder.is_relative_to(paths.root) else folder
    why = ("finns men är en fil, inte en mapp" if folder.exists() and not folder.is_dir()
           else "går inte att skriva i")
    return DataError([Problem(str(shown), None, None, None, UNREADABLE,
                              f"mappen {why}.",
                              "Kontrollera behörigheterna (eller ta bort filen med samma namn) "
                              "och kör igen. Inget har ändrats.")],
                     title="Resultaten kan inte skrivas")


def check_writable(paths: ProjectPaths) -> None:
    """Fail with a Swedish message, before anything is replaced, when outputs cannot be written."""
    for folder in [work_dir(paths), *_targets(paths).values()]:
        if folder.exists() and not folder.is_dir():
            raise _not_writable(folder, paths)
        parent = folder if folder.exists() else folder.parent
        while not parent.exists():
            parent = parent.parent
        if not os.access(parent, os.W_OK | os.X_OK):
            raise _not_writable(parent, paths)


def _write_file(path: Path, data: bytes) -> None:
    _write_chunks(path, [data])


def _write_chunks(path: Path, chunks: Iterable[bytes], digest=None) -> None:
    """Write the chunks to ``path`` (flushed to disk), feeding ``digest`` on the way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
            if digest is not None:
                digest.update(chunk)
        fh.flush()
        os.fsync(fh.fileno())


class Staging:
    """The staging folder of one build, written file by file while the stages run.

    Each output is handed over as soon as a stage returns it and written (its SHA-256
    taken on the way) by ``WRITERS`` writer threads, taking jobs in the order handed over,
    while the next stages compute: serialising tables and making CSV files (pyarrow, which
    releases the GIL) overlaps the estimates and the figures, and a national build never
    holds all its files in memory. ``write`` takes bytes, an iterable of byte blocks, or a
    function returning either; ``write_stream`` a stream of ``(path, data)`` pairs, which
    one writer consumes in order (a large CSV is made and written a block of rows at a
    time). The files do not depend on which thread wrote them. ``digests`` waits for the
    writers and re-raises their first error; ``finish`` writes the
    manifest last. A failed build ``discard``s the folder; a killed one leaves it to the
    next build's ``recover`` (no journal: removed). With ``dry_run`` nothing is written,
    only hashed.
    """

    def __init__(self, paths: ProjectPaths, dry_run: bool = False):
        self.paths = paths
        self.dry_run = dry_run
        self.folder = work_dir(paths) / f"{STAGING_PREFIX}{os.getpid()}"
        self._open = False
        self._digests: dict[str, dict[str, str]] = {"processed": {}, "reports": {}}
        self._jobs: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._error: BaseException | None = None
        self._cancel = threading.Event()
        self._claim = threading.Lock()
        self._claimed: set[tuple[str, str]] = set()

    def _ensure_open(self) -> None:
        if self._open or self.dry_run:
            return
        try:
            if self.folder.exists():
                shutil.rmtree(self.folder)
            self.folder.mkdir(parents=True)
            for name, target in _targets(self.paths).items():
                (self.folder / name).mkdir()
                for keep in KEEP:  # committed READMEs of the output folders stay
                    if (target / keep).is_file():
                        shutil.copy2(target / keep, self.folder / name / keep)
        except OSError as exc:
            self.discard()
            raise _not_writable(work_dir(self.paths), self.paths, exc) from exc
        self._open = True

    def write(self, area: str, key: str, data) -> None:
        """Write ``data`` (bytes, byte blocks, or a function returning either) to
        ``<area>/<key>`` of the staging folder (``area``: "processed" or "reports")."""
        self.write_stream(area, [(key, data)])

    def write_stream(self, area: str, stream: Iterable[tuple[str, object]]) -> None:
        """Write every ``(key, data)`` of ``stream`` (consumed by the writer thread)."""
        self._ensure_open()
        if not self._threads:
            self._threads = [threading.Thread(target=self._run, name=f"trygghet-skrivare-{k}",
                                              daemon=True) for k in range(WRITERS)]
            for thread in self._threads:
                thread.start()
        self._jobs.put((area, stream))

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._error is not None or self._cancel.is_set():
                continue  # drain: the build has failed
            area, stream = job
            try:
                for key, data in stream:
                    with self._claim:  # two writers must not take the same file
                        if (area, key) in self._claimed:
                            raise RuntimeError(f"två steg skriver {area}/{key}")
                        self._claimed.add((area, key))
                    self._digests[area][key] = self._write_now(area, key, data)
            except BaseException as exc:  # re-raised in the build's thread by ``digests``
                self._error = exc

    def _write_now(self, area: str, key: str, data) -> str:
        if callable(data):
            data = data()
        digest = hashlib.sha256()
        chunks = [data] if isinstance(data, bytes | bytearray | memoryview) else data
        if self.dry_run:
            for chunk in chunks:
                digest.update(chunk)
            return digest.hexdigest()
        try:
            _write_chunks(inside(self.folder / area, key), self._unless_cancelled(chunks),
                          digest)
        except OSError as exc:
            raise _not_writable(work_dir(self.paths), self.paths, exc) from exc
        return digest.hexdigest()

    def _unless_cancelled(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            if self._cancel.is_set():
                raise RuntimeError("bygget avbröts")
            yield chunk

    def _join(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []

    def digests(self) -> dict[str, dict[str, str]]:
        """Wait until everything handed over is written; ``{area: {key: SHA-256}}``."""
        self._join()
        if self._error is not None:
            error, self._error = self._error, None
            self.discard()
            raise error
        return self._digests

    def finish(self, manifest: bytes) -> Path:
        """Write the manifest last (after everything else); return the complete folder."""
        self.digests()
        self._ensure_open()
        _write_chunks(self.folder / "processed" / MANIFEST_FILE, [manifest])
        return self.folder

    def discard(self) -> None:
        """Stop the writer and remove the staging folder."""
        self._cancel.set()
        self._join()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._open = False


def swap_in(paths: ProjectPaths, staging: Path) -> None:
    """Replace the output folders by the staged ones (journalled: see the module docstring)."""
    journal = work_dir(paths) / JOURNAL
    old = work_dir(paths) / f"{OLD_PREFIX}{os.getpid()}"
    tmp = journal.with_suffix(".tmp")
    _write_file(tmp, json.dumps({"bygge": staging.name, "gammalt": old.name}).encode("utf-8"))
    os.replace(tmp, journal)
    _finish_swap(paths, staging, old)
    journal.unlink()
    _remove_leftovers(paths)


def _finish_swap(paths: ProjectPaths, staging: Path, old: Path) -> None:
    old.mkdir(parents=True, exist_ok=True)
    for name, target in _targets(paths).items():
        staged = staging / name
        if not staged.exists():
            continue  # already swapped in by an earlier, interrupted run
        if target.exists() and not (old / name).exists():
            os.replace(target, old / name)
        elif target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)


def _remove_leftovers(paths: ProjectPaths) -> list[str]:
    removed = []
    folder = work_dir(paths)
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.name.startswith((STAGING_PREFIX, OLD_PREFIX, REPORT_PREFIX)) \
                    or p.name == JOURNAL + ".tmp":
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
                removed.append(p.name)
    for target in _targets(paths).values():  # temporary files of older atomic writes
        if target.is_dir():
            for p in target.rglob(".*.tmp-*"):
                p.unlink(missing_ok=True)
                removed.append(str(p.relative_to(paths.root)))
    return removed


def recover(paths: ProjectPaths) -> list[str]:
    """Bring the outputs back to one complete build after a killed build; say what was done.

    A journal means the staged build was complete: the swap is finished. Without one, any
    staging folder is incomplete and removed; the previous outputs are untouched.
    """
    notes = []
    journal = work_dir(paths) / JOURNAL
    if journal.is_file():
        try:
            info = json.loads(journal.read_text(encoding="utf-8"))
            staging, old = work_dir(paths) / info["bygge"], work_dir(paths) / info["gammalt"]
        except (OSError, ValueError, KeyError):
            staging = old = None
        if staging is not None and staging.is_dir():
            _finish_swap(paths, staging, old)
            notes.append("Ett avbrutet bygge var helt klart: dess resultat har flyttats på plats.")
        journal.unlink()
    removed = _remove_leftovers(paths)
    if removed:
        notes.append("Rester efter ett avbrutet bygge togs bort: " + ", ".join(removed) + ".")
    return notes


def verify(paths: ProjectPaths) -> list[str]:
    """Differences between the output folders and the manifest (empty = consistent)."""
    manifest_path = paths.processed / MANIFEST_FILE
    if not manifest_path.is_file():
        return ["manifest.json saknas"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    listed = {("processed", k): v for k, v in manifest.get("utdata", {}).items()}
    listed |= {("reports", k): v for k, v in manifest.get("rapporter", {}).items()}
    problems = []
    for (name, key), digest in sorted(listed.items()):
        path = _targets(paths)[name] / key
        if not path.is_file():
            problems.append(f"{name}/{key} saknas")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name}/{key} hör inte till bygget i manifestet")
    for name, target in _targets(paths).items():
        if not target.is_dir():
            continue
        for p in sorted(target.rglob("*")):
            rel = p.relative_to(target).as_posix()
            if p.is_file() and rel not in KEEP and (name, rel) not in listed \
                    and not (name == "processed" and rel == MANIFEST_FILE) \
                    and not (name == "reports" and rel.startswith("notebooks/")):
                problems.append(f"{name}/{rel} finns men står inte i manifestet")
    return problems
