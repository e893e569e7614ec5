/* adp_fileio: a replacement leaves the new content and no temp file; a failed one leaves
 * the old file as it was and no temp file, and says which step failed. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adp_fileio.h"
#include "protocol/pt_check.h"

static char dir[64];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_replace(void)
{
    char path[128], tmp[136];
    snprintf(path, sizeof path, "%s/state", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    adp_file_step step = ADP_FILE_CREATE;
    CHECK(adp_file_replace(path, "first\n", 6, &step));
    CHECK_STR(slurp(path), "first\n");
    CHECK(!exists(tmp));
    /* over an existing file, and over a stale temp file of an earlier crash */
    FILE *f = fopen(tmp, "w");
    CHECK(f && fputs("stale garbage, longer than the new content", f) >= 0 && fclose(f) == 0);
    CHECK(adp_file_replace(path, "second", 6, &step));
    CHECK_STR(slurp(path), "second");
    CHECK(!exists(tmp));
    CHECK(adp_file_replace(path, "", 0, &step));
    CHECK_STR(slurp(path), "");
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
}

static void test_failures(void)
{
    char path[128], tmp[136];
    adp_file_step step = ADP_FILE_SYNC;
    /* no such directory: nothing can be created */
    snprintf(path, sizeof path, "%s/missing/state", dir);
    errno = 0;
    CHECK(!adp_file_replace(path, "x", 1, &step));
    CHECK_INT(step, ADP_FILE_CREATE);
    CHECK_INT(errno, ENOENT);
    CHECK_STR(adp_file_step_name(step), "create");
    /* the target is a non-empty directory: the rename fails, the temp file goes */
    snprintf(path, sizeof path, "%s/adir", dir);
    CHECK(mkdir(path, 0700) == 0);
    char inner[160];
    snprintf(inner, sizeof inner, "%s/keep", path);
    CHECK(adp_file_replace(inner, "kept", 4, &step));
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    errno = 0;
    CHECK(!adp_file_replace(path, "x", 1, &step));
    CHECK_INT(step, ADP_FILE_RENAME);
    CHECK(errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST);
    CHECK(!exists(tmp));
    CHECK_STR(slurp(inner), "kept");
    /* adp_file_commit of a stream written by the caller */
    snprintf(path, sizeof path, "%s/streamed", dir);
    snprintf(tmp, sizeof tmp, "%s/streamed.part", dir);
    int fd = adp_file_create_tmp(tmp);
    CHECK(fd >= 0 && write(fd, "abc", 3) == 3 && write(fd, "def", 3) == 3);
    CHECK(adp_file_commit(fd, tmp, path, &step));
    CHECK_STR(slurp(path), "abcdef");
    CHECK(!exists(tmp));
    /* a bad descriptor fails at the sync, and its temp file is removed */
    fd = adp_file_create_tmp(tmp);
    CHECK(fd >= 0 && close(fd) == 0);
    CHECK(!adp_file_commit(fd, tmp, path, &step));
    CHECK_INT(step, ADP_FILE_SYNC);
    CHECK(!exists(tmp));
    CHECK_STR(slurp(path), "abcdef");
    CHECK(adp_fsync_dir(dir));
    CHECK(!adp_fsync_dir(path)); /* not a directory */
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pgpeek-fileio-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    PT_RUN(test_replace);
    PT_RUN(test_failures);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) return 1;
    return pt_finish();
}
