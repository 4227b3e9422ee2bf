"""Optional LLM phrasing of policy answers, checked against the passages it cites.

The model sees the extractive answer's passages, must cite them as [n], and every sentence it
writes must be supported by the passages it cites; otherwise the extractive answer stands.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from assistant.models import Answer, Citation

SYSTEM_PROMPT = (
    "你是社会信用政策问答助手。只能依据下面编号的政策条文回答，不得编造。"
    "每句话末尾用[编号]标注所依据的条文；条文没有涉及的内容，回答“现有政策文件未涉及”。用简洁的中文回答。"
)
_CITATION = re.compile(r"\[(\d+)\]")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?(?:\[\d+\])*")
MIN_SUPPORT = 0.6


def build_messages(question: str, citations: list[Citation]) -> list[tuple[str, str]]:
    passages = "\n".join(
        f"[{c.number}] {c.title}（{c.doc_number}）{c.section_path}：{c.passage}" for c in citations
    )
    return [("system", SYSTEM_PROMPT), ("human", f"政策条文：\n{passages}\n\n问题：{question}")]


def bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if "\u4e00" <= ch <= "\u9fff" or ch.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def supported(sentence: str, sources: list[str]) -> bool:
    """Share of the sentence's character bigrams found in the cited passages."""
    grams = bigrams(_CITATION.sub("", sentence))
    if not grams:
        return True
    pool = set().union(*(bigrams(s) for s in sources))
    return len(grams & pool) / len(grams) >= MIN_SUPPORT


def check_answer(text: str, citations: list[Citation]) -> bool:
    """Every sentence cites existing passages and is supported by them."""
    by_number = {c.number: c for c in citations}
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if not sentences:
        return False
    for sentence in sentences:
        numbers = [int(n) for n in _CITATION.findall(sentence)]
        if not numbers or any(n not in by_number for n in numbers):
            return False
        if not supported(sentence, [by_number[n].passage for n in numbers]):
            return False
    return True


def llm_answer(chat_model: Any, question: str, extractive: Answer) -> Answer | None:
    """The model's answer when it passes the checks; None means: keep the extractive answer."""
    if not extractive.citations:
        return None
    try:
        reply = chat_model.invoke(build_messages(question, extractive.citations))
    except Exception:  # any transport or model error falls back to the extractive answer
        return None
    text = str(getattr(reply, "content", reply)).strip()
    if "未涉及" in text or not check_answer(text, extractive.citations):
        return None
    return extractive.model_copy(update={"text": text})


def create_chat_model(base_url: str, model: str, api_key: str) -> Any:
    """An OpenAI-compatible chat model (e.g. local vLLM/Ollama serving Qwen); needs the `llm` extra."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=base_url, model=model, api_key=api_key, temperature=0)
