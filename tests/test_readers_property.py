"""Random text and random bytes, in every format's clothes: reading (read_raw + normalize)
either works or raises a BitextError; nothing else, and no hang (hypothesis' deadline)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitext.errors import BitextError
from bitext.normalize import normalize
from bitext.readers import read_raw
from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SUFFIXES = [".txt", ".md", ".tsv", ".csv", ".html", ".docx", ".xlsx", ".pdf", ".png", ""]
SETTINGS = settings(
    max_examples=40,
    deadline=timedelta(seconds=20),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text built from the pieces the readers look for, so the examples reach the parsers.
PIECES = st.sampled_from(
    ["|", "\t", "\n", " ", "-", "--", ";", ",", '"', "<table>", "<tr>", "<td rowspan=3>", "<th colspan=2>",
     "</td>", "</tr>", "</table>", "<p>", "<h2>", "<br>", "#", "Mål", "vi gör", "ja", "ä", "–", "\u00ad", "1"]
)
TEXT = st.one_of(st.text(max_size=400), st.lists(PIECES | st.text(max_size=5), max_size=120).map("".join))


def read(path):
    try:
        normalize(read_raw(path))
    except BitextError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


@SETTINGS
@given(text=TEXT, suffix=st.sampled_from(SUFFIXES), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_random_text(tmp_path_factory, text, suffix, encoding):
    path = tmp_path_factory.mktemp("t") / f"in{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    read(path)


MAGIC = st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe", b"<html>"])


@SETTINGS
@given(head=MAGIC, data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(tmp_path_factory, head, data, suffix):
    path = tmp_path_factory.mktemp("b") / f"in{suffix}"
    path.write_bytes(head + data)
    read(path)


def _zip_with(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


@SETTINGS
@given(content=st.binary(max_size=500) | TEXT.map(lambda t: t.encode("utf-8")), part=st.sampled_from(["word/document.xml", "xl/workbook.xml", "[Content_Types].xml"]))
def test_random_office_packages(tmp_path_factory, content, part):
    path = tmp_path_factory.mktemp("z") / ("in.docx" if part.startswith("word") else "in.xlsx")
    path.write_bytes(_zip_with({part: content}))
    read(path)


@pytest.mark.parametrize("name", ["loviisa_2021_sv.docx", "loviisa_2021_fi.xlsx", "small_sv.pdf"])
@SETTINGS
@given(cut=st.floats(min_value=0.0, max_value=1.0), flip=st.integers(min_value=0, max_value=2**31))
def test_damaged_real_files(tmp_path_factory, name, cut, flip):
    """A real file truncated somewhere, with one byte changed: read, or a clear error."""
    data = bytearray((FIXTURES / name).read_bytes())
    data = data[: max(8, int(len(data) * cut))]
    data[flip % len(data)] ^= 0x5A
    path = tmp_path_factory.mktemp("d") / name
    path.write_bytes(bytes(data))
    read(path)
