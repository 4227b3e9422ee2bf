"""Answer stages added for unseen questions: levels, amounts, mirrored task rows, the wording model."""

from __future__ import annotations

import math

import numpy as np

from assistant.policy_qa.answerability import FEATURES, AnswerabilityModel
from assistant.policy_qa.compose import bodies_named, body_clause, mirrored_row
from assistant.policy_qa.evidence import Evidence, documents_at_level
from assistant.policy_qa.frame import (
    DURATION,
    WITHIN,
    asked_unit,
    document_aspects_of,
    frame_question,
    holds_unit,
    level_of,
    noun_chunks,
    resolve_ellipsis,
    side_question,
)
from assistant.policy_qa.question import asks_amount
from assistant.policy_qa.wording import char_ngrams, fit_wording, masked
from indexes import Hit


def test_a_level_word_names_a_level_only_without_a_place() -> None:
    assert level_of("区里给企业建信用档案，是依托哪几个平台？") == "district"
    assert level_of("省里的方案里安排了哪些诚信宣传公益活动？") == "province"
    assert level_of("全市和全县都要做吗？") is None  # two levels: no single scope
    assert level_of("市场主体信用记录怎么建？") is None  # 市场 is no level
    assert frame_question("濮阳市里的目录是哪一版？").level is None  # a place named wins


def test_documents_at_level_come_from_metadata(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    documents = policy_corpus.documents.values()
    assert documents_at_level("district", documents) == ("changzhou-xinbei-2021",)
    assert documents_at_level("county", documents) == ("wengyuan-2023",)
    assert set(documents_at_level("city", documents)) == {"chaoyang-2020", "puyang-2020"}
    assert documents_at_level("province", documents) == ("wuyang-henan-2018",)


def test_money_is_asked_only_with_an_amount_interrogative() -> None:
    assert asks_amount("申请信用修复需要交多少手续费？")
    assert not asks_amount("国企拖欠民营企业的钱，濮阳和翁源追责的说法有什么差别？")
    assert not frame_question("开展诚信教育可以收费吗？").shape.money


def test_a_version_is_asked_like_a_number_in_its_unit() -> None:
    assert asked_unit("市里编的公共信用信息目录是哪一版？") == "版"
    assert frame_question("目录是哪个版本？").main_aspect == "quantity"
    assert holds_unit("编制《朝阳市公共信用信息目录（2020版）》", "版")
    assert not holds_unit("编制公共信用信息目录", "版")


def test_a_task_table_row_restating_the_sentence_gives_its_units(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    passages = policy_corpus.passages
    clause = next(
        p for p in passages if p.doc_id == "chaoyang-2020" and "降低重错码率" in p.text and p.kind == "clause"
    )
    sentence = "全面落实统一社会信用代码制度，降低重错码率。"
    evidence = Evidence(sentence, Hit(clause, policy_corpus.documents[clause.doc_id], 1.0), 0, 1.0, 0.9, 0.9)
    row = mirrored_row(evidence, passages)
    assert row is not None and row.kind == "table_row" and "市市场监管局" in row.responsible_units
    unrelated = Evidence("加强组织领导。", evidence.hit, 0, 1.0, 0.9, 0.9)
    assert mirrored_row(unrelated, passages) is None


def test_wording_model_matches_scikit_learn() -> None:
    """Oracle: our stored-weights transform gives scikit-learn's probability for unseen questions."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    questions = [
        "濮阳信用修复怎么办理？",
        "去年有多少家企业完成修复？",
        "朝阳由哪个部门牵头？",
        "手续费多少钱？",
    ] * 3
    labels = [True, False, True, False] * 3
    model, held_out = fit_wording(questions, labels)
    assert len(held_out) == len(questions) and all(0.0 <= p <= 1.0 for p in held_out)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    pipeline = make_pipeline(vectorizer, LogisticRegression(class_weight="balanced", max_iter=2000))
    pipeline.fit([masked(q) for q in questions], [int(a) for a in labels])  # places masked (某地) first
    for probe in ("新北区去年修复了多少家？", "信用修复由谁牵头？", "ABC  xyz"):
        expected = pipeline.predict_proba([masked(probe)])[0, 1]
        assert math.isclose(model.probability(probe), expected, rel_tol=1e-9, abs_tol=1e-12)
    assert char_ngrams("Ab  c", 1, 2) == ["a", "b", " ", "c", "ab", "b ", " c"]
    # which place is named is the corpus's business, not the wording's
    assert model.probability("深圳信用修复怎么办理？") == model.probability("濮阳信用修复怎么办理？")
    assert masked("深圳企业做信用修复一般要多久？") == "某地企业做信用修复一般要多久？"


def test_shipped_answerability_model_carries_its_wording_model() -> None:
    model = AnswerabilityModel.load()
    assert model.wording is not None and model.scores and model.scores["rows"] > 200
    assert len(model.coef) == len(model.mean) == len(FEATURES) and np.isfinite(model.threshold)


def test_a_later_part_names_its_topic_by_the_head_of_a_first_part_phrase() -> None:
    first = [
        ("区里", "s"),
        ("的", "uj"),
        ("公共信用信息", "n"),
        ("管理", "vn"),
        ("平台", "n"),
        ("要", "v"),
        ("建成", "v"),
    ]
    assert noun_chunks(first) == ["公共信用信息管理平台"]
    later = [("平台", "n"), ("安全", "an"), ("上", "f"), ("有", "v"), ("什么", "r"), ("要求", "v")]
    assert resolve_ellipsis(first, later) == "公共信用信息管理平台安全上有什么要求"
    # a head that already has its own modifier is another thing ("修复平台"), and a place is not a topic
    own = [("修复", "vn"), ("平台", "n"), ("在", "p"), ("哪", "r")]
    assert resolve_ellipsis(first, own) == "修复平台在哪"
    assert noun_chunks([("新北区", "ns"), ("的", "uj"), ("名单", "n")]) == ["名单"]


def test_a_comparison_side_drops_the_other_place_and_the_document_it_issued() -> None:
    question = "统一社会信用代码方面，河南省的方案和朝阳市分别提了什么要求？"
    assert (
        side_question(question, "朝阳", ("河南", "朝阳")) == "统一社会信用代码方面，朝阳市分别提了什么要求？"
    )
    assert "朝阳" not in side_question(question, "河南", ("河南", "朝阳"))


def test_places_that_mean_the_same_document_do_not_make_a_comparison(assistant) -> None:  # type: ignore[no-untyped-def]
    same = assistant.policy.frame("舞阳那份河南方案里，举报人信息会保密吗？")
    assert same.localities == ("舞阳",) and not same.is_comparison
    assert assistant.policy.frame("濮阳和朝阳对信用修复分别怎么规定？").is_comparison


def test_a_task_table_row_is_quoted_as_the_body_clause_it_restates(policy_corpus) -> None:  # type: ignore[no-untyped-def]
    passages, documents = policy_corpus.passages, policy_corpus.documents
    row = next(p for p in passages if p.kind == "table_row" and "降低重错码率" in p.text)
    clause = next(
        p for p in passages if p.kind == "clause" and p.doc_id == row.doc_id and "降低重错码率" in p.text
    )
    row_evidence = Evidence(row.text, Hit(row, documents[row.doc_id], 1.0), 0, 1.1, 0.9, 0.5)
    clause_evidence = Evidence(
        "全面落实统一社会信用代码制度，降低重错码率。",
        Hit(clause, documents[clause.doc_id], 0.9),
        3,
        1.0,
        0.9,
        0.5,
    )
    assert body_clause(row_evidence, [row_evidence, clause_evidence]) is clause_evidence
    assert body_clause(clause_evidence, [clause_evidence, row_evidence]) is clause_evidence
    assert body_clause(row_evidence, [row_evidence]) is row_evidence


def test_question_words_for_responsible_units_and_for_the_parts_of_a_document() -> None:
    assert frame_question("具体落实失信联合惩戒措施的责任单位有哪些？").main_aspect == "who"
    assert "parts" in document_aspects_of("这个实施方案正文一共多少项？")
    assert "parts" not in document_aspects_of("联合惩戒措施包括哪几项？")


def test_words_that_merely_end_like_a_body_are_no_body() -> None:
    assert bodies_named("推动形成失信联合惩戒大格局") == []
    assert bodies_named("由市发展改革委、市公安局负责") == ["市发展改革委", "市公安局"]


def test_the_place_a_search_is_scoped_to_does_not_pick_the_sentence(assistant) -> None:  # type: ignore[no-untyped-def]
    """Within 新北区's document the name 新北区 tells no sentence from another: the sentence on ways to
    repair credit ranks above one that shares only the place name with the question."""
    _, evidence = assistant.policy.finder.gather("新北区想修复信用有哪些办法？", "新北区")
    texts = [e.text for e in evidence]
    ways = next(i for i, t in enumerate(texts) if "公益慈善" in t)
    place_only = next(i for i, t in enumerate(texts) if t.startswith("依托新北区公共信用信息管理平台"))
    assert ways < 3 and ways < place_only  # (the document's title now frames every sentence: one place lower)


def test_a_how_long_question_asks_for_a_span_of_time_not_any_number() -> None:
    assert asked_unit("企业进了名单一般要被关注多久？") == DURATION  # how long a state lasts
    assert asked_unit("行政处罚信息公示多久？") == DURATION
    assert asked_unit("多长时间更新一次？") == WITHIN  # how soon / how often
    assert asked_unit("受理以后多久要给处理结果？") == WITHIN
    assert asked_unit("最晚多少天得挂到网上？") == "天"  # a unit named wins
    assert holds_unit("公示期为3年", DURATION) and holds_unit("7个工作日内办结", WITHIN)
    assert not holds_unit("7个工作日内上网公开", DURATION)  # a deadline does not say how long a state lasts
    assert holds_unit("自公示之日起届满三年的，停止公示", DURATION)
    assert holds_unit("每季度首月5日前报送", WITHIN)  # how often answers 多久…一次
    assert not holds_unit("到2020年年底，信用承诺制度全面建立", WITHIN)  # a date is no span
    assert not holds_unit("2023年3月17日印发", WITHIN)


def test_how_wide_a_scope_is_no_number_asked() -> None:
    assert frame_question("信用报告打算在多大范围互认？").main_aspect != "quantity"
    assert frame_question("罚款金额有多大？").main_aspect == "quantity"


def test_colloquial_interrogatives_ask_like_written_ones() -> None:
    assert frame_question("那这个指标得在啥时候前达到？").main_aspect == "when"
    assert frame_question("这份方案是啥时候印发的？").document_aspects == ("date",)


def test_a_document_names_its_recipients_from_its_head(policy_corpus, assistant) -> None:  # type: ignore[no-untyped-def]
    assert policy_corpus.documents["wuyang-henan-2018"].recipients == "县信用体系建设领导小组各成员单位"
    assert policy_corpus.documents["chaoyang-2020"].recipients.startswith("各县（市）区人民政府")
    answer = assistant.ask("舞阳县那份转发通知是发给哪些单位的？")
    own, forwarded = answer.text.index("各成员单位"), answer.text.index("所转发文件的主送单位")
    assert own < forwarded  # the notice's own recipients first, then those of the plan it forwards


def test_coverage_floor_is_the_lowest_with_only_answerable_questions_above_it() -> None:
    from assistant.policy_qa.answerability import AnswerabilityFeatures, fit_coverage_floor

    def row(
        typed_lexical: float, answerable: bool, uncovered: float = 0.0
    ) -> tuple[AnswerabilityFeatures, bool]:
        return AnswerabilityFeatures(
            1.1, 0.9, typed_lexical, 1.0, 0.1, uncovered, typed_lexical, 0.3
        ), answerable

    rows = [row(0.92, True)] * 12 + [row(0.86, False)] + [row(0.99, False, uncovered=0.4)]
    assert fit_coverage_floor(rows) == 0.9  # 0.85 would take in an unanswerable question
    assert fit_coverage_floor(rows[:5]) == 2.0  # too few questions to trust: never
    model = AnswerabilityModel.load()
    covered = AnswerabilityFeatures(1.3, 0.93, 1.0, 1.0, 0.2, 0.0, 1.0, 0.05)
    assert model.coverage_floor <= 1.0 and model.judge(covered).answerable  # whatever the wording says


def test_the_refusal_share_is_the_largest_whose_held_out_false_refusals_stay_in_budget() -> None:
    from assistant.policy_qa.answerability import (
        FALSE_REFUSAL_BUDGET,
        QUANTILE_GRID,
        AnswerabilityFeatures,
        fit_refusal_share,
    )

    rng = np.random.default_rng(0)

    def row(answerable: bool) -> tuple[AnswerabilityFeatures, bool]:
        score = rng.normal(1.2 if answerable else 1.0, 0.08)
        return AnswerabilityFeatures(score, 0.9, score - 0.5, 1.0, 0.1, 0.3, score - 0.5, 0.5), answerable

    rows = [row(True) for _ in range(200)] + [row(False) for _ in range(80)]
    share = fit_refusal_share(rows, c=1.0)
    # a share refuses about that much of held-out answerable questions too: 0.07 and 0.10 exceed the 5 % budget
    assert share in QUANTILE_GRID and share <= FALSE_REFUSAL_BUDGET


def test_a_set_naming_only_bundled_documents_was_labelled_against_the_bundled_corpus() -> None:
    from assistant.cli.model_cmds import written_for_bundled

    bundled = {"puyang-2020.txt", "wengyuan-2023.txt"}
    assert written_for_bundled([{"docs": ["puyang-2020.txt"]}, {"docs": []}], bundled)
    assert not written_for_bundled([{"docs": ["puyang-2020.txt"]}, {"docs": ["某省社会信用条例.md"]}], bundled)
    assert not written_for_bundled([{"docs": []}], bundled)  # nothing named: not known to be bundled
