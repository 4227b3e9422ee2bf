"""Deterministic sample records across the corpus localities (seeded; same seed, same data)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from connectors.person_ids import PersonKeys, mask_person_id
from connectors.sample_vocabulary import (
    AREAS,
    AUTHORITY_KINDS,
    FACTS,
    INDUSTRIES,
    NAMED_SUBJECTS,
    PENALTY_TYPES,
    WORDS,
    Area,
)
from connectors.uscc import CHARSET, make_uscc


def _org_body(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "MA" + "".join(rng.choice(chars) for _ in range(6))
    return body if all(c in CHARSET for c in body) else _org_body(rng)


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


@dataclass(slots=True)
class SampleData:
    subjects: list[dict]
    penalties: list[dict]
    list_entries: list[dict]
    evaluations: list[dict]
    commitments: list[dict]
    repairs: list[dict]


class SampleGenerator:
    def __init__(
        self, seed: int = 20201, today: dt.date = dt.date(2026, 11, 1), person_keys: PersonKeys | None = None
    ) -> None:
        self.rng = random.Random(seed)
        self.person_keys = person_keys or PersonKeys()
        self.today = today
        self.used_codes: set[str] = set()
        self.used_names: set[str] = set()
        self.decision_serial = 0

    def _code(self, area: Area, entity_type: str) -> str:
        while True:
            code = make_uscc("9", entity_type, area.division, _org_body(self.rng))
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def subject(self, name: str, area: Area, industry: tuple[str, str, str]) -> dict:
        person = self.rng.random() < 0.04 and not name.endswith(("公司", "合作社"))
        entity_type = "2" if industry[1] == "食品厂" else "3" if "合作社" in industry[1] else "1"
        row = {
            "name": name,
            "kind": "个体工商户" if entity_type == "2" else "非法人组织" if entity_type == "3" else "法人",
            "locality": area.locality,
            "industry": industry[2],
            "legal_representative": self.rng.choice("王李张刘陈杨赵黄周吴")
            + self.rng.choice("伟芳娜敏静丽强磊军洋勇艳杰"),
        }
        if person:
            person_id = f"{area.division}19{self.rng.randrange(60, 99)}{self.rng.randrange(1, 12):02d}{self.rng.randrange(1, 28):02d}{self.rng.randrange(1000, 9999)}"
            return {
                **row,
                "kind": "自然人",
                "uscc": None,
                "person_key": self.person_keys.key(person_id),
                "person_id_masked": mask_person_id(person_id),
            }
        return {**row, "uscc": self._code(area, entity_type), "person_key": None, "person_id_masked": None}

    def penalty(
        self, key: str, area: Area, severity: str, fulfilled: bool, date: dt.date | None = None
    ) -> dict:
        self.decision_serial += 1
        date = date or _date(self.rng, dt.date(2019, 1, 1), self.today)
        kind = self.rng.choices([p for p, _ in PENALTY_TYPES], [w for _, w in PENALTY_TYPES])[0]
        authority = area.authority + self.rng.choice(AUTHORITY_KINDS)
        amount = {"一般": 5000, "较重": 50000, "严重": 300000}[severity] * (0.5 + self.rng.random())
        return {
            "subject_key": key,
            "decision_number": f"{area.authority[:2]}罚〔{date.year}〕{self.decision_serial}号",
            "authority": authority,
            "decision_date": date,
            "facts": self.rng.choice(FACTS[severity]),
            "basis": "依据相关法律法规",
            "penalty_type": kind,
            "fine_amount": round(amount, 2) if "罚款" in kind else None,
            "severity": severity,
            "procedure": "简易程序" if kind == "警告" and severity == "一般" else "普通程序",
            "fulfilled_on": min(date + dt.timedelta(days=self.rng.randrange(10, 90)), self.today)
            if fulfilled
            else None,
        }

    def _shaped(self, kind: str, key: str, area: Area, data: SampleData) -> None:
        d = dt.date
        if kind == "serious":
            p = self.penalty(key, area, "严重", True, d(2024, 8, 15))
            data.penalties.append(p)
            data.list_entries.append(self._list(key, "严重失信主体名单", area, d(2024, 10, 8), p["facts"]))
            data.evaluations.append(self._evaluation(key, area, "D", d(2026, 6, 30)))
            data.commitments.append(self._commitment(key, "信用修复型", d(2025, 3, 1), "履行中"))
        elif kind == "general_fulfilled":
            data.penalties.append(self.penalty(key, area, "一般", True, d(2026, 3, 10)))
            data.penalties.append(self.penalty(key, area, "一般", True, d(2020, 5, 6)))
            data.evaluations.append(self._evaluation(key, area, "B", d(2026, 6, 30)))
        elif kind == "heavier_fulfilled":
            data.penalties.append(self.penalty(key, area, "较重", True, d(2026, 2, 20)))
            data.evaluations.append(self._evaluation(key, area, "C", d(2026, 6, 30)))
        elif kind == "trustworthy":
            data.list_entries.append(
                self._list(key, "守信联合激励对象", area, d(2025, 12, 1), "连续三年无不良信用记录")
            )
            data.evaluations.append(self._evaluation(key, area, "A", d(2026, 6, 30)))
            data.commitments.append(self._commitment(key, "主动型", d(2024, 4, 1), "已履行"))
        elif kind == "general_open":
            data.penalties.append(self.penalty(key, area, "一般", False, d(2026, 9, 1)))
            data.evaluations.append(self._evaluation(key, area, "B", d(2026, 6, 30)))
        elif kind == "evaluated":
            data.evaluations.append(self._evaluation(key, area, "B", d(2025, 6, 30)))
            data.evaluations.append(self._evaluation(key, area, "A", d(2026, 6, 30)))
            data.commitments.append(self._commitment(key, "审批替代型", d(2026, 1, 15), "已履行"))
        else:
            data.evaluations.append(self._evaluation(key, area, "B", d(2026, 6, 30)))

    def _list(self, key: str, list_type: str, area: Area, date_in: dt.date, reason: str) -> dict:
        authority = area.authority + ("人民法院" if list_type == "失信被执行人" else "发展和改革委员会")
        return {
            "subject_key": key,
            "list_type": list_type,
            "authority": authority,
            "date_in": date_in,
            "reason": reason,
            "date_out": None,
        }

    def _evaluation(self, key: str, area: Area, grade: str, date: dt.date) -> dict:
        level = {"A": "A类（低风险）", "B": "B类（一般风险）", "C": "C类（较高风险）", "D": "D类（高风险）"}[
            grade
        ]
        return {
            "subject_key": key,
            "evaluator": area.authority + "公共信用信息平台",
            "grade": grade,
            "supervision_level": level,
            "evaluated_on": date,
        }

    def _commitment(self, key: str, kind: str, date: dt.date, status: str) -> dict:
        return {
            "subject_key": key,
            "kind": kind,
            "matter": f"{kind}信用承诺",
            "committed_on": date,
            "status": status,
        }

    def _random_records(self, key: str, area: Area, data: SampleData) -> None:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3], [60, 25, 10, 5])[0]
        penalties = [
            self.penalty(key, area, rng.choices(["一般", "较重", "严重"], [70, 22, 8])[0], rng.random() < 0.8)
            for _ in range(count)
        ]
        data.penalties += penalties
        for p in penalties:
            if p["severity"] == "严重" and rng.random() < 0.5:
                data.list_entries.append(
                    self._list(
                        key, "严重失信主体名单", area, p["decision_date"] + dt.timedelta(days=30), p["facts"]
                    )
                )
            if (
                p["fulfilled_on"]
                and rng.random() < 0.3
                and p["decision_date"] < self.today - dt.timedelta(days=120)
            ):
                applied = p["fulfilled_on"] + dt.timedelta(days=rng.randrange(90, 200))
                if applied < self.today:
                    status = rng.choice(["已修复", "已修复", "受理中", "未通过"])
                    decided = (
                        applied + dt.timedelta(days=rng.randrange(3, 15)) if status != "受理中" else None
                    )
                    data.repairs.append(
                        {
                            "subject_key": key,
                            "target": p["decision_number"],
                            "status": status,
                            "applied_on": applied,
                            "decided_on": decided,
                        }
                    )
        if rng.random() < 0.03:
            data.list_entries.append(
                self._list(
                    key,
                    "失信被执行人",
                    area,
                    _date(rng, dt.date(2020, 1, 1), self.today),
                    "未履行生效法律文书确定的义务",
                )
            )
        if area.prefix in ("朝阳市", "常州新北区") and rng.random() < 0.05:
            data.list_entries.append(
                self._list(
                    key,
                    "重点关注对象名单",
                    area,
                    _date(rng, dt.date(2021, 1, 1), self.today),
                    "存在失信行为但尚未达到严重失信认定标准",
                )
            )
        grade = (
            "A"
            if not penalties and rng.random() < 0.35
            else rng.choices("BCD", [60, 30, 10])[0]
            if penalties
            else "B"
        )
        data.evaluations.append(self._evaluation(key, area, grade, dt.date(2026, 6, 30)))
        if grade == "A" and rng.random() < 0.3:
            data.list_entries.append(
                self._list(
                    key, "守信联合激励对象", area, _date(rng, dt.date(2022, 1, 1), self.today), "信用状况良好"
                )
            )
        for _ in range(rng.choices([0, 1, 2], [60, 30, 10])[0]):
            kind = rng.choice(["审批替代型", "证明事项型", "信用修复型", "行业自律型", "主动型"])
            data.commitments.append(
                self._commitment(
                    key,
                    kind,
                    _date(rng, dt.date(2020, 1, 1), self.today),
                    rng.choices(["履行中", "已履行", "违诺"], [30, 62, 8])[0],
                )
            )

    def _random_name(self, area: Area, industry: tuple[str, str, str]) -> str:
        while True:
            name = area.prefix + self.rng.choice(WORDS) + self.rng.choice(WORDS)[0] + industry[1]
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def generate(self, subjects: int = 2000, named: bool = True) -> SampleData:
        data = SampleData([], [], [], [], [], [])
        if named:
            for name, area_index, industry_index, shape in NAMED_SUBJECTS:
                area, industry = AREAS[area_index], INDUSTRIES[industry_index]
                row = self.subject(name, area, industry)
                row.update(uscc=row["uscc"] or self._code(area, "1"), person_key=None, person_id_masked=None)
                self.used_names.add(name)
                data.subjects.append(row)
                self._shaped(shape, row["uscc"], area, data)
        while len(data.subjects) < subjects:
            area, industry = self.rng.choice(AREAS), self.rng.choice(INDUSTRIES)
            row = self.subject(self._random_name(area, industry), area, industry)
            data.subjects.append(row)
            self._random_records(row["uscc"] or row["person_key"], area, data)
        return data

    def iter_subject_batches(self, subjects: int, batch: int = 10_000) -> Iterator[list[dict]]:
        """Scale mode: subjects only, in batches, for benchmarks (names may repeat)."""
        produced = 0
        while produced < subjects:
            size = min(batch, subjects - produced)
            rows = []
            for _ in range(size):
                area, industry = self.rng.choice(AREAS), self.rng.choice(INDUSTRIES)
                name = (
                    area.prefix
                    + self.rng.choice(WORDS)
                    + self.rng.choice(WORDS)
                    + f"{self.rng.randrange(10000)}"
                    + industry[1]
                )
                rows.append(self.subject(name, area, industry))
            produced += size
            yield rows
