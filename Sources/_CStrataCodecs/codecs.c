// Compression codecs behind one call, by Parquet's codec numbers.
#include "strata_codecs.h"
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <lz4.h>
#include <lz4frame.h>
#include <string.h>

static uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static int gzip_decompress(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len) {
    z_stream s;
    memset(&s, 0, sizeof s);
    // 32 + 15: accept gzip and zlib headers (writers differ).
    if (inflateInit2(&s, 32 + 15) != Z_OK) return -1;
    size_t out = 0;
    s.next_in = (Bytef *)src;
    s.avail_in = (uInt)src_len;
    int rc = Z_OK;
    // Concatenated gzip members are legal; keep inflating until the input or the output ends.
    while (1) {
        s.next_out = dst + out;
        s.avail_out = (uInt)(dst_len - out);
        rc = inflate(&s, Z_FINISH);
        out = dst_len - s.avail_out;
        if (rc == Z_STREAM_END && s.avail_in > 0 && out < dst_len) {
            if (inflateReset(&s) != Z_OK) break;
            continue;
        }
        break;
    }
    inflateEnd(&s);
    return (rc == Z_STREAM_END && out == dst_len) ? 0 : -1;
}

// Hadoop's LZ4 framing (Parquet's deprecated LZ4 codec): blocks of
// [u32 BE decompressed size][u32 BE compressed size][LZ4 block]. Some writers used raw LZ4
// blocks instead, so fall back to that.
static int lz4_hadoop_decompress(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len) {
    size_t in = 0, out = 0;
    while (in + 8 <= src_len) {
        uint32_t raw = load_be32(src + in), comp = load_be32(src + in + 4);
        if (in + 8 + comp > src_len || out + raw > dst_len) goto raw_block;
        int n = LZ4_decompress_safe((const char *)src + in + 8, (char *)dst + out, (int)comp, (int)raw);
        if (n < 0 || (uint32_t)n != raw) goto raw_block;
        in += 8 + comp;
        out += raw;
    }
    if (in == src_len && out == dst_len) return 0;
raw_block:;
    int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)dst_len);
    return (n >= 0 && (size_t)n == dst_len) ? 0 : -1;
}

static int lz4_frame_decompress(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len) {
    LZ4F_dctx *ctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return -1;
    size_t in = 0, out = 0;
    int ok = -1;
    while (in < src_len) {
        size_t in_n = src_len - in, out_n = dst_len - out;
        size_t r = LZ4F_decompress(ctx, dst + out, &out_n, src + in, &in_n, NULL);
        if (LZ4F_isError(r)) break;
        in += in_n;
        out += out_n;
        if (r == 0) { ok = (out == dst_len) ? 0 : -1; if (in < src_len) continue; break; }
        if (in_n == 0 && out_n == 0) break;
    }
    LZ4F_freeDecompressionContext(ctx);
    return ok;
}

int strata_decompress(int codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len) {
    switch (codec) {
    case STRATA_CODEC_NONE:
        if (src_len != dst_len) return -1;
        memcpy(dst, src, src_len);
        return 0;
    case STRATA_CODEC_SNAPPY: {
        size_t n = 0;
        if (snappy_uncompressed_length((const char *)src, src_len, &n) != SNAPPY_OK || n != dst_len) return -1;
        return snappy_uncompress((const char *)src, src_len, (char *)dst, &n) == SNAPPY_OK && n == dst_len ? 0 : -1;
    }
    case STRATA_CODEC_GZIP:
        return gzip_decompress(src, src_len, dst, dst_len);
    case STRATA_CODEC_ZSTD: {
        size_t n = ZSTD_decompress(dst, dst_len, src, src_len);
        return (!ZSTD_isError(n) && n == dst_len) ? 0 : -1;
    }
    case STRATA_CODEC_LZ4_RAW: {
        if (src_len > INT32_MAX || dst_len > INT32_MAX) return -1;
        int n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)dst_len);
        return (n >= 0 && (size_t)n == dst_len) ? 0 : -1;
    }
    case STRATA_CODEC_LZ4_HADOOP:
        if (src_len > INT32_MAX || dst_len > INT32_MAX) return -1;
        return lz4_hadoop_decompress(src, src_len, dst, dst_len);
    case STRATA_CODEC_LZ4_FRAME:
        return lz4_frame_decompress(src, src_len, dst, dst_len);
    default:
        return -2;
    }
}

int strata_plausible_size(int codec, const uint8_t *src, size_t src_len, size_t claimed) {
    switch (codec) {
    case STRATA_CODEC_NONE:
        return claimed == src_len;
    case STRATA_CODEC_SNAPPY: {
        size_t n = 0;
        return snappy_uncompressed_length((const char *)src, src_len, &n) == SNAPPY_OK && n == claimed;
    }
    case STRATA_CODEC_ZSTD: {
        unsigned long long n = ZSTD_getFrameContentSize(src, src_len);
        if (n == ZSTD_CONTENTSIZE_ERROR) return 0;
        if (n != ZSTD_CONTENTSIZE_UNKNOWN) return n == claimed;
        return claimed <= src_len * 32768 + (1u << 20);
    }
    case STRATA_CODEC_LZ4_FRAME: {
        LZ4F_dctx *ctx;
        if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return 0;
        LZ4F_frameInfo_t info;
        size_t consumed = src_len;
        size_t r = LZ4F_getFrameInfo(ctx, &info, src, &consumed);
        LZ4F_freeDecompressionContext(ctx);
        if (LZ4F_isError(r)) return 0;
        if (info.contentSize != 0) return info.contentSize == claimed;
        return claimed <= src_len * 256 + (1u << 16);
    }
    case STRATA_CODEC_LZ4_RAW:
    case STRATA_CODEC_LZ4_HADOOP:
        return claimed <= src_len * 256 + (1u << 16);
    case STRATA_CODEC_GZIP:
        return claimed <= src_len * 1032 + (1u << 16);
    default:
        return 0;
    }
}

size_t strata_compress_bound(int codec, size_t n) {
    switch (codec) {
    case STRATA_CODEC_NONE: return n;
    case STRATA_CODEC_SNAPPY: return snappy_max_compressed_length(n);
    case STRATA_CODEC_GZIP: return compressBound((uLong)n) + 32;
    case STRATA_CODEC_ZSTD: return ZSTD_compressBound(n);
    case STRATA_CODEC_LZ4_RAW: return n > INT32_MAX ? 0 : (size_t)LZ4_compressBound((int)n);
    case STRATA_CODEC_LZ4_FRAME: return LZ4F_compressFrameBound(n, NULL);
    default: return 0;
    }
}

static long gzip_compress(int level, const uint8_t *src, size_t n, uint8_t *dst, size_t cap) {
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, level ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    s.next_in = (Bytef *)src;
    s.avail_in = (uInt)n;
    s.next_out = dst;
    s.avail_out = (uInt)cap;
    int rc = deflate(&s, Z_FINISH);
    long out = (long)(cap - s.avail_out);
    deflateEnd(&s);
    return rc == Z_STREAM_END ? out : -1;
}

long strata_compress(int codec, int level, const uint8_t *src, size_t n, uint8_t *dst, size_t cap) {
    switch (codec) {
    case STRATA_CODEC_NONE:
        if (cap < n) return -1;
        memcpy(dst, src, n);
        return (long)n;
    case STRATA_CODEC_SNAPPY: {
        size_t out = cap;
        return snappy_compress((const char *)src, n, (char *)dst, &out) == SNAPPY_OK ? (long)out : -1;
    }
    case STRATA_CODEC_GZIP:
        return gzip_compress(level, src, n, dst, cap);
    case STRATA_CODEC_ZSTD: {
        size_t out = ZSTD_compress(dst, cap, src, n, level ? level : 1);
        return ZSTD_isError(out) ? -1 : (long)out;
    }
    case STRATA_CODEC_LZ4_RAW: {
        if (n > INT32_MAX || cap > INT32_MAX) return -1;
        int out = LZ4_compress_default((const char *)src, (char *)dst, (int)n, (int)cap);
        return out > 0 || n == 0 ? (long)out : -1;
    }
    case STRATA_CODEC_LZ4_FRAME: {
        size_t out = LZ4F_compressFrame(dst, cap, src, n, NULL);
        return LZ4F_isError(out) ? -1 : (long)out;
    }
    default:
        return -1;
    }
}
