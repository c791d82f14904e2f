"""Route: declarative rules propose a disposition for each clue and say why.

    language.py    the rule language (pydantic models, extra="forbid"); how a rule set is read
    rulefile.py    YAML in (validated, errors in Chinese via messages.py) and out
    conditions.py  one check per kind of condition, with the words that explain a match
    evaluate.py    pure: compile a rule set, evaluate a clue → Routing (proposal or none)
    stage.py       RouteStage: the pipeline step (load → evaluate → store proposals + events)
    dry_run.py     a candidate rule set against past clues, nothing written
    service.py     versions (seed, save, activate, list, export) and stored proposals
    repository.py  the SQL;  models.py  the tables;  cli.py  `hub rules ...`
"""
