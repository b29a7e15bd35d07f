"""Obligation extraction on sentences from the bundled notices."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import absolute_date, extract_obligations
from pipeline.ingest import ingest
from pipeline.model import Notice
from pipeline.segment import segment


from .conftest import CORPORA

_CORPUS_LINES = [ln for f in sorted(CORPORA.rglob("*")) if f.suffix in {".txt", ".md", ".html"} and f.name != "SOURCES.md"
                 for ln in ingest(f).text.split("\n") if 8 <= len(ln) <= 400]
"""Real lines of every bundled notice (property tests recombine them)."""


def _obligations(text, addressees=("各认证机构",), date="2025-12-31"):
    n = Notice(name="t", source="t", format="text", text=text, sha256="1" * 64, addressees=addressees, date=date)
    return extract_obligations(n, segment(n))


def test_condition_covers_later_triggers_and_you_dang_you():
    obs = _obligations("一、要求\n（七）认证机构应当要求企业（组织）最高管理者参加首、末次会议，并保留现场照片或视频等证明材料。"
                       "企业（组织）最高管理者因特殊原因不能参加首、末次会议的，应当由获得授权的高级管理层其他成员参会，"
                       "认证机构应当记录最高管理者缺席理由。")
    assert [(o.subject, o.modality, o.action) for o in obs] == [
        ("认证机构", "must", "要求企业（组织）最高管理者参加首、末次会议，并保留现场照片或视频等证明材料"),
        ("高级管理层其他成员", "must", "由获得授权的高级管理层其他成员参会"),
        ("认证机构", "must", "记录最高管理者缺席理由"),
    ]
    assert obs[1].condition == obs[2].condition == "企业（组织）最高管理者因特殊原因不能参加首、末次会议的"
    assert all(o.path == "一/（七）" for o in obs)


def test_must_then_must_not_split_and_bu_neng_in_condition_ignored():
    obs = _obligations("（五）认证机构应当严格开展申请评审，准确鉴别申请文件的真伪，不能满足条件的，不得受理认证申请。")
    assert [(o.modality, o.trigger, o.action, o.condition) for o in obs] == [
        ("must", "应当", "严格开展申请评审，准确鉴别申请文件的真伪", None),
        ("must_not", "不得", "受理认证申请", "不能满足条件的"),
    ]


def test_outcome_bu_yu_binds_certification_body_elided():
    obs = _obligations("（八）认证机构应当对最高管理者进行审核。最高管理者不熟悉企业（组织）的质量方针的，认证审核不予通过。")
    last = obs[-1]
    assert (last.modality, last.trigger, last.action, last.subject, last.subject_explicit) == \
        ("must_not", "不予", "通过", "认证机构", False)


def test_encouraged_actor_list_and_abbreviation():
    obs = _obligations("（四）鼓励相关行业协会、企业、认证机构等联合起草认证规则。")
    assert (obs[0].subject, obs[0].action) == ("相关行业协会、企业、认证机构等", "联合起草认证规则")
    obs = _obligations("（一）管理体系认证机构（以下简称认证机构）应当完善管理制度。\n（二）认证机构不得超范围开展认证。")
    assert [o.subject for o in obs] == ["认证机构", "认证机构"]


def test_elided_subject_from_heading_and_addressees():
    obs = _obligations("（二）提升认证监管治理能力\n1. 总局层面\n（1）强化准入管理。要加强认证规则备案管理。")
    assert obs[0].subject == "市场监管总局" and not obs[0].subject_explicit
    obs = _obligations("六、鼓励开展认证增值服务")
    assert (obs[0].subject, obs[0].modality, obs[0].subject_explicit) == ("认证机构", "encouraged", False)


def test_targets_and_deadlines():
    obs = _obligations("二、主要目标\n到2026年底，质量认证有效性全面提高，认证监管精准有力。")
    t = obs[0]
    assert (t.modality, t.trigger, t.subject, t.deadline.date) == ("target", "到2026年底", "质量认证有效性", "2026-12-31")
    obs = _obligations("（五）各认证机构要及时汇总自查情况，于2019年6月30日前报送市场监管总局。")
    assert (obs[0].deadline.kind, obs[0].deadline.date) == ("absolute", "2019-06-30")
    obs = _obligations("（十三）认证机构应当定期组织开展审核员能力提升活动。")
    assert obs[0].deadline.kind == "recurring"


def test_each_dated_goal_of_a_sentence_is_a_target_and_a_start_date_is_no_deadline():
    # 国办-style goals: two goals split by ；, the predicate ends the subject (not the head 平台 after it)
    obs = _obligations("二、工作目标\n到2025年，全国县级以上城市基本建成城市运行管理服务平台；到2035年，城市运行管理服务平台全面建成。",
                       addressees=())
    assert [(o.trigger, o.subject, o.deadline.date) for o in obs] == [
        ("到2025年", "全国县级以上城市", "2025-12-31"), ("到2035年", "城市运行管理服务平台", "2035-12-31")]
    assert obs[0].action == "全国县级以上城市基本建成城市运行管理服务平台"
    (o,) = _obligations("二、工作目标\n2025年底前，各省份完成省级平台建设。", addressees=())  # 年底前 without a month
    assert (o.modality, o.subject, o.deadline.date) == ("target", "省份", "2025-12-31")
    (o,) = _obligations("第五条 自2025年1月1日起，新建住宅应当全面执行绿色建筑标准。", addressees=())
    assert o.deadline is None and o.condition == "自2025年1月1日起"
    # a request of a notice with a day-dated limit and no modal: a dated goal of the body asked (请 is no name)
    (o,) = _obligations("四、请各省级市场监管部门于2024年6月30日前将工作总结报送市场监管总局。", addressees=())
    assert (o.modality, o.subject, o.action, o.deadline.date) == (
        "target", "省级市场监管部门", "将工作总结报送市场监管总局", "2024-06-30")


def test_titles_and_document_numbers_are_not_deadlines():
    obs = _obligations("（二）认证机构应当按照《国家认监委关于加强认证规则管理的公告》（2025年第9号）的要求开展自查。")
    assert obs[0].deadline is None
    assert [c.key for c in obs[0].citations] == ["国家认监委关于加强认证规则管理的公告"]


def test_non_modal_words_are_not_triggers():
    obs = _obligations("（一）对认证相关法律法规做到应知应会，相应要求见附件，需要时可查。")
    assert obs == []


def test_absolute_date_takes_year_from_context():
    assert absolute_date("6月底前", 2018) == "2018-06-30"
    assert absolute_date("到2030年", None) == "2030-12-31"


def test_partner_after_yu_is_not_the_subject():
    # 认证机构管理办法 第二十三条: 与境外认证机构 is the contract partner; 认证机构 reports
    obs = _obligations("第二十三条 认证机构在获得批准的认证领域内，与境外认证机构签订认证结果仅在境外使用的分包合约，"
                       "应当自签订分包合约之日起10日内向国务院认证认可监督管理部门报送信息。", addressees=())
    (o,) = obs
    assert o.subject == "认证机构"
    assert o.condition == "在获得批准的认证领域内，与境外认证机构签订认证结果仅在境外使用的分包合约"
    # jieba reads 内向 as one word; the deadline still stops at 内
    assert (o.deadline.text, o.deadline.kind) == ("自签订分包合约之日起10日内", "relative")


def test_rest_of_chu_yiwai_is_not_a_condition():
    # cnca-2017-137 三/（九）: the 除…以外 opening went to the first duty
    obs = _obligations("（九）认证机构和认证人员除应具备（五）规定的要求以外，还应掌握分级认证适用的评价工具及方法。")
    assert [(o.action, o.condition) for o in obs] == [("具备（五）规定的要求", None),
                                                     ("掌握分级认证适用的评价工具及方法", None)]
    # 认证认可条例 (2016) 第十一条: the frame closed by a bare 外
    obs = _obligations("第十一条 外商投资企业取得认证机构资质，除应当符合本条例第十条规定的条件外，还应当符合下列条件：")
    assert [o.action for o in obs][:2] == ["符合本条例第十条规定的条件", "符合下列条件"]
    # 外 inside a word at the end of the action stays
    (o,) = _obligations("第五条 除法律另有规定外，认证机构不得设立在境外。")
    assert o.action == "设立在境外"


def test_age_is_not_a_deadline():
    # 国办发〔1997〕11号: 年龄一般不超过70周岁
    (o,) = _obligations("6．秘书长以上负责人应身体健康，年龄一般不超过70周岁。")
    assert o.deadline is None


def test_duty_named_inside_fuyou_yiwu():
    # 认证机构管理办法 第六条 and 认证认可条例 第八条 (subject before a comma); gold/DECISIONS.md
    (o,) = _obligations("第六条 认证机构及其人员对其认证活动中所知悉的国家秘密、商业秘密负有保密义务。", addressees=())
    assert (o.subject, o.modality, o.trigger, o.action, o.condition) == (
        "认证机构及其人员", "must", "负有保密义务", "对其认证活动中所知悉的国家秘密、商业秘密负有保密义务", None)
    (o,) = _obligations("第八条 从事认证认可活动的机构及其人员，对其所知悉的国家秘密和商业秘密负有保密义务。", addressees=())
    assert (o.subject, o.action) == ("从事认证认可活动的机构及其人员", "对其所知悉的国家秘密和商业秘密负有保密义务")


def test_elided_subject_of_a_later_sentence_is_the_actor_named_before():
    # 认证机构管理办法 第九条（二）: the second sentence's 应当 binds the same department
    text = ("第九条　认证机构资质审批程序：\n（二）国务院认证认可监督管理部门应当对申请人提交的证明文件进行初审，"
            "并自收到之日起5日内作出受理或者不予受理的书面决定。对申请材料不齐全或者不符合法定形式的，"
            "应当一次性告知申请人需要补正的全部内容。")
    obs = _obligations(text, addressees=())
    assert [(o.subject, o.subject_explicit) for o in obs] == [("国务院认证认可监督管理部门", True),
                                                              ("国务院认证认可监督管理部门", False)]


def test_known_actor_opening_a_case_binds_the_elided_trigger():
    # 强制性产品认证管理规定 第四十七条: 认证委托人 may appeal, not the 认证机构 named in the case
    (o,) = _obligations("第四十七条 认证委托人对认证机构的认证决定有异议的，可以向认证机构提出申诉。", addressees=())
    assert (o.subject, o.modality, o.condition) == ("认证委托人", "may", "认证委托人对认证机构的认证决定有异议的")


def test_action_stops_where_a_parallel_clause_with_its_own_subject_begins():
    # samr-2025 五 (ASCII commas as on the web page)
    (o, *_) = _obligations("五、组织实施\n各级市场监管部门应积极履行认证监管职能,认可机构强化认可约束,认证机构加强专业化能力建设。")
    assert (o.subject, o.action) == ("各级市场监管部门", "积极履行认证监管职能")
    # a task handed on by 责令 keeps its parallel object (强制性产品认证管理规定 第三十九条)
    (o,) = _obligations("第三十九条 市场监管总局应当启动产品召回程序，责令生产者召回产品，销售者停止销售产品。", addressees=())
    assert o.action == "启动产品召回程序，责令生产者召回产品，销售者停止销售产品"
    # 组织开展 is one predicate (two verbs), not 组织 (an organisation) and its verb (数据安全法 第二十七条)
    (o,) = _obligations("第二十七条 开展数据处理活动应当依照法律、法规的规定，建立健全全流程数据安全管理制度，"
                        "组织开展数据安全教育培训，采取相应的技术措施和其他必要措施，保障数据安全。", addressees=())
    assert o.action.endswith("组织开展数据安全教育培训，采取相应的技术措施和其他必要措施，保障数据安全")
    # 集中力量 (a verb and its object, one jieba word) opens no parallel clause
    (o,) = _obligations("（三）要坚持问题导向，聚焦群众反映强烈的突出问题，集中力量攻坚。", addressees=())
    assert o.action.endswith("集中力量攻坚")


def test_trigger_after_an_actor_is_a_predicate_even_before_a_de_noun_phrase():
    # 认证机构管理办法 第十四条; but 产品质量法 第四十二条's 不能…的， stays a case
    (o,) = _obligations("第十四条 认证机构不得聘用国家法律法规和国家政策禁止或者限制从事认证活动的人员。", addressees=())
    assert (o.modality, o.action) == ("must_not", "聘用国家法律法规和国家政策禁止或者限制从事认证活动的人员")
    obs = _obligations("第四十二条 销售者不能指明缺陷产品的生产者也不能指明缺陷产品的供货者的，销售者应当承担赔偿责任。",
                       addressees=())
    assert [(o.trigger, o.action) for o in obs] == [("应当", "承担赔偿责任")]


def test_authority_acts_go_to_the_regulator_not_the_party_of_the_case():
    # 认证机构管理办法 第三十九条: the department orders the certification body to correct
    text = ("第十条 国务院认证认可监督管理部门应当对认证机构进行监督检查。\n"
            "第三十九条 认证机构增加、减少、遗漏程序要求，情节轻微且不影响认证结论的客观、真实或者认证有效性的，"
            "应当责令其限期改正。")
    last = _obligations(text, addressees=())[-1]
    assert (last.subject, last.subject_explicit, last.action) == ("国务院认证认可监督管理部门", False, "责令其限期改正")
    # a certification body ordering its clients keeps the act (市监认证〔2019〕18号 二/（四）)
    (o,) = _obligations("（四）对获证企业的问题，认证机构要责令其整改。")
    assert o.subject == "认证机构"


def test_qualification_phrase_is_the_subject_verbatim_and_placed_under_its_actor():
    # 认证机构管理办法 第七条: gold keeps 取得认证机构资质; the ontology puts it under 认证机构
    from pipeline.actors import load_ontology
    (o,) = _obligations("第七条 取得认证机构资质，应当经国务院认证认可监督管理部门批准。", addressees=())
    assert o.subject == "取得认证机构资质"
    assert load_ontology().placement(o.subject) == "认证机构"


def test_subject_keeps_whole_words_drops_manner_and_examples():
    # 强制性产品认证管理规定 第九条: 则 of 规则 is not the adverb 则
    (o,) = _obligations("第九条 认证规则应当包括以下内容：", addressees=())
    assert o.subject == "认证规则"
    # 产品质量法 第十四条: 根据自愿原则 is a basis, not part of the subject
    (o,) = _obligations("第十四条 企业根据自愿原则可以向认证机构申请企业质量体系认证。", addressees=())
    assert o.subject == "企业"
    # cnca-2017-137 二/（四）: the example list in brackets is not part of the subject
    obs = _obligations("（四）认证规则的框架及内容（如认证人员、审核时间等有关认证流程的要求）应符合GB/T27007及相关规范要求。")
    assert obs[-1].subject == "认证规则的框架及内容"


def test_fronted_object_naming_an_actor_is_not_the_subject():
    # 认证机构管理办法 第二十二条: the records the parties signed are what must be kept
    text = ("第二十二条　认证机构应当对认证过程做出完整记录，保留相应认证资料。\n"
            "在认证证书有效期内，认证活动参与各方盖章或者签字的认证记录、认证资料等，应当保存具有法律效力的原件。")
    last = _obligations(text, addressees=())[-1]
    assert (last.subject, last.subject_explicit, last.action) == ("认证机构", False, "保存具有法律效力的原件")
    assert last.condition == "在认证证书有效期内"
    assert (last.deadline.text, last.deadline.kind) == ("在认证证书有效期内", "relative")
    # a coordination is still the subject (认证认可条例 第二十一条)
    (o, *_) = _obligations("第二十一条 认证机构以及与认证有关的检查机构、实验室从事认证以及与认证有关的检查、检测活动，"
                           "应当完成认证基本规范、认证规则规定的程序。", addressees=())
    # (the event clause is a topic: DECISIONS.md reads it as the condition, DECISIONS-complaint
    # as no condition; conditions are not scored, and regpipe follows the latter)
    assert o.subject == "认证机构以及与认证有关的检查机构、实验室" and o.subject_source == "explicit"


def test_cases_then_a_thing_and_officers_in_a_time_case():
    # 强制性产品认证管理规定 第二十九条 and 第三十八条
    (o,) = _obligations("第二十九条 自认证证书注销、撤销之日起或者认证证书暂停期间，不符合认证要求的产品，"
                        "不得继续出厂、销售、进口或者在其他经营活动中使用。", addressees=())
    # a thing subject is kept verbatim with its relative clause (GUIDELINES.md Fields; the
    # standardization-law gold: 不符合强制性标准的产品、服务); only an actor drops it to the condition
    assert o.subject == "不符合认证要求的产品" and o.condition.startswith("自认证证书注销、撤销之日起或者认证证书暂停期间")
    (o,) = _obligations("第三十八条 县级以上地方市场监督管理部门进行强制性产品认证监督检查时，可以依法进入生产经营场所实施现场检查。",
                        addressees=())
    assert o.subject == "县级以上地方市场监督管理部门"  # the notice's own name (GUIDELINES.md Actors)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_CORPUS_LINES), min_size=1, max_size=6), st.booleans())
def test_extraction_never_fails_on_recombined_corpus_lines(lines, numbered):
    """Any sequence of real lines from the corpora, numbered or not, extracts without error."""
    text = "\n".join(f"第{i + 1}条 {ln}" if numbered else ln for i, ln in enumerate(lines))
    for o in _obligations(text, addressees=()):
        assert o.action and o.modality


def test_encouraged_action_opening_with_a_preposition_has_no_urged_actor():
    # 国办函〔2018〕71号 三/（五）: 鼓励对政府网站域名进行集中解析 urges the addressees
    (o,) = _obligations("（五）强化安全保障。加强域名解析安全防护，鼓励对政府网站域名进行集中解析。",
                        addressees=("各省、自治区、直辖市人民政府",))
    assert (o.modality, o.subject, o.subject_explicit, o.action) == (
        "encouraged", "省、自治区、直辖市人民政府", False, "对政府网站域名进行集中解析")


def test_qijian_takes_the_period_stated_before_it():
    # 认证机构管理办法 第三十九条
    (o,) = _obligations("第三十九条 认证机构被责令停业整顿的，停业整顿期限为6个月，期间不得从事认证活动。", addressees=())
    assert (o.modality, o.action, o.deadline.text, o.deadline.kind) == ("must_not", "从事认证活动", "6个月", "relative")


def test_relative_clause_of_a_dui_phrase_and_statements_split_at_semicolons():
    # 国办发〔1997〕11号 四: 需 inside 对需整改的社会团体 is no trigger; the condition stops at ；
    obs = _obligations("四、经审定作出保留结论的社会团体，由登记管理机关换发证书；对需整改的社会团体，业务主管部门要监督其改正。",
                       addressees=())
    assert [(o.trigger, o.subject, o.condition) for o in obs] == [("要", "业务主管部门", "对需整改的社会团体")]
    # 一定 is an adverb, not part of the case: 该撤销的一定要撤销
    obs = _obligations("（二）该取缔的要坚决取缔，该撤销的一定要撤销。", addressees=("业务主管部门",))
    assert [o.condition for o in obs] == ["该取缔的", "该撤销的"]
    # 计量法实施细则 第二十四条: the one 负责 carries on to 并可
    (o,) = _obligations("第二十四条 计量监督员负责在规定的区域、场所巡回检查，并可根据不同情况在规定的权限内进行现场处理。",
                        addressees=())
    assert o.subject == "计量监督员"


def test_a_period_named_relative_to_now_is_no_deadline():
    # 认证机构管理办法（2020）第二十四条 and its item （一）
    from pipeline.nlp import get_nlp

    nlp = get_nlp()
    item = "（一）上一年度工作报告：主要包括从业基本情况、人员、业务状况等内容；"
    doc = nlp(item)
    assert [s.text for s in doc.spans["deadlines"]] == []
    # the yearly date of the article stays, also with the report of the year before in the same sentence
    (o,) = _obligations("第二十四条　认证机构应当在每年3月底之前向国务院认证认可监督管理部门提交上一年度工作报告。")
    assert (o.deadline.text, o.deadline.kind) == ("在每年3月底之前", "recurring")
    # a yearly window is one recurrence, the day of a date no period (企业信息公示暂行条例 第八条)
    (o,) = _obligations("第八条 企业应当于每年1月1日至6月30日，通过企业信用信息公示系统报送上一年度年度报告。")
    assert (o.deadline.text, o.deadline.kind) == ("每年1月1日至6月30日", "recurring")
    # a length of service reached and a fixed-term contract are no deadlines (劳动合同法 第十四条)
    (o,) = _obligations("第十四条 劳动者在该用人单位连续工作满十年的，应当订立无固定期限劳动合同。")
    assert o.deadline is None
    text = "认证机构应当每两年对获证组织进行一次复评。"  # a count of years after 每 is a recurrence too
    doc = nlp(text)
    assert [(s.text, s.label_) for s in doc.spans["deadlines"]] == [("每两年", "recurring")]


def test_periodic_inspection_is_an_act_and_a_limit_before_expiry_keeps_its_period():
    # 特种设备安全法 第四十条: 定期检验 is one word (an inspection), 届满前 takes the month before it
    from pipeline.nlp import get_nlp

    doc = get_nlp()("特种设备使用单位应当在检验合格有效期届满前一个月向特种设备检验机构提出定期检验要求。")
    assert [(s.text, s.label_) for s in doc.spans["deadlines"]] == [("在检验合格有效期届满前一个月", "relative")]
    (o,) = _obligations("第四十条 未经定期检验或者检验不合格的特种设备，不得继续使用。", addressees=())
    assert o.deadline is None
    # 定期 before a verb is still a recurrence (特种设备安全法 第三十九条)
    (o,) = _obligations("第三十九条 特种设备使用单位应当对其使用的特种设备进行经常性维护保养和定期自行检查。", addressees=())
    assert (o.deadline.text, o.deadline.kind) == ("定期", "recurring")


def test_fuyou_zhize_is_a_duty_like_fuyou_yiwu():
    # 安全生产法（2021）第二十一条 and 第六十二条: a duty that names its list, and a noun phrase
    (o,) = _obligations("第二十一条 生产经营单位的主要负责人对本单位安全生产工作负有下列职责：", addressees=())
    assert (o.subject, o.modality, o.trigger) == ("生产经营单位的主要负责人", "must", "负有下列职责")
    (o,) = _obligations("第六十二条 负有安全生产监督管理职责的部门应当依法开展安全生产行政执法工作。", addressees=())
    assert (o.subject, o.trigger) == ("负有安全生产监督管理职责的部门", "应当")
