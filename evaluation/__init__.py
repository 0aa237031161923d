"""Classifier evaluation against gold labels: metrics with bootstrap intervals, PTM matching, the agreement mart."""

from evaluation.service import evaluate_and_report, evaluate_database

__all__ = ["evaluate_and_report", "evaluate_database"]
