/*
 * The libtraceevent baseline: parse every events/<system>/<event>/format file of a tracefs capture (and
 * header_page) with Debian's libtraceevent, as trace-cmd and perf do. Prints the number of events parsed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

static char *slurp(const char *path, size_t *len) {
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv) {
	if (argc != 2) { fprintf(stderr, "usage: %s EVENTS_DIR\n", argv[0]); return 2; }
	struct tep_handle *tep = tep_alloc();
	char path[4096];
	size_t len;
	snprintf(path, sizeof path, "%s/header_page", argv[1]);
	char *hp = slurp(path, &len);
	if (hp) { tep_parse_header_page(tep, hp, len, sizeof(long)); free(hp); }
	DIR *events = opendir(argv[1]);
	if (!events) { perror(argv[1]); return 2; }
	int parsed = 0, failed = 0;
	struct dirent *sys;
	while ((sys = readdir(events))) {
		if (sys->d_name[0] == '.') continue;
		snprintf(path, sizeof path, "%s/%s", argv[1], sys->d_name);
		DIR *sd = opendir(path);
		if (!sd) continue;
		struct dirent *ev;
		while ((ev = readdir(sd))) {
			if (ev->d_name[0] == '.') continue;
			snprintf(path, sizeof path, "%s/%s/%s/format", argv[1], sys->d_name, ev->d_name);
			char *buf = slurp(path, &len);
			if (!buf) continue;
			if (tep_parse_event(tep, buf, len, sys->d_name) == 0) parsed++; else failed++;
			free(buf);
		}
		closedir(sd);
	}
	closedir(events);
	printf("%d parsed, %d failed\n", parsed, failed);
	tep_free(tep);
	return 0;
}
