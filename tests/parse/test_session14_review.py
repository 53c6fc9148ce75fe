"""A review of the fourteenth session's later rules: a helper in its own worktree wrote
short texts in the style of the templates to break them (no real report is copied here).
Each case holds the value a careful labeller gives; each failed on the rule before its mend
or pins what the mend must keep."""

from __future__ import annotations

import pytest

import fiscal_eval
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


CASES = [
    # rule 1: Total stated first (1.县财政共安排资金500万元), its parts listed as later items summing to
    ("甲县农村公路养护专项资金绩效自评报告\n"
     "一、项目基本情况\n"
     "(二)资金安排\n"
     "1.县财政共安排资金500万元。\n"
     "2.其中:路面修补安排300万元。\n"
     "3.桥涵维护安排200万元。\n",
     "budget_yuan", 5000000.0),
    # rule 1: A closing 合计 500 that does close the list, but the results section later restate
    ("甲县农村公路养护专项资金绩效自评报告\n"
     "一、项目基本情况\n"
     "(二)资金安排\n"
     "1、日常养护安排资金300万元;2、应急抢险安排资金200万元,合计安排资金500万元。\n"
     "二、绩效目标完成情况\n"
     "1、日常养护:安排资金300万元,完成养护里程320公里。\n"
     "2、应急抢险:安排资金200万元,处置险情12处。\n",
     "budget_yuan", 5000000.0),
    # rule 1: Closing 合计 500 after the list; the 存在问题 section repeats one item (应急抢险安排资金200万元偏
    ("甲县农村公路养护专项资金绩效自评报告\n"
     "一、项目基本情况\n"
     "(二)资金安排\n"
     "1、日常养护安排资金300万元;2、应急抢险安排资金200万元,合计安排资金500万元。\n"
     "二、存在问题\n"
     "1、应急抢险安排资金200万元偏少,难以满足需要。\n",
     "budget_yuan", 5000000.0),
    # rule 3: A real unit (县委党史研究室, 7 chars ending 室) in a 主管部门 field is rejected as a divisio
    ("2023年度党史资料征编项目绩效自评报告\n"
     "项目名称:党史资料征编项目\n"
     "主管部门:县委党史研究室\n"
     "一、项目基本情况\n"
     "本项目年初预算资金20万元,全年支出19.5万元。\n",
     "agency", '县委党史研究室'),
    # rule 3: A county government office with its place (叶县政府办公室, 7 chars) matches 2–6 chars +
    ("2023年度道路养护项目绩效自评报告\n"
     "项目名称:道路养护项目\n"
     "主管部门:叶县政府办公室\n"
     "一、项目基本情况\n"
     "本项目年初预算资金20万元,全年支出19.5万元。\n",
     "agency", '叶县政府办公室'),
    # rule 3: A 公路管理处 with its county (7 chars) — the very unit _SECTION's comment says a 处 ma
    ("2023年度道路养护项目绩效自评报告\n"
     "项目名称:道路养护项目\n"
     "主管部门:泾县公路管理处\n"
     "一、项目基本情况\n"
     "本项目年初预算资金20万元,全年支出19.5万元。\n",
     "agency", '泾县公路管理处'),
    # rule 3: 市河道管理处 is a budget unit (a 管理处), level-named; rejected as a division.
    ("2023年度党史资料征编项目绩效自评报告\n"
     "项目名称:党史资料征编项目\n"
     "主管部门:市河道管理处\n"
     "一、项目基本情况\n"
     "本项目年初预算资金20万元,全年支出19.5万元。\n",
     "agency", '市河道管理处'),
    # rule 4: An earlier external evaluation told as background (县财政局委托第三方…对我局2023年度项目支出开展了重点绩
    ("甲县农业农村局部门整体支出绩效自评报告\n"
     "根据县财政局要求,我局开展了2024年度部门整体支出绩效自评。\n"
     "一、部门概况\n"
     "2023年县财政局委托第三方机构对我局2023年度项目支出开展了重点绩效评价,提出的问题已"
     "于2024年完成整改。\n",
     "year", 2024),
    # rule 4: A plan in 下一步工作 (将对本单位2025年度拟新增…项目开展事前绩效评估和评价) becomes the year evaluated.
    ("甲县农业农村局部门整体支出绩效自评报告\n"
     "根据县财政局要求,我局开展了2024年度部门整体支出绩效自评工作。\n"
     "一、部门概况\n"
     "我局共有在职人员45人。\n"
     "五、下一步工作\n"
     "我局将对本单位2025年度拟新增的重大政策和项目开展事前绩效评估和评价。\n",
     "year", 2024),
    # rule 4: Scope note '对本单位2022年度以前结转…一并进行了评价': a cut-off year read as the year evaluated.
    ("甲县农业农村局部门整体支出绩效自评报告\n"
     "根据县财政局要求,我局开展了2024年度部门整体支出绩效自评工作。\n"
     "一、自评范围\n"
     "本次自评还对本单位2022年度以前结转至今的项目资金一并进行了评价。\n",
     "year", 2024),
    # rule 4: A form with 项目年度:2024年 and a paragraph on a prior 重点评价 (对我局2022年实施的同类项目): the ne
    ("项目支出绩效自评报告\n"
     "项目名称:农村人居环境整治项目\n"
     "项目年度:2024年\n"
     "一、项目概况\n"
     "2023年市财政局对我局2022年实施的同类项目开展了重点评价,本年度已按评价意见整改。\n",
     "year", 2024),
    # rule 5: One long sentence: 下达…500万元(文号), what it is for and how it is distributed, then
    ("甲县农村公路养护专项资金绩效自评报告\n"
     "一、项目基本情况\n"
     "2023年省财政厅下达我县农村公路养护补助资金500万元(甲财建〔2023〕45号),主要"
     "用于全县12个乡镇共计326公里农村公路的日常养护、路面坑槽修补、边沟清理、桥涵维护、安全"
     "防护设施完善以及汛期水毁路段的应急抢修,资金按照《甲县农村公路养护资金管理办法》规定的分配"
     "因素和标准测算分配到各乡镇,由各乡镇人民政府负责组织实施并接受县交通运输局的监督检查,截至"
     "2023年12月31日,上述资金已全部拨付到位。\n",
     "available_yuan", 5000000.0),
    # rule 5: Allocation, then the documents the county followed (两个《…》(文号)), then 资金已全部到位 at
    ("甲县农村公路养护专项资金绩效自评报告\n"
     "一、项目基本情况\n"
     "2023年省财政厅通过《关于下达2023年农村公路养护补助资金的通知》(甲财建〔2023〕"
     "45号)下达我县资金500万元,县财政局收到资金后按照《关于印发甲县农村公路养护资金管理办"
     "法的通知》(甲财建〔2021〕12号)和《关于进一步加强农村公路养护资金监管的通知》(甲交"
     "〔2022〕8号)要求,会同县交通运输局及时将资金分解下达至各乡镇和养护站,资金已全部到位"
     "。\n",
     "available_yuan", 5000000.0),
    # rule 5: Allocation, then a run of outputs (公里、平方米、座、处, rates) in one sentence, ending 资金
    ("甲县农村公路养护专项资金绩效自评报告\n"
     "一、项目基本情况\n"
     "2023年省级下达我县农村公路养护资金500万元,用于全县县道85公里、乡道126公里、村"
     "道115公里共326公里农村公路的日常养护,完成路面坑槽修补1.2万平方米、边沟清理86公"
     "里、桥涵维护23座、安全防护设施完善14处、水毁路段抢修9处,养护覆盖率达到100%,优良"
     "中等路率达到82%,群众满意度达到95%,资金到位率100%。\n",
     "available_yuan", 5000000.0),
    # rule 6: Two funds joined by 和 (奖励扶助金和特别扶助金) become one name; the same title with …扶助资金和…
    ("关于2023年度农村计划生育家庭奖励扶助金和特别扶助金绩效自评报告\n"
     "一、项目基本情况\n",
     "project_name", None),
    # rule 6: A verb phrase ending 救济金 (冬春临时生活困难群众发放救济金) is taken as the fund's name, 发放 and a
    ("甲县民政局关于2023年度冬春临时生活困难群众发放救济金绩效评价报告\n"
     "一、项目基本情况\n",
     "project_name", None),
    # rule 7: A grading scale in 评价方法 (评价分数为90分(含)以上的为优) is a rank-2 score beside 自评得分92分: the
    ("甲县图书馆总分馆建设项目绩效自评报告\n"
     "一、评价方法\n"
     "本次评价采用百分制,评价分数为90分(含)以上的为优,80分至90分为良。\n"
     "二、评价结论\n"
     "经自评,本项目自评得分92分,等级为优。\n",
     "score", 92.0),
    # rule 7: The scale alone (评价分数是90分(含)以上的为优): the threshold 90 becomes the report's score.
    ("甲县图书馆总分馆建设项目绩效自评报告\n"
     "一、评价方法\n"
     "评分采用百分制,评价分数是90分(含)以上的为优。\n"
     "二、评价结论\n"
     "综合评定等级为优。\n",
     "score", None),
    # rule 7: A satisfaction survey's result (满意度调查分数为95分) is read as the report's score.
    ("甲县图书馆总分馆建设项目绩效自评报告\n"
     "二、效益情况\n"
     "开展读者满意度问卷调查,满意度调查分数为95分。\n"
     "三、评价结论\n"
     "综合评定等级为优。\n",
     "score", None),
    # rule 7: A training exam's average (考试平均分数为86分) conflicts with 自评得分92分: lost.
    ("甲县图书馆总分馆建设项目绩效自评报告\n"
     "一、产出指标完成情况\n"
     "组织业务培训3期,参训人员考试平均分数为86分。\n"
     "二、评价结论\n"
     "自评得分92分。\n",
     "score", 92.0),
    # rule 7: Part subtotals written 项目决策得分合计18分… (no 指标 word) are rank-1 totals like 总得分93分:
    ("甲县图书馆总分馆建设项目绩效自评报告\n"
     "二、评价结论\n"
     "项目决策得分合计18分,项目过程得分合计19分,项目产出得分合计36分,项目效益得分合计2"
     "0分,总得分93分,等级为优。\n",
     "score", 93.0),
    # rule 7: A part's subtotal alone (本项目产出部分得分合计45分) becomes the report's score.
    ("甲县图书馆总分馆建设项目绩效自评报告\n"
     "二、指标完成情况\n"
     "本项目产出部分得分合计45分,各项产出均按期完成。\n"
     "三、评价结论\n"
     "综合评定等级为良。\n",
     "score", None),
]


@pytest.mark.parametrize("text, field, expected", CASES)
def test_the_reviews_cases(text, field, expected):
    assert getattr(_parse(text), field) == expected
