// Parquet's bit-level encodings: the RLE/bit-packed hybrid, plain bit unpacking, dictionary
// gathers and null scatter.
#include "strata_codecs.h"
#include <string.h>

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;  // x86-64 and arm64 are little-endian
}

// Reads an unsigned LEB128 varint; returns bytes used, 0 on truncation or overflow.
static inline size_t read_uvarint(const uint8_t *p, size_t len, uint64_t *out) {
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 10; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) { *out = v; return i + 1; }
    }
    return 0;
}

// Unpacks one group of 8 values of bit width bw (1…32) from exactly bw bytes.
static inline void unpack8(const uint8_t *src, int bw, uint32_t *out) {
    uint8_t buf[48] = {0};
    memcpy(buf, src, (size_t)bw);
    uint64_t mask = (bw == 64) ? ~0ULL : ((1ULL << bw) - 1);
    for (int i = 0; i < 8; i++) {
        int bit = i * bw;
        out[i] = (uint32_t)((load_le64(buf + (bit >> 3)) >> (bit & 7)) & mask);
    }
}

long strata_rle_decode(const uint8_t *src, size_t len, int bw, uint32_t *out, size_t count) {
    if (bw < 0 || bw > 32) return -1;
    size_t pos = 0, done = 0;
    size_t value_bytes = (size_t)(bw + 7) / 8;
    while (done < count) {
        uint64_t header;
        size_t h = read_uvarint(src + pos, len - pos, &header);
        if (h == 0) return -1;
        pos += h;
        if (header & 1) {  // bit-packed: (header >> 1) groups of 8 values
            uint64_t groups = header >> 1;
            if (groups == 0 || groups > (len - pos) / (bw ? (size_t)bw : 1) + 1) return -1;
            for (uint64_t g = 0; g < groups && done < count; g++) {
                if (pos + (size_t)bw > len) {
                    // The last group of a page may be cut short by writers that stop at the
                    // final value; only accept that when the values needed are all present.
                    size_t need = ((count - done < 8 ? count - done : 8) * (size_t)bw + 7) / 8;
                    if (pos + need > len) return -1;
                    uint8_t tmp[32] = {0};
                    memcpy(tmp, src + pos, len - pos);
                    uint32_t vals[8];
                    unpack8(tmp, bw, vals);
                    size_t take = count - done < 8 ? count - done : 8;
                    memcpy(out + done, vals, take * 4);
                    done += take;
                    pos = len;
                    break;
                }
                if (bw == 0) {
                    size_t take = count - done < 8 ? count - done : 8;
                    memset(out + done, 0, take * 4);
                    done += take;
                } else if (count - done >= 8) {
                    unpack8(src + pos, bw, out + done);
                    done += 8;
                } else {
                    uint32_t vals[8];
                    unpack8(src + pos, bw, vals);
                    memcpy(out + done, vals, (count - done) * 4);
                    done = count;
                }
                pos += (size_t)bw;
            }
        } else {  // run: (header >> 1) copies of one value
            uint64_t run = header >> 1;
            if (pos + value_bytes > len) return -1;
            uint32_t v = 0;
            for (size_t b = 0; b < value_bytes; b++) v |= (uint32_t)src[pos + b] << (8 * b);
            pos += value_bytes;
            if (bw < 32 && (v >> bw) != 0) return -1;
            if (run == 0) return -1;
            size_t take = run < count - done ? (size_t)run : count - done;
            for (size_t i = 0; i < take; i++) out[done + i] = v;
            done += take;
        }
    }
    return (long)pos;
}

int strata_unpack64(const uint8_t *src, size_t len, int bw, uint64_t *out, size_t count) {
    if (bw < 0 || bw > 64) return -1;
    if (bw == 0) { memset(out, 0, count * 8); return 0; }
    size_t need = (count * (size_t)bw + 7) / 8;
    if (need > len) return -1;
    uint64_t mask = bw == 64 ? ~0ULL : ((1ULL << bw) - 1);
    for (size_t i = 0; i < count; i++) {
        size_t bit = i * (size_t)bw;
        size_t byte = bit >> 3;
        int shift = (int)(bit & 7);
        uint8_t buf[16] = {0};
        size_t avail = need - byte < 16 ? need - byte : 16;
        memcpy(buf, src + byte, avail);
        unsigned __int128 w;
        memcpy(&w, buf, 16);
        out[i] = (uint64_t)(w >> shift) & mask;
    }
    return 0;
}

int strata_gather32(const uint32_t *dict, size_t dict_count, const uint32_t *idx, size_t n, uint32_t *out) {
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t j = idx[i];
        bad |= (uint32_t)(j >= dict_count);
        out[i] = dict[j < dict_count ? j : 0];
    }
    return bad ? -1 : 0;
}

int strata_gather64(const uint64_t *dict, size_t dict_count, const uint32_t *idx, size_t n, uint64_t *out) {
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t j = idx[i];
        bad |= (uint32_t)(j >= dict_count);
        out[i] = dict[j < dict_count ? j : 0];
    }
    return bad ? -1 : 0;
}

void strata_scatter(const uint8_t *src, size_t width, const uint8_t *valid, size_t n_rows, const uint8_t *fill, uint8_t *dst) {
    size_t k = 0;
    switch (width) {
    case 4: {
        uint32_t f;
        memcpy(&f, fill, 4);
        for (size_t i = 0; i < n_rows; i++) {
            uint32_t v = f;
            if (valid[i]) { memcpy(&v, src + 4 * k, 4); k++; }
            memcpy(dst + 4 * i, &v, 4);
        }
        break;
    }
    case 8: {
        uint64_t f;
        memcpy(&f, fill, 8);
        for (size_t i = 0; i < n_rows; i++) {
            uint64_t v = f;
            if (valid[i]) { memcpy(&v, src + 8 * k, 8); k++; }
            memcpy(dst + 8 * i, &v, 8);
        }
        break;
    }
    default:
        for (size_t i = 0; i < n_rows; i++) {
            if (valid[i]) { memcpy(dst + width * i, src + width * k, width); k++; }
            else memcpy(dst + width * i, fill, width);
        }
    }
}

void strata_byte_stream_split_decode(const uint8_t *src, size_t n, size_t width, uint8_t *dst) {
    for (size_t b = 0; b < width; b++) {
        const uint8_t *s = src + b * n;
        for (size_t i = 0; i < n; i++) dst[i * width + b] = s[i];
    }
}
