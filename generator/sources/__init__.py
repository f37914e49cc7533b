"""Market-data sources: live download, CSV import and the synthetic sample market."""
