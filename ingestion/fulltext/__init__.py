"""Full text by DOI for the search hits (PLOS article XML, Europe PMC fullTextXML), handed to the JATS loader."""
