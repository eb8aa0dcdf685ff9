"""French amounts and dates, and the fate of each line (kept or one reason)."""

import numpy as np
import pandas as pd
import pytest

from parcours_helpers.audit.quality import (
    REASONS,
    classify,
    detect_date_format,
    detect_decimal,
    format_label,
    identifier_codes,
    line_codes,
    parse_amounts,
    parse_dates,
    scrub,
    set_aside_table,
)

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "text, value",
    [
        ("12,50", 12.5),
        ("12,50 €", 12.5),
        (f"1{NBSP}234,50{NBSP}€", 1234.5),
        (f"1{NNBSP}234,5", 1234.5),
        ("1 234,50", 1234.5),
        ("1.234,50 €", 1234.5),
        ("-89,90 €", -89.9),
        ("\u221289,90", -89.9),
        ("€ 7", 7.0),
        ("0", 0.0),
    ],
)
def test_french_amounts(text, value):
    parsed, decimal = parse_amounts(pd.Series([text, "1,00"]), ",")
    assert parsed.iloc[0] == pytest.approx(value)
    assert decimal == ","


@pytest.mark.parametrize("text", ["", "N/A", "abc", "12,5,0", "inf", "nan", "--3"])
def test_unreadable_amounts_are_nan(text):
    parsed, _ = parse_amounts(pd.Series([text]), ",")
    assert np.isnan(parsed.iloc[0])


def test_decimal_mark_is_detected():
    assert detect_decimal(pd.Series(["12,50 €", "3,5", "1 000"])) == ","
    assert detect_decimal(pd.Series(["12.50", "1,234.5", "7"])) == "."
    assert detect_decimal(pd.Series(["1 000", "25"])) == ","  # no clue: the French comma
    parsed, decimal = parse_amounts(pd.Series(["1,234.50", "10.5"]))
    assert decimal == "." and parsed.tolist() == [1234.5, 10.5]


def test_dates_are_read_day_first_with_or_without_time():
    values = pd.Series(["02/04/2024 09:00", "03/04/2024 10:15", "04/04/2024", "05/04/24",
                        "06/04/24 08:00", "2024-04-07", "31/02/2024 10:00", "", "hier",
                        "01/01/1800 10:00"])
    dates, fmt = parse_dates(values)
    assert fmt == "%d/%m/%Y %H:%M"  # what most of the values look like
    expected = ["2024-04-02", "2024-04-03", "2024-04-04", "2024-04-05", "2024-04-06",
                "2024-04-07"]
    assert dates.iloc[:6].tolist() == [pd.Timestamp(d) for d in expected]
    assert dates.iloc[6:].isna().all()


def test_short_years_alone_are_detected():
    assert detect_date_format(pd.Series(["05/01/24", "06/01/24"])) == "%d/%m/%y"
    assert format_label("%d/%m/%y") == "JJ/MM/AA"


def test_forced_date_format_is_the_only_one_used():
    dates, fmt = parse_dates(pd.Series(["04/03/2024", "2024-03-05"]), "%m/%d/%Y")
    assert fmt == "%m/%d/%Y"
    assert dates.iloc[0] == pd.Timestamp("2024-04-03")
    assert pd.isna(dates.iloc[1])


def test_identifier_codes_ignore_blanks_and_surrounding_spaces():
    codes, ids = identifier_codes(pd.Series(["a", " a", "", "b", "  "]))
    assert codes.tolist() == [0, 0, -1, 1, -1]
    assert ids.tolist() == ["a", "b"]
    codes, _ = identifier_codes(pd.Series(["x", "", "x"]), strip=False)
    assert codes.tolist() == [0, -1, 0]


def test_each_line_gets_the_first_reason_that_applies():
    index = pd.Index([2, 3, 4, 5, 6, 7, 8], name="ligne")
    customers = np.array([0, -1, 1, 1, 2, 0, 0])
    dates = pd.Series(pd.to_datetime(["2024-01-01", None, None, "2024-01-02", "2024-01-03",
                                      "2024-01-04", "2024-01-05"]), index=index)
    amounts = pd.Series([10.0, 5.0, np.nan, np.nan, -3.0, 10.0, 8.0], index=index)
    orders = np.array([1, 2, 3, 4, 1, 1, 5])
    fate = classify(customers, dates, amounts, orders)
    # line 3: no customer AND no date -> missing_customer (first check);
    # line 6: a return sharing the order number 1 stays a return;
    # line 7: order number 1 already kept on line 2 -> duplicate
    assert fate.tolist() == ["kept", "missing_customer", "bad_date", "bad_amount", "return",
                             "duplicate", "kept"]
    assert list(fate.cat.categories) == ["kept", *REASONS]
    assert fate.index.tolist() == index.tolist()


def test_blank_order_numbers_are_never_duplicates():
    dates = pd.Series(pd.to_datetime(["2024-01-01"] * 3))
    amounts = pd.Series([1.0, 1.0, 1.0])
    fate = classify(np.array([0, 0, 0]), dates, amounts, np.array([-1, -1, 4]))
    assert fate.tolist() == ["kept", "kept", "kept"]


def test_identical_lines_are_duplicates_without_order_column():
    lines = pd.DataFrame({"c": ["a", "a", "a"], "m": ["1", "1", "2"]})
    keys = line_codes(lines)
    assert keys[0] == keys[1] != keys[2]


def test_set_aside_table_shows_line_reason_and_value_never_the_customer():
    raw = pd.DataFrame({"client": ["jean@exemple.fr", "", "Marie Curie"],
                        "date": ["hier", "01/01/2024", "01/01/2024"],
                        "montant": ["1", "2", "-3 €"]}, index=pd.Index([2, 3, 4], name="ligne"))
    fate = pd.Series(["bad_date", "missing_customer", "return"], index=raw.index)
    table = set_aside_table(fate, raw, {"date": "date", "amount": "montant", "order": None})
    assert table["ligne"].tolist() == [2, 3, 4]
    assert table["valeur"].tolist() == ["hier", "", "-3 €"]
    assert table["colonne"].tolist() == ["date", "", "montant"]
    text = table.to_csv()
    assert "jean" not in text and "Curie" not in text


def test_scrub_masks_emails_and_phones():
    assert scrub("écrire à jean.dupont@exemple.fr") == "écrire à [e-mail masqué]"
    assert scrub("tél. 06 12 34 56 78") == "tél. [téléphone masqué]"
    assert scrub("+33 6 12 34 56 78") == "[téléphone masqué]"
    assert scrub("31/02/2024") == "31/02/2024"


@pytest.mark.parametrize("values", [
    ["A1", "A1", "", "A2", "A3", "A3"],  # sorted with a blank: the fast path
    ["A2", "A1", "A1", "", "A2"],  # unsorted: hashing
    ["", ""],
])
def test_order_codes_group_equal_numbers_sorted_or_not(values):
    codes, uniques = identifier_codes(pd.Series(values, dtype=object), strip=False)
    for i, v in enumerate(values):
        assert (codes[i] == -1) if v == "" else (uniques[codes[i]] == v)
    pairs = {(a, b) for a, b in zip(values, codes.tolist(), strict=True) if a}
    assert len(pairs) == len({a for a in values if a})  # one code per number
    assert len({c for c in codes.tolist() if c >= 0}) == len(pairs)
