"""The harness of the end-to-end, reliability and scale tests, and of ``make bench``: meaningful in a checkout only.

Nothing here is a pytest conftest, so test modules and ``bench/`` import it like any module, and importing it needs
neither ``make setup`` nor the Pulumi CLI: only running a project does (:func:`projects.pulumi_bin`).

- :mod:`mailfleet.testing.projects`: throwaway copies of the Pulumi project and the ``pulumi`` CLI that runs them;
- :mod:`mailfleet.testing.e2e`: :class:`~mailfleet.testing.e2e.Project`, one copy with its emulator, for e2e tests;
- :mod:`mailfleet.testing.fleets`: generated fleets whose every run is recorded and audited (``tests/reliability``);
- :mod:`mailfleet.testing.scale`: stacks sharing an API key, and a throwaway PostgreSQL cluster (``tests/scale``);
- :mod:`mailfleet.testing.processes`: finding the processes a test session or one ``pulumi`` run started;
- :mod:`mailfleet.testing.plugin`: the pytest plugin (``tests/conftest.py`` loads it) that keeps the ``e2e`` marker
  honest and fails the session when a process it started outlives it.

The emulator's own harness is :mod:`mailfleet.emulator.testing`.
"""
