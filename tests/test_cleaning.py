"""Boilerplate removal: general rules tried on invented pages of several site styles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.cleaning import BoilerplateRules, CleanedText, strip_boilerplate
from dateline.errors import ConfigurationError


@pytest.fixture(scope="module")
def rules() -> BoilerplateRules:
    return BoilerplateRules.load()


def kept_lines(cleaned: CleanedText) -> list[str]:
    return [line for line in cleaned.text.splitlines() if line]


REGIONAL_PAGE = """\
Skip to main content
Home | Politics | Economy | World | Sport | Culture
Search
Log in

Water utility to replace 40 km of pipes in Braga
By Sofia Marques
Share
  - Facebook
  - Twitter
  - Email
thumb-img_main
Workers inspect a burst main in Braga. (File photo)

Braga's water utility will replace 40 kilometres of ageing pipes by the end of next year, its chairman said on Wednesday.

ADVERTISEMENT - SCROLL TO CONTINUE

The work will cost 12 million euros and will be paid for partly by European funds.

Funding and timetable

The chairman said the first section would be finished in May.

He declined to comment on water prices.

Also read: Porto council approves new tram line
Most Popular
Copyright \u00a9 2023 Braga Daily Ltd
"""


def test_regional_page_keeps_story_and_heading(rules: BoilerplateRules) -> None:
    cleaned = strip_boilerplate(REGIONAL_PAGE, rules)
    assert kept_lines(cleaned) == [
        "Water utility to replace 40 km of pipes in Braga",
        "By Sofia Marques",  # one short line among share buttons: kept
        "Braga's water utility will replace 40 kilometres of ageing pipes by the end of next "
        "year, its chairman said on Wednesday.",
        "The work will cost 12 million euros and will be paid for partly by European funds.",
        "Funding and timetable",
        "The chairman said the first section would be finished in May.",
        "He declined to comment on water prices.",
    ]
    assert "Skip to main content" in cleaned.removed
    assert "Workers inspect a burst main in Braga. (File photo)" in cleaned.removed
    assert len(cleaned.removed) == 14


TRANSPORT_PAGE = """\
Home \u203a News \u203a Transport
Home News Transport Night trains return to the Lisbon-Madrid line
Night trains return to the Lisbon-Madrid line

The overnight train between Lisbon and Madrid will run again from June, the two rail operators said on Friday, ending a four-year\u2026

The overnight train between Lisbon and Madrid will run again from June, the two rail operators said on Friday, ending a four-year gap.

Tickets go on sale next month.

Tickets go on sale next month.

Photo: Comboios Archive
"""


def test_breadcrumbs_teaser_and_repeated_lines(rules: BoilerplateRules) -> None:
    cleaned = strip_boilerplate(TRANSPORT_PAGE, rules)
    assert kept_lines(cleaned) == [
        "Night trains return to the Lisbon-Madrid line",
        "The overnight train between Lisbon and Madrid will run again from June, the two rail "
        "operators said on Friday, ending a four-year gap.",
        "Tickets go on sale next month.",
    ]
    assert len(cleaned.removed) == 5


def test_teaser_spanning_two_paragraphs(rules: BoilerplateRules) -> None:
    text = (
        "The port authority will dredge the northern channel this summer. Work starts...\n\n"
        "The port authority will dredge the northern channel this summer.\n\n"
        "Work starts in July and will take ten weeks, the authority said.\n"
    )
    cleaned = strip_boilerplate(text, rules)
    assert len(cleaned.removed) == 1 and cleaned.removed[0].endswith("Work starts...")


def test_menu_of_section_words_and_markup_placeholders(rules: BoilerplateRules) -> None:
    text = (
        "nav_logo Home nav_icon2 Markets nav_icon3 Opinion nav_icon4 Podcasts\n"
        "News Business Sport Culture Travel Weather\n"
        "hero-image hero-image\n"
        "\u2022 WhatsApp\n"
        "Share on LinkedIn\n"
        "Ministers approved the budget on Tuesday after a long debate.\n"
        "\u00a9 2022 Example Media Group. All rights reserved.\n"
        "Story continues below advertisement\n"
    )
    cleaned = strip_boilerplate(text, rules)
    assert cleaned.text == "Ministers approved the budget on Tuesday after a long debate."
    assert len(cleaned.removed) == 7


@pytest.mark.parametrize(
    "line",
    [
        "Importance of the meeting",
        "What happens next",
        "Reaction",
        "Analysis",
        "No.",
        "Yes.",
        "2024",
        "World Cup final moved to Sunday",
        "Share prices rose 4% on Monday.",
        "Advertisement revenue fell by a third last year, the company said.",
        "Subscribers will pay five euros a month from January.",
        "Subscribe to the plan before June, the minister told farmers.",
        "He showed reporters a file photo of the damaged bridge.",
        "The photo was taken in 1998.",
        "Home ministers from six countries met in Vienna on Monday.",
        "India and Japan to broaden defence cooperation in new fields",
        "Министр прибыл в Киев",
        "Read the full report on the ministry's website, officials said.",
    ],
)
def test_real_lines_are_kept(line: str, rules: BoilerplateRules) -> None:
    text = (
        f"An opening sentence of the story goes here.\n\n{line}\n\nA closing sentence of the story."
    )
    cleaned = strip_boilerplate(text, rules)
    assert line in cleaned.text.splitlines(), cleaned.removed
    assert cleaned.removed == ()


VERTICAL_MENU_PAGE = """\
Accessibility help
Skip to content
Sections
World
Europe
Climate
Councils face budget shortfall, auditors warn

3 hours ago

Share
Save
Maria Evans
Local government correspondent
Getty Images
Councils in the north-east face a combined shortfall of 210m pounds next year, auditors said.
Related topics
Local government
Budget
More on this story
Published 2 days ago
Cookies
"""


def test_vertical_menus_are_removed(rules: BoilerplateRules) -> None:
    cleaned = strip_boilerplate(VERTICAL_MENU_PAGE, rules)
    assert kept_lines(cleaned) == [
        "Councils face budget shortfall, auditors warn",
        "Councils in the north-east face a combined shortfall of 210m pounds next year, "
        "auditors said.",
    ]


def test_a_heading_between_ad_slots_is_kept(rules: BoilerplateRules) -> None:
    text = (
        "The minister opened the session on Monday morning.\n"
        "Advertisement\nImportance of the meeting\nAdvertisement\nAdvertisement\n"
        "The talks covered trade and fisheries."
    )
    assert "Importance of the meeting" in kept_lines(strip_boilerplate(text, rules))


def test_paragraph_breaks_are_kept_and_collapsed(rules: BoilerplateRules) -> None:
    text = (
        "\r\n\r\nFirst paragraph.\r\nSame paragraph.\r\n\r\n"
        "Advertisement\r\n\r\n\r\nSecond.\r\n\r\n"
    )
    cleaned = strip_boilerplate(text, rules)
    assert cleaned.text == "First paragraph.\nSame paragraph.\n\nSecond."


def test_rules_file_errors_are_configuration_errors(tmp_path: Path) -> None:
    broken = tmp_path / "rules.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot read boilerplate rules"):
        BoilerplateRules.load(broken)
    incomplete = tmp_path / "incomplete.json"
    incomplete.write_text(json.dumps({"exact_lines": []}), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="invalid boilerplate rules"):
        BoilerplateRules.load(incomplete)
    bad_regex = json.loads(
        (Path(__file__).parents[1] / "src/dateline/data/boilerplate.json").read_text("utf-8")
    )
    bad_regex["line_patterns"] = ["(unclosed"]
    bad = tmp_path / "bad_regex.json"
    bad.write_text(json.dumps(bad_regex), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="error"):
        BoilerplateRules.load(bad)


# --------------------------------------------------------------------------- properties

LINE_POOL = [
    "Advertisement",
    "  \u2022 fb",
    "twitter",
    "Home World Ferry link to the islands restored",
    "Ferry link to the islands restored",
    "Home \u203a News \u203a Islands",
    "The ferry link to the islands was restored on Sunday after the storm...",
    "The ferry link to the islands was restored on Sunday after the storm passed.",
    "Subscribe To Print Edition About Us",
    "featured-img featured-img",
    "Island mayor Ana Lopes. File photo",
    "The mayor said the harbour wall would be rebuilt within six months.",
    "Importance of the harbour",
    "DT",
    "Read more",
    "",
    "",
    "...",
    "Start",
    "Start News Ferry link to the islands restored",
    "No.",
    "World",
    "Europe",
    "Ana Lopes",
    "Harbour news",
]

lines_strategy = st.lists(
    st.one_of(
        st.sampled_from(LINE_POOL),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    ),
    max_size=25,
)


@settings(max_examples=400, deadline=None)
@given(lines=lines_strategy, separator=st.sampled_from(["\n", "\r\n"]))
def test_cleaning_is_idempotent_and_never_adds_text(lines: list[str], separator: str) -> None:
    rules = BoilerplateRules.load()
    text = separator.join(lines)
    once = strip_boilerplate(text, rules)
    twice = strip_boilerplate(once.text, rules)
    assert twice.text == once.text
    assert twice.removed == ()
    assert len(once.text) <= len(text)
    source_lines = {
        line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    }
    for line in once.text.split("\n"):
        assert line == "" or line in source_lines
