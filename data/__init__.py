"""One Data store: configuration, schema migrations, area registry, queries and demo data."""
