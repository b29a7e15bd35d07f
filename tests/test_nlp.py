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
