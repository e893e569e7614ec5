/* adp_wal_codec: a small versioned, bounds-checked binary encoding for log and checkpoint
 * payloads (table and catalog changes). Little-endian, no alignment, no pointers. */
#ifndef ADP_WAL_CODEC_H
#define ADP_WAL_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strings and byte strings carry a u32 length; a reader refuses longer claims. */
#define ADP_WALC_MAX_BYTES (1u << 30)

/* A growable output buffer; owned by one thread (the commit thread or a checkpointer).
 * `failed` is sticky (out of memory or oversized value): check it once at the end. */
typedef struct adp_walw {
    uint8_t *data;
    size_t len, cap;
    bool failed;
} adp_walw;

/* Starts (or restarts, keeping the allocation) a payload with its format version byte. */
void adp_walw_begin(adp_walw *w, uint8_t version);
void adp_walw_u8(adp_walw *w, uint8_t v);
void adp_walw_u32(adp_walw *w, uint32_t v);
void adp_walw_u64(adp_walw *w, uint64_t v);
void adp_walw_i64(adp_walw *w, int64_t v);
/* Raw bytes, no length (the reader must know n). */
void adp_walw_raw(adp_walw *w, const void *p, size_t n);
/* u32 length + bytes. */
void adp_walw_bytes(adp_walw *w, const void *p, size_t n);
/* u32 length + bytes of a NUL-terminated string (without the NUL). */
void adp_walw_str(adp_walw *w, const char *s);
/* false when any earlier append failed. */
bool adp_walw_ok(const adp_walw *w);
void adp_walw_free(adp_walw *w);

/* A cursor over a payload it does not own; one thread. Every read fails cleanly (false,
 * sticky `failed`, output zeroed) on truncation, so a damaged payload never reads past
 * its end. */
typedef struct adp_walr {
    const uint8_t *data;
    size_t len, pos;
    bool failed;
} adp_walr;

/* Reads the version byte; fails when the payload is empty or its version is above
 * `max_version` (written by a newer pgpeek). */
bool adp_walr_begin(adp_walr *r, const void *data, size_t len, uint8_t max_version,
                    uint8_t *version);
bool adp_walr_u8(adp_walr *r, uint8_t *v);
bool adp_walr_u32(adp_walr *r, uint32_t *v);
bool adp_walr_u64(adp_walr *r, uint64_t *v);
bool adp_walr_i64(adp_walr *r, int64_t *v);
bool adp_walr_raw(adp_walr *r, void *out, size_t n);
/* A u32-length byte string, returned in place (not copied, not NUL-terminated). */
bool adp_walr_bytes(adp_walr *r, const uint8_t **p, uint32_t *n);
/* A string copied into a new NUL-terminated allocation (caller frees); NULL on failure
 * or when it contains a NUL byte. */
char *adp_walr_strdup(adp_walr *r);
/* Bytes left unread. */
size_t adp_walr_left(const adp_walr *r);
/* true when every read succeeded and the whole payload was consumed. */
bool adp_walr_done(const adp_walr *r);

#endif
