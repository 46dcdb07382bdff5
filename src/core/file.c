/* file.c: writing files safely: exclusive, unpredictable temporary files in the target's
 * folder, renamed only over regular files; lock files that are never followed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

/* What a file that is not a regular file is, for messages. */
static const char *kind_of(mode_t m)
{
	return S_ISLNK(m)    ? "a symbolic link"
	       : S_ISDIR(m)  ? "a folder"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a regular file";
}

int mrs_file_check_target(const char *dest, mrs_error *err)
{
	struct stat sb;
	if (lstat(dest, &sb) != 0)
		return errno == ENOENT ? 0
				       : mrs_fail(err, MRS_ERR_IO, "%s: %s", dest, strerror(errno));
	if (S_ISREG(sb.st_mode))
		return 0;
	return mrs_fail(err, MRS_ERR_IO, "%s: %s, not a regular file: not replaced", dest,
			kind_of(sb.st_mode));
}

/* dest's folder ("." for a bare name) into buf. */
static void folder_of(const char *dest, char *buf, size_t size)
{
	const char *slash = strrchr(dest, '/');
	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == dest)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - dest), dest);
}

/* n random letters and digits into out (NUL-terminated). */
static void random_suffix(char *out, size_t n)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[16];
	if (n > sizeof r)
		n = sizeof r;
	if (getrandom(r, n, GRND_NONBLOCK) != (ssize_t)n) {
		/* no entropy yet (early boot): the clock and the PID still make a name that
		 * O_EXCL protects; only its unpredictability is weaker */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			r[i] = (unsigned char)(x >> 56);
		}
	}
	for (size_t i = 0; i < n; i++)
		out[i] = set[r[i] % (sizeof set - 1)];
	out[n] = '\0';
}

int mrs_tmp_open(mrs_tmp *t, const char *dest, mrs_error *err)
{
	t->dest = dest;
	t->fd = -1;
	t->path[0] = '\0';
	if (mrs_file_check_target(dest, err))
		return -1;
	for (int attempt = 0; attempt < 100; attempt++) {
		char rnd[9];
		random_suffix(rnd, 8);
		if (snprintf(t->path, sizeof t->path, "%s.tmp-%ld-%s", dest, (long)getpid(), rnd) >=
		    (int)sizeof t->path) {
			t->path[0] = '\0';
			return mrs_fail(err, MRS_ERR_USAGE, "%s: path too long", dest);
		}
		t->fd = open(t->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (t->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	int e = errno;
	char dir[4096];
	folder_of(dest, dir, sizeof dir);
	t->path[0] = '\0';
	return mrs_fail(err, MRS_ERR_IO, "%s: cannot write here (cannot create a file in %s: %s)",
			dest, dir, strerror(e));
}

void mrs_tmp_discard(mrs_tmp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->path[0])
		unlink(t->path);
	t->path[0] = '\0';
}

int mrs_file_rename(const char *from, const char *to)
{
	static long calls;
	const char *kill_at = getenv("MRS_TEST_KILL_AT_RENAME");
	calls++;
	if (kill_at && atol(kill_at) == calls)
		raise(SIGKILL);
	return rename(from, to);
}

int mrs_tmp_commit(mrs_tmp *t, mrs_error *err)
{
	int e = 0;
	if (fsync(t->fd) != 0)
		e = errno;
	if (close(t->fd) != 0 && !e)
		e = errno;
	t->fd = -1;
	if (e) {
		mrs_tmp_discard(t);
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot write: %s", t->dest,
				e == ENOSPC ? "disk full" : strerror(e));
	}
	/* checked again: the target may have been replaced while the file was written */
	if (mrs_file_check_target(t->dest, err)) {
		mrs_tmp_discard(t);
		return -1;
	}
	if (mrs_file_rename(t->path, t->dest) != 0) {
		e = errno;
		mrs_tmp_discard(t);
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot rename into place: %s", t->dest,
				strerror(e));
	}
	t->path[0] = '\0';
	char dir[4096];
	folder_of(t->dest, dir, sizeof dir);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* makes the rename durable; a failure does not undo it */
		close(dfd);
	}
	return 0;
}

/* Writes n bytes; 0 or the errno of the failure. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		p += k, n -= (size_t)k;
	}
	return 0;
}

int mrs_file_write_text(const char *path, const char *text, mrs_error *err)
{
	mrs_tmp t;
	if (mrs_tmp_open(&t, path, err))
		return -1;
	int e = write_all(t.fd, text, strlen(text));
	if (!e)
		e = write_all(t.fd, "\n", 1);
	if (e) {
		mrs_tmp_discard(&t);
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot write: %s", path,
				e == ENOSPC ? "disk full" : strerror(e));
	}
	return mrs_tmp_commit(&t, err);
}

int mrs_file_lock(const char *lock, const char *what, int *fd_out, mrs_error *err)
{
	/* O_NONBLOCK: opening a FIFO planted under the lock's name must not wait */
	int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ELOOP)
		return mrs_fail(err, MRS_ERR_IO,
				"%s: cannot lock: %s is a symbolic link (remove it)", what, lock);
	if (fd < 0)
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot write here: cannot create %s: %s",
				what, lock, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return mrs_fail(err, MRS_ERR_IO, "%s: cannot lock: %s is not a regular file", what,
				lock);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return mrs_fail(err, MRS_ERR_BUSY,
				"%s: another minirecsys process is writing it; try again when it "
				"has finished",
				what);
	}
	*fd_out = fd;
	return 0;
}

void mrs_file_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

void mrs_file_remove_stale_temps(const char *dest)
{
	char dir[4096];
	folder_of(dest, dir, sizeof dir);
	const char *slash = strrchr(dest, '/');
	char prefix[4200];
	int plen = snprintf(prefix, sizeof prefix, "%s.tmp-", slash ? slash + 1 : dest);
	if (plen >= (int)sizeof prefix)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, (size_t)plen) != 0)
			continue;
		char *end;
		long pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || (*end && (*end != '-' || strlen(end) != 9)) ||
		    pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}
