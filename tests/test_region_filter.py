"""The region filter at the service: a separate field that narrows a question naming no place, never overrides a
place the question names (and says so); measures answers render their group headings as blocks of their own."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt  # what rich (a dependency) renders Markdown with; CommonMark like the UI

from assistant.errors import InvalidQuestion
from assistant.models import Answer

NAMES_WENGYUAN = "翁源县的信用承诺书要不要向社会公开？"
NAMES_NO_PLACE = "信用承诺书要不要向社会公开？"


def localities(answer: Answer) -> set[str]:
    return {c.locality for c in answer.citations}


def test_a_place_in_the_question_wins_over_the_filter(assistant) -> None:  # type: ignore[no-untyped-def]
    plain = assistant.ask(NAMES_WENGYUAN)
    filtered = assistant.ask(NAMES_WENGYUAN, region="濮阳")
    assert filtered.region is not None and not filtered.region.applied
    assert "翁源" in filtered.region.note and "濮阳" in filtered.region.note
    assert filtered.text == plain.text and localities(filtered) == localities(plain)
    assert not any("濮阳" in place for place in localities(filtered))


def test_the_filter_narrows_a_question_that_names_no_place(assistant) -> None:  # type: ignore[no-untyped-def]
    wengyuan = assistant.ask(NAMES_NO_PLACE, region="翁源")
    puyang = assistant.ask(NAMES_NO_PLACE, region="濮阳")
    assert wengyuan.region is not None and wengyuan.region.applied and "翁源" in wengyuan.region.note
    assert wengyuan.citations and puyang.citations
    assert not any("濮阳" in place for place in localities(wengyuan))
    assert not any("翁源" in place for place in localities(puyang))


def test_an_unknown_region_is_refused_in_chinese(assistant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidQuestion):
        assistant.ask(NAMES_NO_PLACE, region="不存在的地方")


def test_measure_groups_are_headed_on_their_own_line(assistant) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.category_measures("严重失信", "濮阳")
    html = MarkdownIt("commonmark").render(answer.text)
    assert "<p><strong>失信联合惩戒措施</strong></p>" in html  # a paragraph of its own, not glued to a list item
    assert "<li>" in html
