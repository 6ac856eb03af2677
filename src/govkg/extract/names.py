"""Words that bound a place name, and cutting a name out of the run of text before a suffix."""
from __future__ import annotations

import re
from functools import lru_cache

CJK = "\u4e00-\u9fff"
IS_CJK = re.compile(f"[{CJK}]")
PLACEHOLDER = re.compile(r"[XxＸｘ×*＊某]")
# what stands for a name in an anonymised report: XX镇, ×乡, ooo乡, 〇〇街道
ANONYMISED = re.compile(r"[XxＸｘ×*＊某〇○oO]+")

BOUNDARY = sorted("""其中 包括 涉及 带动 辐射 实施 完成 建设 建成 打造 新建 改造 推进 开展 成立 组建 位于
    依托 通过 利用 推行 启动 落实 选定 确定 覆盖 投入 投资 申请 支持 帮助 组织 引导 动员 发展 种植 成功
    对 在 于 将 把 向 从 由 与 和 及 同 为 是 了 的 仅 给 让 使 按 以 经 被 已 即 并 又 还 就 而 或 有
    今年 去年 明年 全年 当年 年内 年初 年底 上半年 下半年 同时 目前 累计 计划 力争 预计 另外 此外
    硬化 修建 新修 铺设 整治 治理 修缮 维修 扩建 清理 安装 拓宽 恢复 重建 前往 走进 来到 深入 形成 根据 按照
    排查 检查 巡查 摸排 走访 督查 设置 常态化 清淤 疏浚 疏通 连通 划定 成为 评为 列为 命名为 工程 流转 托管 创建
    公司 企业 集团 合作社""".split(),
                  key=len, reverse=True)
LEADING = sorted("""仅 已 在 于 对 将 把 向 从 由 与 和 及 并 为 以 了 除 除了 除去 万元 亿元 元 余 全力 全面 持续 积极 大力 深化 做好 建设 完成 实施 新建 推进 开展 镇内 镇区 全镇
    辖区 境内 其中 涉及 包括 带动 周边 先后 分别 共 又 还 原 现 培育 发展 组建 成立 引进 扶持
    今年 去年 明年 全年 当年 年内 年初 年底 上半年 下半年 同时 目前 累计 计划 力争 预计 另外 此外""".split(),
                 key=len, reverse=True)
GENERIC = re.compile(
    "产业|示范|特色|重点|贫困|脱贫|专业|周边|部分|相关|低洼|薄弱|所有|其他|其余|全部|各个|多个|沿路|沿线"
    "|区域|辖区|农村|乡村|城乡|美丽|和美|宜居|文明|卫生|养殖|种植|试点|有关|集体|振兴|绿化|建设|发展"
    "|工作|项目|行动|全镇|全旗|全县|全市|我镇|本镇|北部|南部|东部|西部|中部|北侧|南侧|东侧|西侧|偏远|边远"
    "|牧区|山区|城区|社区|片区|园区|中心|服务|党|组织|民族|少数|贫困|易地|搬迁|安置|保障|标准|规范|合作"
    "|一个|每个|这个|那个|个别|嘎查村|业务|干部|领导|群众|农户|[各每逐驻该这那不邻]|[农县市镇乡]$|(?:县|市|镇|乡|省|京|进)城$|..旗$"
    "|扶贫|帮扶|帮镇扶|移民|提升|改善|完善|加强|桥梁|水坝|水库|渠道|泵站|自然|空心|街道|建制|我们|你们|他们|咱们|生态|非遗|修好|一条|这条|那条|水泥|泥结石|合格|安排|达标|先进|优秀|[省市县区镇乡]级|全面|彻底|解决|实现|制约|左右|公路|道路|一条线|千万|改造|整治|整修|拆除|分流|入地|..文化$|..旅游$|金牌|元$|们")

_LEADING_BY_FIRST: dict[str, list[str]] = {}
for _w in LEADING:                  # longest first, as LEADING is sorted
    _LEADING_BY_FIRST.setdefault(_w[0], []).append(_w)


@lru_cache(maxsize=65536)
def _strip_leading(name: str) -> str:
    """The name without the words that lead into it (longest first, repeatedly), keeping two
    characters at least.

    >>> _strip_leading("持续推进红石"), _strip_leading("于家海")
    ('红石', '于家海')
    """
    changed = True
    while changed:
        changed = False
        for w in _LEADING_BY_FIRST.get(name[:1], ()):
            if len(w) == 1 and name[1:2] == "家":
                break       # 于家海, 向家湾: a surname before 家 starts the name
            if name.startswith(w) and len(name) - len(w) >= 2:
                name = name[len(w):]
                changed = True
                break
    return name


def run_before(text: str, end: int, limit: int = 14, placeholders: bool = False) -> str:
    """The run of Chinese characters (and, with ``placeholders``, of X/×/某) that ends at ``end``,
    at most ``limit`` long: where a name before a suffix can be.

    >>> run_before("在红石、沙河村", 6), run_before("现将XX镇", 4, placeholders=True)
    ('沙河', '现将XX')
    """
    i = end
    while i > 0 and end - i < limit and (IS_CJK.match(text[i - 1]) or placeholders and ANONYMISED.match(text[i - 1])):
        i -= 1
    return text[i:end]


TOWN_BEFORE = re.compile(rf"^.*[{CJK}]{{2}}(?:镇|乡|苏木|街道|办事处)(?=[{CJK}]{{2,}}$)")


def _cut_left(raw: str, known: set[str]) -> tuple[str, int, bool]:
    """Find a name at the end of a run of CJK text.

    Returns (name, offset of the name in raw, whether a word to its left bounded it).
    The leftmost boundary word is cut first (so 布和浩沁 keeps its 和), then any later
    boundary of two or more characters (成功带动代力吉 gives 代力吉).
    """
    for k in sorted((k for k in known if raw.endswith(k)), key=len, reverse=True):
        return k, len(raw) - len(k), True
    town = TOWN_BEFORE.match(raw)
    if town:
        # the township written before its village (开元镇高油村): the village starts after it
        name = _strip_leading(raw[town.end():])
        return name, len(raw) - len(name), True
    cut, bounded = 0, False
    for i in range(len(raw) - 1):
        w = next((w for w in BOUNDARY if raw.startswith(w, i) and len(raw) - i - len(w) >= 2), None)
        if w and (bounded is False or len(w) >= 2):
            cut, bounded = i + len(w), True
    name = raw[cut:]
    stripped = _strip_leading(name)
    bounded = bounded or stripped != name
    name = stripped
    # a run with a generic word inside keeps only what follows the last generic word
    g = list(GENERIC.finditer(name))
    if g:
        tail = name[g[-1].end():]
        name = _strip_leading(tail) if len(tail) >= 2 else ""
        bounded = False     # what bounded the run no longer bounds this tail
    return name, len(raw) - len(name), bounded
