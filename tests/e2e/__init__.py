"""End-to-end tests: the real server under real LSP clients."""
