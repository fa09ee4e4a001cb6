// SPDX-License-Identifier: GPL-2.0
/*
 * hmmfuzz: the oracle's guest interpreter. Runs one operation script of the differential fuzzer
 * against the real kernel (mmap, munmap, mprotect, madvise, CPU loads and stores, fork, the dmirror
 * ioctls of lib/test_hmm.c) and prints the canonical transcript, one line per operation. The engine
 * prints the same transcript for the same script (org.hmmlab.oracle.EngineInterpreter); the two are
 * compared line by line.
 *
 * Script lines (areas live at fixed addresses, AREA_BASE + area * AREA_STRIDE, so a script stays
 * meaningful after any of its lines are removed):
 *   mmap AREA NPAGES anon|shared|file|filesh|huge PROT
 *   munmap AREA PAGE NPAGES
 *   mprotect AREA PAGE NPAGES PROT
 *   madvise AREA PAGE NPAGES dontneed|free|hugepage|nohugepage
 *   read AREA PAGE                 CPU loads of the whole page: FNV-1a checksum or the signal
 *   write AREA PAGE OFFSET VALUE   CPU store of the 32-bit VALUE at byte OFFSET of the page
 *   dev DEV CMD AREA PAGE NPAGES VALUE   dmirror ioctl CMD on /dev/hmm_dmirrorDEV
 *   fork OP ; OP ...               the child runs the ops (CPU and mapping ops), then exits
 *   pin AREA PAGE NPAGES WRITE     long-term pins through gup_test (PIN_LONGTERM_TEST_START)
 *   unpin                          drops them (PIN_LONGTERM_TEST_STOP)
 * Transcript line: "N OP => RESULT"; a child's lines are "N.K c OP => RESULT".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/types.h>
#include "test_hmm_uapi.h"
#include "gup_test.h"

#define PAGE_SIZE 4096UL
#define AREA_BASE 0x100000000000UL
#define AREA_STRIDE 0x40000000UL
#define MAX_AREAS 16
#define NDEVICES 4
/* HMM_DMIRROR_FLAGS exists only in mainline's lib/test_hmm_uapi.h; 6.12 answers -EINVAL. */
#define ORACLE_DMIRROR_FLAGS _IOWR('H', 0x08, struct hmm_dmirror_cmd)

static int dev_fd[NDEVICES];
static int gup_fd = -1;
static sigjmp_buf jump;
static volatile sig_atomic_t in_access;
static unsigned long file_seq;

static void on_signal(int sig)
{
	if (in_access)
		siglongjmp(jump, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOTTY: return "ENOTTY";
	case EOVERFLOW: return "EOVERFLOW";
	case EHWPOISON: return "EHWPOISON";
	default: {
		static char buf[32];
		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
	}
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static unsigned long addr_of(long area, long page)
{
	return AREA_BASE + area * AREA_STRIDE + page * PAGE_SIZE;
}

static int parse_prot(long p)
{
	return (p & 1 ? PROT_READ : 0) | (p & 2 ? PROT_WRITE : 0);
}

/* The file content both sides agree on: byte o of a file of area A is (o * 7 + A * 13 + 1) mod 256. */
static int make_file(long area, long npages)
{
	char name[64];
	snprintf(name, sizeof(name), "/tmp/hmmfuzz-%ld-%lu", area, file_seq++);
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	unlink(name);
	size_t size = npages * PAGE_SIZE;
	unsigned char *buf = malloc(size);
	for (size_t o = 0; o < size; o++)
		buf[o] = (unsigned char)(o * 7 + area * 13 + 1);
	if (write(fd, buf, size) != (ssize_t)size) {
		free(buf);
		close(fd);
		return -1;
	}
	free(buf);
	return fd;
}

static void result_rc(char *out, size_t n, int rc)
{
	if (rc == 0)
		snprintf(out, n, "ok");
	else
		snprintf(out, n, "err %s", errname(errno));
}

static void do_mmap(char **tok, int ntok, char *out, size_t n)
{
	if (ntok != 5) {
		snprintf(out, n, "bad-op");
		return;
	}
	long area = atol(tok[1]), npages = atol(tok[2]);
	const char *kind = tok[3];
	int prot = parse_prot(atol(tok[4]));
	void *want = (void *)addr_of(area, 0);
	size_t len = npages * PAGE_SIZE;
	void *p;
	int fd = -1;

	if (!strcmp(kind, "anon") || !strcmp(kind, "huge"))
		p = mmap(want, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	else if (!strcmp(kind, "shared"))
		p = mmap(want, len, prot, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	else if (!strcmp(kind, "file") || !strcmp(kind, "filesh")) {
		fd = make_file(area, npages);
		if (fd < 0) {
			snprintf(out, n, "guest-error file %s", strerror(errno));
			return;
		}
		p = mmap(want, len, prot, (kind[4] ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED, fd, 0);
	} else {
		snprintf(out, n, "bad-op");
		return;
	}
	if (p == MAP_FAILED) {
		snprintf(out, n, "err %s", errname(errno));
	} else if (!strcmp(kind, "huge")) {
		result_rc(out, n, madvise(p, len, MADV_HUGEPAGE));
	} else {
		snprintf(out, n, "ok");
	}
	if (fd >= 0)
		close(fd);
}

static int parse_advice(const char *s)
{
	if (!strcmp(s, "dontneed")) return MADV_DONTNEED;
	if (!strcmp(s, "free")) return MADV_FREE;
	if (!strcmp(s, "hugepage")) return MADV_HUGEPAGE;
	if (!strcmp(s, "nohugepage")) return MADV_NOHUGEPAGE;
	return -1;
}

static void do_cpu(char **tok, int ntok, int write_op, char *out, size_t n)
{
	static unsigned char page[PAGE_SIZE];
	if ((write_op && ntok != 5) || (!write_op && ntok != 3)) {
		snprintf(out, n, "bad-op");
		return;
	}
	volatile unsigned char *a = (volatile unsigned char *)addr_of(atol(tok[1]), atol(tok[2]));
	int sig = sigsetjmp(jump, 1);
	if (sig) {
		in_access = 0;
		snprintf(out, n, "%s", sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "SIGNAL");
		return;
	}
	in_access = 1;
	if (write_op) {
		long off = atol(tok[3]) & (PAGE_SIZE - 4);
		*(volatile uint32_t *)(a + off) = (uint32_t)strtoul(tok[4], NULL, 0);
		in_access = 0;
		snprintf(out, n, "ok");
	} else {
		for (size_t i = 0; i < PAGE_SIZE; i++)
			page[i] = a[i];
		in_access = 0;
		snprintf(out, n, "ok %08x", fnv1a(page, PAGE_SIZE));
	}
}

static void append_snapshot(char *out, size_t n, const unsigned char *s, long count)
{
	size_t len = strlen(out);
	len += snprintf(out + len, n - len, " snap=");
	for (long i = 0; i < count && len < n - 16;) {
		long j = i;
		while (j < count && s[j] == s[i])
			j++;
		len += snprintf(out + len, n - len, "%s%02x*%ld", i ? "," : "", s[i], j - i);
		i = j;
	}
}

static void do_dev(char **tok, int ntok, char *out, size_t n)
{
	if (ntok != 7) {
		snprintf(out, n, "bad-op");
		return;
	}
	int dev = atoi(tok[1]);
	const char *cmdname = tok[2];
	long area = atol(tok[3]), page = atol(tok[4]), npages = atol(tok[5]);
	unsigned long value = strtoul(tok[6], NULL, 0);
	unsigned long request;
	int data = 0, snap = 0;

	if (dev < 0 || dev >= NDEVICES || npages < 0 || npages > 4096) {
		snprintf(out, n, "bad-op");
		return;
	}
	if (!strcmp(cmdname, "read")) { request = HMM_DMIRROR_READ; data = 1; }
	else if (!strcmp(cmdname, "write")) { request = HMM_DMIRROR_WRITE; }
	else if (!strcmp(cmdname, "snapshot")) { request = HMM_DMIRROR_SNAPSHOT; snap = 1; }
	else if (!strcmp(cmdname, "migrate_to_dev")) request = HMM_DMIRROR_MIGRATE_TO_DEV;
	else if (!strcmp(cmdname, "migrate_to_sys")) request = HMM_DMIRROR_MIGRATE_TO_SYS;
	else if (!strcmp(cmdname, "exclusive")) { request = HMM_DMIRROR_EXCLUSIVE; data = 1; }
	else if (!strcmp(cmdname, "check_exclusive")) request = HMM_DMIRROR_CHECK_EXCLUSIVE;
	else if (!strcmp(cmdname, "release")) request = HMM_DMIRROR_RELEASE;
	else if (!strcmp(cmdname, "flags")) request = ORACLE_DMIRROR_FLAGS;
	else {
		snprintf(out, n, "bad-op");
		return;
	}
	size_t size = (npages ? npages : 1) * PAGE_SIZE;
	unsigned char *buf = calloc(1, size);
	if (request == HMM_DMIRROR_WRITE)
		for (size_t j = 0; j < size; j++)
			buf[j] = (unsigned char)(value + j * 7);
	struct hmm_dmirror_cmd cmd = {
		.addr = addr_of(area, page),
		.ptr = (uintptr_t)buf,
		.npages = request == ORACLE_DMIRROR_FLAGS ? value : (unsigned long)npages,
		.cpages = 0xdead,
		.faults = 0xdead,
	};
	if (ioctl(dev_fd[dev], request, &cmd) != 0) {
		snprintf(out, n, "err %s", errname(errno));
	} else {
		snprintf(out, n, "ok cpages=%llu faults=%llu", (unsigned long long)cmd.cpages,
			 (unsigned long long)cmd.faults);
		if (data) {
			size_t len = strlen(out);
			snprintf(out + len, n - len, " sum=%08x", fnv1a(buf, npages * PAGE_SIZE));
		}
		if (snap)
			append_snapshot(out, n, buf, npages);
	}
	free(buf);
}

static int split(char *line, char **tok, int max)
{
	int n = 0;
	for (char *s = strtok(line, " \t\r\n"); s && n < max; s = strtok(NULL, " \t\r\n"))
		tok[n++] = s;
	return n;
}

/* Runs one non-fork op; writes its result into out. child: fork and dev ops are not allowed. */
static void run_op(char *text, char *out, size_t n, int child)
{
	char copy[512];
	char *tok[16];
	snprintf(copy, sizeof(copy), "%s", text);
	int ntok = split(copy, tok, 16);
	if (ntok == 0) {
		snprintf(out, n, "bad-op");
		return;
	}
	const char *op = tok[0];
	if (!strcmp(op, "mmap")) {
		do_mmap(tok, ntok, out, n);
	} else if (!strcmp(op, "munmap") && ntok == 4) {
		result_rc(out, n, munmap((void *)addr_of(atol(tok[1]), atol(tok[2])), atol(tok[3]) * PAGE_SIZE));
	} else if (!strcmp(op, "mprotect") && ntok == 5) {
		result_rc(out, n, mprotect((void *)addr_of(atol(tok[1]), atol(tok[2])), atol(tok[3]) * PAGE_SIZE,
					   parse_prot(atol(tok[4]))));
	} else if (!strcmp(op, "madvise") && ntok == 5 && parse_advice(tok[4]) >= 0) {
		result_rc(out, n, madvise((void *)addr_of(atol(tok[1]), atol(tok[2])), atol(tok[3]) * PAGE_SIZE,
					  parse_advice(tok[4])));
	} else if (!strcmp(op, "read")) {
		do_cpu(tok, ntok, 0, out, n);
	} else if (!strcmp(op, "write")) {
		do_cpu(tok, ntok, 1, out, n);
	} else if (!strcmp(op, "dev") && !child) {
		do_dev(tok, ntok, out, n);
	} else if (!strcmp(op, "pin") && !child && ntok == 5) {
		struct pin_longterm_test args = {
			.addr = addr_of(atol(tok[1]), atol(tok[2])),
			.size = atol(tok[3]) * PAGE_SIZE,
			.flags = atol(tok[4]) ? PIN_LONGTERM_TEST_FLAG_USE_WRITE : 0,
		};
		result_rc(out, n, ioctl(gup_fd, PIN_LONGTERM_TEST_START, &args));
	} else if (!strcmp(op, "unpin") && !child && ntok == 1) {
		result_rc(out, n, ioctl(gup_fd, PIN_LONGTERM_TEST_STOP));
	} else {
		snprintf(out, n, "bad-op");
	}
}

static void run_fork(long index, char *rest)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		printf("%ld fork%s => err %s\n", index, rest, errname(errno));
		return;
	}
	if (pid == 0) {
		char out[8192];
		long k = 0;
		char *save = NULL;
		for (char *op = strtok_r(rest, ";", &save); op; op = strtok_r(NULL, ";", &save)) {
			while (*op == ' ')
				op++;
			char *end = op + strlen(op);
			while (end > op && (end[-1] == ' ' || end[-1] == '\n'))
				*--end = 0;
			if (!*op)
				continue;
			char text[512];
			snprintf(text, sizeof(text), "%s", op);
			run_op(op, out, sizeof(out), 1);
			printf("%ld.%ld c %s => %s\n", index, ++k, text, out);
		}
		fflush(stdout);
		_exit(0);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		printf("%ld fork => exit=%d\n", index, WEXITSTATUS(status));
	else
		printf("%ld fork => killed=%d\n", index, WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: hmmfuzz SCRIPT\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		printf("guest-error open %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (int i = 0; i < NDEVICES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/dev/hmm_dmirror%d", i);
		dev_fd[i] = open(name, O_RDWR);
		/* HMMFUZZ_NO_DEVICES: a host-side check of the interpreter without the test driver. */
		if (dev_fd[i] < 0 && !getenv("HMMFUZZ_NO_DEVICES")) {
			printf("guest-error open %s: %s\n", name, strerror(errno));
			return 2;
		}
	}
	/* mm/gup_test.c: the pins live until PIN_LONGTERM_TEST_STOP or the last close of this file. */
	gup_fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	if (gup_fd < 0 && !getenv("HMMFUZZ_NO_DEVICES")) {
		printf("guest-error open /sys/kernel/debug/gup_test: %s\n", strerror(errno));
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	char line[4096], out[8192];
	long index = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len || line[0] == '#')
			continue;
		index++;
		if (!strncmp(line, "fork", 4) && (line[4] == ' ' || line[4] == 0)) {
			run_fork(index, line + 4);
		} else {
			run_op(line, out, sizeof(out), 0);
			printf("%ld %s => %s\n", index, line, out);
		}
	}
	printf("END %ld\n", index);
	fflush(stdout);
	return 0;
}
