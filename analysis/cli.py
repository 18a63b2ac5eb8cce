"""The command ``trygghet`` (also ``python -m analysis``).

    trygghet ny KOMMUN [--ar ÅR] [--rot MAPP]
    trygghet build [--demo | --egna] [--ar ÅR] [--karantan] [--kontroll] [--rot MAPP]
    trygghet demo [--rot MAPP]
    trygghet validate FIL [FIL ...] [--omraden FIL] [--mappning FIL] [--ar ÅR]
    trygghet notebooks [--ar ÅR] [--rot MAPP]

``validate`` uses the ``kolumnmappning.csv`` beside the files (unless ``--mappning`` names
one) and never reads it, a README or the templates as a survey file; the area register is
the ``omraden/`` folder beside the survey folder (unless ``--omraden`` names one).

Exit codes: 0 = klart, 1 = fel i indata (meddelandet säger fil, rad och kolumn),
2 = felaktigt anrop.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import traceback
from pathlib import Path

from analysis.areas import read_area_register
from analysis.codebook import load_codebook
from analysis.demo import write_demo
from analysis.files import QUIET_FILES
from analysis.notebooks import run_notebooks
from analysis.onboarding import check_register_exists, next_steps, shown_path, start_kommun
from analysis.outputs import WORK_DIR
from analysis.paths import (
    AREA_REGISTER_FILE,
    AREAS_DIR,
    COLUMN_MAPPING_FILE,
    has_own_raw_files,
    project_paths,
    raw_source,
)
from analysis.pipeline import build
from analysis.problems import DataError, Problem, format_report
from analysis.survey import load_survey, read_column_mapping

# argparse's own error texts, in Swedish.
_ARGPARSE_SV = [("the following arguments are required", "dessa argument krävs"),
                ("unrecognized arguments", "okända argument"),
                ("invalid int value", "ogiltigt heltal"),
                ("invalid choice", "ogiltigt val"),
                ("not allowed with argument", "kan inte kombineras med"),
                ("expected one argument", "ett värde krävs"),
                ("choose from", "välj bland"),
                ("argument ", "argumentet ")]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        for en, sv in _ARGPARSE_SV:
            message = message.replace(en, sv)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fel: {message}\n")


class _SwedishHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups,
                                 prefix="användning: " if prefix is None else prefix)


def _swedish(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser._positionals.title = "kommandon och argument"
    parser._optionals.title = "flaggor"
    for action in parser._actions:
        if action.dest == "help":
            action.help = "visa den här hjälpen"
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="trygghet", formatter_class=_SwedishHelp,
        description="Lägesbild från trygghetsmätning och trygghetsvandringar.")
    parser.add_argument("--rot", default=None,
                        help="projektets rotmapp (standard: den här klonen)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    n = sub.add_parser("ny", help="börja med en ny kommun: inställningar, kommungräns och "
                                  "mallar i data/raw/ (skriver aldrig över något)")
    n.add_argument("kommun", metavar="KOMMUN",
                   help="kommunens namn eller kommunkod, t.ex. \"Upplands Väsby\" eller 0114")
    n.add_argument("--ar", type=int, default=None, metavar="ÅR",
                   help="året i mallarnas exempel (standard: i år)")
    b = sub.add_parser("build", help="bygg alla bearbetade tabeller från data/raw/")
    source = b.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true",
                        help="använd de syntetiska demodata även om egna filer finns")
    source.add_argument("--egna", action="store_true",
                        help="använd kommunens egna filer i data/raw/ (fel om de saknas)")
    b.add_argument("--karantan", action="store_true",
                   help="lägg undan rader med fel (avvisade_rader.parquet) och fortsätt")
    b.add_argument("--ar", type=int, default=None, metavar="ÅR",
                   help="lägesbildens år (standard: senaste undersökningsåret)")
    b.add_argument("--kontroll", action="store_true",
                   help="kontrollera alla leveranser (enkät, geodata, vandringar, polisens index) "
                        "och räkna allt, men skriv ingenting")
    sub.add_parser("demo", help="skriv om de syntetiska demodata i data/raw/demo/")
    nb = sub.add_parser("notebooks", help="kör anteckningsböckerna till reports/notebooks/")
    nb.add_argument("--ar", type=int, default=None, metavar="ÅR",
                    help="undersökningsår (standard: bygget året, annars det senaste)")
    v = sub.add_parser("validate", help="kontrollera enkätfiler utan att skriva något")
    v.add_argument("files", nargs="+", metavar="FIL")
    v.add_argument("--omraden", default=None,
                   help="områdesregister (standard: omraden/omradesindelning.csv i rådata)")
    v.add_argument("--mappning", default=None, help="kolumnmappning för leverantörens rubriker")
    v.add_argument("--ar", type=int, default=None, help="undersökningsår om filen saknar år")
    _swedish(parser)
    for sub_parser in sub.choices.values():
        sub_parser.formatter_class = _SwedishHelp
        _swedish(sub_parser)
    return parser


def _build(args) -> int:
    demo = True if args.demo else (False if args.egna else None)
    if demo is False and not has_own_raw_files(project_paths(args.rot)):
        print("Inga egna filer i data/raw/. Lägg leveranserna där (se data/raw/README.md).",
              file=sys.stderr)
        return 1
    build(args.rot, demo=demo, quarantine=args.karantan, dry_run=args.kontroll, year=args.ar)
    return 0


def _demo(args) -> int:
    files = write_demo(args.rot)
    print(f"Skrev {len(files)} filer med syntetiska demodata.")
    return 0


def _notebooks(args) -> int:
    try:
        run_notebooks(args.rot, year=args.ar)
    except (FileNotFoundError, RuntimeError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _ny(args) -> int:
    started = start_kommun(args.rot, args.kommun, year=args.ar)
    paths = project_paths(args.rot)
    k = started.kommun
    print(f"{k.official_name} (kommunkod {k.code}).")
    for path in started.written:
        print(f"  Skrev {shown_path(path)}")
    for path in started.kept:
        print(f"  Fanns redan, skrevs inte över: {shown_path(path)}")
    if not started.written:
        print("Inget skrevs: alla filer fanns redan.")
    command = _command_name() + ("" if args.rot is None else f" --rot {args.rot}")
    print("\nNästa steg:")
    for line in next_steps(paths, command):
        print(f"  {line}")
    return 0


def _command_name() -> str:
    """How the user called us, for commands we print: ``.venv/bin/trygghet`` when started
    so, ``python -m analysis`` for the module, else ``trygghet``."""
    called = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("trygghet")
    if called.name == "trygghet" and called.parent != Path("."):
        return shown_path(called)
    if called.name == "__main__.py" and called.parent.name == "analysis":
        return "python -m analysis"
    return "trygghet"


def _survey_args(names: list[str]) -> tuple[list[Path], list[Path]]:
    """(the survey files to check, the mapping files given among them): a mapping file or a
    README given on the command line (``trygghetsmatning/*``) is never read as a survey."""
    files, mappings = [], []
    for name in names:
        path = Path(name)
        if path.name == COLUMN_MAPPING_FILE:
            mappings.append(path)
        elif path.name not in QUIET_FILES and not path.is_dir():
            files.append(path)
    return files, mappings


def _validate(args) -> int:
    codebook = load_codebook()
    files, _ = _survey_args(args.files)
    by_folder: dict[Path, list[Path]] = {}
    for path in files:
        by_folder.setdefault(path.resolve().parent, []).append(path)
    bad = 0
    for folder, group in by_folder.items():
        # the register beside the survey folder (data/raw/omraden/ for data/raw/trygghetsmatning/)
        # (a file outside the raw folder is checked against the project's own register)
        beside = folder.parent / AREAS_DIR / AREA_REGISTER_FILE
        project = raw_source(project_paths(args.rot)) / AREAS_DIR / AREA_REGISTER_FILE
        register_path = (Path(args.omraden) if args.omraden
                         else beside if beside.is_file() or not project.is_file() else project)
        check_register_exists(register_path)
        register = read_area_register(register_path)
        mapping_path = (Path(args.mappning) if args.mappning else folder / COLUMN_MAPPING_FILE)
        mapping = None
        if args.mappning or mapping_path.is_file():
            mapping = read_column_mapping(mapping_path, codebook)
            print(f"Kolumnmappning: {shown_path(mapping_path)} ({len(mapping)} rader).")
        for path in group:
            bad += _validate_one(path, register, codebook, mapping, args.ar)
    if not files:
        print("Inga enkätfiler att kontrollera (kolumnmappning.csv och README läses inte som "
              "enkät).")
        return 1
    if bad:
        print(f"{bad} av {len(files)} filer har fel.")
        return 1
    print("Inga fel hittades.")
    return 0


def _validate_one(path: Path, register, codebook, mapping, year) -> int:
    """Check one survey file and print what was found; 1 if it has problems, else 0."""
    try:
        delivery = load_survey([path], register=register, codebook=codebook,
                               mapping=mapping, year=year)
    except DataError as exc:
        print(str(exc))
        return 1
    for fname, acc in delivery.accounting.items():
        print(f"{fname}: {acc['lasta']} rader, {acc['godkanda']} godkända, "
              f"{acc['avvisade']} avvisade.")
    for note in delivery.notices:
        print(f"  Obs: {note.format()}")
    if delivery.problems:
        print(format_report(compact_problems(delivery.problems), "Fel"))
        return 1
    return 0


def compact_problems(problems: list[Problem]) -> list[Problem]:
    """Identical problems on many rows (the same unknown area on 60 rows) as one line that
    names the rows: ``enkat.csv, rad 182–241 (60 rader)``. Order of first appearance."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, p.value, p.reason, p.message, p.hint), []).append(p)
    out = []
    for (file, column, value, reason, message, hint), same in groups.items():
        rows = sorted({p.row for p in same if p.row is not None})
        if len(rows) < 2:
            out.extend(same)
            continue
        where = f"{file}, rad {_row_ranges(rows)} ({len(rows)} rader)"
        out.append(Problem(where, None, column, value, reason, message, hint))
    return out


def _row_ranges(rows: list[int], shown: int = 6) -> str:
    """``[3, 4, 5, 9]`` -> ``"3–5, 9"`` (at most ``shown`` runs, then "…")."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    text = [f"{a}–{b}" if b > a else str(a) for a, b in runs]
    return ", ".join(text[:shown]) + (", …" if len(text) > shown else "")


def _crash_report(root, exc: BaseException) -> Path | None:
    """Write the full traceback to ``.trygghet/fel/`` (else the temp folder); return the path."""
    text = "".join(traceback.format_exception(exc))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    for folder in (project_paths(root).root / WORK_DIR / "fel", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"fel-{stamp}-{os.getpid()}.txt"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def main(argv: list[str] | None = None) -> int:
    """Run one command; every input problem is a Swedish message and a non-zero exit code.

    0 = klart, 1 = fel i indata eller inställningar, 2 = felaktigt anrop, 3 = oväntat fel (den
    fullständiga felutskriften skrivs till en fil och sökvägen sägs), 130 = avbrutet.
    """
    args = _parser().parse_args(argv)
    handler = {"ny": _ny, "build": _build, "demo": _demo, "validate": _validate,
               "notebooks": _notebooks}[args.command]
    try:
        return handler(args)
    except DataError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet. Tidigare resultat är orörda.", file=sys.stderr)
        return 130
    except Exception as exc:  # anything else: a short Swedish message, the trace in a file
        path = _crash_report(args.rot, exc)
        where = (f" Hela felutskriften finns i {path}." if path
                 else " Felutskriften kunde inte sparas.")
        print(f"Ett oväntat fel inträffade ({type(exc).__name__}). Tidigare resultat är orörda."
              f"{where} Skicka gärna filen till den som underhåller paketet.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
