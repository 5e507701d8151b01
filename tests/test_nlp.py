"""The English pipeline wrapper: offsets are exact, errors say how to fix them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.errors import ModelNotFoundError
from dateline.nlp import EnglishPipeline, find_english_model, paragraph_blocks


@pytest.fixture(scope="module")
def pipeline() -> EnglishPipeline:
    return EnglishPipeline.load()


@given(st.text(alphabet=st.sampled_from(list("ab .\n\t?")), max_size=200))
def test_blocks_are_exact_slices_of_the_text(text: str) -> None:
    for offset, block in paragraph_blocks(text):
        assert text[offset : offset + len(block)].replace("\n", " ") == block
        assert block.strip()


def test_blocks_break_at_lines_that_end_like_sentences_and_join_wrapped_lines() -> None:
    text = "Line one .\nLine two .\nA wrapped line that\ncontinues here.\n\nHeading\nBody."
    blocks = [b for _, b in paragraph_blocks(text)]
    assert blocks == [
        "Line one .",
        "Line two .",
        "A wrapped line that continues here.",
        "Heading",
        "Body.",
    ]


def test_sentence_spans_cover_the_sentences(pipeline: EnglishPipeline) -> None:
    text = "The minister arrived on Monday. He met his counterpart.\n\nTalks ended  today."
    spans = pipeline.split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "The minister arrived on Monday.",
        "He met his counterpart.",
        "Talks ended  today.",
    ]


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=300))
def test_sentence_spans_are_trimmed_ordered_and_inside_the_text(text: str) -> None:
    spans = EnglishPipelineHolder.get().split_sentences(text)
    previous_end = 0
    for s, e in spans:
        assert previous_end <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        previous_end = e


def test_entities_have_offsets_into_their_text(pipeline: EnglishPipeline) -> None:
    text = "Defence Minister Rajnath Singh met Yasukazu Hamada in Tokyo."
    (ents,) = pipeline.recognise_entities([text])
    assert ents, "expected at least one entity"
    for ent in ents:
        assert text[ent.start : ent.end] == ent.text
    assert any(e.label == "GPE" and e.text == "Tokyo" for e in ents)


def test_a_missing_model_says_how_to_install_one() -> None:
    with pytest.raises(ModelNotFoundError, match=r"requirements/model\.txt"):
        find_english_model("no_such_model_xyz")


class EnglishPipelineHolder:
    """Hypothesis tests cannot take function-scoped fixtures; load the model once per class."""

    loaded: EnglishPipeline | None = None

    @classmethod
    def get(cls) -> EnglishPipeline:
        if cls.loaded is None:
            cls.loaded = EnglishPipeline.load()
        return cls.loaded
