"""Where labels are made: classifiers that read `raw.papers` and write `raw.llm_labels`."""
