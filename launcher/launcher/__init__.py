"""The launcher: everything ``make run`` and the end-to-end tests start, from the repo's own files."""
