"""Ingest: turn a notice file (text, HTML, markdown, PDF or Word .docx) into clean text and metadata.

Input: a path (``str`` or ``Path``) or raw ``bytes``. Output: :class:`pipeline.model.Notice`,
whose ``text`` holds one paragraph per line with lines broken mid-sentence rejoined, stray
spaces between CJK characters removed, markup and site chrome dropped, and a download-site
trailer cut off (``truncated`` set).

The format is detected from the content, never the file extension (a scraped page saved as
``.txt`` is HTML). Encodings: UTF-8 with or without BOM first, then whatever
charset-normalizer finds (GB18030/GBK in practice); UTF-16/32 by their byte-order mark. Word
``.docx`` files are read with python-docx (paragraphs and tables in body order, automatic
numbering written out as its label: ``第一条``, ``一、``, ``（一）``, ``1.``); old ``.doc``/``.wps``
and OFD files get an error saying how to convert them.

Errors: :class:`~pipeline.errors.EmptyInputError`, :class:`~pipeline.errors.BinaryInputError`,
:class:`~pipeline.errors.EncodingError`, :class:`~pipeline.errors.NoTextLayerError`, each
naming the file and the reason.
"""
from __future__ import annotations

import hashlib
import html
import io
import re
from collections import Counter
from pathlib import Path

from .errors import BinaryInputError, EmptyInputError, EncodingError, InputError, NoTextLayerError
from .model import Notice

NOTICE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".text", "", ".docx", ".doc", ".wps", ".ofd"}
"""File endings picked up when a folder is ingested (content still decides the format); the
ones regpipe cannot read (``.doc``, ``.wps``, ``.ofd``) are picked up too, so that each gets its
error line instead of being skipped without a word."""

CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》〔〕【】…—·"
_SPACE_CJK = re.compile(rf"(?<=[{CJK}])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?=[{CJK}])")
_HTML_HINT = re.compile(r"<(p|div|span|br|td|tr|table|html|body|strong|h[1-6])\b[^>]*>", re.I)
_BLOCK_TAGS = re.compile(r"<\s*(br|/p|p|/div|div|/tr|/li|/h[1-6]|/td|/table)\b[^>]*>", re.I)
_BREAK = "\ue000"

# Site chrome after the notice on scraped pages: everything from such a line on is dropped.
_RELATED_BLOCK = re.compile(r"^(更多推荐|相关推荐|相关文章|相关阅读|相关链接|推荐阅读|上一篇|下一篇)[:：]?")
# Download-site trailers of truncated documents (book118, doc88, docin ...).
_DOWNLOAD_TRAILER = re.compile(
    r"(以上内容仅为本文档的试下载部分|如要下载或阅读全文|原创力文档|道客巴巴|豆丁网|下载后可阅读全文|book118\.com)")
_TERMINAL = "。；：！？”」』）)…:;!?"
_MARKER_START = re.compile(
    r"^(第[一二三四五六七八九十百零〇两\d]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|附件)")
_DATE_LINE = re.compile(r"^\s*(\d{4}|[一二三四五六七八九〇零○]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日\s*$")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号")
_TITLE_WORDS = re.compile(r"(通知|意见|办法|规定|方案|条例|细则|决定|公告|规则|要求|法|函|批复|规划|措施|指引|指南)(（[^）]*）)?$")


def ingest(source: str | Path | bytes, name: str | None = None, ocr: str = "auto") -> Notice:
    """Read one notice file and return a :class:`Notice`.

    Args:
        source: a path, or the raw bytes of a notice (then ``name`` names it).
        name: the notice name (``doc`` key); default: the file name without extension.
        ocr: ``"auto"``: a PDF without a text layer (a scan) is read by Tesseract with the
            ``chi_sim`` language when it is installed (the notice then has a warning);
            ``"never"``: such a PDF is an error.

    Raises:
        InputError subclasses naming the file and the reason (empty, binary, undecodable,
        PDF without a text layer).
    """
    if isinstance(source, bytes):
        data, path = source, Path(name or "notice")
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except IsADirectoryError as e:
            raise InputError(path, "cannot read this folder (permission denied?)") from e
        except FileNotFoundError as e:
            what = "a dangling link" if path.is_symlink() else "no such file or folder"
            raise InputError(path, what) from e
        except OSError as e:
            raise InputError(path, f"cannot read file ({e.strerror or e})") from e
    name = name or path.stem
    if not data.strip():
        raise EmptyInputError(path, "empty file")
    warnings: list[str] = []
    source_text = ""  # the decoded file, for the comments a markdown or HTML source carries
    if data.startswith(b"%PDF"):
        fmt, raw = "pdf", _pdf_text(data, path, ocr)
        if raw.startswith(_OCR_MARK):
            raw = raw[len(_OCR_MARK):]
            warnings.append("OCR: a scanned PDF read by Tesseract (chi_sim); check the text against the scan")
    elif data[:4] == b"PK\x03\x04":
        fmt, raw = "docx", _zip_text(data, path)
    else:
        text = source_text = decode(data, path)
        fmt = detect_format(text)
        raw = {"html": html_to_text, "markdown": markdown_to_text}.get(fmt, lambda s: s)(text)
    raw, truncated = _cut_trailers(raw)
    text = clean_text(raw, hard_wrapped=None)
    if not text.strip():
        raise EmptyInputError(path, f"no text left after removing {fmt} markup")
    if truncated:
        warnings.append("truncated: the file ends in a download-site notice; the rest is missing")
    elif _ends_mid_sentence(text):
        truncated = True
        warnings.append("truncated: the text ends mid-sentence")
    meta = extract_metadata(text)
    comments = source_comments(source_text) if fmt in ("markdown", "html") else {}
    if meta["effective"] is None and parse_date_iso(comments.get("EFFECTIVE_FROM")):
        meta["effective"] = parse_date_iso(comments["EFFECTIVE_FROM"])
        meta["effective_source"] = f"<!-- EFFECTIVE_FROM: {comments['EFFECTIVE_FROM']} -->"
    meta["source_status"] = comments.get("STATUS")
    return Notice(
        name=name, source=str(path), format=fmt, text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        truncated=truncated, warnings=tuple(warnings), **meta,
    )


def decode(data: bytes, path: Path | None = None) -> str:
    """Decode bytes as UTF-8 (BOM stripped), else as charset-normalizer's best guess.

    Raises:
        BinaryInputError: NUL bytes or control characters: not a text file.
        EncodingError: no encoding gives readable text.
    """
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):  # Windows Notepad's "Unicode": its NUL bytes are no binary
            try:
                return data.decode(enc)
            except UnicodeDecodeError as e:
                raise EncodingError(path, f"starts with a {enc.upper()} byte-order mark but is not {enc.upper()} ({e.reason})") from e
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise BinaryInputError(path, "an old Word (.doc) or WPS file: regpipe cannot read it; save it as .docx "
                                     "(Word or WPS: 另存为 .docx) or convert it with `libreoffice --headless --convert-to docx`")
    if b"\x00" in data[:4096]:
        raise BinaryInputError(path, "binary file (NUL bytes), not a text, HTML or PDF notice")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "gbk", "big5", "utf_16", "utf_8"]).best()
    if best is None:
        best = from_bytes(data).best()
    if best is None:
        raise EncodingError(path, "unknown text encoding (not UTF-8 nor GB18030/GBK)")
    text = str(best)
    if sum(ch < " " and ch not in "\r\n\t\f" for ch in text) > len(text) * 0.01:
        raise BinaryInputError(path, "binary content (control characters), not a text notice")
    return text


def _zip_text(data: bytes, path: Path) -> str:
    """The text of a ZIP-packaged notice: a Word ``.docx`` (also what WPS saves as .docx).

    Raises:
        BinaryInputError: an OFD file, or a ZIP archive that is no Word document.
    """
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile as e:
        raise BinaryInputError(path, f"a damaged ZIP/Word file ({e})") from e
    if "OFD.xml" in names:
        raise BinaryInputError(path, "an OFD file (GB/T 33190): regpipe cannot read OFD; export it to PDF or "
                                     "text with an OFD reader (数科OFD, 福昕OFD) first")
    if "word/document.xml" not in names:
        raise BinaryInputError(path, "a ZIP archive, not a Word .docx, text, HTML or PDF notice")
    return docx_text(data, path)


def docx_text(data: bytes, path: Path | None = None) -> str:
    """The paragraphs and table rows of a Word document in body order, one per line, with the
    label of an automatically numbered paragraph written before its text (python-docx reads
    the text, the numbering definitions are applied here: ``lvlText`` such as ``第%1条`` with
    ``numFmt`` decimal or chineseCounting, GB/T 9704's ``一、``/``（一）``/``1.``).

    Raises:
        BinaryInputError: python-docx cannot open it.
    """
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several kinds for a broken package
        raise BinaryInputError(path, f"unreadable Word file ({type(e).__name__}: {e})") from e
    levels = _numbering_levels(document, qn)
    style_numbering = {st.get(qn("w:styleId")): st.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
                       for st in document.styles.element.iter(qn("w:style"))
                       if st.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None}
    counters: dict[tuple[str, int], int] = {}
    lines = []
    for el in document.element.body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            num = el.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num is None:  # numbered through its paragraph style (Word's 编号 styles)
                style = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                num = style_numbering.get(style.get(qn("w:val"))) if style is not None else None
            if num is not None and text.strip():
                ilvl = num.find(qn("w:ilvl"))
                nid = num.find(qn("w:numId"))
                key = (nid.get(qn("w:val")) if nid is not None else "", int(ilvl.get(qn("w:val"))) if ilvl is not None else 0)
                fmt, pattern = levels.get(key, ("decimal", "%1."))
                counters[key] = counters.get(key, 0) + 1
                for k in [k for k in counters if k[0] == key[0] and k[1] > key[1]]:
                    del counters[k]  # a deeper level restarts under a new parent item
                label = pattern.replace(f"%{key[1] + 1}", _format_number(counters[key], fmt))
                text = re.sub(r"%\d", "", label) + text
            lines.append(text)
        elif el.tag == qn("w:tbl"):
            for row in el.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))).strip() for cell in row.iter(qn("w:tc"))]
                lines.append("  ".join(c for c in cells if c))
    return "\n".join(lines)


def _numbering_levels(document, qn) -> dict[tuple[str, int], tuple[str, str]]:
    """(numId, level) → (numFmt, lvlText) from the document's numbering part."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract = {}
    for a in numbering.iter(qn("w:abstractNum")):
        aid = a.get(qn("w:abstractNumId"))
        for lvl in a.iter(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            text = lvl.find(qn("w:lvlText"))
            abstract[(aid, int(lvl.get(qn("w:ilvl"))))] = (fmt.get(qn("w:val")) if fmt is not None else "decimal",
                                                          text.get(qn("w:val")) if text is not None else "%1.")
    out = {}
    for num in numbering.iter(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for (aid, ilvl), v in abstract.items():
            if aid == ref.get(qn("w:val")):
                out[(num.get(qn("w:numId")), ilvl)] = v
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "taiwanese", "japaneseCounting")):
        return _cn_numeral(n)
    return str(n)


def _cn_numeral(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")
    hundreds, rest = divmod(n, 100)
    return digits[hundreds] + "百" + ("" if not rest else ("零" + digits[rest] if rest < 10 else
                                                           ("一" if rest < 20 else "") + _cn_numeral(rest)))


def detect_format(text: str) -> str:
    """Guess ``"html"``, ``"markdown"`` or ``"text"`` from the content (not the extension)."""
    if len(_HTML_HINT.findall(text[:200_000])) >= 3:
        return "html"
    head = text[:5000]
    if "<!-- INFO END -->" in head or "<!--" in head or re.search(r"^#{1,6} \S", head, re.M):
        return "markdown"
    return "text"


def html_to_text(text: str) -> str:
    """The visible text of an HTML page or fragment, one block element per line.

    Scripts, styles, navigation and forms are dropped; entities are decoded by the parser.
    """
    from selectolax.lexbor import LexborHTMLParser

    marked = _BLOCK_TAGS.sub(lambda m: m.group(0) + _BREAK if m.group(1).lower() != "p" else _BREAK + m.group(0), text)
    tree = LexborHTMLParser(marked)
    tree.strip_tags(["script", "style", "noscript", "nav", "header", "footer", "form", "select", "button", "iframe"])
    root = tree.body or tree.root
    body = root.text(deep=True, separator="") if root is not None else ""
    body = html.unescape(body)  # double-escaped entities in scraped fragments
    # newlines outside tags separate lines on scraped pages; runs of spaces collapse
    body = re.sub(r"[ \t\f\v\u00a0]+", " ", body.replace("\r", "\n").replace("\n", _BREAK))
    return "\n".join(line.strip() for line in body.split(_BREAK))


def markdown_to_text(text: str) -> str:
    """Plain lines of a markdown law: comments and the header before ``<!-- INFO END -->``
    dropped except the ``# 标题`` line, heading marks (``## ``) removed."""
    m = re.search(r"<!--\s*(INFO END|LEGAL_HEADER_END)\s*-->", text)
    title = re.search(r"^#\s+(.+)$", text, re.M)
    header_lines: list[str] = []
    if m:
        header = text[: m.start()]
        header_lines = [ln.strip() for ln in header.splitlines()
                        if ln.strip() and not ln.lstrip().startswith("#") and "<!--" not in ln]
        text = text[m.end():]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    lines = []
    if title:
        lines.append(title.group(1).strip())
    lines.extend(header_lines)
    for ln in text.splitlines():
        s = ln.strip()
        if title and s.startswith("# ") and s[2:].strip() == title.group(1).strip():
            continue
        s = re.sub(r"^#{1,6}\s+([一二三四五六七八九十]+)$", r"\1、", s)  # a bare "## 三" heading
        lines.append(re.sub(r"^#{1,6}\s+", "", s))
    return "\n".join(lines)


_OCR_MARK = "\x00ocr\x00"
TESSERACT_INSTALL = "apt install tesseract-ocr tesseract-ocr-chi-sim"
"""How to install Tesseract with Simplified Chinese on Debian/Ubuntu (the README says it too)."""


def _pdf_text(data: bytes, path: Path, ocr: str = "auto") -> str:
    """Text layer of a PDF with running headers/footers and page numbers removed; a PDF without
    one is OCRed (:func:`_ocr_pdf`) when ``ocr`` is ``"auto"`` (the text then starts with
    ``_OCR_MARK``).

    A line that repeats at the top or bottom of most pages (digits ignored) is a running
    header or footer; a line that is only a page number (``- 3 -``, ``第3页``) is dropped.
    """
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [(p.extract_text() or "") for p in pdf.pages]
    except Exception as e:  # pdfminer raises many types on damaged files
        causes = [type(x).__name__ for x in (e, *e.args, e.__context__) if isinstance(x, BaseException)]
        if any("Password" in c or "Encrypt" in c for c in causes):
            raise InputError(path, "password-protected PDF: remove the password first "
                                   "(`qpdf --decrypt --password=… in.pdf out.pdf`)") from e
        raise InputError(path, f"unreadable PDF ({', '.join(dict.fromkeys(causes))}: {e})") from e
    ocred = False
    if not "".join(pages).strip():
        if ocr == "never":
            raise NoTextLayerError(path, "PDF has no text layer (scanned image?) and OCR is off (--ocr never)")
        pages, ocred = _ocr_pdf(data, path), True
    page_lines = [[ln.strip() for ln in p.splitlines() if ln.strip()] for p in pages]
    edge = Counter()
    for lines in page_lines:
        for ln in set(lines[:2] + lines[-2:]):
            edge[re.sub(r"\d+", "#", ln)] += 1
    repeated = {k for k, n in edge.items() if len(pages) >= 3 and n >= max(2, len(pages) * 0.6)}
    page_no = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?([/／]\s*\d+\s*页?)?[-—–\s]*$")
    out = []
    for lines in page_lines:
        for i, ln in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and (page_no.match(ln) or re.sub(r"\d+", "#", ln) in repeated):
                continue
            out.append(ln)
    return (_OCR_MARK if ocred else "") + "\n".join(out)


def _ocr_pdf(data: bytes, path: Path) -> list[str]:
    """Each page of a scanned PDF read by Tesseract (``chi_sim``), rendered at 300 dpi by
    pdfplumber (pypdfium2). Runs offline; no model is downloaded.

    Raises:
        NoTextLayerError: Tesseract or its Chinese data is not installed (the message gives the
            install line), or it fails on a page.
    """
    import shutil
    import subprocess
    import tempfile

    import pdfplumber

    tess = shutil.which("tesseract")
    if tess is None:
        raise NoTextLayerError(path, f"PDF has no text layer (scanned image?); to OCR it install Tesseract with "
                                     f"Chinese (`{TESSERACT_INSTALL}`) and run again")
    langs = subprocess.run([tess, "--list-langs"], capture_output=True, text=True, timeout=60)
    if "chi_sim" not in (langs.stdout + langs.stderr).split():
        raise NoTextLayerError(path, f"PDF has no text layer (scanned image?); Tesseract lacks Chinese: "
                                     f"`{TESSERACT_INSTALL}`")
    pages = []
    with tempfile.TemporaryDirectory() as tmp, pdfplumber.open(io.BytesIO(data)) as pdf:
        for k, page in enumerate(pdf.pages):
            png = Path(tmp) / f"p{k}.png"
            page.to_image(resolution=300).original.save(png)
            r = subprocess.run([tess, str(png), "stdout", "-l", "chi_sim"], capture_output=True, text=True,
                               timeout=600)
            if r.returncode != 0:
                raise NoTextLayerError(path, f"Tesseract failed on page {k + 1} ({r.stderr.strip()[:200]})")
            pages.append(r.stdout)
    if not "".join(pages).strip():
        raise NoTextLayerError(path, "scanned PDF: Tesseract found no text")
    return pages


def clean_text(raw: str, hard_wrapped: bool | None = None) -> str:
    """Normalise whitespace and rejoin lines broken mid-sentence.

    Spaces touching a CJK character are removed (``〔 2019〕 18`` → ``〔2019〕18``); spaces
    between two Latin letters or digits are kept (``GB/T 19001``). A line that does not end a
    sentence is joined with the next unless it is a heading or the next line starts a clause.
    ``hard_wrapped`` (text extracted from a PDF, lines of nearly equal width) is detected when
    ``None``.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    lines = [_SPACE_CJK.sub("", ln).strip() for ln in raw.split("\n")]
    lines = [ln for ln in lines if ln]
    if hard_wrapped is None:
        hard_wrapped = _is_hard_wrapped(lines)
    width = _typical_width(lines) if hard_wrapped else 0
    out: list[str] = []
    for ln in lines:
        if out and _continues(out[-1], ln, width):
            out[-1] += ln
        else:
            out.append(ln)
    return "\n".join(out)


def _typical_width(lines: list[str]) -> int:
    lengths = Counter(len(ln) for ln in lines if len(ln) >= 8)
    if not lengths:
        return 0
    # the longest frequent length: hard-wrapped lines fill the page width
    common = [n for n, c in lengths.most_common(12)]
    return max(common)


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when most lines stop mid-sentence at a similar width (text pulled out of a PDF)."""
    long = [ln for ln in lines if len(ln) >= 12]
    if len(long) < 8:
        return False
    unfinished = sum(ln[-1] not in _TERMINAL for ln in long)
    lengths = sorted(len(ln) for ln in long)
    spread = lengths[int(len(lengths) * 0.75)] - lengths[int(len(lengths) * 0.25)]
    return unfinished / len(long) > 0.5 and spread <= 8


def _continues(prev: str, nxt: str, width: int) -> bool:
    """Whether ``nxt`` continues the paragraph ``prev`` (a line broken mid-sentence).

    ``width`` is the page width in characters for hard-wrapped (PDF) text, else 0.
    """
    ends = "。：！？" if width else _TERMINAL
    if prev[-1] in ends or _DATE_LINE.match(prev) or _DATE_LINE.match(nxt):
        return False
    if re.fullmatch(r"[号发印]", nxt):  # 〔2019〕18 / 号, 印 / 发 split off by the PDF layout
        return True
    if _MARKER_START.match(nxt) and not re.match(r"^[（(][一二三四五六七八九十\d]+[）)](的|之|规定|要求|所)", nxt):
        return False
    if re.match(r"^(联\s*系|抄送|附件[:：]|（此件)", nxt) or nxt.endswith(("：", ":")) and len(nxt) < 60:
        return False
    if "关于" in prev and _TITLE_WORDS.search(prev):  # a title's last line
        return False
    if width:
        return (len(prev) >= width * 0.8 or (prev[-1] not in _TERMINAL and "关于" in prev and len(prev) >= 12)
                # a line with a comma inside is part of a sentence, not a heading, even when a
                # shorter name on it leaves it short of the page width
                or prev[-1] not in _TERMINAL and re.search(r"[，、；]", prev) is not None and len(prev) >= width * 0.5)
    return len(prev) > 40  # a heading is short; a paragraph cut by the layout is long


def _cut_trailers(text: str) -> tuple[str, bool]:
    """Drop related-article blocks and download-site trailers; say whether the file is truncated."""
    lines = [ln.strip() for ln in text.split("\n")]
    truncated = False
    tail = _trailer_zone(lines)
    for i, ln in enumerate(lines):
        if i >= tail and _DOWNLOAD_TRAILER.search(ln) and _is_site_notice(ln):
            lines, truncated = lines[:i], True
            break
        if _RELATED_BLOCK.match(ln):
            lines = lines[:i]
            break
    while lines and re.fullmatch(r"[。，；\s<>]*(https?://\S*)?[>]?", lines[-1]):
        lines.pop()
    return "\n".join(lines), truncated


_TAIL_LINES = 8
"""A download site's notice stands among the last lines of a file (its own lines follow it)."""


def _trailer_zone(lines: list[str]) -> int:
    """Index of the first of the last :data:`_TAIL_LINES` non-empty lines."""
    filled = [i for i, ln in enumerate(lines) if ln]
    return filled[-_TAIL_LINES] if len(filled) >= _TAIL_LINES else 0


def _is_site_notice(line: str) -> bool:
    """A download site's own wording (``原创力文档`` alone, ``以上内容仅为本文档的试下载部分``,
    ``如要下载或阅读全文，请访问…``), not a sentence of the notice that names the platform."""
    if re.search(r"(以上内容仅为本文档的试下载部分|如要下载或阅读全文|下载后可阅读全文)", line):
        return True
    return len(line) <= 40 and not re.search(r"[，；。]", line.rstrip("。"))


def _ends_mid_sentence(text: str) -> bool:
    lines = [ln for ln in text.rstrip().split("\n")
             if not re.search(r"(印发|印\s*发|此件公开发布|^抄送|^联系|^附件)", ln)]
    last = lines[-1] if lines else ""
    if not last or _DATE_LINE.match(last) or last[-1] in _TERMINAL or len(last) <= 20:
        return False
    return True


# ---------------------------------------------------------------- metadata

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}


def cn_number(s: str) -> int | None:
    """Value of a Chinese or Arabic numeral up to 9999 (``十二`` → 12, ``二十`` → 20)."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if not s or any(c not in "〇零○一二三四五六七八九十百千两" for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (cur or 1) * unit
            cur = 0
        else:
            cur = 2 if c == "两" else _CN_DIGITS[c]
    return total + cur


def parse_date(s: str) -> str | None:
    """ISO date of ``2025年12月31日`` or ``一九九七年四月八日``; ``None`` if not a date."""
    m = _DATE.search(s)
    return _iso_date(m) if m else None


def all_dates(s: str) -> list[str]:
    """ISO dates of every date written in ``s``, in order (invalid ones skipped)."""
    return [d for m in _DATE.finditer(s) if (d := _iso_date(m))]


_DATE = re.compile(r"(\d{4}|[一二三四五六七八九〇零○]{4})\s*年\s*([\d一二三四五六七八九十]{1,3})\s*月\s*([\d一二三四五六七八九十]{1,3})\s*日")


def _iso_date(m: re.Match) -> str | None:
    y = m.group(1)
    year = int(y) if y.isdigit() else int("".join(str(_CN_DIGITS[c]) for c in y))
    month, day = cn_number(m.group(2)), cn_number(m.group(3))
    if not month or not day or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


_COMMENT = re.compile(r"<!--\s*([A-Z][A-Z_]+)\s*:\s*(.+?)\s*-->")


def source_comments(text: str) -> dict[str, str]:
    """The ``<!-- KEY: value -->`` comments a source site or its scraper left in the file
    (``STATUS: 现行有效``, ``EFFECTIVE_FROM: 2009-09-01``, ``SOURCE: …``), first value per key."""
    out: dict[str, str] = {}
    for k, v in _COMMENT.findall(text):
        out.setdefault(k, v)
    return out


def parse_date_iso(value: str | None) -> str | None:
    """``value`` when it is an ISO date (``2009-09-01``), else ``None``."""
    return value if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def normalise_doc_number(s: str) -> str | None:
    """``市监认证〔 2019〕 18号`` → ``市监认证〔2019〕18号`` (full-width hexagonal brackets)."""
    m = _DOC_NUMBER.search(s)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else None


def extract_metadata(text: str) -> dict:
    """Title, 文号, issuer, ISO signature date, addressees (主送), attachment titles, authority
    level (:func:`authority_level`) and effective date (:func:`effective_date`).

    Looks only at the lines before the first numbered clause for the title, 文号 and
    addressees, and at the signature block (a short line followed by a date line) for the
    issuer and date. A law without a signature block is dated by its latest promulgation or
    revision in the header (:func:`_version_date`). Returns a dict of :class:`Notice` fields.
    """
    lines = text.split("\n")
    head: list[str] = []
    for ln in lines:
        if re.match(r"^(一、|第一[章条]|（一）)", ln):
            break
        head.append(ln)
    head = head[:40]
    from . import lifecycle
    from .lexicon import ORDER_RE, order_key

    # a 令 page sets its number on a line of its own: 国家市场监督管理总局令 / 第 61 号
    head = re.sub(r"令\s*\n\s*(第\s*[\d一二三四五六七八九十百零〇]+\s*号)", lambda m: "令" + re.sub(r"\s", "", m.group(1)),
                  "\n".join(head)).split("\n")
    events = lifecycle.history(head)  # the lines opening with a date (the title is none of them)
    facts = lifecycle.version_facts(events)
    title = None
    for i, ln in enumerate(head):
        if "。" in ln or len(ln) > 90 or _DOC_NUMBER.fullmatch(ln.strip()):
            continue
        if ("关于" in ln or _TITLE_WORDS.search(ln)) and len(ln) >= 6 and not ln.endswith("："):
            title = ln
            if i + 1 < len(head) and "关于" in ln and not _TITLE_WORDS.search(ln) and _TITLE_WORDS.search(head[i + 1]):
                title += head[i + 1]
            break
    doc_number = None
    for ln in head:
        if "《" in ln or "。" in ln:
            continue
        doc_number = normalise_doc_number(ln)
        if doc_number:
            break
    addressees: tuple[str, ...] = ()
    for ln in head:
        if ln.endswith(("：", ":")) and len(ln) < 200 and not ln.startswith(("附件", "联系")) and "。" not in ln:
            addressees = _split_addressees(ln[:-1])
            break
    issuer = date = None
    for i, ln in enumerate(lines):
        d = parse_date(ln) if _DATE_LINE.match(ln) else None
        if d:
            prev = lines[i - 1].strip() if i else ""
            if prev and len(prev) <= 30 and not re.search(r"[。，；：]", prev):
                issuer, date = prev, d
            elif date is None:
                date = d
            if issuer:
                break
    signed = date
    if date is None:  # the version: its latest promulgation or revision, not `自……起施行` in the header
        acts = [e.date for e in events if e.kind in ("promulgated", "adopted", "approved", "revised")]
        date = max(acts) if acts else _version_date(head)
    if issuer is None and title and "关于" in title:
        issuer = title.split("关于", 1)[0] or None
    attachments = []
    for i, ln in enumerate(lines):
        m = re.match(r"^附件\s*(\d*)\s*$", ln)
        if m and i + 1 < len(lines) and len(lines[i + 1]) < 60:
            attachments.append(lines[i + 1])
    if not attachments:
        for ln in lines:
            m = re.match(r"^附件[:：]\s*(.+)$", ln)
            if m:
                attachments.extend(p for p in re.split(r"\s*\d+[.．]\s*", m.group(1)) if p)
    level, level_source = authority_level(title, head)
    header = [ln for ln in head if ln != title]
    order_line = next((m for ln in header if (m := ORDER_RE.fullmatch(ln.strip()))), None)
    if order_line:  # the order that promulgates the text: its number, and its organ issues it
        doc_number = doc_number or order_key(order_line)
        issuer = order_line.group(1)[:-1]
    published = [d for ln in head if _HISTORY_LINE.match(ln) and re.search("公布|发布|印发|颁布", ln) for d in all_dates(ln)]
    effective, effective_source = effective_date(text, min(published) if published else date)
    doc_number = doc_number or facts["order"]  # a law or rule: the order it was last issued under
    issuer = issuer or facts["organ"]
    first_article = next((ln for ln in lines if re.match(r"^第一条", ln)), None)
    relations = lifecycle.relations(text, header, first_article)
    valid_until, valid_source = lifecycle.validity_end(text, effective or facts["promulgated"] or date)
    # 《…》已经……会议通过，现予公布: the order is the promulgation, on the date it is signed
    by_order = date if any(re.search(r"现予(公布|发布|施行)|予以公布", ln) for ln in header) else None
    return {"title": title, "doc_number": doc_number, "issuer": issuer, "date": date,
            "addressees": addressees, "attachments": tuple(attachments), "level": level,
            "level_source": level_source, "effective": effective, "effective_source": effective_source,
            "promulgated": (facts["promulgated"] or by_order or (min(published) if published else None)
                            or (signed if not events else None)),  # a document: issued the day it is signed
            "revisions": facts["revisions"], "history": tuple(events), "relations": tuple(relations),
            "valid_until": valid_until, "valid_until_source": valid_source}


def authority_level(title: str | None, head: list[str]) -> tuple[str | None, str | None]:
    """(效力级别, where it came from) by the rule table ``data/levels.json`` (法律, 行政法规,
    部门规章, 地方性法规, 地方政府规章, 规范性文件), from the promulgation lines of the header and the
    title's form; ``(None, None)`` when no rule applies. The source names the rule id and the
    words it matched (``header.department_order: 国家质量监督检验检疫总局令第``)."""
    from .lexicon import load_lexicon

    header = "\n".join(ln for ln in head if ln != title)
    for rule in load_lexicon("levels.json")["rules"]:
        h = re.search(rule["header"], header) if rule["header"] else None
        t = re.search(rule["title"], title or "") if rule["title"] else None
        if (h or not rule["header"]) and (t or not rule["title"]) and (h or t):
            evidence = h.group(0) if h else (title or "")
            return rule["level"], f"{rule['id']}: {evidence}"
    return None, None


_EFFECTIVE = re.compile(r"自\s*((?:\d{4}|[一二三四五六七八九〇零○]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日)\s*起(?:施行|实施|执行|生效)")
_EFFECTIVE_ON_ISSUE = re.compile(r"自(?:公布|发布|印发|颁布)之日起(?:施行|实施|执行|生效)")


def effective_date(text: str, issued: str | None) -> tuple[str | None, str | None]:
    """(施行日期 as an ISO date, the sentence that says so): the last ``自X年X月X日起施行``
    of the text (the final articles), or ``issued`` (the first promulgation date of the header,
    else the signature date) for ``自公布之日起施行``."""
    hits = list(_EFFECTIVE.finditer(text))
    if hits:
        m = hits[-1]
        return parse_date(m.group(1)), _sentence_at(text, m.start())
    m = _EFFECTIVE_ON_ISSUE.search(text)
    if m and issued:
        return issued, _sentence_at(text, m.start())
    return None, None


def _sentence_at(text: str, pos: int) -> str:
    start = max(text.rfind(ch, 0, pos) for ch in "。\n；") + 1
    end = min([i for i in (text.find("。", pos), text.find("\n", pos)) if i >= 0] or [len(text)])
    return text[start:end + 1].strip()


_HISTORY_LINE = re.compile(r"^\s*\S*\d{4}\s*年.{0,120}(公布|发布|通过|批准|修订|修正|施行)")


def _version_date(head: list[str]) -> str | None:
    """The date of the version a law's text is: the latest date in its promulgation and
    revision history (``2003年9月3日 国务院令第390号公布`` / ``2023年7月20日 《…决定》第三次修订``),
    the lines between the title and the first article in the text that 国家法律法规数据库
    (flk.npc.gov.cn) and 人大 publish. ``None`` without such lines."""
    dates = [d for ln in head if _HISTORY_LINE.match(ln) for d in all_dates(ln)]
    return max(dates) if dates else None


def _split_addressees(s: str) -> tuple[str, ...]:
    parts = []
    for piece in re.split(r"[，,；;]", s):
        piece = piece.strip()
        if not piece:
            continue
        subs = piece.split("、")
        if len(subs) > 1 and "（" not in piece and all(len(x) >= 4 for x in subs):
            parts.extend(subs)
        else:
            parts.append(piece)
    return tuple(parts)


def iter_notice_files(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into a sorted list of notice files.

    Hidden files and non-notice endings (``.json``, ``.py`` ...) inside folders are skipped;
    files named explicitly are always kept. ``SOURCES.md``/``README.md`` are provenance, not
    notices. A dangling link and a subfolder that cannot be read are kept in the list, so that
    reading them gives an error line naming them instead of a silent skip.
    """
    import os

    out: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        found: list[Path] = []

        def unreadable(err: OSError) -> None:
            if err.filename and Path(err.filename) != p:
                found.append(Path(err.filename))
        for root, dirs, files in os.walk(p, onerror=unreadable, followlinks=False):
            rel = Path(root).relative_to(p)
            if any(part.startswith(".") for part in rel.parts):
                continue
            for name in files:
                f = Path(root) / name
                if (not name.startswith(".") and f.suffix.lower() in NOTICE_SUFFIXES
                        and name.upper() not in {"SOURCES.MD", "README.MD", "LICENSE.MD"}):
                    found.append(f)
            for d in dirs:
                if (Path(root) / d).is_symlink() and not (Path(root) / d).exists():
                    found.append(Path(root) / d)  # a dangling link (os.walk lists it as a folder)
        out += sorted(found)
    return out
