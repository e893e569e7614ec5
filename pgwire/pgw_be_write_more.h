/* pgw_be_write_more: backend message writers beyond pgw_be_write.h (startup negotiation). */
#ifndef PGW_BE_WRITE_MORE_H
#define PGW_BE_WRITE_MORE_H

#include "pgw_buf.h"

/* NegotiateProtocolVersion ('v'): the newest minor version of protocol 3 we speak and the
 * "_pq_." startup options we did not recognize. */
void pgw_be_write_negotiate_protocol_version(pgw_buf *b, int32_t newest_minor, int noptions,
                                             const char *const *options);

#endif
