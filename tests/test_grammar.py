"""The statement grammar's rule table: every example reads as stated, and reads the same with the
actor swapped for actors of other fields of regulation that no lexicon of ours lists."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from pipeline import grammar as g
from pipeline.extract import read_statement
from pipeline.nlp import get_nlp

EXAMPLES = [(r.id, ex) for r in g.RULES for ex in r.examples]

# Real actor names from other fields (网络安全法, 个人信息保护法, 劳动合同法, 民法典, 建筑法 …), none in
# data/actors.json; each ends in a different head noun.
OTHER_FIELDS = ("网络运营者", "用人单位", "承运人", "保险公司", "旅行社", "商业银行", "典当行", "律师事务所",
                "物业服务人", "广播电视台", "快递企业", "医疗机构")


def _find(obs, trigger, expect=None):
    got = [o for o in obs if o.trigger == trigger]
    if expect is not None and expect.get("obligation") is False:
        assert not got, [(o.trigger, o.action) for o in got]
        return None
    assert got, f"no obligation on {trigger!r}: {[(o.trigger, o.action) for o in obs]}"
    return got[-1]


def _check(o, expect, rule_id):
    if o is None:
        assert expect.get("obligation") is False
        return
    assert o.subject == expect["subject"], (o.subject, o.rules)
    if "condition" in expect:
        assert o.condition == expect["condition"]
    assert o.subject_source == expect["source"]
    if expect["source"] != "none" and not rule_id.startswith("trigger."):
        assert rule_id in o.rules


@pytest.mark.parametrize("rule_id,example", EXAMPLES, ids=[f"{i}:{e.text[:12]}" for i, e in EXAMPLES])
def test_rule_example_reads_as_stated(rule_id, example):
    o = _find(read_statement(example.text), example.trigger, example.expect)
    _check(o, example.expect, rule_id)


SWAPPABLE = [(i, e) for i, e in EXAMPLES if e.swap]


@pytest.mark.parametrize("rule_id,example", SWAPPABLE, ids=[f"{i}:{e.text[:12]}" for i, e in SWAPPABLE])
@pytest.mark.parametrize("other", OTHER_FIELDS[:6])
def test_rule_example_reads_the_same_with_an_actor_of_another_field(rule_id, example, other):
    text = example.text.replace(example.swap, other)
    expect = {k: (v.replace(example.swap, other) if isinstance(v, str) else v) for k, v in example.expect.items()}
    o = _find(read_statement(text), example.trigger, expect)
    _check(o, expect, rule_id)


def test_every_rule_has_an_id_a_source_and_a_place_in_the_order():
    ids = [r.id for r in g.RULES]
    assert len(ids) == len(set(ids))
    assert all(r.source and r.doc for r in g.RULES)
    subject_rules = [r.precedence for r in g.RULES if r.role == "subject"]
    assert subject_rules == sorted(subject_rules)
    assert sum(1 for r in g.RULES if r.examples) >= 12


def test_every_word_list_entry_names_its_source():
    for name in ("grammar.json", "triggers.json", "actors.json"):
        data = json.loads(resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8"))
        assert data.get("source"), name
    classes = json.loads(resources.files("pipeline.data").joinpath("grammar.json").read_text(encoding="utf-8"))
    for cls, v in classes["classes"].items():
        assert v["entries"] and all(e["word"] and e["source"] for e in v["entries"]), cls


@pytest.mark.parametrize("phrase,expected", [
    ("个人信息处理者处理敏感个人信息的", "个人信息处理者"),    # 个人信息保护法 第二十九条
    ("市场监督管理部门处理投诉举报", "市场监督管理部门"),        # 投诉举报处理暂行办法 第五条
    ("国务院认证认可监督管理部门应当", "国务院认证认可监督管理部门"),
    ("典当行对当票有异议的", "典当行"),                         # jieba tags 典当行 as a verb
    ("取得认证机构资质", ""),                                   # a verb phrase: no actor
    ("国家对认证认可活动", "国家"),
    ("自被撤职或者解聘之日起", ""),                              # a time phrase is never an actor
    ("或者发现其认证的产品", ""),                                # a conjunction opens no actor
    ("三年内", ""),
])
def test_actor_phrases_are_found_by_grammar(phrase, expected):
    assert phrase[:g.actor_phrase(phrase)] == expected


def test_the_segmenter_is_registered_and_jieba_itself_is_left_alone():
    import jieba

    before = dict(jieba.dt.FREQ) if jieba.dt.initialized else None
    nlp = get_nlp()
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "regpipe.JiebaTokenizer.v1"
    if before is not None:
        assert jieba.dt.FREQ == before
    assert "认证机构" not in jieba.dt.FREQ or jieba.dt.FREQ["认证机构"] < 2_000_000


def test_obligations_are_on_the_doc():
    # 国办发〔1997〕11号 二/（二）: 要从严 is one jieba word; the modal is split off again
    doc = get_nlp()("登记管理机关、业务主管部门和挂靠单位都要从严把关，该取缔的要坚决取缔。")
    assert [(o.subject, o.trigger, o.action, o.subject_source) for o in doc._.obligations] == [
        ("登记管理机关、业务主管部门和挂靠单位", "要", "从严把关", "explicit"),
        ("登记管理机关、业务主管部门和挂靠单位", "要", "坚决取缔", "sentence")]


def test_no_actor_means_an_empty_subject_not_a_guess():
    (o,) = read_statement("对违反本办法规定的，应当依法处理。")
    assert (o.subject, o.subject_source, o.actor) == ("", "none", "")


def test_no_fragment_is_ever_reported_as_a_subject(corpus_run):
    """Over every bundled notice: no subject opens with a preposition, conjunction, condition
    opener or an authority's act, ends in a function word, or keeps an abbreviation definition."""
    _, out, _, _ = corpus_run
    bad = []
    for f in sorted(out.glob("*.obligations.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            s = json.loads(line)["subject"]
            if not s:
                continue
            toks = g.pos_tokens(s)
            relative = g.starts_with(s, "relative_opener") and g.is_case(s) is False and "的" in s
            if (g.starts_with(s, "condition_opener") and not relative or g.starts_with(s, "authority_act")
                    or g.starts_with(s, "lead_connective") or toks[0].pos in ("p", "c") and toks[0].word != "被"
                    or toks[-1].pos in ("p", "c", "u", "uj", "d") and toks[-1].word != "等"
                    or "简称" in s or s in g.words("condition_closer")):
                bad.append((f.name, s))
    assert not bad, bad


@pytest.mark.parametrize("text,expected", [
    # false triggers inside words and modifiers (个人信息保护法 第四条, 第十七条; 数据安全法)
    ("个人信息是以电子或者其他方式记录的与已识别或者可识别的自然人有关的各种信息。", []),
    ("（四）法律、行政法规规定应当告知的其他事项。", []),
    ("处理个人信息所需的费用由处理者承担。", []),
    # a trigger fused into a jieba word, and a thing subject
    ("个人信息处理者不得公开其处理的个人信息。", [("个人信息处理者", "不得", "公开其处理的个人信息")]),
    ("数据库应当定期备份。", [("数据库", "应当", "定期备份")]),
    # a one-character modal glued to the preposition of its act (国办 政府网站集约化试点通知: 要于)
    ("试点地区要于2019年12月底前，对本地区试点情况进行总结。", [("试点地区", "要", "于2019年12月底前，对本地区试点情况进行总结")]),
    ("各省级交通运输主管部门应于2023年底前完成全面排查。", [("省级交通运输主管部门", "应", "于2023年底前完成全面排查")]),
    # a passive actor name (被授权单位) and a relative noun phrase headed by the last actor
    # (计量法实施细则（2022）第二十八条)
    ("被授权单位承担授权的检定、测试工作，须接受授权单位的监督。", [("被授权单位", "须", "接受授权单位的监督")]),
    ("被授权单位执行检定、测试任务的人员，必须经考核合格。", [("被授权单位执行检定、测试任务的人员", "必须", "经考核合格")]),
    # after a ；, a thing written before the next modal is its subject (危险化学品安全管理条例 第二十七条)
    ("危险化学品单位转产、停产的，应当妥善处置库存的危险化学品，不得丢弃危险化学品；处置方案应当报公安机关备案。",
     [("危险化学品单位", "应当", "妥善处置库存的危险化学品"), ("危险化学品单位", "不得", "丢弃危险化学品"),
      ("处置方案", "应当", "报公安机关备案")]),
    ("禁止通过内河封闭水域运输剧毒化学品以及国家规定禁止通过内河运输的其他危险化学品。",
     [("", "禁止", "通过内河封闭水域运输剧毒化学品以及国家规定禁止通过内河运输的其他危险化学品")]),
    # an adverb jieba tags as a place word ends the actor (行政处罚法 第五十二条: 执法人员|当场作出)
    ("执法人员当场作出行政处罚决定的，应当向当事人出示执法证件。", [("执法人员", "应当", "向当事人出示执法证件")]),
    # the actor after 经 in a case approves; the bound one is recovered (行政许可法 第四十二条)
    ("行政机关应当在二十日内作出决定。二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日。",
     [("行政机关", "应当", "在二十日内作出决定"), ("行政机关", "可以", "延长十日")]),
    # a verb of protection takes the actor as object: the action goes on (劳动合同法 第四条)
    ("用人单位应当依法建立和完善劳动规章制度，保障劳动者享有劳动权利、履行劳动义务。",
     [("用人单位", "应当", "依法建立和完善劳动规章制度，保障劳动者享有劳动权利、履行劳动义务")]),
    # a modal opening the relative clause of a verb's object (快递暂行条例 第三十条 pattern)
    ("快递企业不得违法收寄禁止寄递或者限制寄递的物品。", [("快递企业", "不得", "违法收寄禁止寄递或者限制寄递的物品")]),
    # coordinated urging verbs, an urging verb as the act of a modal (标准化法 第三十一条)
    ("国家鼓励和支持企业开展标准化工作。", [("企业", "鼓励和支持", "开展标准化工作")]),
    ("县级以上人民政府应当支持开展标准化试点示范和宣传工作。", [("县级以上人民政府", "应当", "支持开展标准化试点示范和宣传工作")]),
    # the urging party is not the urged actor
    ("国家支持社会力量参与个人信息保护工作。", [("社会力量", "支持", "参与个人信息保护工作")]),
    ("国家鼓励企业积极采用推荐性标准。", [("企业", "鼓励", "积极采用推荐性标准")]),
])
def test_failure_classes_of_unseen_text(text, expected):
    assert [(o.subject, o.trigger, o.action) for o in read_statement(text)] == expected


def test_every_rule_an_obligation_names_is_in_the_table(corpus_run):
    _, out, _, _ = corpus_run
    used = {r for f in out.glob("*.obligations.jsonl") for line in f.read_text(encoding="utf-8").splitlines()
            for r in json.loads(line)["rules"]}
    assert used and used <= g.RULE_IDS, used - g.RULE_IDS


def test_tagger_gives_jieba_posseg_pairs_on_corpus_prefixes():
    # pos_tokens' one-pass tagger must tag as jieba.posseg does, with and without its HMM, on
    # statement-sized pieces of every corpus notice (every 7th offset, 1-40 characters)
    from tests.test_nlp import _corpus_texts

    tagger, posseg = g._tagger(), g._pos_tokenizer()
    checked = 0
    for name, text in _corpus_texts():
        for a in range(0, len(text), 97):
            for n in (3, 11, 40):
                piece = text[a:a + n]
                for hmm in (False, True):
                    assert tagger.cut(piece, hmm=hmm) == [(p.word, p.flag) for p in posseg.cut(piece, HMM=hmm)], (name, piece)
                    checked += 1
    assert checked > 1000
