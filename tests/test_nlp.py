"""The spaCy pipeline's tokenizer and components on corpus text."""
import jieba
from hypothesis import given, settings, strategies as st
from spacy.util import get_words_and_spaces

from pipeline.nlp import get_nlp, words_and_spaces


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="认证机构应当不得 \n\t\u3000。，ab1《》", max_size=60))
def test_linear_alignment_matches_spacy(text):
    get_nlp()  # jieba dictionary with the actor words
    words = [w for w in jieba.cut(text) if w]
    assert words_and_spaces(words, text) == get_words_and_spaces(words, text)


def test_one_doc_per_notice_keeps_lines_apart():
    # two paragraphs of cnca-2025-09 in one Doc: spans never cross the line break
    text = ("认证机构应当在认证证书有效期内至少每年进行一次监督审核。\n"
            "审核员不得在两家以上认证机构执业。")
    doc = get_nlp()(text)
    nl = text.index("\n")
    for group in ("triggers", "deadlines", "citations"):
        for span in doc.spans[group]:
            assert span.end_char <= nl or span.start_char > nl
    assert [s.text for s in doc.spans["triggers"]] == ["应当", "不得"]
    assert doc.text == text


def _corpus_texts():
    from pathlib import Path

    from pipeline.errors import RegpipeError
    from pipeline.ingest import ingest

    root = Path(__file__).resolve().parent.parent / "corpora"
    for f in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SOURCES.md"):
        try:
            yield f.name, ingest(f).text
        except RegpipeError:
            continue


def test_route_cuts_every_corpus_notice_as_jieba_does():
    # the one-pass route (pipeline.nlp.Route) must give jieba's own words, HMM included
    from pipeline.nlp import cut, segmenter, segmenter_route

    seen = 0
    for name, text in _corpus_texts():
        assert cut(segmenter_route(), text) == list(segmenter().cut(text)), name
        seen += 1
    assert seen >= 15


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="认证机构应当不得互认典当行检验检测 \n\t\u3000。，abZ19.%-《》", max_size=40))
def test_route_matches_jieba_on_mixed_text(text):
    from pipeline.nlp import cut, segmenter, segmenter_route

    assert cut(segmenter_route(), text) == list(segmenter().cut(text))
