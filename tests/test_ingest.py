"""Ingestion of the real corpora shapes: PDF-extracted text, HTML saved as .txt, markdown laws,
GB18030, PDFs, and bad input."""
from __future__ import annotations

import pytest

from pipeline.errors import BinaryInputError, EmptyInputError, NoTextLayerError
from pipeline.ingest import clean_text, detect_format, ingest, normalise_doc_number, parse_date

from .conftest import CORPORA


def test_pdf_extracted_text_is_rejoined_and_despaced():
    n = ingest(CORPORA / "samr-2019-18-certification-self-inspection.txt")
    assert n.doc_number == "市监认证〔2019〕18号"
    assert n.title == "市场监管总局办公厅关于深入开展认证机构认证质量自查工作的通知"
    assert n.addressees == ("各认证机构",)
    assert n.date == "2019-03-21"
    assert "于2019年6月30日前报送" in n.text
    assert "央视“3·15”晚会" in n.text
    # a sentence broken over two PDF lines is one paragraph again
    assert "建立以“大数据”为基础的风险管控机制" in n.text
    # paragraph breaks are kept: headings stay on their own line
    assert "\n（一）自查范围\n" in n.text


def test_html_saved_as_txt_is_detected_from_content():
    n = ingest(CORPORA / "samr-2025-certification-professionalism-plan.txt")
    assert n.format == "html"
    assert "<p" not in n.text and "&nbsp;" not in n.text
    assert "更多推荐" not in n.text and "世界认可日" not in n.text
    assert n.title == "市场监管总局关于印发《质量认证专业化能力提升行动方案(2025—2030年)》的通知"
    assert "各认证机构" in n.addressees


def test_truncated_download_is_flagged_and_trailer_dropped():
    n = ingest(CORPORA / "samr-2024-103-certification-credibility-plan.txt")
    assert n.truncated and n.warnings
    assert "book118" not in n.text and "试下载" not in n.text
    assert n.text.endswith("降低认证要")
    assert n.doc_number == "国市监认证发〔2024〕103号"


def test_markdown_law_header_and_comments_dropped():
    n = ingest(CORPORA / "more" / "cert-body-administration-measures-2020.md")
    assert n.format == "markdown"
    assert "<!--" not in n.text and "#" not in n.text
    assert n.title == "认证机构管理办法"


def test_gb18030_bytes_decode(tmp_path):
    text = (CORPORA / "cnca-2025-09-management-system-certification.txt").read_text(encoding="utf-8")
    f = tmp_path / "gbk-notice.txt"
    f.write_bytes(text.encode("gb18030"))
    n = ingest(f)
    assert n.doc_number == "国认监发〔2025〕9号"
    assert "认证机构应当严格开展申请评审" in n.text


def test_utf8_bom_is_stripped(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes("\ufeff一、总体要求\n认证机构应当严格开展申请评审。".encode("utf-8"))
    assert ingest(f).text.startswith("一、总体要求")


def test_empty_and_binary_files_raise_with_file_name(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(EmptyInputError, match="empty.txt: empty file"):
        ingest(empty)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    with pytest.raises(BinaryInputError, match="image.txt"):
        ingest(binary)


def _pdf(path, lines, header=True):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    per_page = 12
    for p in range(0, len(lines), per_page):
        c.setFont("STSong-Light", 11)
        if header:
            c.drawString(72, 800, "国家市场监督管理总局办公厅文件")
            c.drawString(290, 40, f"- {p // per_page + 1} -")
        y = 760
        for ln in lines[p:p + per_page]:
            c.drawString(72, y, ln)
            y -= 24
        c.showPage()
    c.save()


def test_pdf_text_layer_headers_footers_removed(tmp_path):
    """A PDF made from samr-2019-18: running header and page numbers go, broken lines rejoin."""
    body = [
        "二、工作要求", "（五）及时上报反馈",
        "各认证机构要及时汇总分析本次自查整改情况（具体要求", "见附件），形成自查报告并加盖认证机构公章，于2019年6月",
        "30日前报送市场监管总局（认证监管司）和认证机构注册地省、", "自治区、直辖市及新疆生产建设兵团市场监管局（厅、委）。",
    ] * 6
    f = tmp_path / "notice.pdf"
    _pdf(f, body)
    n = ingest(f)
    assert n.format == "pdf"
    assert "办公厅文件" not in n.text
    assert "- 1 -" not in n.text and "- 2 -" not in n.text
    assert "于2019年6月30日前报送市场监管总局" in n.text


def test_pdf_without_text_layer_is_reported(tmp_path):
    with pytest.raises(NoTextLayerError, match="scan.pdf: PDF has no text layer.*off"):
        ingest(_scan(tmp_path), ocr="never")


def _scan(tmp_path):
    from reportlab.pdfgen import canvas
    f = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(f))
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    return f


def test_scanned_pdf_without_tesseract_names_the_install_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(NoTextLayerError, match="apt install tesseract-ocr tesseract-ocr-chi-sim"):
        ingest(_scan(tmp_path))


def test_scanned_pdf_is_ocred_by_tesseract(tmp_path, monkeypatch):
    # a stand-in for Tesseract on PATH (the real one is not installed here): same command line,
    # prints what it would read; checks that regpipe asks for chi_sim and renders each page
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    text = (CORPORA / "samr-2019-18-certification-self-inspection.txt").read_text(encoding="utf-8")
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    fake = bin_dir / "tesseract"
    fake.write_text("#!/bin/sh\n"
                    "if [ \"$1\" = --list-langs ]; then echo 'List of available languages (2):'; echo chi_sim; echo eng; exit 0; fi\n"
                    f"test -s \"$1\" && [ \"$2\" = stdout ] && [ \"$4\" = chi_sim ] && cat '{tmp_path / 'page.txt'}'\n",
                    encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    n = ingest(_scan(tmp_path))
    assert n.format == "pdf" and "认证机构" in n.text and any(w.startswith("OCR") for w in n.warnings)


@pytest.mark.parametrize("raw, expected", [
    ("市监认证〔 2019〕 18号", "市监认证〔2019〕18号"),
    ("国办函[2018]71号", "国办函〔2018〕71号"),
])
def test_document_numbers_normalised(raw, expected):
    assert normalise_doc_number(raw) == expected


@pytest.mark.parametrize("raw, iso", [("2025年12月31日", "2025-12-31"), ("一九九七年四月八日", "1997-04-08"),
                                      ("2019 年 3月 21日", "2019-03-21")])
def test_dates(raw, iso):
    assert parse_date(raw) == iso


def test_cjk_spaces_removed_latin_spaces_kept():
    assert clean_text("以质量管理体系标准（GB/T 19001/ISO 9001）换 版") == "以质量管理体系标准（GB/T 19001/ISO 9001）换版"


def test_format_detection():
    assert detect_format("<p>一、总体要求</p><p>a</p><br/>") == "html"
    assert detect_format("# 认证机构管理办法\n<!-- INFO END -->\n## 第一章 总则") == "markdown"
    assert detect_format("一、总体要求\n认证机构应当") == "text"


@pytest.mark.parametrize("name, iso", [
    ("versions/cert-accreditation-regulation-2016.md", "2003-09-03"),   # 国务院令第390号公布 only
    ("versions/cert-accreditation-regulation-2023.md", "2023-07-20"),   # 第三次修订
    ("versions/metrology-law-implementing-rules-2022.md", "2022-03-29"),
    ("more/product-quality-law-2018.md", "2018-12-29"),  # three revisions run together on one line
])
def test_law_is_dated_by_its_latest_revision(name, iso):
    assert ingest(CORPORA / name).date == iso


def test_signed_notice_keeps_its_signature_date():
    # the body of cnca-2017-137 names earlier dates; the date under the signature wins
    assert ingest(CORPORA / "cnca-2017-137-qms-certification-upgrade.txt").date == "2017-11-20"
