"""Test helpers shared by the web-source tests: a local HTTP server that replays recorded responses."""
