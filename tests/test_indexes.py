"""Issue 14: a link table (a key of two references: a proposal's objectives, a plan's team) is read from both
sides (a proposal's objectives; an objective's proposals), so each of its references leads an index. Its key leads
with the first; the second needs its own (without it an objective's page scanned every proposal-objective row)."""

from sqlmodel import SQLModel

import tracker.models  # noqa: F401 - every table on the metadata


def test_every_reference_in_a_link_tables_key_leads_an_index():
    unindexed = []
    for table in SQLModel.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) < 2:
            continue
        leading = {key[0].name} | {next(iter(index.columns)).name for index in table.indexes if index.columns}
        unindexed += [f"{table.name}.{column.name}" for column in key
                      if column.foreign_keys and column.name not in leading]
    assert unindexed == []
