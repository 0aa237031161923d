"""ptmreuse: command-line glue around the pipeline (ingestion → classifiers → dbt marts)."""
