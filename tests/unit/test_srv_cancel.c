/* The BackendKeyData registry that CancelRequests are matched against. */
#include "protocol/pt_check.h"
#include "srv_cancel.h"

int main(void)
{
    static srv_cancel_registry r;
    srv_cancel_init(&r);
    /* Same bucket (pid differs by the bucket count), different secrets. */
    srv_cancel_key a = {7, 111, NULL}, b = {7 + SRV_CANCEL_BUCKETS, 222, NULL}, c = {-5, 333, NULL};
    CHECK(!srv_cancel_match(&r, 7, 111));
    srv_cancel_add(&r, &a);
    srv_cancel_add(&r, &b);
    srv_cancel_add(&r, &c);
    CHECK(srv_cancel_match(&r, 7, 111));
    CHECK(srv_cancel_match(&r, 7 + SRV_CANCEL_BUCKETS, 222));
    CHECK(srv_cancel_match(&r, -5, 333));
    CHECK(!srv_cancel_match(&r, 7, 222));
    CHECK(!srv_cancel_match(&r, 8, 111));
    srv_cancel_remove(&r, &a);
    CHECK(!srv_cancel_match(&r, 7, 111));
    CHECK(srv_cancel_match(&r, 7 + SRV_CANCEL_BUCKETS, 222));
    srv_cancel_remove(&r, &a); /* not there any more: harmless */
    srv_cancel_remove(&r, &b);
    srv_cancel_remove(&r, &c);
    CHECK(!srv_cancel_match(&r, 7 + SRV_CANCEL_BUCKETS, 222));
    CHECK(!srv_cancel_match(&r, -5, 333));
    srv_cancel_destroy(&r);
    return pt_finish();
}
