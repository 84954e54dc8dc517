"""Boundaries of provinces, districts and subdistricts keyed by DOPA code, and map payloads."""
