"""The whole suite: mailfleet's pytest plugin (an honest ``e2e`` marker, no process outliving the session)."""

pytest_plugins = ["mailfleet.testing.plugin", "pytester"]
