#ifndef STRATA_CODECS_H
#define STRATA_CODECS_H
// Compression codecs (Debian's libsnappy, zlib, libzstd, liblz4) and the bit-level decoders of
// Parquet's encodings. No Swift API here: StrataIO wraps what it uses. Every function checks
// its input against the lengths it is given and returns a negative value on malformed input;
// none reads or writes outside the buffers it is passed.
#include <stddef.h>
#include <stdint.h>
#include "strata_arrow_abi.h"

/// Codec numbers are Parquet's CompressionCodec values, plus LZ4 frames for Arrow IPC.
enum {
    STRATA_CODEC_NONE = 0,
    STRATA_CODEC_SNAPPY = 1,
    STRATA_CODEC_GZIP = 2,
    STRATA_CODEC_LZ4_HADOOP = 5,
    STRATA_CODEC_ZSTD = 6,
    STRATA_CODEC_LZ4_RAW = 7,
    STRATA_CODEC_LZ4_FRAME = 100,
};

/// Decompresses `src` into exactly `dst_len` bytes. Returns 0, or -1 when the input is corrupt or
/// does not decompress to `dst_len` bytes, -2 for an unknown codec.
int strata_decompress(int codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len);

/// Whether `src` (compressed with `codec`) can decompress to `claimed` bytes: the size a frame
/// declares must match, and otherwise the codec's largest possible ratio bounds it. Lets
/// callers refuse a hostile size before allocating for it.
int strata_plausible_size(int codec, const uint8_t *src, size_t src_len, size_t claimed);

/// An upper bound on the compressed size of `n` bytes (0 for an unknown codec).
size_t strata_compress_bound(int codec, size_t n);

/// Compresses `src` into `dst` (capacity `cap`, at least the bound). `level` 0 means the codec's
/// default. Returns the compressed size, or -1 on failure.
long strata_compress(int codec, int level, const uint8_t *src, size_t n, uint8_t *dst, size_t cap);

/// Decodes `count` values of Parquet's RLE/bit-packed hybrid encoding (bit width 0…32) from
/// `src` into `out`. Returns the bytes consumed, or -1 when the input ends early or is malformed.
long strata_rle_decode(const uint8_t *src, size_t len, int bit_width, uint32_t *out, size_t count);

/// Unpacks `count` little-endian bit-packed values of `bit_width` bits (0…64) from `src`
/// (at least ceil(count·bit_width/8) bytes, checked against `len`). Returns 0, or -1.
int strata_unpack64(const uint8_t *src, size_t len, int bit_width, uint64_t *out, size_t count);

/// out[i] ← dict[idx[i]] for 4- and 8-byte values. Returns 0, or -1 when an index ≥ dict_count.
int strata_gather32(const uint32_t *dict, size_t dict_count, const uint32_t *idx, size_t n, uint32_t *out);
int strata_gather64(const uint64_t *dict, size_t dict_count, const uint32_t *idx, size_t n, uint64_t *out);

/// Spreads `n_values` dense values of `width` bytes over `n_rows` slots: slot i receives the next
/// value when valid[i] is non-zero and a copy of `fill` (`width` bytes) otherwise.
/// (`dst` and `src` may not overlap.)
void strata_scatter(const uint8_t *src, size_t width, const uint8_t *valid, size_t n_rows, const uint8_t *fill, uint8_t *dst);

/// BYTE_STREAM_SPLIT: value i's byte b is src[b·n + i]. Decode rebuilds `n` values of `width` bytes.
void strata_byte_stream_split_decode(const uint8_t *src, size_t n, size_t width, uint8_t *dst);
#endif
