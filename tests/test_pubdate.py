"""Publication dates: stated ones normalised, inferred ones honest, nothing invented."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from dateline.errors import ConfigurationError
from dateline.pubdate import (
    date_from_field,
    date_from_html,
    infer_publication_date,
    load_future_cues,
    parse_date_value,
    split_date_header,
)
from dateline.records import TimeMention


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2010-01-12", ("2010-01-12", "day")),
        ("2010-01-12T08:00:00Z", ("2010-01-12", "day")),
        ("2010-01-12T23:30:00-05:00", ("2010-01-12", "day")),
        ("2010-01-12 08:00", ("2010-01-12", "day")),
        ("2010-01-12T08:00:00.123+0100", ("2010-01-12", "day")),
        ("2010/01/12", ("2010-01-12", "day")),
        ("Jan 12, 2010", ("2010-01-12", "day")),
        ("Jan. 12, 2010", ("2010-01-12", "day")),
        ("January 12 2010", ("2010-01-12", "day")),
        ("12 January 2010", ("2010-01-12", "day")),
        ("12th January 2010", ("2010-01-12", "day")),
        ("Tuesday, January 12, 2010", ("2010-01-12", "day")),
        ("Tue, 12 Jan 2010 08:00:00 +0000", ("2010-01-12", "day")),
        ("  2010-01-12  ", ("2010-01-12", "day")),
        ("2010-01", ("2010-01", "month")),
        ("January 2010", ("2010-01", "month")),
        ("2010", ("2010", "year")),
        (1263283200, ("2010-01-12", "day")),
        (1263283200000, ("2010-01-12", "day")),
        ("1263283200", ("2010-01-12", "day")),
        (1263283200.5, ("2010-01-12", "day")),
    ],
)
def test_stated_dates_are_normalised(raw: object, expected: tuple[str, str]) -> None:
    assert parse_date_value(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "soon",
        "01/02/2010",  # day or month first? refused, not guessed
        "2010-02-30",
        "2010-13",
        "0999-01-01",
        "3000",
        True,
        12,
        ["2010-01-12"],
        {"date": "2010-01-12"},
        "yesterday",
    ],
)
def test_non_dates_are_refused(raw: object) -> None:
    assert parse_date_value(raw) is None


def test_field_date_records_where_it_came_from() -> None:
    published = date_from_field("2010-01-12T08:00:00Z", "time")
    assert published is not None
    assert (published.value, published.granularity, published.source) == (
        "2010-01-12",
        "day",
        "field",
    )
    assert "time" in published.evidence and not published.inferred
    assert date_from_field("next week", "date") is None


@pytest.mark.parametrize(
    ("text", "value", "body"),
    [
        ("date 2022-09-08\nFirst line.\n", "2022-09-08", "First line.\n"),
        (
            " date 2022-09-08 First sentence here.\n\nMore.",
            "2022-09-08",
            "First sentence here.\n\nMore.",
        ),
        ("\ufeffdate 2020-12-22 Text.", "2020-12-22", "Text."),
        ("Date: 2021-01-05\r\nBody.", "2021-01-05", "Body."),
        ("date 2021-01-05", "2021-01-05", ""),
    ],
)
def test_date_header_is_split_off(text: str, value: str, body: str) -> None:
    header, rest = split_date_header(text)
    assert header is not None and header.value == value
    assert (header.granularity, header.source) == ("day", "header")
    assert rest == body


@pytest.mark.parametrize(
    "text",
    [
        "The date 2022-09-08 was chosen.",
        "dated 2022-09-08 in the minutes",
        "First line.\ndate 2022-09-08 second line",
        "date 2022-02-30 impossible day",
        "date 20220908 compact",
        "update 2022-09-08 notes",
    ],
)
def test_text_without_a_header_is_left_alone(text: str) -> None:
    assert split_date_header(text) == (None, text)


PAGE = """<html><head>
<meta property="article:published_time" content="2019-06-03T09:00:00+02:00">
<meta property="article:modified_time" content="2019-06-10T12:00:00+02:00">
<title>Dam inquiry</title></head>
<body><article><p>The inquiry into the dam opened on 1 June 2019 and heard 20 witnesses.</p>
</article></body></html>"""

PAGE_WITHOUT_METADATA = """<html><head><title>Dam inquiry</title></head>
<body><article><p>The inquiry into the dam opened on 1 June 2019 and heard 20 witnesses.</p>
<p>It will report on 30 September 2019.</p></article></body></html>"""


def test_html_metadata_gives_the_original_date() -> None:
    published = date_from_html(trafilatura.load_html(PAGE))
    assert published is not None
    assert (published.value, published.granularity, published.source) == (
        "2019-06-03",
        "day",
        "html-meta",
    )


def test_html_body_dates_are_not_publication_dates() -> None:
    assert date_from_html(trafilatura.load_html(PAGE_WITHOUT_METADATA)) is None


# --------------------------------------------------------------------------- inference


def mention(
    text: str,
    document: str,
    value: str,
    granularity: str = "day",
    type_: str = "DATE",
    tense: str | None = None,
) -> TimeMention:
    start = document.index(text)
    return TimeMention(
        text=text,
        start=start,
        end=start + len(text),
        type=type_,  # type: ignore[arg-type]
        value=value,
        granularity=granularity,  # type: ignore[arg-type]
        tense=tense,
    )


def test_latest_stated_day_gives_a_month_lower_bound() -> None:
    text = (
        "The treaty was signed on 3 February 2021. Talks resumed on 14 April 2021, "
        "and the two sides met again in March 2021."
    )
    mentions = [
        mention("3 February 2021", text, "2021-02-03"),
        mention("14 April 2021", text, "2021-04-14"),
        mention("March 2021", text, "2021-03", "month"),
    ]
    published = infer_publication_date(text, mentions)
    assert published is not None
    assert (published.value, published.granularity, published.source) == (
        "2021-04",
        "month",
        "inferred",
    )
    assert published.inferred
    assert "14 April 2021" in published.evidence and "lower bound" in published.evidence


def test_never_a_day_even_from_a_single_exact_date() -> None:
    text = "The bridge opened on 5 May 2018."
    published = infer_publication_date(text, [mention("5 May 2018", text, "2018-05-05")])
    assert published is not None and published.granularity == "month"
    assert published.value == "2018-05"


def test_announced_future_dates_are_not_evidence() -> None:
    text = (
        "The council approved the plan on 2 March 2022. The new line will open on 1 September 2023."
    )
    mentions = [
        mention("2 March 2022", text, "2022-03-02"),
        mention("1 September 2023", text, "2023-09-01"),
    ]
    published = infer_publication_date(text, mentions)
    assert published is not None and published.value == "2022-03"
    # no cue word in the sentence, but the tagger marked the tense as future
    text = "The council approved the plan on 2 March 2022. The line opens on 1 September 2023."
    tagged = [
        mention("2 March 2022", text, "2022-03-02"),
        mention("1 September 2023", text, "2023-09-01", tense="future"),
    ]
    published = infer_publication_date(text, tagged)
    assert published is not None and published.value == "2022-03"
    tagged[1] = mention("1 September 2023", text, "2023-09-01", tense="past")
    published = infer_publication_date(text, tagged)
    assert published is not None and published.value == "2023-09"


def test_weak_or_unresolved_evidence_gives_none() -> None:
    text = "Relations began in 1952. Since then, for 70 years, on Monday and today, until 2029."
    mentions = [
        mention("1952", text, "1952", "year"),
        mention("70 years", text, "P70Y", "none", "DURATION"),
        mention("Monday", text, "XXXX-WXX-1"),
        mention("today", text, "PRESENT_REF", "none"),
        mention("2029", text, "2029", "year"),
    ]
    assert infer_publication_date(text, mentions) is None
    assert infer_publication_date(text, []) is None


def test_month_without_year_is_not_evidence() -> None:
    text = "The exercise took place in March this year."
    assert (
        infer_publication_date(text, [mention("March this year", text, "XXXX-03", "month")]) is None
    )


def test_future_cue_file_errors_are_configuration_errors(tmp_path: Path) -> None:
    bad = tmp_path / "cues.json"
    bad.write_text('{"cues": []}', encoding="utf-8")
    with pytest.raises(ConfigurationError):
        load_future_cues(bad)
    assert load_future_cues().search("It WILL open") is not None
    assert load_future_cues().search("goodwill") is None


def test_inference_on_the_example_explainer_with_the_time_tagger(examples_dir: Path) -> None:
    """The undated example article, tagged without an anchor as the pipeline does."""
    timex = pytest.importorskip("dateline.timex")
    text = (examples_dir / "energy-review_atlantic-link-explainer.txt").read_text("utf-8")
    mentions = [m for m in timex.TimeTagger().tag(text, None) if m.is_calendar_date]
    published = infer_publication_date(text, mentions)
    assert published is not None
    assert (published.value, published.granularity) == ("2024-03", "month")
    assert "21 March 2024" in published.evidence


# --------------------------------------------------------------------------- inference as a range


def _infer(text: str):
    timex = pytest.importorskip("dateline.timex")
    return infer_publication_date(text, timex.TimeTagger().tag(text, None))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "RABAT | Fri Apr 22, 2011 2:51 pm EDT RABAT (Reuters) - Morocco said on Friday.",
            "2011-04-22",
        ),
        ("7 March 2012 Last updated at 13:06 GMT Help The envoy has arrived.", "2012-03-07"),
        ("February 04, 2011 | By Ana Costa, Wire The clashes went on.", "2011-02-04"),
        ("Monday 2 May 2005 14.00 BST An inquiry is expected to report.", "2005-05-02"),
    ],
)
def test_the_articles_own_time_stamp_gives_its_day(text: str, day: str) -> None:
    published = _infer(text)
    assert published is not None and published.inferred
    assert (published.value, published.granularity) == (day, "day")
    assert published.earliest == published.latest == day
    assert "time stamp" in published.evidence


def test_a_caption_date_or_a_two_digit_year_is_no_time_stamp() -> None:
    caption = _infer("July 17, 2010: The stack is shown at the site. Engineers capped the well.")
    assert caption is not None and (caption.value, caption.granularity) == ("2010-07", "month")
    assert caption.earliest == "2010-07-01" and caption.latest is None
    two_digit = _infer("30 August 11 11:00 GMT I argued in May that he would survive.")
    assert two_digit is None or two_digit.granularity != "day"


def test_last_year_beside_a_stated_month_gives_the_year() -> None:
    text = (
        "In November last year, the two countries inked an agreement. "
        "The accord, signed in November 2024, covers radios."
    )
    published = _infer(text)
    assert published is not None
    assert (published.value, published.granularity) == ("2025", "year")
    assert (published.earliest, published.latest) == ("2025-01-01", "2025-12-31")
    assert "November last year" in published.evidence


def test_a_deadline_still_ahead_is_an_upper_bound() -> None:
    text = (
        "The ministers first met in November 2024. This will be their second meeting "
        "within six months of that first meeting in November 2024."
    )
    published = _infer(text)
    assert published is not None
    assert (published.value, published.earliest, published.latest) == (
        "2024-11",
        "2024-11-01",
        "2025-04-30",
    )
    past = "The line was finished within six months of its approval in November 2024."
    done = _infer(past)
    assert done is not None and done.latest is None  # a past deadline bounds nothing


def test_pubdate_eval_meets_its_floors(t17_dir: Path) -> None:
    """benchmarks/pubdate_eval.py end to end on the events gold set (a few seconds)."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "pubdate_eval.py"), "--t17-root", str(t17_dir)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    floors = json.loads((root / "eval" / "events_floors.json").read_text("utf-8"))["pubdate"]
    for name in ("inferred", "day_correct", "range_correct"):
        assert figures[name] >= floors[name], f"{name} {figures[name]} below {floors[name]}"
