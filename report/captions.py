"""Plain-language captions for the settings every figure is conditioned on (rule, counting, years, run)."""

from __future__ import annotations

from report.queries import RunSettings

_RULES = {
    "any_of_3": "any of its top-3 OpenAlex topics is in one of the study's eight natural-science fields",
    "two_of_3": "at least two of its top-3 OpenAlex topics are in the study's eight natural-science fields",
    "primary": "its primary OpenAlex topic is in one of the study's eight natural-science fields",
}
_COUNTING = {
    "distinct_paper": "a paper counts once in every field among its top-3 topics (fields overlap: don't add them up)",
    "topic_slot": "a paper counts once per top-3 topic slot in the field, up to 3× (the study's scripts)",
}


def rule_text(settings: RunSettings) -> str:
    rule = settings.natural_science_rule
    if rule is None:
        return "not recorded (the marts have no rows)"
    text = f"{rule}: a paper is natural science when {_RULES.get(rule, 'the rule holds')}"
    if settings.requires_citations:
        return (
            f"{text}, and it is cited at least once (cited_by_count > 0; papers with no OpenAlex citation count, "
            "such as those classified by publisher subjects offline, are not excluded)"
        )
    return f"{text}; no citation condition"


def counting_text(settings: RunSettings, *, per_field: bool) -> str:
    if not per_field:
        convention = settings.counting_convention or "not recorded"
        return f"distinct papers over all fields together (the field marts' {convention} convention does not apply)"
    if settings.counting_convention is None:
        return "not recorded (the mart has no rows)"
    return f"{settings.counting_convention}: {_COUNTING.get(settings.counting_convention, '')}".rstrip(": ")


def years_text(settings: RunSettings) -> str:
    low, high = settings.year_min, settings.year_max
    if low is None and high is None:
        return "all publication years (no year window set)"
    return f"publication years {low if low is not None else '…'}–{high if high is not None else '…'}"


def fields_text(coverage: tuple[int, int] | None) -> str:
    if coverage is None:
        return "not recorded (the marts have no rows)"
    analysed, without = coverage
    return (
        f"{without:,} of {analysed:,} analysed papers in the year window have no field (no OpenAlex topic, publisher"
        " subject or journal mapping): they are in no field and never natural science, so not in this figure"
    )


def ptm_without_model_text(counts: tuple[int, int]) -> str:
    ptm_papers, without = counts
    return (
        f" {without:,} of the {ptm_papers:,} natural-science papers that reuse PTMs name no model and are not"
        " counted here."
    )


def run_text(settings: RunSettings) -> str:
    return settings.run_configuration or "none (no classifier run has finished)"
