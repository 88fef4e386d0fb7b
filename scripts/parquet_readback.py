#!/usr/bin/env python3
"""Reads a Parquet or Arrow IPC file with pyarrow (and Parquet with DuckDB), prints what each sees as JSON.

Used by Strata's writer tests (Tests/StrataIOTests/ParquetWriterTests.swift) when the venv with
pyarrow and duckdb exists: `python scripts/parquet_readback.py FILE`. Values are mapped to
Strata's types as in make_fixtures.py (dates as ISO text, timestamps as µs since the epoch).
"""
import datetime
import json
import sys

import pyarrow.parquet as pq

EPOCH = datetime.datetime(1970, 1, 1)


def value(v):
    if isinstance(v, datetime.datetime):
        return (v.replace(tzinfo=None) - EPOCH) // datetime.timedelta(microseconds=1)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, float) and v != v:
        return "NaN"
    return v


path = sys.argv[1]
if path.endswith(".parquet"):
    table = pq.read_table(path)
else:
    import pyarrow.ipc as ipc
    with open(path, "rb") as f:
        table = (ipc.open_stream(f) if path.endswith(".arrows") else ipc.open_file(f)).read_all()
result = {
    "pyarrow": {name: [value(v) for v in table.column(name).to_pylist()] for name in table.column_names},
    "pyarrow_types": {f.name: str(f.type) for f in table.schema},
}
try:
    if not path.endswith(".parquet"):
        raise ImportError
    import duckdb
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
    seen = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.fetch_arrow_table()
    result["duckdb"] = {name: [value(v) for v in seen.column(name).to_pylist()] for name in seen.column_names}
except ImportError:
    pass
print(json.dumps(result, ensure_ascii=False))
