"""The Chinese names of everything an eval report shows: metrics, splits, question types, routes, failure codes and
retrieval methods (pure data; the report, the verdicts and the 评测报告 page read them from here).

Raw keys stay the data's own (metrics.json, results.jsonl); a screen shows the label and keeps the key for a tooltip.
"""

from __future__ import annotations

METRIC_LABELS = {
    "questions": "问答题数",
    "qa_questions": "问答题数",
    "strict_pass": "严格通过率",
    "must_include": "要点覆盖率",
    "citation_precision": "引用精确率",
    "refusal_precision": "拒答精确率",
    "refusal_recall": "拒答召回率",
    "refusal_accuracy": "拒答准确率",
    "false_refusal_rate": "误拒率（可答题被拒答）",
    "hybrid_recall@5": "混合检索前5命中率",
    "answer_lead": "要点在答案前150字内",
    "answer_chars_median": "答案长度中位数（字）",
    "routing_questions": "路由题数",
    "routing_accuracy": "路由准确率",
    "subject_accuracy": "主体抽取准确率（完全匹配）",
    "dialog_conversations": "多轮对话数",
    "dialog_turns": "对话轮数",
    "dialog_route_accuracy": "对话逐轮路由准确率",
    "dialog_subject_accuracy": "对话逐轮主体准确率",
    "dialog_both_accuracy": "对话逐轮路由与主体均正确",
    "dialog_conversation_accuracy": "整段对话全部正确",
    "latency_p50": "时延中位数（秒）",
    "latency_p95": "时延95分位（秒）",
    "recall@1": "前1命中率",
    "recall@3": "前3命中率",
    "recall@5": "前5命中率",
    "recall@10": "前10命中率",
    "mrr@10": "平均倒数排名（前10）",
    "p50": "中位数",
    "p95": "95分位",
    "mean": "平均",
    "max": "最大",
    "min": "最小",
}
SPLIT_LABELS = {"tune": "调优组", "check": "核验组", "all": "全部"}
TYPE_LABELS = {
    "procedure": "办理流程",
    "fact": "事实",
    "list": "列举",
    "deadline_or_number": "期限与数字",
    "who_is_responsible": "责任单位",
    "doc_meta": "文件信息",
    "compare_localities": "地区对比",
    "multi_part": "多问",
    "unanswerable": "不可回答",
}
KIND_LABELS = {"qa": "问答题", "routing": "路由题", "dialog": "多轮对话"}
ROUTE_LABELS = {
    "policy_qa": "政策问答",
    "subject_status": "主体信用状况",
    "repair_steps": "信用修复方案",
    "applicable_measures": "适用措施",
    "chitchat": "寒暄",
    "out_of_scope": "超出范围",
}
FAILURE_LABELS = {
    "missing_terms": "缺少要点",
    "refused": "误拒答",
    "not_refused": "应拒答未拒答",
    "wrong_route": "路由错误",
    "wrong_subject": "主体错误",
}
METHOD_LABELS = {
    "bm25": "关键词检索（BM25）",
    "dense": "向量检索",
    "hybrid": "混合检索",
    "langchain_faiss": "LangChain+FAISS 基线",
}
LATENCY_LABELS = {"qa": "问答题", "routing": "路由题", "dialog": "对话轮", "all": "全部"}


def metric_label(key: str) -> str:
    return METRIC_LABELS.get(key, key)


def route_label(route: str | None) -> str:
    return ROUTE_LABELS.get(route or "", route or "（无）")


def type_label(kind: str) -> str:
    return TYPE_LABELS.get(kind, KIND_LABELS.get(kind, kind))


def method_label(method: str) -> str:
    return METHOD_LABELS.get(method, method)


def split_label(split: str) -> str:
    return SPLIT_LABELS.get(split, split)
