"""The command ``trygghet`` (also ``python -m analysis``).

    trygghet build [--demo | --egna] [--ar ÅR] [--karantan] [--kontroll] [--rot MAPP]
    trygghet demo [--rot MAPP]
    trygghet validate FIL [FIL ...] [--omraden FIL] [--mappning FIL] [--ar ÅR]
    trygghet notebooks [--ar ÅR] [--rot MAPP]

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
from analysis.notebooks import run_notebooks
from analysis.outputs import WORK_DIR
from analysis.paths import AREA_REGISTER_FILE, AREAS_DIR, has_own_raw_files, project_paths, raw_source
from analysis.pipeline import build
from analysis.problems import DataError, format_report
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


def _validate(args) -> int:
    paths = project_paths(args.rot)
    register_path = (Path(args.omraden) if args.omraden
                     else raw_source(paths) / AREAS_DIR / AREA_REGISTER_FILE)
    register = read_area_register(register_path)
    codebook = load_codebook()
    mapping = read_column_mapping(args.mappning, codebook) if args.mappning else None
    bad = 0
    for name in args.files:
        try:
            delivery = load_survey([name], register=register, codebook=codebook,
                                   mapping=mapping, year=args.ar)
        except DataError as exc:
            print(str(exc))
            bad += 1
            continue
        for fname, acc in delivery.accounting.items():
            print(f"{fname}: {acc['lasta']} rader, {acc['godkanda']} godkända, "
                  f"{acc['avvisade']} avvisade.")
        for note in delivery.notices:
            print(f"  Obs: {note.format()}")
        if delivery.problems:
            print(format_report(delivery.problems, "Fel"))
            bad += 1
    if bad:
        print(f"{bad} av {len(args.files)} filer har fel.")
        return 1
    print("Inga fel hittades.")
    return 0


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
    handler = {"build": _build, "demo": _demo, "validate": _validate,
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
