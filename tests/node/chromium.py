"""Headless Chromium (Debian's ``chromium``) for the explorer page: the DOM it renders, and a screenshot.

Each run gets a fresh --user-data-dir and the flags that keep Chromium
off the network (it loads only the loopback URL it is given).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "headless Chromium is needed (Debian: apt-get install chromium; scripts/test installs it)"
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="zkob-chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)


def dump_dom(url: str) -> str:
    result = _run("--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(url: str, path: Path, size: str = "1280,900") -> Path:
    result = _run(f"--screenshot={path}", f"--window-size={size}", url)
    assert result.returncode == 0 and path.exists(), result.stderr[-2000:]
    return path


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, unfiltered rows of RGB(A) bytes) of an 8-bit non-interlaced PNG (standard library only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), f"expected 8-bit RGB or RGBA, got depth {depth} color {color}"
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def ink(rows: list[bytes], channels: int = 4) -> float:
    """The fraction of pixels that are not white (text, rules, backgrounds)."""
    total = dark = 0
    for row in rows:
        step = channels if len(row) % 4 == 0 else 3
        for i in range(0, len(row) - 2, step):
            total += 1
            dark += row[i] < 240 or row[i + 1] < 240 or row[i + 2] < 240
    return dark / total
