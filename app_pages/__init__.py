"""Page scripts: thin scripts that read widgets and call components (see components.nav.PAGES)."""
