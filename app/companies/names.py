"""Company names for the duplicate guard (撞单): the normalized form stored in
`Company.normalized_name`, the legal form and entity markers that keep
different legal entities apart, and the fuzzy score on what remains.

Normalization (issue 3):
- NFKC, so full- and half-width forms agree (（）→ (), Ａ → A), lower case;
- every space and joining punctuation removed;
- a leading region (郑州 / 郑州市 / 河南省郑州市) and a parenthesized one
  ((河南) / (中国) / (郑州市)) set aside; other parentheses keep their content
  ("华润(集团)" → "华润集团");
- a parenthesized note of state ((筹), (筹建)) set aside;
- 股份有限公司 ≡ 股份公司 and 有限责任公司 ≡ 有限公司 collapsed, but an LLC
  stays apart from a joint-stock company: never the *same* name;
- 分公司 / 分行 … mark different entities: they stay in the name and a fuzzy
  match never pairs names whose markers differ.

Look-alikes (issue 15): the fuzzy score compares the *core* — the name without
its legal form (有限公司, 有限责任公司, 股份有限公司, 集团有限公司, 集团, 公司) —
so 河南翔宇医疗设备有限公司 and 河南翔宇医疗设备股份有限公司 (a 股改, or a
dropped form) are shown as look-alikes: different legal entities, a person
decides.

A leading 中国 is *kept*: it is usually part of the brand (中国建筑, 中国石化),
while "(中国)" is the registration's region note.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

_PROVINCES_TEXT = """
北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南
湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆
香港 澳门
"""
PROVINCES = _PROVINCES_TEXT.split()
_CITIES_TEXT = """
石家庄 唐山 保定 廊坊 邯郸 秦皇岛 沧州 太原 大同 呼和浩特 包头 鄂尔多斯 沈阳 大连 鞍山 长春
吉林 哈尔滨 大庆 南京 苏州 无锡 常州 南通 徐州 扬州 镇江 盐城 泰州 连云港 淮安 宿迁
杭州 宁波 温州 绍兴 嘉兴 湖州 金华 台州 衢州 丽水 舟山 合肥 芜湖 蚌埠 马鞍山 安庆
阜阳 福州 厦门 泉州 漳州 莆田 南昌 赣州 九江 济南 青岛 烟台 潍坊 淄博 济宁 临沂
威海 日照 德州 聊城 菏泽 郑州 洛阳 开封 新乡 许昌 南阳 安阳 焦作 平顶山 商丘 周口
信阳 驻马店 漯河 三门峡 鹤壁 濮阳 济源 武汉 宜昌 襄阳 十堰 荆州 黄石 孝感 长沙 株洲
湘潭 衡阳 岳阳 常德 广州 深圳 珠海 佛山 东莞 中山 惠州 汕头 江门 湛江 肇庆 南宁
柳州 桂林 海口 三亚 成都 绵阳 德阳 宜宾 贵阳 遵义 昆明 拉萨 西安 咸阳 宝鸡 兰州
西宁 银川 乌鲁木齐 雄安
"""
CITIES = _CITIES_TEXT.split()
REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "新区", "省", "市")
# Regions set aside only when parenthesized: a leading 中国 is part of the brand.
PAREN_ONLY_REGIONS = ("中国", "中华人民共和国", "亚太", "亚洲")

_REGIONS = sorted(set(PROVINCES) | set(CITIES), key=len, reverse=True)
_LEADING_REGION = re.compile(
    "^(?:" + "|".join(map(re.escape, _REGIONS)) + ")(?:" + "|".join(map(re.escape, REGION_SUFFIXES)) + ")?"
)
_REGION_ONLY = re.compile(
    "^(?:"
    + "|".join(map(re.escape, (*_REGIONS, *PAREN_ONLY_REGIONS)))
    + ")(?:"
    + "|".join(map(re.escape, REGION_SUFFIXES))
    + ")?$"
)
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})
_PAREN = re.compile(r"\(([^()]*)\)")
_DROP = re.compile(r"[\s·・•.,，、。;；:：'\"‘’“”\-—_/&+]")

# Legal forms, longest first; (written form, collapsed form).
_LEGAL_COLLAPSE = (("股份有限公司", "股份公司"), ("有限责任公司", "有限公司"))
ENTITY_MARKERS = ("分公司", "分行", "支行", "办事处", "分厂", "分店", "分部", "分所")
_LEGAL_WORDS = re.compile(r"(集团|股份公司|有限公司|有限合伙|普通合伙|合伙企业|公司)")
# Parenthesized notes of a company's state, not part of its name.
PAREN_NOTES = ("筹", "筹建", "筹备", "筹备组")
FORM_LABELS = {"jsc": "股份有限公司", "llc": "有限公司", "partnership": "合伙企业"}

# Bigrams too common in company names to narrow a search on their own.
_GENERIC_BIGRAMS_TEXT = """
有限 公司 股份 科技 技术 发展 投资 实业 集团 控股 国际 贸易 电子 信息 管理 咨询
服务 建设 工程 置业 产业 智能 新能 能源 材料 制造 中国 合伙 企业 商贸 物流 网络
文化 传媒 医药 生物 环保 建筑 开发
"""
GENERIC_BIGRAMS = frozenset(_GENERIC_BIGRAMS_TEXT.split())

# A one-character slip in a four-character core (华润至业 for 华润置业)
# scores 75: shown as a candidate, the person decides.
FUZZY_THRESHOLD = 75
FUZZY_MIN_CORE = 4


def normalize_company_name(name: str) -> str:
    """The normalized form stored in `Company.normalized_name`."""
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS).lower()
    text = re.sub(r"\s+", "", text)

    def _paren(match: re.Match[str]) -> str:
        inner = match.group(1)
        return "" if _REGION_ONLY.match(inner) or inner in PAREN_NOTES else inner

    # Innermost first, until no parentheses remain (nested ones are rare).
    for _ in range(5):
        replaced = _PAREN.sub(_paren, text)
        if replaced == text:
            break
        text = replaced
    text = text.replace("(", "").replace(")", "")
    text = _DROP.sub("", text)
    # Leading regions, possibly stacked (河南省郑州市…); keep a real name behind.
    for _ in range(3):
        match = _LEADING_REGION.match(text)
        if not match or len(text) - match.end() < 2:
            break
        text = text[match.end() :]
    for written, collapsed in _LEGAL_COLLAPSE:
        text = text.replace(written, collapsed)
    return text[:200]


def legal_form(normalized: str) -> str | None:
    """'jsc', 'llc', 'partnership' or None when the name states no form."""
    if "股份公司" in normalized:
        return "jsc"
    if "合伙" in normalized:
        return "partnership"
    if "有限公司" in normalized:
        return "llc"
    return None


def entity_markers(normalized: str) -> frozenset[str]:
    """The entity markers in a name; 分公司 hides the 公司 of its parent."""
    found = set()
    rest = normalized
    for marker in ENTITY_MARKERS:
        if marker in rest:
            found.add(marker)
            rest = rest.replace(marker, "")
    return frozenset(found)


def core_name(normalized: str) -> str:
    """What remains for the fuzzy match: the name without its legal form."""
    core = _LEGAL_WORDS.sub("", normalized)
    return core or normalized


def search_bigrams(core: str, limit: int = 8) -> list[str]:
    """Distinctive bigrams of `core` to narrow the SQL prefilter."""
    grams = list(dict.fromkeys(core[i : i + 2] for i in range(len(core) - 1)))
    distinctive = [g for g in grams if g not in GENERIC_BIGRAMS]
    return (distinctive or grams or [core])[:limit]


@dataclass(frozen=True)
class NameKey:
    """A name's parts as the matcher compares them."""

    normalized: str
    core: str
    form: str | None
    markers: frozenset[str]

    @classmethod
    def of(cls, name: str, normalized: str | None = None) -> NameKey:
        norm = normalized if normalized is not None else normalize_company_name(name)
        return cls(norm, core_name(norm), legal_form(norm), entity_markers(norm))


def similarity(a: NameKey, b: NameKey) -> int:
    """0–100: how alike two names are, on their cores (legal form and 集团
    set aside). Different entity markers (分公司 …): 0."""
    if a.normalized == b.normalized:
        return 100
    if a.markers != b.markers:
        return 0
    shorter, longer = sorted((a.core, b.core), key=len)
    if shorter == longer:
        return 95
    if len(shorter) >= 3 and shorter in longer:
        return 90
    if len(shorter) < FUZZY_MIN_CORE:
        return 0
    return round(fuzz.ratio(a.core, b.core))


def lookalike_note(a: NameKey, b: NameKey) -> str:
    """Why two alike names differ, in words people use: the legal form
    (有限公司 / 股份有限公司), 集团, or '' when it is the spelling."""
    if a.form and b.form and a.form != b.form:
        return f"公司类型不同（{FORM_LABELS[a.form]} / {FORM_LABELS[b.form]}）"
    if ("集团" in a.normalized) != ("集团" in b.normalized) and a.core == b.core:
        return "一为集团"
    return ""
