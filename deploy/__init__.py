"""Serving recipes: nginx in front of several app processes (``python -m deploy.serve``)."""
