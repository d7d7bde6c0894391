"""The unified social credit code check (GB 32100-2015) and the company
name normalisation behind the duplicate guard — pure functions, no HTTP."""

from __future__ import annotations

import pytest

from app.companies import credit_code as cc
from app.companies.names import NameKey, normalize_company_name, similarity
from tests.factories_leads import VALID_CODES


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code):
    assert cc.problem(code) is None
    assert cc.is_valid(code)


@pytest.mark.parametrize("code", ["A1100000MB12345676", "N2410105MA9XK2L3DK", "Y1440300MA5G8Q1P0W"])
def test_letter_authorities_a_n_y_are_valid(code):
    # One popular validator wrongly refuses a letter in the first position.
    assert cc.problem(code) is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("91110000600037341M", "校验位"),  # real code, last character changed
        ("91310115MA1K3BTP2C", "校验位"),
        ("121200004013590817", "校验位"),
        ("9111000060003734", "18 位"),
        ("91110000600037341LX", "18 位"),
        ("91110000600O37341L", "不允许的字符"),  # letter O for zero
        ("9131011SMA1K3BTP2B", "不允许的字符"),  # S is not in the charset
        ("B1110000600037341J", "第 1 位"),  # correct check character, unknown authority
    ],
)
def test_invalid_credit_codes_are_refused_with_a_reason(code, says, app):
    with app.test_request_context():
        problem = cc.problem(code)
    assert problem is not None and says in problem


def test_credit_code_is_cleaned_before_checking():
    assert cc.clean(" 9131 0115ma1k3btp2b ") == "91310115MA1K3BTP2B"
    assert cc.clean("９１３１０１１５ＭＡ１Ｋ３ＢＴＰ２Ｂ") == "91310115MA1K3BTP2B"  # full-width
    assert cc.is_valid("91310115ma1k3btp2b")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("华润置业有限公司", "华润置业有限责任公司"),  # LLC ≡ LLC
        ("华润置业有限公司", "郑州华润置业有限公司"),  # leading region
        ("华润置业有限公司", "郑州市华润置业有限公司"),
        ("华润置业有限公司", "河南省郑州市华润置业有限公司"),
        ("华润置业有限公司", "华润置业（河南）有限公司"),  # parenthesized region, full-width
        ("华润置业有限公司", "华润置业(中国)有限公司"),
        ("华润置业有限公司", "华 润 置 业 有 限 公 司"),  # spaces
        ("宇通客车股份有限公司", "宇通客车股份公司"),  # joint-stock ≡ joint-stock
        ("ABC科技有限公司", "ＡＢＣ科技有限公司"),  # full-width letters
        ("华润(集团)有限公司", "华润集团有限公司"),  # non-region parentheses keep their content
    ],
)
def test_names_of_the_same_company_normalise_alike(a, b):
    assert normalize_company_name(a) == normalize_company_name(b)


@pytest.mark.parametrize(
    ("a", "b", "note"),
    [
        ("华润置业有限公司", "华润置业股份有限公司", "公司类型不同（有限公司 / 股份有限公司）"),  # 股改
        ("河南翔宇医疗设备有限公司", "河南翔宇医疗设备股份有限公司", "公司类型不同（有限公司 / 股份有限公司）"),
        ("华润置业有限公司", "华润置业集团有限公司", "一为集团"),
        ("华润置业(筹)", "华润置业有限公司", ""),
    ],
)
def test_other_legal_entities_are_look_alikes_never_the_same_name(a, b, note):
    """Different legal forms are different entities (never the same name),
    but people convert (股改) and drop forms: shown as look-alikes, with why."""
    from app.companies.names import FUZZY_THRESHOLD, lookalike_note

    if note:
        assert normalize_company_name(a) != normalize_company_name(b)
    assert similarity(NameKey.of(a), NameKey.of(b)) >= FUZZY_THRESHOLD
    assert lookalike_note(NameKey.of(a), NameKey.of(b)) == note


def test_a_branch_stays_apart():
    a, b = "华润置业有限公司", "华润置业有限公司郑州分公司"
    assert normalize_company_name(a) != normalize_company_name(b)
    assert similarity(NameKey.of(a), NameKey.of(b)) == 0


def test_leading_zhongguo_is_part_of_the_brand():
    assert normalize_company_name("中国建筑股份有限公司") == "中国建筑股份公司"


@pytest.mark.parametrize(
    ("typed", "on_file", "close"),
    [
        ("华润置业", "华润置业有限公司", True),  # no legal form typed
        ("华润至业有限公司", "华润置业有限公司", True),  # one-character slip
        ("华润置业发展有限公司", "华润置业有限公司", True),  # contains the whole core
        ("宇通客车有限公司", "宇通重工有限公司", False),
        ("比亚迪股份公司", "宁德时代新能源科技股份有限公司", False),
    ],
)
def test_fuzzy_similarity_on_what_remains(typed, on_file, close):
    from app.companies.names import FUZZY_THRESHOLD

    score = similarity(NameKey.of(typed), NameKey.of(on_file))
    assert (score >= FUZZY_THRESHOLD) is close
