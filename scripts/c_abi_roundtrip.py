#!/usr/bin/env python3
"""Drives libStrataC through the Arrow C Stream Interface with pyarrow, and checks both ways.

`python scripts/c_abi_roundtrip.py LIB INPUT.parquet OUT.parquet`: Strata reads INPUT and hands
pyarrow a stream (strata_read), which must equal pyarrow's own read of INPUT; pyarrow then hands
that table to Strata as a stream (strata_write), which writes OUT, which pyarrow reads back.
Prints a JSON verdict; exit code 0 when every comparison holds. Used by the C Data Interface
test when the venv exists.
"""
import ctypes
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq

lib = ctypes.CDLL(sys.argv[1])
lib.strata_read.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p)]
lib.strata_write.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p)]
source, target = sys.argv[2], sys.argv[3]

stream = ctypes.create_string_buffer(64)  # struct ArrowArrayStream: 5 pointers
error = ctypes.c_char_p()
rc = lib.strata_read(source.encode(), ctypes.addressof(stream), ctypes.byref(error))
assert rc == 0, error.value
from_strata = pa.RecordBatchReader._import_from_c(ctypes.addressof(stream)).read_all()
reference = pq.read_table(source)
# Strata hands strings over as dictionary<int32, utf8> (its own layout) and timestamps in µs/UTC.
decoded = from_strata.cast(pa.schema([
    pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type) for f in from_strata.schema]))
verdict = {"rows": from_strata.num_rows, "read_equal": decoded.equals(reference.cast(decoded.schema))}

out_stream = ctypes.create_string_buffer(64)
reference.to_reader(max_chunksize=700)._export_to_c(ctypes.addressof(out_stream))
rc = lib.strata_write(target.encode(), ctypes.addressof(out_stream), ctypes.byref(error))
verdict["write_rc"] = rc
verdict["write_equal"] = rc == 0 and pq.read_table(target).cast(decoded.schema).equals(reference.cast(decoded.schema))
missing = ctypes.c_char_p()
verdict["missing_file_rc"] = lib.strata_read(b"/nonexistent/x.parquet", ctypes.addressof(stream), ctypes.byref(missing))
verdict["missing_file_error"] = (missing.value or b"").decode()
print(json.dumps(verdict))
sys.exit(0 if verdict["read_equal"] and verdict["write_equal"] and verdict["missing_file_rc"] != 0 else 1)
