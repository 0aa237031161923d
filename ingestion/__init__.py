"""Where papers come in: dlt sources that load article metadata and full text into DuckDB's `raw` schema."""
