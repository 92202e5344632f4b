// clockshift: an LD_PRELOAD library that moves the wall clock of a process, and of every process it
// starts, by a fixed number of seconds, while every other clock keeps its real value.
//
// `make test` runs the suite a second time under it (Tests/ClockShift/run-shifted.sh) to prove that
// no test depends on today's date. libfaketime does more than this and is unusable for Swift:
// under it, even with --exclude-monotonic, `Task.sleep` never wakes (its timer interception moves
// the deadlines of libdispatch's timers), so the suite hangs at its first sleep.
//
// CLOCKSHIFT_OFFSET_SECONDS (a signed integer) is the shift. Only CLOCK_REALTIME and its coarse
// variant, gettimeofday() and time() are moved: monotonic and boot-time clocks, which timers,
// sleeps and timeouts use, stay real, so waiting behaves exactly as without the shift.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long offset_seconds(void) {
    static int loaded;
    static long long offset;
    if (!loaded) {
        const char *text = getenv("CLOCKSHIFT_OFFSET_SECONDS");
        offset = text ? strtoll(text, NULL, 10) : 0;
        loaded = 1;
    }
    return offset;
}

int clock_gettime(clockid_t clock, struct timespec *value) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(clock, value);
    if (result == 0 && value && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) {
        value->tv_sec += offset_seconds();
    }
    return result;
}

int gettimeofday(struct timeval *restrict value, void *restrict zone) {
    static int (*real)(struct timeval *restrict, void *restrict);
    if (!real) real = (int (*)(struct timeval *restrict, void *restrict))dlsym(RTLD_NEXT, "gettimeofday");
    int result = real(value, zone);
    if (result == 0 && value) value->tv_sec += offset_seconds();
    return result;
}

time_t time(time_t *out) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (out) *out = now.tv_sec;
    return now.tv_sec;
}
