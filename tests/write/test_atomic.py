import os
import stat

import pytest

from notes_audit.errors import InputError
from notes_audit.write.atomic import atomic_writer


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("mode, content, private, expected_mode", [
    ("w", "héllo\n", False, 0o644),
    ("w", "héllo\n", True, 0o600),
    ("wb", b"\x00\x01", False, 0o644),
    ("wb", b"\x00\x01", True, 0o600),
])
def test_writes_content_with_mode(tmp_path, umask_022, mode, content, private, expected_mode):
    path = tmp_path / "out.txt"
    with atomic_writer(path, mode, private=private) as handle:
        handle.write(content)
    assert (path.read_bytes() if mode == "wb" else path.read_text("utf-8")) == content
    assert mode_of(path) == expected_mode
    assert os.listdir(tmp_path) == ["out.txt"]


def test_private_replaces_a_world_readable_file(tmp_path, umask_022):
    path = tmp_path / "out.txt"
    path.write_text("old")
    path.chmod(0o644)
    with atomic_writer(path, private=True) as handle:
        handle.write("new")
    assert (path.read_text(), mode_of(path)) == ("new", 0o600)


class Boom(Exception):
    pass


@pytest.mark.parametrize("error", [Boom, KeyboardInterrupt, OSError])
@pytest.mark.parametrize("existing", [None, "previous report"])
def test_failure_midway_leaves_no_file_and_no_temp(tmp_path, error, existing):
    path = tmp_path / "out.txt"
    if existing is not None:
        path.write_text(existing)
    with pytest.raises(error):
        with atomic_writer(path) as handle:
            handle.write("half a report")
            handle.flush()
            raise error("stop")
    assert os.listdir(tmp_path) == ([] if existing is None else ["out.txt"])
    if existing is not None:
        assert path.read_text() == existing


def test_temp_file_lives_beside_the_target_while_writing(tmp_path):
    path = tmp_path / "out.txt"
    with atomic_writer(path) as handle:
        names = os.listdir(tmp_path)
        assert len(names) == 1 and names[0].startswith(".out.txt.") and names[0].endswith(".tmp")
        assert not path.exists()
        handle.write("x")
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("newline, expected", [(None, b"a\nb\n"), ("", b"a\nb\n"), ("\r\n", b"a\r\nb\r\n")])
def test_newline_parameter(tmp_path, newline, expected):
    path = tmp_path / "out.txt"
    with atomic_writer(path, newline=newline) as handle:
        handle.write("a\nb\n")
    assert path.read_bytes() == expected


def test_rejects_other_modes(tmp_path):
    with pytest.raises(ValueError):
        with atomic_writer(tmp_path / "x", "a"):
            pass
    assert os.listdir(tmp_path) == []


def test_missing_directory_raises_without_leftovers(tmp_path):
    # An output path that cannot be written is an unusable argument (exit 2), naming the file.
    with pytest.raises(InputError, match="cannot write the output file") as info:
        with atomic_writer(tmp_path / "nope" / "out.txt"):
            pass
    assert info.value.file == str(tmp_path / "nope" / "out.txt")
    assert os.listdir(tmp_path) == []


def test_a_target_that_is_a_directory_raises_without_leftovers(tmp_path):
    (tmp_path / "out.txt").mkdir()
    with pytest.raises(InputError, match="cannot write the output file"):
        with atomic_writer(tmp_path / "out.txt") as handle:
            handle.write("x")
    assert os.listdir(tmp_path) == ["out.txt"] and (tmp_path / "out.txt").is_dir()
