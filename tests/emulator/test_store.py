"""SQLite store: WAL, nested transactions, rollback, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from mailfleet.emulator.store import Store


def test_wal_and_id_offsets(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    with store.tx() as db:
        mode = db.one("PRAGMA journal_mode")
        cursor = db.execute("INSERT INTO clients (user_id, email, data) VALUES (1, 'a@b.example', '{}')")
    assert mode is not None and mode[0] == "wal"
    assert cursor.lastrowid == 5001
    store.close()


def test_error_rolls_back_and_nesting_joins(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    with pytest.raises(RuntimeError), store.tx() as db:
        db.set_meta("x", "1")
        with store.tx() as inner:
            inner.set_meta("y", "2")
        raise RuntimeError
    with store.tx() as db:
        assert db.get_meta("x") is None and db.get_meta("y") is None
    store.close()


def test_many_threads_write_safely(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")

    def work(n: int) -> None:
        for i in range(25):
            with store.tx() as db:
                db.execute("INSERT INTO tags (user_id, data) VALUES (?, ?)", (n, f'{{"i": {i}}}'))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store.tx() as db:
        row = db.one("SELECT COUNT(*) AS n FROM tags")
    assert row is not None and row["n"] == 200
    store.close()
