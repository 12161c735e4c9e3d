"""Bank file formats (pure, no database): SEPA pain.008 / pain.001 out, CAMT.053 / MT940 in."""
