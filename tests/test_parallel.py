"""Worker processes give exactly what one process gives, from a plain script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"

SCRIPT = """
import json, sys
from dataclasses import asdict
from dateline.pipeline import Corpus
corpus = Corpus.from_paths([sys.argv[1]], workers=int(sys.argv[2]))
timeline = corpus.timeline(dates=10, sentences=2)
print(json.dumps({
    "articles": [asdict(a) for a in corpus.articles],
    "events": [asdict(e) for e in corpus.events],
    "timeline": [asdict(e) for e in timeline.entries],
}, default=str))
"""


@pytest.mark.slow
def test_two_workers_match_one_process(tmp_path: Path) -> None:
    # A script with no `if __name__ == "__main__":` guard, as a user would write it.
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    outputs = []
    for workers in ("1", "2"):
        done = subprocess.run(
            [sys.executable, str(script), str(EXAMPLES), workers],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(json.loads(done.stdout))
    one, two = outputs
    assert len(one["articles"]) == 11
    assert one == two
