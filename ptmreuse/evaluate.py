"""`ptmreuse eval` and the demo's evaluation step: score the run configurations, then build the agreement mart.

The evaluation writes raw.agreement_metrics; dbt publishes it as marts.classifier_agreement (contract and tests),
and the marts' corrected rates and shares read the measured error from it (int_classifier_error, int_share_correction
and what follows), so eval builds those right away rather than leaving them stale until the next `ptmreuse build`.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from evaluation import evaluate_and_report
from evaluation.metrics import RESAMPLES
from ptmreuse.dbt import run_dbt


def evaluate_warehouse(
    db_path: Path,
    console: Console,
    run: str = "latest",
    gold: str = "reference",
    resamples: int = RESAMPLES,
    extra_env: dict[str, str] | None = None,
) -> bool:
    """True when the configurations were scored and the models that read the rows were built from them."""
    if not evaluate_and_report(db_path, console, run=run, gold=gold, resamples=resamples):
        return False
    selection = ["classifier_agreement", "int_classifier_error+", "int_share_correction+"]
    if run_dbt(["build", "--select", *selection, "--quiet"], db_path, extra_env) != 0:
        console.print(
            "[red]eval:[/red] dbt could not build marts.classifier_agreement or the corrected rates: read its error"
            " above, then re-run eval"
        )
        return False
    console.print("marts.classifier_agreement and the classifier-corrected rates built from them.")
    return True
