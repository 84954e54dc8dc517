"""The War Room test suite (unit, AppTest and browser tests)."""
