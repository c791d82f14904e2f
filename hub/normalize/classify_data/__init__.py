"""Data for hub.normalize.classify.

* rules.json: weighted keywords, phrase patterns and channel priors (loaded once).
* eval_set.jsonl: 344 labelled clues; lines with index % 4 == 0 are held out from tuning.
* eval_fresh.jsonl, eval_blind2.jsonl: clues written after tuning (see bench/classify.py).
"""
