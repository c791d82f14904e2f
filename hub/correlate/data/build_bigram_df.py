"""Build bigram_df.json: in how many of N background clues each character bigram of the
comparable text occurs, for hub.correlate.text.rare_word_similarity.

The background is the classifier's evaluation sets (hub/normalize/classify_data/eval_*.jsonl:
complaint text of every category and channel, none of it in the correlation pair sets), so
the table says which words every complaint uses (反映, 要求, 处罚) and which name a problem
(半挂, 仲裁, 梧桐). Bigrams seen in fewer than two clues are left out: they count as unseen.

Run: .venv/bin/python hub/correlate/data/build_bigram_df.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from hub.correlate import text  # noqa: E402


def main() -> None:
    sources = sorted((ROOT / "hub" / "normalize" / "classify_data").glob("eval_*.jsonl"))
    counts: Counter[str] = Counter()
    documents = 0
    for path in sources:
        for line in path.open(encoding="utf-8"):
            if not line.strip():
                continue
            clue = json.loads(line)
            words = text.comparable(text.clean(f"{clue['title']}。{clue['content']}"))
            counts.update(text.shingles(words))
            documents += 1
    table = {"documents": documents, "sources": [p.name for p in sources],
             "df": {gram: n for gram, n in sorted(counts.items()) if n >= 2}}
    with (HERE / "bigram_df.json").open("w", encoding="utf-8") as fh:
        json.dump(table, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"{documents} clues, {len(table['df'])} bigrams kept")


if __name__ == "__main__":
    main()
