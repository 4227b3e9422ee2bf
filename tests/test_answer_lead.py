"""The answer's lead: extractive, cut to what is asked, parallel sources merged (pure functions)."""

from __future__ import annotations

from assistant.policy_qa.lead import crop_around, cut, items_of, list_lead, plain, says_same


def test_plain_drops_article_and_item_numbering() -> None:
    assert plain("第十二条 有证据证明公示信息不准确的，有权要求更正。") == "有证据证明公示信息不准确的，有权要求更正。"
    assert plain("（三）行政处罚信息；") == "行政处罚信息；"
    assert plain("8. 探索建立信用修复机制。") == "探索建立信用修复机制。"


def test_short_sentence_is_kept_whole() -> None:
    sentence = "行政处罚信息的公示期限为三年。"
    assert cut(sentence, lambda text: 0.0) == sentence


def test_long_sentence_is_cut_to_the_clause_that_answers() -> None:
    filler = "，".join(f"第{n}项工作要按照有关规定统筹推进落实到位" for n in range(1, 9))
    sentence = filler + "，公示期满三年后自动停止公示，" + filler + "。"
    lead = cut(sentence, lambda text: 1.0 if "三年" in text else 0.0, limit=60)
    assert "公示期满三年后自动停止公示" in lead
    assert len(lead) <= 62 and lead.startswith("…") and lead.endswith("…")


def test_items_become_one_list_lead() -> None:
    text = "公示下列企业信息：\n（一）注册登记、备案信息；\n（二）动产抵押登记信息；\n（三）行政处罚信息。"
    items = [plain(i) for i in items_of(text)]
    assert list_lead(items) == "共3项：注册登记、备案信息；动产抵押登记信息；行政处罚信息。"


def test_parallel_clauses_say_the_same() -> None:
    assert says_same("建立健全信用修复机制，失信主体可以申请修复。", "建立健全信用修复机制，失信主体可以申请信用修复。")
    assert not says_same("建立健全信用修复机制。", "公示期限为三年。")


def test_quote_is_cropped_around_its_focus() -> None:
    text = "甲" * 200 + "关键句在这里。" + "乙" * 200
    quote = crop_around(text, "关键句在这里。", limit=60)
    assert "关键句" in quote and len(quote) <= 62


def test_english_in_a_question_is_read_as_the_corpus_chinese() -> None:
    from assistant.bilingual import chinese_reading

    assert chinese_reading("How long is 行政处罚信息 published on 信用中国?") == "行政处罚信息公示信用中国多久？"
    assert chinese_reading("企业 credit repair 要什么 materials？") == "企业信用修复要什么材料？"
    assert chinese_reading("91410900MA44XXXX1A 的信用状况") == "91410900MA44XXXX1A 的信用状况"
