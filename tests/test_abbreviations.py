"""A question's abbreviations of the corpus's terms are read as those terms (written before looking at
any answer; the vocabulary is made up here)."""

from indexes.abbreviations import AbbreviationIndex

VOCABULARY = {"年度报告": 5, "年度": 9, "报告": 12, "人民银行": 3, "人民": 20, "年度报送": 1, "信用": 40}


def test_an_abbreviation_the_corpus_never_uses_is_read_as_the_most_frequent_word_it_shortens() -> None:
    index = AbbreviationIndex(VOCABULARY)
    assert index.expansion("年报") == "年度报告"
    assert index.expansion("人行") == "人民银行"


def test_a_word_the_corpus_uses_is_never_re_read() -> None:
    assert AbbreviationIndex(VOCABULARY).expansion("信用") is None


def test_a_word_whose_characters_do_not_occur_in_order_is_not_expanded() -> None:
    index = AbbreviationIndex(VOCABULARY)
    assert index.expansion("报年") is None
    assert index.expansion("税务") is None


def test_expand_keeps_the_tokens_and_adds_each_expansion_once() -> None:
    assert AbbreviationIndex(VOCABULARY).expand(["企业", "年报", "年报"]) == ["企业", "年报", "年报", "年度报告"]
