"""User-facing Chinese strings that are not built from data."""

GREETING = "您好！我是信用政策问答助手，可以解答信用承诺、信用修复、守信激励和失信惩戒、分级分类监管等政策问题，也可以按统一社会信用代码或企业名称查询主体的信用记录、修复方案和适用措施。"
OUT_OF_SCOPE = "抱歉，这个问题超出了我的范围。我只回答社会信用体系政策（信用承诺、信用修复、联合奖惩、分级分类监管等）和主体信用记录相关的问题。"
EMPTY_QUESTION = "问题不能为空，请输入您要咨询的内容。"
QUESTION_TOO_LONG = "问题过长：最多{limit}字，当前{length}字。请精简后再问。"
NEED_SUBJECT = "请提供企业的统一社会信用代码或完整名称，我再为您查询{what}。"
CANDIDATES = "找到多个名称相近的主体，请确认您要查询的是哪一家（可回复统一社会信用代码）："
INVALID_CODE_HINT = "请核对后重新输入（统一社会信用代码为18位，不含 I、O、S、V、Z）。"
POLICY_HINT = "\n如需按贵单位的实际记录生成个性化修复方案，请提供统一社会信用代码或企业全称。"
ROUTE_WHAT = {"subject_status": "信用状况", "repair_steps": "信用修复方案", "applicable_measures": "适用措施"}
NOT_ON_RECORD = "未找到“{name}”的主体记录：信用信息库中没有这个名称的主体。"
NEAR_CANDIDATES = "名称相近的主体有（如是其中一家，请回复统一社会信用代码）："
CHECK_NAME = "请核对名称，或提供统一社会信用代码后再查。"
