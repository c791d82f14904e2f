"""Correlate: the same problem through several channels becomes one cluster.

The path of a clue through this package:

    stage.py     the pipeline stage: load → compute (pure) → store
    profile.py   what is compared of a clue (pure): text.py cleans the words, fields.py keys
                 the subject units, things.py finds places, organizations and persons,
                 signature.py makes the MinHash signature and its LSH band keys
    index.py     the index in the database, shared by every worker: profiles, band keys,
                 field keys; the candidates of a new clue
    decide.py    the link decision (pure): score and reasons
    link.py      into which cluster a new clue goes; the lock that keeps two workers apart
    clusters.py  SQL over clusters, links and membership
    service.py   reviewers' operations: merge, split, detach, attach, set the lead
    rebuild.py   `hub correlate rebuild`
    labelled.py  the labelled pairs in data/ and how well the decision does on them
"""
