"""Reading the user's files safely: launch specs (UTF-8 TOML) and kernel sources (Python, with
its encoding declaration honoured as `tokenize.open` does).

Only regular files are read: a FIFO, a device or a directory given as a path is refused before
it is opened (opening a FIFO blocks until someone writes to it). Files past a size bound are
refused too. Decoding errors are located at the line and column of the first bad byte.
"""

from __future__ import annotations

import io
import os
import stat
import tokenize
from pathlib import Path

from ..errors import SourceLoc, TritonLiftError

MAX_FILE_BYTES = 8 << 20  # 8 MiB: far above any kernel module or launch spec


def read_regular(path: Path, what: str, error: type[TritonLiftError], loc: SourceLoc | None = None) -> bytes:
    """The bytes of `path`, which must be a regular file of at most MAX_FILE_BYTES. Raises
    `error` (located at `loc`, else at the file) naming the problem."""
    where = loc or SourceLoc(str(path))
    try:
        st = os.stat(path)
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror or e}", where) from None
    if stat.S_ISDIR(st.st_mode):
        raise error(f"cannot read {what} {path}: it is a directory", where)
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise error(f"cannot read {what} {path}: {kind} (only regular files are read)", where)
    if st.st_size > MAX_FILE_BYTES:
        raise error(f"{what} {path} has {st.st_size} bytes, more than the bound of {MAX_FILE_BYTES}", where)
    try:
        with open(path, "rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror or e}", where) from None


def decode_utf8(data: bytes, path: Path, what: str, error: type[TritonLiftError]) -> str:
    """`data` as UTF-8 (a BOM is dropped), or `error` at the first undecodable byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(f"{what} is not valid UTF-8: byte 0x{data[e.start]:02x} cannot be decoded",
                    byte_location(data, e.start, path)) from None


def decode_python(data: bytes, path: Path, error: type[TritonLiftError]) -> str:
    """Python source as `tokenize.open` reads it: the PEP 263 encoding declaration (default
    UTF-8), universal newlines. A bad declaration, an undecodable byte or a null byte is located."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as e:
        head = data.split(b"\n", 2)[:2]
        cookie = next((n + 1 for n, line in enumerate(head) if b"coding" in line and line.lstrip().startswith(b"#")), 0)
        if cookie:
            raise error(f"bad encoding declaration: {getattr(e, 'msg', e)}",
                        SourceLoc(str(path), cookie, 1, _line_text(data, cookie))) from None
        encoding = "utf-8"  # no declaration: the default, whose decoding error is located below
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as e:
        if isinstance(e, LookupError):
            raise error(f"unknown encoding {encoding!r}", SourceLoc(str(path), 1, 1, _line_text(data, 1))) from None
        raise error(f"kernel source is not valid {encoding}: byte 0x{data[e.start]:02x} cannot be decoded",
                    byte_location(data, e.start, path)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\x00")
    if nul >= 0:
        raise error("not Python source: it contains a null byte", byte_location(text.encode(), len(text[:nul].encode()), path))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def byte_location(data: bytes, offset: int, path: Path) -> SourceLoc:
    """The 1-based line and column of byte `offset` (columns counted in bytes up to it)."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return SourceLoc(str(path), line, offset - start + 1, _line_text(data, line))


def _line_text(data: bytes, line: int) -> str:
    lines = data.split(b"\n")
    raw = lines[line - 1] if 0 < line <= len(lines) else b""
    return raw.decode("utf-8", errors="replace")
