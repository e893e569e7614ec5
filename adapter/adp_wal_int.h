/* adp_wal_int: the record format and segment naming shared by the log writer, the
 * recovery reader and the checkpointer. Not for the rest of the adapter. */
#ifndef ADP_WAL_INT_H
#define ADP_WAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Record header, 32 bytes, little-endian:
 *   0 u32 magic "PPWL"     4 u8 format version   5 u8 kind   6 u8 flags   7 u8 zero
 *   8 u32 payload length  12 u32 zero           16 u64 group timestamp
 *  24 u64 XXH3-64 over header bytes 0..24 followed by the payload */
#define ADP_WAL_MAGIC 0x4c575050u /* "PPWL" as bytes */
#define ADP_WAL_VERSION 1
#define ADP_WAL_HDR 32
/* flags: set on the last record of a group; recovery replays only whole groups. */
#define ADP_WAL_F_GROUP_END 0x01

/* A parsed record header: a value on the reading thread's stack. */
typedef struct adp_wal_hdr {
    uint8_t kind, flags;
    uint32_t len;
    uint64_t ts;
    uint64_t sum;
} adp_wal_hdr;

/* Encodes a header for `payload` into out[ADP_WAL_HDR]. */
void adp_wal_hdr_encode(uint8_t *out, uint8_t kind, uint8_t flags, uint64_t ts, const void *payload,
                        uint32_t len);
/* Parses a header; false when magic, version, zero fields or length are implausible. */
bool adp_wal_hdr_parse(const uint8_t *in, adp_wal_hdr *h);
/* true when a whole valid record starts at buf (avail bytes readable there). */
bool adp_wal_record_valid(const uint8_t *buf, size_t avail, adp_wal_hdr *h);

/* "<dir>/%08x.log" */
void adp_wal_seg_path(char *out, size_t outlen, const char *dir, uint32_t seg);
/* The segment numbers present in `dir`, ascending (caller frees *segs). */
bool adp_wal_list_segments(const char *dir, uint32_t **segs, size_t *n, char *err, size_t errlen);

static inline void adp_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void adp_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint32_t adp_get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}
static inline uint64_t adp_get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

#endif
