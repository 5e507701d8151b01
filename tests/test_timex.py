"""The time tagger, one group of tests per family of expressions, each with its anchor date."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.errors import ConfigurationError
from dateline.records import TimeMention
from dateline.timex import TimeTagger, is_timex_value, resolve_time_expressions

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


@pytest.fixture(scope="module")
def tagger() -> TimeTagger:
    return TimeTagger()


def only(mentions: list[TimeMention], text: str) -> TimeMention:
    found = [m for m in mentions if m.text == text]
    assert len(found) == 1, f"{text!r} not found once in {[(m.text, m.value) for m in mentions]}"
    return found[0]


def tag_one(tagger: TimeTagger, text: str, anchor: str | None, expression: str) -> TimeMention:
    return only(tagger.tag(text, anchor), expression)


# --------------------------------------------------------------------------- explicit dates


class TestExplicitDates:
    def test_month_day_year(self, tagger: TimeTagger) -> None:
        m = tag_one(
            tagger, "They spoke on December 22, 2020, by phone.", "2020-12-23", "December 22, 2020"
        )
        assert (m.type, m.value, m.granularity) == ("DATE", "2020-12-22", "day")

    def test_ordinal_day_of_month(self, tagger: TimeTagger) -> None:
        m = tag_one(tagger, "It opened on the 5th of March 2023.", None, "the 5th of March 2023")
        assert m.value == "2023-03-05"

    def test_abbreviated_two_digit_year(self, tagger: TimeTagger) -> None:
        assert tag_one(tagger, "Filed 15 Nov 24 in court.", "2024-12-01", "15 Nov 24").value == (
            "2024-11-15"
        )

    def test_numeric_us_date(self, tagger: TimeTagger) -> None:
        assert tag_one(tagger, "Posted 1/26/11 by staff.", "2011-02-01", "1/26/11").value == (
            "2011-01-26"
        )

    def test_iso_date(self, tagger: TimeTagger) -> None:
        assert tag_one(tagger, "Updated 2022-09-08 at noon.", None, "2022-09-08").value == (
            "2022-09-08"
        )

    def test_month_year_is_month_granularity(self, tagger: TimeTagger) -> None:
        m = tag_one(
            tagger, "They first met in November 2024 in Laos.", "2025-03-01", "November 2024"
        )
        assert (m.value, m.granularity) == ("2024-11", "month")

    def test_hyphenated_month_year(self, tagger: TimeTagger) -> None:
        assert tag_one(tagger, "After the November-2024 meeting.", None, "November-2024").value == (
            "2024-11"
        )

    def test_bare_year(self, tagger: TimeTagger) -> None:
        m = tag_one(tagger, "The partnership was upgraded in 2014.", "2025-03-01", "2014")
        assert (m.value, m.granularity) == ("2014", "year")

    def test_numbers_that_are_not_years(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("It cost $2014 and 1999 people; 2,014 units; 2014%.", "2020-01-01")
        assert [m.text for m in mentions] == ["1999"] or not [
            m for m in mentions if m.text in ("2014", "2,014")
        ]

    def test_month_not_the_verb_may(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Officials may meet soon. The vote is in May.", "2022-03-01")
        assert [m.text for m in mentions if m.value.startswith("2022-05")] == ["May"]
        assert not [m for m in mentions if m.text == "may"]


# --------------------------------------------------------------------------- weekdays and tense


class TestWeekdaysByTense:
    def test_past_weekday_is_the_one_before(self, tagger: TimeTagger) -> None:
        text = "After landing in Oslo on Wednesday, the envoy began talks."
        m = tag_one(tagger, text, "2022-09-08", "Wednesday")
        assert (m.value, m.tense) == ("2022-09-07", "past")

    def test_future_weekday_is_the_one_after(self, tagger: TimeTagger) -> None:
        text = "The minister will hold a bilateral meeting with his counterpart in Delhi on Monday."
        # 2025-03-16 is a Sunday.
        m = tag_one(tagger, text, "2025-03-16", "Monday")
        assert (m.value, m.tense) == ("2025-03-17", "future")

    def test_future_weekday_from_a_wednesday(self, tagger: TimeTagger) -> None:
        text = "Leaders will meet on Monday to sign the accord."
        assert tag_one(tagger, text, "2025-03-12", "Monday").value == "2025-03-17"

    def test_future_weekday_in_that_days_paper_is_that_day(self, tagger: TimeTagger) -> None:
        # 2011-01-31 is a Monday.
        text = "The president will speak at 6 p.m. Monday."
        assert tag_one(tagger, text, "2011-01-31", "6 p.m. Monday").value == "2011-01-31T18:00"

    def test_said_friday_in_a_friday_paper_is_that_day(self, tagger: TimeTagger) -> None:
        assert tag_one(
            tagger, "The agency said Friday that it agreed.", "2013-03-22", "Friday"
        ).value == ("2013-03-22")

    def test_last_and_next_weekday(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("He left last Friday and returns next Tuesday.", "2022-09-08")
        assert only(mentions, "last Friday").value == "2022-09-02"
        assert only(mentions, "next Tuesday").value == "2022-09-13"

    def test_weekday_without_anchor_is_underspecified(self, tagger: TimeTagger) -> None:
        m = tag_one(tagger, "They met on Monday.", None, "Monday")
        assert m.value == "XXXX-WXX-1"

    def test_weekday_next_to_contradicting_date(self, tagger: TimeTagger) -> None:
        text = "In the dialogue held on Wednesday, i.e 5th of March 2023, both agreed."
        m = tag_one(tagger, text, None, "Wednesday, i.e 5th of March 2023")
        assert m.value == "2023-03-05"
        assert m.granularity == "day"
        assert len(m.conflicts) == 1 and "Wednesday" in m.conflicts[0]

    def test_weekday_next_to_matching_date_has_no_conflict(self, tagger: TimeTagger) -> None:
        m = tag_one(tagger, "Talks began Monday, Oct. 27, 1997.", None, "Monday, Oct. 27, 1997")
        assert (m.value, m.conflicts) == ("1997-10-27", ())


# --------------------------------------------------------------------------- relative dates


class TestRelativeDates:
    def test_today_is_the_anchor_day(self, tagger: TimeTagger) -> None:
        assert tag_one(tagger, "Talks were held in Tokyo today.", "2022-09-08", "today").value == (
            "2022-09-08"
        )

    def test_yesterday_and_tomorrow(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Yesterday it rained; tomorrow it will not.", "2022-03-01")
        assert only(mentions, "Yesterday").value == "2022-02-28"
        assert only(mentions, "tomorrow").value == "2022-03-02"

    def test_month_this_year(self, tagger: TimeTagger) -> None:
        m = tag_one(
            tagger, "The agreement was used in March this year.", "2022-09-08", "March this year"
        )
        assert (m.value, m.granularity) == ("2022-03", "month")

    def test_month_last_year(self, tagger: TimeTagger) -> None:
        m = tag_one(
            tagger, "In November last year, they signed.", "2025-03-16", "November last year"
        )
        assert (m.value, m.granularity) == ("2024-11", "month")

    def test_this_last_next_units(self, tagger: TimeTagger) -> None:
        text = "Sales rose this year after falling last year; next month looks good; last week too."
        mentions = tagger.tag(text, "2022-09-08")
        assert only(mentions, "this year").value == "2022"
        assert only(mentions, "last year").value == "2021"
        assert only(mentions, "next month").value == "2022-10"
        assert only(mentions, "last week").value == "2022-W35"

    def test_earlier_this_month(self, tagger: TimeTagger) -> None:
        m = tag_one(
            tagger, "It was announced earlier this month.", "2022-09-08", "earlier this month"
        )
        assert m.value == "2022-09"

    def test_ago(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Two days ago and five years ago.", "2022-09-08")
        assert only(mentions, "Two days ago").value == "2022-09-06"
        assert only(mentions, "five years ago").value == "2017"

    def test_bare_month_by_tense(self, tagger: TimeTagger) -> None:
        assert (
            tag_one(tagger, "Prices fell in November.", "2022-03-10", "November").value == "2021-11"
        )
        assert tag_one(tagger, "They will vote in November.", "2022-03-10", "November").value == (
            "2022-11"
        )

    def test_year_only_anchor_never_invents_a_day(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag(
            "He arrived yesterday and left on Monday; last year was calm.", "2022"
        )
        assert only(mentions, "last year").value == "2021"
        for m in mentions:
            if m.text in ("yesterday", "Monday"):
                assert "X" in m.value


class TestNarrativeAnchoring:
    def test_two_days_later(self, tagger: TimeTagger) -> None:
        text = "On 3 March the minister arrived; two days later he left."
        mentions = tagger.tag(text, "2023-06-01")
        assert only(mentions, "3 March").value == "2023-03-03"
        later = only(mentions, "two days later")
        assert (later.value, later.anchor_source, later.anchor) == (
            "2023-03-05",
            "narrative",
            "2023-03-03",
        )

    def test_the_next_day(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("The summit opened on June 4, 2021. The next day it closed.", None)
        assert only(mentions, "The next day").value == "2021-06-05"


class TestRanges:
    def test_day_range(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("The fair runs from 3 to 5 March.", "2023-02-01")
        assert [(m.text, m.value) for m in mentions] == [
            ("3", "2023-03-03"),
            ("5 March", "2023-03-05"),
        ]

    def test_month_range(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Between January and March sales fell.", "2023-06-01")
        assert [(m.text, m.value) for m in mentions] == [
            ("January", "2023-01"),
            ("March", "2023-03"),
        ]


# --------------------------------------------------------------------------- calendar periods


class TestPeriods:
    def test_quarters(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag(
            "Third-quarter profit rose; the fourth quarter of 2021 was weak.", "2022-10-20"
        )
        assert only(mentions, "Third-quarter").value == "2022-Q3"
        assert only(mentions, "the fourth quarter of 2021").value == "2021-Q4"

    def test_fiscal_year(self, tagger: TimeTagger) -> None:
        assert tag_one(
            tagger, "Revenue in fiscal 1998 rose.", "1997-11-02", "fiscal 1998"
        ).value == ("1998")

    def test_seasons(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Talks resumed last fall and end in summer 2023.", "2022-09-08")
        assert only(mentions, "last fall").value == "2021-FA"
        assert only(mentions, "summer 2023").value == "2023-SU"

    def test_decades_and_centuries(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Since the 1990s, and through the 20th century.", None)
        assert only(mentions, "the 1990s").value == "199"
        assert only(mentions, "the 20th century").value == "19"


# --------------------------------------------------------------------------- durations and sets


class TestDurations:
    def test_within_six_months_is_a_duration(self, tagger: TimeTagger) -> None:
        text = "the second meeting within six months of their maiden interaction"
        m = tag_one(tagger, text, "2025-03-16", "six months")
        assert (m.type, m.value, m.granularity) == ("DURATION", "P6M", "none")

    def test_seventy_years_is_a_duration(self, tagger: TimeTagger) -> None:
        text = "This year marks 70 years of diplomatic relations."
        mentions = tagger.tag(text, "2022-09-08")
        m = only(mentions, "70 years")
        assert (m.type, m.value) == ("DURATION", "P70Y")
        assert not m.is_calendar_date

    def test_past_n_units_and_fractions(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("over the past three years, for 2 1/2 hours, for a decade", None)
        assert only(mentions, "the past three years").value == "P3Y"
        assert only(mentions, "2 1/2 hours").value == "PT2H30M"
        assert only(mentions, "a decade").value == "P10Y"

    def test_vague_duration(self, tagger: TimeTagger) -> None:
        assert tag_one(tagger, "It took several years.", None, "several years").value == "PXY"


class TestSetsTimesReferences:
    def test_sets(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Published daily, reviewed every week, held each Monday.", None)
        assert [(m.type, m.value) for m in mentions] == [
            ("SET", "P1D"),
            ("SET", "P1W"),
            ("SET", "XXXX-WXX-1"),
        ]

    def test_clock_time(self, tagger: TimeTagger) -> None:
        m = tag_one(tagger, "The blast came at 2 p.m. local time.", "2013-03-22", "2 p.m.")
        assert (m.type, m.value, m.granularity) == ("TIME", "2013-03-22T14:00", "time")

    def test_references(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Now it is calm, but recently it was not.", "2013-03-22")
        assert only(mentions, "Now").value == "PRESENT_REF"
        assert only(mentions, "recently").value == "PAST_REF"


class TestMoreFamilies:
    def test_rates_are_sets(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Jets flew 40 sorties a day, and he earns $40,000 a year.", None)
        assert [(m.text, m.type, m.value) for m in mentions] == [
            ("a day", "SET", "P1D"),
            ("a year", "SET", "P1Y"),
        ]

    def test_recurring_weekday_parts_and_months(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("The show airs Tuesday nights and each July.", None)
        assert [(m.type, m.value) for m in mentions] == [
            ("SET", "XXXX-WXX-2TNI"),
            ("SET", "XXXX-07"),
        ]

    def test_clock_time_with_a_date(self, tagger: TimeTagger) -> None:
        m = tag_one(
            tagger, "The offer expires at 5 p.m. EST Nov. 9.", "1989-11-02", "5 p.m. EST Nov. 9"
        )
        assert (m.type, m.value) == ("TIME", "1989-11-09T17:00")

    def test_spelled_out_years(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("In nineteen ninety-six and in the year two thousand.", None)
        assert [m.value for m in mentions] == ["1996", "2000"]

    def test_movable_holidays(self, tagger: TimeTagger) -> None:
        # Thanksgiving 1999 was on 25 November; the nearest one to a January paper is last year's.
        assert tag_one(
            tagger, "They met on Thanksgiving Day.", "2000-01-10", "Thanksgiving Day"
        ).value == ("1999-11-25")
        assert tag_one(tagger, "Good Friday 2024 was early.", None, "Good Friday 2024").value == (
            "2024-03-29"
        )

    def test_quarter_narrative(self, tagger: TimeTagger) -> None:
        text = (
            "Third-quarter profit rose 5%. A year earlier, the company lost money in the quarter."
        )
        mentions = tagger.tag(text, "1989-10-26")
        assert only(mentions, "Third-quarter").value == "1989-Q3"
        assert only(mentions, "A year earlier").value == "1988-Q3"

    def test_past_decade_is_a_duration(self, tagger: TimeTagger) -> None:
        m = tag_one(tagger, "Prices doubled over the past decade.", "2013-03-22", "the past decade")
        assert (m.type, m.value) == ("DURATION", "P10Y")

    def test_weekend(self, tagger: TimeTagger) -> None:
        # 2013-03-18 is a Monday: "the weekend" in a past sentence is the one just gone.
        m = tag_one(tagger, "Rebels attacked over the weekend.", "2013-03-18", "the weekend")
        assert m.value == "2013-W11-WE"

    def test_comparisons_are_durations_not_dates(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("Spring came a month earlier than usual.", "2013-03-22")
        assert [(m.text, m.type, m.value) for m in mentions] == [("a month", "DURATION", "P1M")]

    def test_company_years(self, tagger: TimeTagger) -> None:
        text = "Revenue for the year ended March 31 rose; for the year, volume was flat."
        mentions = tagger.tag(text, "1989-11-02")
        assert [(m.text, m.type, m.value) for m in mentions] == [
            ("the year", "DURATION", "P1Y"),
            ("March 31", "DATE", "1989-03-31"),
            ("the year", "DATE", "1989"),
        ]

    def test_year_range(self, tagger: TimeTagger) -> None:
        mentions = tagger.tag("the pandemic of 2009-2010, when", None)
        assert [m.value for m in mentions] == ["2009", "2010"]


# --------------------------------------------------------------------------- real input


def _seed(name_prefix: str) -> tuple[str, str | None]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not available")
    path = next(SEEDS.glob(f"{name_prefix}_*.txt"))
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    header = re.match(r"\s*date (\d{4}-\d{2}-\d{2})\s?(.*)$", first)
    if header:
        return header.group(2) + "\n" + rest, header.group(1)
    return text, None


class TestSeeds:
    def test_000_talks_today_wednesday_and_march(self, tagger: TimeTagger) -> None:
        text, anchor = _seed("000")
        assert anchor == "2022-09-08"
        mentions = tagger.tag(text, anchor)
        assert only(mentions, "today").value == "2022-09-08"
        assert only(mentions, "Wednesday").value == "2022-09-07"
        march = only(mentions, "March this year")
        assert (march.value, march.granularity) == ("2022-03", "month")
        seventy = only(mentions, "70 years")
        assert seventy.type == "DURATION"

    def test_002_explicit_date_beats_weekday(self, tagger: TimeTagger) -> None:
        text, anchor = _seed("002")
        mentions = tagger.tag(text, anchor)
        dialogue = [m for m in mentions if m.value == "2023-03-05"]
        assert len(dialogue) == 1
        assert dialogue[0].conflicts and "Sunday" in dialogue[0].conflicts[0]

    def test_003_future_monday_duration_and_months(self, tagger: TimeTagger) -> None:
        text, _ = _seed("003")
        # 003 has no header; anchored on a Sunday the meeting "will" be the next day.
        mentions = tagger.tag(text, "2025-03-16")
        mondays = [m for m in mentions if m.text == "Monday"]
        assert mondays and all(m.value == "2025-03-17" for m in mondays)
        assert only(mentions, "six months").value == "P6M"
        assert only(mentions, "November 2024").value == "2024-11"
        assert only(mentions, "November last year").value == "2024-11"
        assert only(mentions, "2014").value == "2014"
        # Without a date, the weekday stays underspecified.
        assert {m.value for m in tagger.tag(text, None) if m.text == "Monday"} == {"XXXX-WXX-1"}

    def test_004_december_22_2020(self, tagger: TimeTagger) -> None:
        text, anchor = _seed("004")
        mentions = tagger.tag(text, anchor)
        days = [m for m in mentions if m.text == "December 22, 2020"]
        assert days and all(m.value == "2020-12-22" for m in days)


# --------------------------------------------------------------------------- robustness


class TestInputs:
    def test_tokenised_text(self, tagger: TimeTagger) -> None:
        text = "The quake struck on 12 January 2010 , -LRB- local time -RRB- ."
        assert tag_one(tagger, text, "2010-01-13", "12 January 2010").value == "2010-01-12"

    def test_offsets_point_into_the_text(self, tagger: TimeTagger) -> None:
        text = "\u201cOn Monday,\u201d she said \u2014 last year\u2019s plan\n\nin 2019."
        for m in tagger.tag(text, "2020-05-05"):
            assert text[m.start : m.end] == m.text

    def test_anchor_forms(self, tagger: TimeTagger) -> None:
        for anchor in ("2022-09-08", dt.date(2022, 9, 8), dt.datetime(2022, 9, 8, 10, 0)):
            assert (
                tag_one(tagger, "It happened yesterday.", anchor, "yesterday").value == "2022-09-07"
            )
        with pytest.raises(ConfigurationError):
            tagger.tag("today", "not a date")

    def test_module_function(self, tagger: TimeTagger) -> None:
        mentions = resolve_time_expressions("in 2019", None, tagger=tagger)
        assert [m.value for m in mentions] == ["2019"]

    def test_rule_names_trace_to_data(self, tagger: TimeTagger) -> None:
        ids = {rule.id for rule in tagger.rulebook.rules}
        for m in tagger.tag("On Monday, 5 March 2018, and in 1999, for three years.", "2018-03-07"):
            assert m.rule.split("+")[0] in ids


class TestRuleFiles:
    def _copy(self, tmp_path: Path) -> Path:
        source = Path(__file__).resolve().parents[1] / "src" / "dateline" / "timex" / "rules"
        target = tmp_path / "rules"
        shutil.copytree(source, target)
        return target

    def test_bad_rule_names_file_and_entry(self, tmp_path: Path) -> None:
        rules = self._copy(tmp_path)
        path = rules / "rules" / "70_references.json"
        data = json.loads(path.read_text())
        data["rules"].append(
            {"id": "broken", "type": "DATE", "resolve": "constant", "pattern": "(?:x"}
        )
        path.write_text(json.dumps(data))
        with pytest.raises(ConfigurationError, match=r"70_references\.json.*broken"):
            TimeTagger(rules)

    def test_unknown_placeholder(self, tmp_path: Path) -> None:
        rules = self._copy(tmp_path)
        path = rules / "rules" / "70_references.json"
        data = json.loads(path.read_text())
        data["rules"].append(
            {"id": "ghost", "type": "DATE", "resolve": "constant", "pattern": "{nonesuch}"}
        )
        path.write_text(json.dumps(data))
        with pytest.raises(ConfigurationError, match="nonesuch"):
            TimeTagger(rules)

    def test_bad_table_line(self, tmp_path: Path) -> None:
        rules = self._copy(tmp_path)
        (rules / "normalisations" / "season.tsv").write_text("spring\n")
        with pytest.raises(ConfigurationError, match=r"season\.tsv:1"):
            TimeTagger(rules)

    def test_a_reader_can_add_a_rule(self, tmp_path: Path) -> None:
        rules = self._copy(tmp_path)
        with (rules / "normalisations" / "holiday.tsv").open("a") as table:
            table.write("bastille day\t07-14\n")
        mentions = TimeTagger(rules).tag("They marched on Bastille Day.", "2022-09-01")
        assert [(m.text, m.value) for m in mentions] == [("Bastille Day", "2022-07-14")]


# --------------------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    [
        "the",
        "a",
        "on",
        "in",
        "last",
        "next",
        "this",
        "year",
        "month",
        "week",
        "day",
        "Monday",
        "Friday",
        "March",
        "May",
        "2022",
        "1999",
        "15",
        "3rd",
        "of",
        "ago",
        "later",
        "earlier",
        "said",
        "will",
        "two",
        "twenty-five",
        "days",
        "hours",
        "10:30",
        "p.m.",
        ",",
        ".",
        "-",
        "/",
        "'",
        "quarter",
        "fiscal",
        "Q3",
        "1990s",
        "spring",
        "every",
        "each",
        "daily",
        "since",
        "from",
        "to",
        "and",
        "i.e",
        "today",
        "yesterday",
        "tomorrow",
        "decade",
        "century",
        "weekend",
        "Christmas",
        "Thanksgiving",
        "Easter",
        "night",
        "morning",
        "5",
        "p.m.",
        "9:30",
        "a.m.",
        "noon",
        "Oct.",
        "27",
        "twenty-first",
        "12/31/99",
        "nineteen",
        "ninety-six",
        "the",
        "following",
        "previous",
        "same",
        "that",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(_WORDS, max_size=40).map(" ".join),
)
_ANCHOR = st.one_of(
    st.none(),
    # The calendar's ends: arithmetic must stop there, not overflow.
    st.sampled_from(
        [
            dt.date(1, 1, 1),
            dt.date(1, 1, 3),
            dt.date(9999, 12, 31),
            dt.date(9999, 12, 27),
            "0001",
            "9999",
        ]
    ),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.integers(min_value=1, max_value=9999).map(lambda y: f"{y:04d}"),
    st.tuples(st.integers(1, 9999), st.integers(1, 12)).map(lambda t: f"{t[0]:04d}-{t[1]:02d}"),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_TEXT, anchor=_ANCHOR)
def test_never_crashes_and_values_are_well_formed(
    tagger: TimeTagger, text: str, anchor: str | dt.date | None
) -> None:
    for m in tagger.tag(text, anchor):
        assert is_timex_value(m.value), m
        assert text[m.start : m.end] == m.text
        assert m.type in ("DATE", "TIME", "DURATION", "SET")
        assert m.rule


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(_WORDS, min_size=1, max_size=12).map(" ".join))
def test_first_character_dispatch_agrees_with_the_full_matcher(
    tagger: TimeTagger, text: str
) -> None:
    """The speed-up may not change what matches: same rule, same span, at every word."""
    book = tagger.rulebook
    for word in re.finditer(r"\b\w", text):
        position = word.start()
        subset, groups = book.dispatch.get(
            text[position].lower(), (book.matcher, book.rule_by_group)
        )
        fast, full = subset.match(text, position), book.matcher.match(text, position)
        assert (fast and fast.span()) == (full and full.span())
        if fast and full:
            assert groups[fast.lastindex or 0].id == book.rule_by_group[full.lastindex or 0].id


def test_validator_rejects_malformed_values() -> None:
    for bad in ("2022-13", "P", "2022-W", "20222", "XXXX-WXX-8", "PRESENT", "P3", "2022-09-08T25"):
        assert not is_timex_value(bad), bad
    for good in (
        "2022-09-07",
        "2022-03",
        "2021",
        "2022-W36",
        "2022-Q3",
        "P6M",
        "PRESENT_REF",
        "XXXX-WXX-1",
        "2013-03-22T14:00",
        "199",
        "19",
        "PT2H30M",
        "2022-SU",
        "PXY",
    ):
        assert is_timex_value(good), good


def test_a_trailing_attribution_does_not_decide_the_tense() -> None:
    # "..., the ministry said today" speaks of the report; "will hold" speaks of the event.
    text = (
        "The minister, Ana Costa, will hold talks with her counterpart, Omar Idrissi, in Lisbon "
        "on Thursday, the ministry said today."
    )
    (thursday,) = [m for m in resolve_time_expressions(text, "2024-03-04") if m.text == "Thursday"]
    assert thursday.value == "2024-03-07"
    assert thursday.tense == "future"


def test_an_attribution_still_counts_when_nothing_else_does() -> None:
    text = "The talks in Lisbon on Thursday, officials said, went well."
    (thursday,) = [m for m in resolve_time_expressions(text, "2024-03-04") if m.text == "Thursday"]
    assert thursday.value == "2024-02-29"
