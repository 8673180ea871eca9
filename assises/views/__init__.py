"""Back-office HTML views, one module per area."""
