"""Write examples/reports/liuhe-2023.docx: a government work report with a table.

Run once to regenerate the example (python examples/make_docx.py); the .docx is committed.
"""
from pathlib import Path

import docx

doc = docx.Document()
for text in [
    "政府工作报告",
    "——2024年1月在柳河乡第十八届人民代表大会第三次会议上",
    "柳河乡人民政府乡长  陈立新",
    "各位代表：",
    "现在，我代表柳河乡人民政府向大会报告工作，请予审议。",
    "2023年工作回顾",
    "一年来，全乡上下攻坚克难，各项工作取得新成效。",
    "——农业基础更加稳固。全乡粮食播种面积稳定在6.4万亩。在三道沟村、榆树林村新建高标准农田4200亩；"
    "在杏树洼村新打机井22眼，配套水泵22套。",
    "——基础设施明显改善。投入资金185万元，实施榆树林村至三道沟村道路硬化5.6公里；"
    "在杏树洼村、四合村安装太阳能路灯160盏。",
    "——民生保障更加有力。全乡享受低保政策412户690人，发放低保资金236.5万元；"
    "为28户困难群众发放临时救助资金6.2万元。",
    "2023年重点项目完成情况如下表：",
]:
    doc.add_paragraph(text)
table = doc.add_table(rows=4, cols=4)
rows = [
    ("项目", "地点", "规模", "进度"),
    ("排涝工程", "三道沟村", "排水渠8.5公里", "已完成"),
    ("草原围封", "四合村", "围栏1.2万亩", "已完成"),
    ("养殖小区", "榆树林村", "棚舍3200平方米", "正在建设"),
]
for r, values in zip(table.rows, rows):
    for cell, v in zip(r.cells, values):
        cell.text = v
for text in [
    "2024年工作安排",
    "一、做强特色产业。力争新建高标准农田5000亩，在三道沟村、四合村发展肉牛养殖，新建棚舍20栋。",
    "二、补齐设施短板。计划实施四合村排涝工程6公里，完成户厕改造150户。",
]:
    doc.add_paragraph(text)
out = Path(__file__).parent / "reports" / "liuhe-2023.docx"
doc.core_properties.created = __import__("datetime").datetime(2024, 1, 1)
doc.save(out)
print(out)
