"""Answer stages added for unseen questions: levels, amounts, mirrored task rows, the wording model."""

from __future__ import annotations

import math

import numpy as np

from assistant.policy_qa.answerability import AnswerabilityModel
from assistant.policy_qa.compose import mirrored_row
from assistant.policy_qa.evidence import Evidence, documents_at_level
from assistant.policy_qa.frame import asked_unit, frame_question, holds_unit, level_of
from assistant.policy_qa.question import asks_amount
from assistant.policy_qa.wording import char_ngrams, fit_wording
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
    clause = next(p for p in passages if p.doc_id == "chaoyang-2020" and "降低重错码率" in p.text and p.kind == "clause")
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

    questions = ["濮阳信用修复怎么办理？", "去年有多少家企业完成修复？", "朝阳由哪个部门牵头？", "手续费多少钱？"] * 3
    labels = [True, False, True, False] * 3
    model, held_out = fit_wording(questions, labels)
    assert len(held_out) == len(questions) and all(0.0 <= p <= 1.0 for p in held_out)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    pipeline = make_pipeline(vectorizer, LogisticRegression(class_weight="balanced", max_iter=2000))
    pipeline.fit(questions, [int(a) for a in labels])
    for probe in ("新北区去年修复了多少家？", "信用修复由谁牵头？", "ABC  xyz"):
        expected = pipeline.predict_proba([probe])[0, 1]
        assert math.isclose(model.probability(probe), expected, rel_tol=1e-9, abs_tol=1e-12)
    assert char_ngrams("Ab  c", 1, 2) == ["a", "b", " ", "c", "ab", "b ", " c"]


def test_shipped_answerability_model_carries_its_wording_model() -> None:
    model = AnswerabilityModel.load()
    assert model.wording is not None and model.scores and model.scores["rows"] > 200
    assert len(model.coef) == len(model.mean) == 9 and np.isfinite(model.threshold)
