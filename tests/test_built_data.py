"""The guard in conftest.py that fails a run whose tests wrote the shared built data, shown to work."""

from __future__ import annotations

import os

from tests.conftest import SHARED_BUILT, built_files


def test_the_shared_built_data_is_there_to_guard():
    files = built_files()
    assert {folder for folder in SHARED_BUILT} == {path.parent for path in files if path.parent in SHARED_BUILT}


def test_a_write_to_the_shared_built_data_is_seen(tmp_path, monkeypatch):
    # The same reading of a folder like data/build/, before and after a file in it is rewritten in place.
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "index.bin").write_bytes(b"built")
    monkeypatch.setattr("tests.conftest.SHARED_BUILT", (folder,))
    before = built_files()
    stat = (folder / "index.bin").stat()
    (folder / "other.bin").write_bytes(b"x")
    os.replace(folder / "other.bin", folder / "index.bin")  # how the build writes: a new file renamed over the old
    os.utime(folder / "index.bin", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with its old time
    assert built_files() != before
