"""Console entry points of the kit: ``parcours-audit`` (the client audit).

::

    parcours-audit export_client.csv --output audit_client/ \\
        --customer-col "Client" --date-col "Date" --amount-col "Montant TTC (€)" \\
        [--order-col "N° commande"] [--salt "…"] [--force]

Writes in ``--output`` (and nowhere else): ``quality.json``, ``customers.csv``,
``set_aside.csv``, ``monthly.csv``, ``audit.ipynb`` (the report notebook, executed) and
``report.html``. Bad input ends with a French message on stderr and exit code 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parcours_helpers.formats import french_number

#: Exit codes.
EXIT_OK, EXIT_INPUT, EXIT_REPORT = 0, 2, 3


class _FrenchParser(argparse.ArgumentParser):
    """argparse with its headings and usage errors in French, and exit code 2."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "utilisation :", 1)

    def error(self, message: str):
        for english, french in (
            ("the following arguments are required", "options obligatoires manquantes"),
            ("unrecognized arguments", "options inconnues"),
            ("expected one argument", "une valeur est attendue"),
            ("invalid choice", "valeur refusée"),
            ("choose from", "valeurs possibles :"),
        ):
            message = message.replace(english, french)
        if message.startswith("argument "):
            message = "option " + message[len("argument "):]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"Erreur : {message}\n")


def audit_parser() -> argparse.ArgumentParser:
    """The command line of ``parcours-audit`` (French help)."""
    p = _FrenchParser(
        prog="parcours-audit",
        add_help=False,
        description="Audite un export de ventes (CSV ou Excel) : qualité des données, "
                    "clients pseudonymisés, segments RFM, probabilité d'être actif, CLV, "
                    "et un rapport HTML.",
    )
    p._positionals.title = "argument"
    p._optionals.title = "options"
    p.add_argument("-h", "--help", action="help", help="affiche cette aide et s'arrête")
    p.add_argument("export", help="le fichier exporté (CSV ; , ou tabulation, ou .xlsx)")
    p.add_argument("--output", "-o", required=True, metavar="DOSSIER",
                   help="dossier des résultats (créé ; rien n'est écrit ailleurs)")
    p.add_argument("--customer-col", required=True, metavar="COLONNE", help="colonne de l'identifiant client")
    p.add_argument("--date-col", required=True, metavar="COLONNE", help="colonne de la date d'achat")
    p.add_argument("--amount-col", required=True, metavar="COLONNE", help="colonne du montant")
    p.add_argument("--order-col", metavar="COLONNE", help="colonne du n° de commande (pour les doublons)")
    p.add_argument("--sep", metavar="SÉP", help="séparateur de colonnes (par défaut : détecté ; « tab »)")
    p.add_argument("--encoding", metavar="ENCODAGE", help="encodage (par défaut : détecté, UTF-8 ou cp1252)")
    p.add_argument("--date-format", metavar="FORMAT", help="format des dates, ex. « %%d/%%m/%%Y » (détecté)")
    p.add_argument("--decimal", choices=[",", "."], help="séparateur décimal (détecté)")
    p.add_argument("--observation-end", metavar="AAAA-MM-JJ",
                   help="fin d'observation AAAA-MM-JJ (par défaut : dernière date valide)")
    p.add_argument("--salt", metavar="CLÉ", help="clé de pseudonymisation (sinon $PARCOURS_SALT, sinon "
                                  "une clé aléatoire non conservée)")
    p.add_argument("--force", action="store_true",
                   help="écrire dans un dossier de sortie qui existe déjà")
    p.add_argument("--no-report", action="store_true",
                   help="ne pas produire le rapport (seulement les tableaux et quality.json)")
    p.add_argument("--quiet", "-q", action="store_true", help="n'affiche que les erreurs")
    return p


def _fail(message: str, code: int = EXIT_INPUT) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return code


def audit_main(argv: list[str] | None = None) -> int:
    """Run ``parcours-audit``; return the exit code (0 = success)."""
    args = audit_parser().parse_args(argv)
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        return _fail(f"« {out} » existe et n'est pas un dossier : choisissez un autre --output.")
    if out.exists() and any(out.iterdir()) and not args.force:
        return _fail(f"le dossier de sortie « {out} » existe déjà et n'est pas vide ; "
                     "ajoutez --force pour le remplacer, ou choisissez un autre dossier.")
    from parcours_helpers.audit.export import start_report

    # the report's kernel starts now, while the audit works; finish_report(False) stops it
    finish_report = None
    if not args.no_report and Path(args.export).is_file():
        finish_report = start_report(out)
    try:
        return _audit_and_report(args, out, finish_report)
    finally:
        if finish_report is not None:
            finish_report(False)  # no effect once the report is done


def _audit_and_report(args, out: Path, finish_report) -> int:
    try:
        from parcours_helpers.audit import AuditInputError, run_audit, save_results

        results = run_audit(
            args.export, args.customer_col, args.date_col, args.amount_col, args.order_col,
            sep=args.sep, encoding=args.encoding, date_format=args.date_format,
            decimal=args.decimal, observation_end=args.observation_end, salt=args.salt,
        )
    except AuditInputError as err:
        return _fail(str(err))
    except MemoryError:
        return _fail("mémoire insuffisante pour lire ce fichier.", 1)
    except Exception as err:  # never a traceback for the consultant
        return _fail(f"erreur inattendue ({type(err).__name__} : {err}). Vérifiez le fichier "
                     "et les options ; si le problème persiste, signalez-le.", 1)
    save_results(results, out)
    if finish_report is not None:
        try:
            finish_report(True)
        except Exception as err:
            return _fail(f"les résultats sont écrits dans « {out} », mais le rapport HTML n'a "
                         f"pas pu être produit ({type(err).__name__} : {_first_line(err)}).",
                         EXIT_REPORT)
    if not args.quiet:
        _print_summary(results["quality"], out, report=not args.no_report)
    return EXIT_OK


def make_report(out: Path) -> Path:
    """Execute the report notebook on the results in ``out``; write audit.ipynb and report.html."""
    from parcours_helpers.audit.export import start_report

    return start_report(out)(True)


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else ""


def _print_summary(quality: dict, out: Path, report: bool) -> None:
    aside = ", ".join(f"{k} {v}" for k, v in quality["rows_set_aside"].items() if v) or "aucune"
    print(f"Lignes lues : {french_number(quality['rows_read'])} ; "
          f"gardées : {french_number(quality['rows_kept'])} ; écartées : {aside}.")
    print(f"Clients : {french_number(quality['customers'])} ; chiffre d'affaires gardé : "
          f"{french_number(quality['revenue_kept'], 2, '€')}.")
    if not quality["models"]["fitted"]:
        print(quality["models"]["message"])
    files = "quality.json, customers.csv, set_aside.csv, monthly.csv"
    if report:
        files += ", audit.ipynb, report.html"
    print(f"Résultats écrits dans « {out} » : {files}.")


if __name__ == "__main__":
    sys.exit(audit_main())
