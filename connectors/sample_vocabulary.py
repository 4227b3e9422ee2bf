"""Vocabulary of the sample-data generator: the corpus localities, name parts, penalty kinds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Area:
    prefix: str  # how names start
    locality: str  # stored locality, matches the corpus gazetteer
    division: str  # administrative division code (positions 3–8)
    authority: str  # short name of a local enforcement body


AREAS = (
    Area("濮阳市", "河南省濮阳市", "410900", "濮阳市"),
    Area("常州新北区", "江苏省常州市新北区", "320411", "常州市新北区"),
    Area("翁源县", "广东省韶关市翁源县", "440229", "翁源县"),
    Area("舞阳县", "河南省漯河市舞阳县", "411121", "舞阳县"),
    Area("朝阳市", "辽宁省朝阳市", "211300", "朝阳市"),
)
WORDS = [
    "恒达",
    "华科",
    "北方",
    "青云",
    "龙仙",
    "盛源",
    "金诚",
    "鑫源",
    "宏图",
    "瑞丰",
    "永安",
    "东升",
    "兴业",
    "顺达",
    "福临",
    "天成",
    "嘉禾",
    "聚鑫",
    "佳美",
    "博远",
    "启明",
    "新锐",
    "长盛",
    "和泰",
    "富民",
    "万通",
    "汇丰",
    "利民",
    "德信",
    "安康",
]
INDUSTRIES = (
    ("建材", "建材有限公司", "建筑材料"),
    ("粮油", "粮油贸易有限公司", "批发零售"),
    ("茶业", "茶业有限公司", "农产品加工"),
    ("电子", "电子有限公司", "电子制造"),
    ("食品", "食品厂", "食品生产"),
    ("建筑", "建筑工程有限公司", "建筑施工"),
    ("物流", "物流有限公司", "交通运输"),
    ("餐饮", "餐饮管理有限公司", "餐饮服务"),
    ("药房", "大药房有限公司", "药品零售"),
    ("农业", "农业专业合作社", "农业"),
    ("化工", "化工有限公司", "化工"),
    ("环保", "环保科技有限公司", "环保"),
)
PENALTY_TYPES = (
    ("罚款", 0.72),
    ("警告", 0.12),
    ("没收违法所得、罚款", 0.1),
    ("责令停产停业", 0.04),
    ("吊销许可证", 0.02),
)
AUTHORITY_KINDS = ("市场监督管理局", "生态环境局", "税务局", "应急管理局", "住房和城乡建设局", "交通运输局")
FACTS = {
    "一般": ("未按规定公示年度报告", "产品标签标注不规范", "未按规定办理变更登记"),
    "较重": ("销售不合格产品", "未按规定处置危险废物", "违规排放污染物"),
    "严重": ("生产销售假冒伪劣食品", "发生生产安全责任事故", "虚开增值税专用发票"),
}

# Subjects that the development question sets name; they get hand-shaped records.
NAMED_SUBJECTS = (
    ("濮阳市恒达建材有限公司", 0, 0, "serious"),
    ("濮阳市恒达建材销售有限公司", 0, 0, "clean"),
    ("朝阳市北方粮油贸易有限公司", 4, 1, "general_fulfilled"),
    ("翁源县青云茶业有限公司", 2, 2, "heavier_fulfilled"),
    ("常州新北区华科电子有限公司", 1, 3, "trustworthy"),
    ("舞阳县盛源食品厂", 3, 4, "general_open"),
    ("翁源县龙仙建筑工程有限公司", 2, 5, "evaluated"),
)
