"""Policy QA: retrieve, then compose a cited answer — or say the documents do not cover it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.citations import CitationList
from assistant.models import Answer
from assistant.policy_qa.compose import ScoredSentence, lexical_overlap, pick_sentences, score_sentences
from assistant.policy_qa.question import QuestionShape, shape_of
from corpus import DocumentMeta
from indexes import Hit, HybridRetriever, SearchFilter, locality_matches
from indexes.tokenizer import ChineseTokenizer

# Everyday nouns users write that the documents phrase differently (企业/市场主体); never an unknown topic.
GENERIC_NOUNS = frozenset(
    [
        "公司",
        "企业",
        "单位",
        "记录",
        "事情",
        "情况",
        "东西",
        "时候",
        "问题",
        "办法",
        "老板",
        "部门",
        "政府",
        "网站",
        "地方",
        "方面",
        "类型",
    ]
)
INTERROGATIVES = ("哪", "什么", "怎么", "多", "几")  # 哪些地方, 多长时间, 几个部门 …
METADATA_WORDS = (
    "哪个部门发",
    "哪个单位发",
    "谁发的",
    "发文单位",
    "发文机关",
    "印发单位",
    "文号",
    "哪年发",
    "什么时候发布",
    "什么时候印发",
    "发布时间",
    "印发时间",
    "成文日期",
)
TABLE_ROW = re.compile(r"第\s*(\d{1,3})\s*(项|条|行)")
REFUSAL = "现有政策文件未涉及“{topic}”的具体规定，无法据此作答。以下是最相关的条文，供参考："


@dataclass
class PolicyQA:
    retriever: HybridRetriever
    documents: dict[str, DocumentMeta]
    idf: dict[str, float]
    top_k: int = 5
    support_threshold: float = 1.0
    # With a noun the corpus never uses, demand more support (dev: lowest answerable score is 1.117).
    unknown_topic_threshold: float = 1.11

    @property
    def tokenizer(self) -> ChineseTokenizer:
        return self.retriever.tokenizer

    def search(self, question: str, locality: str | None = None) -> list[Hit]:
        hits = self.retriever.search(
            question, self.top_k, filters=SearchFilter(locality=locality) if locality else None
        )
        return hits or self.retriever.search(question, self.top_k)

    def answer(self, question: str, locality: str | None = None) -> Answer:
        shape = shape_of(question)
        if shape.compare:
            return self.compare(question, shape)
        if locality is None and len(shape.localities) == 1:
            locality = shape.localities[0]
        table_row = self.table_row_answer(question, locality)
        if table_row is not None:
            return table_row
        if any(word in question for word in METADATA_WORDS):
            about = self.metadata_answer(question, locality)
            if about is not None:
                return about
        hits = self.search(question, locality)
        scored = score_sentences(question, hits, self.retriever.encoder, self.tokenizer, self.idf)
        refusal = self.refusal_reason(question, shape, hits, scored)
        if refusal:
            return self.refuse(question, hits, refusal)
        citations = CitationList(self.documents)
        if shape.who:
            who = self.who_answer(question, scored, citations)
            if who:
                return Answer(text=who, route="policy_qa", citations=citations.items)
        picked = pick_sentences(scored, shape)
        lines = [self.cited_line(s, citations) for s in picked]
        return Answer(text="\n".join(lines), route="policy_qa", citations=citations.items)

    def cited_line(self, sentence: ScoredSentence, citations: CitationList) -> str:
        number = citations.cite(sentence.hit.passage, sentence.text)
        doc = sentence.hit.document
        return (
            f"根据{doc.locality.label}《{short_title(doc)}》（{doc.doc_number}）：{sentence.text}[{number}]"
        )

    def refusal_reason(
        self, question: str, shape: QuestionShape, hits: list[Hit], scored: list[ScoredSentence]
    ) -> str | None:
        if not hits or not scored:
            return "没有检索到相关条文"
        texts = "".join(h.passage.text for h in hits) + "".join(
            f"{h.document.title}{h.document.doc_number}{h.document.date or ''}{h.document.year or ''}"
            for h in hits
        )
        missing_years = [y for y in shape.years if y not in texts]
        if missing_years:
            return f"文件中没有关于{'、'.join(missing_years)}年的内容"
        if not pick_sentences(scored, shape):
            return "相关条文中没有问题所问的数量、期限或金额"
        if scored[0].score < self.support_threshold:
            return "相关条文与问题的匹配度过低"
        unknown = self.unknown_nouns(question)
        if unknown and (shape.quantity or shape.money or scored[0].score < self.unknown_topic_threshold):
            return f"文件中没有出现“{'、'.join(unknown)}”"
        return None

    def unknown_nouns(self, question: str) -> list[str]:
        """Nouns of the question that no passage uses and no domain synonym maps to corpus terms."""
        synonyms, generic = self.tokenizer.synonyms, self.tokenizer.stopwords | GENERIC_NOUNS
        return [
            noun
            for noun in self.tokenizer.content_nouns(question)
            if noun not in self.idf
            and noun not in generic
            and not noun.startswith(INTERROGATIVES)
            and not any(word in noun for word in synonyms)
        ]

    def refuse(self, question: str, hits: list[Hit], reason: str) -> Answer:
        related = CitationList(self.documents)
        for hit in hits[:3]:
            related.cite(hit.passage)
        topic = question.strip("？?。 ")
        text = REFUSAL.format(topic=topic) + f"（{reason}）"
        return Answer(text=text, route="policy_qa", refused=True, related=related.items)

    def who_answer(self, question: str, scored: list[ScoredSentence], citations: CitationList) -> str | None:
        """Lead and responsible units of the clause that names them and whose title fits the question best."""
        tokens = self.tokenizer.expand_query(question)
        with_units = [s for s in scored[:10] if s.hit.passage.lead_units or s.hit.passage.responsible_units]
        if not with_units:
            return None

        def fit(sentence: ScoredSentence) -> float:
            title = sentence.hit.passage.section_path[-1] if sentence.hit.passage.section_path else ""
            return sentence.score + 0.5 * lexical_overlap(tokens, title, self.idf)

        best = max(with_units, key=fit)
        passage, doc = best.hit.passage, best.hit.document
        parts = []
        if passage.lead_units:
            parts.append("牵头单位：" + "、".join(passage.lead_units))
        if passage.responsible_units:
            parts.append("责任单位：" + "、".join(passage.responsible_units))
        number = citations.cite(passage, best.text)
        title = passage.section_path[-1] if passage.section_path else passage.section_label
        return (
            f"根据{doc.locality.label}《{short_title(doc)}》（{doc.doc_number}）“{title}”一条："
            f"{'；'.join(parts)}[{number}]"
        )

    def metadata_answer(self, question: str, locality: str | None) -> Answer | None:
        """Who issued a document, its 文号 and date — from the document's own header."""
        documents = [d for d in self.documents.values() if locality and locality_matches(locality, d)]
        if not documents:
            hits = self.retriever.search(question, 1)
            documents = [hits[0].document] if hits else []
        citations = CitationList(self.documents)
        lines = []
        for doc in documents:
            first = next((p for p in self.retriever.passages if p.doc_id == doc.doc_id), None)
            if first is None:
                continue
            number = citations.cite(first, first.text.split("\n")[0])
            numbers = "、".join(doc.doc_numbers) or "未载明文号"
            when = doc.date or (f"{doc.year}年" if doc.year else "未载明日期")
            lines.append(
                f"《{short_title(doc)}》：文号 {numbers}，由{doc.issuer or '（未载明）'}印发，日期 {when}（{doc.locality.label}）[{number}]"
            )
        if not lines:
            return None
        return Answer(text="\n".join(lines), route="policy_qa", citations=citations.items)

    def table_row_answer(self, question: str, locality: str | None) -> Answer | None:
        """“任务清单第26项”: the numbered row of a task table, quoted whole."""
        match = TABLE_ROW.search(question)
        if not match or "清单" not in question:
            return None
        suffix = f"#T{int(match.group(1)):03d}"
        rows = [
            p for p in self.retriever.passages
            if p.passage_id.endswith(suffix) and (not locality or locality_matches(locality, self.documents[p.doc_id]))
        ]  # fmt: skip
        if not rows:
            return None
        citations = CitationList(self.documents)
        lines = []
        for row in rows:
            doc = self.documents[row.doc_id]
            units = "、".join((*row.lead_units, *row.responsible_units))
            number = citations.cite(row)
            lines.append(
                f"{doc.locality.label}《{short_title(doc)}》{row.section_label}：{row.text}（责任单位：{units}）[{number}]"
            )
        return Answer(text="\n".join(lines), route="policy_qa", citations=citations.items)

    def compare(self, question: str, shape: QuestionShape) -> Answer:
        """Answer per locality side by side."""
        citations = CitationList(self.documents)
        lines: list[str] = []
        for locality in shape.localities:
            hits = self.retriever.search(question, self.top_k, filters=SearchFilter(locality=locality))
            scored = score_sentences(question, hits, self.retriever.encoder, self.tokenizer, self.idf)
            picked = pick_sentences(scored, shape)
            if picked:
                lines.append(f"**{locality}**：" + self.cited_line(picked[0], citations))
            else:
                lines.append(f"**{locality}**：现有文件未涉及。")
        return Answer(text="\n".join(lines), route="policy_qa", citations=citations.items)


def short_title(doc: DocumentMeta) -> str:
    """The name of the issued document: unwraps 《…》, 印发/转发 … 的通知 (also nested ones)."""
    title = doc.title
    while True:
        before = title
        if "《" in title and "》" in title:
            title = title[title.index("《") + 1 : title.rindex("》")]
        for verb in ("印发", "转发"):
            if verb in title:
                title = title.split(verb, 1)[1]
        title = title.removesuffix("的通知") if title != "的通知" else title
        if title == before:
            return title or doc.title
