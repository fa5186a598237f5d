"""The caseworker API under /api/v1: bearer tokens scoped to an office, OpenAPI at /docs."""
