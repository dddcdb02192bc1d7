"""One module per ``kg`` sub-command; each registers itself on :data:`kg.cli.main`."""
