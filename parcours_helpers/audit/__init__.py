"""The client-audit kit: read a client's sales export, account for every line, report.

One module per job:

- :mod:`~parcours_helpers.audit.reading` reads CSV/.xlsx exports as text, guessing
  encoding and separator, and finds the trailing total line;
- :mod:`~parcours_helpers.audit.quality` parses French dates and amounts and gives each
  line its fate (kept, or set aside with one reason);
- :mod:`~parcours_helpers.audit.pseudonymise` replaces customer identifiers by HMAC-SHA256
  pseudonyms;
- :mod:`~parcours_helpers.audit.customers` builds the customers table (RFM, segments,
  P(alive), CLV);
- :mod:`~parcours_helpers.audit.lines_duckdb` does the reading and the line accounting of
  big CSV exports with DuckDB, with the same results as the pandas path;
- :mod:`~parcours_helpers.audit.pipeline` chains them and saves/loads the results;
- :mod:`~parcours_helpers.audit.report` draws the figures and French tables of the report;
- :mod:`~parcours_helpers.audit.export` runs the report notebook (its kernel starts while
  the audit works) and exports it to one HTML page;
- :mod:`~parcours_helpers.audit.demo` writes the fictional demo export.

The command ``parcours-audit`` (:mod:`parcours_helpers.cli`) runs it all.
"""

from parcours_helpers.audit.pipeline import (
    RESULT_FILES,
    accounting_table,
    load_results,
    monthly_table,
    run_audit,
    save_results,
)
from parcours_helpers.audit.reading import AuditInputError, read_export

__all__ = [
    "AuditInputError",
    "RESULT_FILES",
    "accounting_table",
    "load_results",
    "monthly_table",
    "read_export",
    "run_audit",
    "save_results",
]
