/*
 * Turns glibc malloc tracing on for a whole program run. Since glibc 2.34 MALLOC_TRACE alone does
 * nothing: someone must call mtrace(), and the real one lives in libc_malloc_debug.so, so preload
 * that first. Build: gcc -shared -fPIC -O2 -o mtrace_shim.so mtrace_shim.c
 * Run:   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0:./mtrace_shim.so \
 *        MALLOC_TRACE=out.mtrace prog args
 */
#include <mcheck.h>

__attribute__((constructor)) static void start_tracing(void) { mtrace(); }

/* muntrace() writes the closing "= End", so a complete trace can be told from a cut one */
__attribute__((destructor)) static void stop_tracing(void) { muntrace(); }
