"""The directory of government bodies (单位名录), and resolving clue subjects against it.

    sheet, rows, importer   the administrator's CSV/XLSX in and out (`hub directory import`)
    names, index            cleaning names, reading place prefixes; the in-memory index
    resolve                 subject -> body (credit code, name, alias, fuzzy), pure
    subjects                a clue's subjects resolved, or found in its text (normalize stage)
    snapshot                the index per process, rebuilt when the table changes
    service, rematch        picker, reviewer's pick, seeding; matching stored clues again
"""
