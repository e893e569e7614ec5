/* pgw_frame: frontend message framing with every length checked before use. */
#include "pgw_frame.h"

#include <string.h>

pgw_frame_status pgw_frame_message(const char *p, size_t avail, uint32_t max_len, pgw_msg *m,
                                   size_t *need, pgw_error *err)
{
    if (avail < 5) {
        *need = 5;
        return PGW_FRAME_NEED_MORE;
    }
    uint32_t len = pgw_get_u32(p + 1);
    if (len < 4 || len > max_len) {
        pgw_errorf(err, "08P01", "invalid message length");
        return PGW_FRAME_BAD;
    }
    size_t total = (size_t)len + 1;
    if (avail < total) {
        *need = total;
        return PGW_FRAME_NEED_MORE;
    }
    m->type = p[0];
    m->body = p + 5;
    m->len = len - 4;
    m->total = total;
    return PGW_FRAME_OK;
}

pgw_frame_status pgw_frame_startup(const char *p, size_t avail, pgw_msg *m, size_t *need,
                                   pgw_error *err)
{
    if (avail < 4) {
        *need = 4;
        return PGW_FRAME_NEED_MORE;
    }
    uint32_t len = pgw_get_u32(p);
    if (len < 8 || len > PGW_MAX_STARTUP_PACKET) {
        pgw_errorf(err, "08P01", "invalid length of startup packet");
        return PGW_FRAME_BAD;
    }
    if (avail < len) {
        *need = len;
        return PGW_FRAME_NEED_MORE;
    }
    m->type = 0;
    m->body = p + 4;
    m->len = len - 4;
    m->total = len;
    return PGW_FRAME_OK;
}
