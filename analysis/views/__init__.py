"""Back-office pages of the analysis, one module per area."""
