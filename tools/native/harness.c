/*
 * hakmem native harness: drives the process's malloc (glibc, or whatever LD_PRELOAD puts in
 * front of it) through the same workloads the TypeScript side runs, and prints one JSON line.
 *
 *   hakmem-native --workload NAME --iterations N --ws N --min N --max N --seed N [--dump-sizes K]
 *   hakmem-native --replay FILE [--warmup-passes N] [--timed-passes N]
 *
 * Synthetic workloads (identical, call for call, to the TypeScript side):
 *   ws slots, all NULL; r = xorshift32(seed, 0 -> 1); for i in 0..iterations-1:
 *     slot = r() % ws; if (slots[slot]) free(slots[slot]);
 *     size = min + r() % (max - min + 1); p = malloc(size); p[0] = (unsigned char)i;
 *     if (size > 4096) { p[k] = 1 for k = 4096, 8192, ... < size; p[size - 1] = 1; }  (every page used)
 *     slots[slot] = p;
 *   then every slot is freed (not timed). random_mixed, mid, large and whale are this loop with
 *   the caller's min/max/ws. One operation = one iteration.
 *
 * Phase definition ("phase" workload; --min/--max are ignored, ws and seed are used):
 *   L = floor(iterations / 3); iteration i uses
 *     [min=16,   max=256]   when i < L,
 *     [min=8192, max=32768] when L <= i < 2L,
 *     [min=16,   max=65536] otherwise (the remainder of the division goes to this last phase).
 *
 * Replay: the binary trace format of tools/workloads/types.ts (HKTR, version 1). One void* per
 * slot; malloc / free / realloc as given; one byte written into every 4 KiB page each new block
 * covers (its first byte, then the first byte of each later page). With --warmup-passes W and
 * --timed-passes T (default 0 and 1), W untimed passes come first, then T timed ones, the blocks
 * left live freed after each; the fastest timed pass is reported, the footprint taken over the first.
 * One operation = one event.
 *
 * Measured: wall time of the loop only (CLOCK_MONOTONIC); the time of every full batch of 64
 * operations (a partial last batch is not counted), reported as nearest-rank p50 / p99 / max;
 * footprint = VmHWM after the loop minus VmRSS just before it, with VmHWM reset through
 * /proc/self/clear_refs ("5") first. If that reset fails, VmHWM counts from process start and
 * "hwmReset" is false.
 *
 * The harness's own memory (slots, batch times, trace) is mmap'ed and pre-faulted, so the
 * allocator under test sees only the workload's calls and the footprint only its pages;
 * /proc files are read with open/read, not stdio, because stdio would call malloc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the trace format is little-endian and is read in place"
#endif

#define BATCH_OPS 64
/* blocks are written once in every page of this size they cover, as the TypeScript drivers do */
#define PAGE_BYTES 4096u

enum { OP_MALLOC = 0, OP_FREE = 1, OP_REALLOC = 2 };

typedef struct {
  const char *name;
  int phased;
} workload_kind;

static const workload_kind WORKLOADS[] = {
    {"random_mixed", 0}, {"mid", 0}, {"large", 0}, {"whale", 0}, {"phase", 1},
};

typedef struct {
  int phased;
  uint64_t iterations;
  uint32_t ws, min, max, seed;
} synthetic_spec;

typedef struct {
  uint64_t ops;
  uint64_t elapsed_ns;
  uint64_t *batch_ns;
  uint64_t batches;
} timing;

typedef struct {
  int hwm_reset;
  int64_t rss_before;
  int64_t footprint_bytes;
} memory_probe;

static void die(const char *what) {
  fprintf(stderr, "hakmem-native: %s\n", what);
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Harness bookkeeping, kept out of the allocator under test and faulted in before measuring. */
static void *harness_memory(size_t bytes) {
  if (bytes == 0) bytes = 1;
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) die("mmap of harness memory failed");
  return p;
}

static uint32_t xorshift32(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

static void size_range(const synthetic_spec *s, uint64_t i, uint32_t *min, uint32_t *max) {
  if (!s->phased) {
    *min = s->min;
    *max = s->max;
    return;
  }
  uint64_t phase_length = s->iterations / 3;
  if (i < phase_length) {
    *min = 16, *max = 256;
  } else if (i < 2 * phase_length) {
    *min = 8192, *max = 32768;
  } else {
    *min = 16, *max = 65536;
  }
}

/* The one place the request sequence is defined: the timed loop and --dump-sizes both use it. */
static void next_request(const synthetic_spec *s, uint32_t *rng, uint64_t i, uint32_t *slot, uint32_t *size) {
  uint32_t min, max;
  *slot = xorshift32(rng) % s->ws;
  size_range(s, i, &min, &max);
  *size = min + xorshift32(rng) % (max - min + 1);
}

/* VmHWM / VmRSS from /proc/self/status in bytes, or -1 when absent. */
static int64_t status_kib_field(const char *field) {
  char buf[8192];
  int fd = open("/proc/self/status", O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char *at = strstr(buf, field);
  if (!at) return -1;
  return strtoll(at + strlen(field) + 1, NULL, 10) * 1024;
}

static int reset_hwm(void) {
  int fd = open("/proc/self/clear_refs", O_WRONLY);
  if (fd < 0) return 0;
  int ok = write(fd, "5", 1) == 1;
  close(fd);
  return ok;
}

static memory_probe probe_start(void) {
  memory_probe m = {reset_hwm(), 0, 0};
  m.rss_before = status_kib_field("VmRSS:");
  return m;
}

static void probe_finish(memory_probe *m) {
  int64_t growth = status_kib_field("VmHWM:") - m->rss_before;
  m->footprint_bytes = growth > 0 ? growth : 0;
}

static timing timing_for(uint64_t ops) {
  timing t = {ops, 0, harness_memory((ops / BATCH_OPS) * sizeof(uint64_t)), 0};
  return t;
}

/*
 * A block larger than a page is used page by page, as tools/workloads/synthetic.ts does it: RSS counts
 * only pages written, and with the first byte alone the untouched tails of mid and large blocks never
 * became resident, while a hakmem heap counts every page it hands out.
 */
static void touch_pages(unsigned char *p, uint32_t size) {
  for (uint32_t k = PAGE_BYTES; k < size; k += PAGE_BYTES) p[k] = 1;
  p[size - 1] = 1;
}

static void run_synthetic(const synthetic_spec *s, timing *t) {
  void **slots = harness_memory((size_t)s->ws * sizeof(void *));
  uint32_t rng = s->seed ? s->seed : 1;
  uint64_t start = now_ns(), batch_start = start;
  for (uint64_t i = 0; i < s->iterations; i++) {
    uint32_t slot, size;
    next_request(s, &rng, i, &slot, &size);
    if (slots[slot]) free(slots[slot]);
    unsigned char *p = malloc(size);
    if (!p) die("malloc returned NULL");
    p[0] = (unsigned char)i;
    if (size > PAGE_BYTES) touch_pages(p, size);
    slots[slot] = p;
    if ((i + 1) % BATCH_OPS == 0) {
      uint64_t now = now_ns();
      t->batch_ns[t->batches++] = now - batch_start;
      batch_start = now;
    }
  }
  t->elapsed_ns = now_ns() - start;
  for (uint32_t k = 0; k < s->ws; k++) free(slots[k]);
}

typedef struct {
  uint32_t op, slot, size;
} trace_event;

typedef struct {
  const trace_event *events;
  uint32_t event_count, slot_count;
} trace;

static trace load_trace(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) die("cannot open the trace file");
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < 16) die("trace file too short for its header");
  const unsigned char *bytes = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  close(fd);
  if (bytes == MAP_FAILED) die("mmap of the trace file failed");
  uint32_t header[4];
  memcpy(header, bytes, sizeof header);
  if (memcmp(bytes, "HKTR", 4) != 0) die("not a HKTR trace (bad magic)");
  if (header[1] != 1) die("unsupported HKTR version");
  trace tr = {(const trace_event *)(bytes + 16), header[2], header[3]};
  if ((uint64_t)st.st_size < 16 + (uint64_t)tr.event_count * sizeof(trace_event)) die("trace file truncated");
  /* Checked here so the timed loop need not. */
  for (uint32_t k = 0; k < tr.event_count; k++) {
    if (tr.events[k].op > OP_REALLOC) die("trace has an unknown op");
    if (tr.events[k].slot >= tr.slot_count) die("trace has a slot beyond its slotCount");
  }
  return tr;
}

/* One pass over the trace; every block still live at its end is freed, so the next pass starts empty. */
static void replay_pass(const trace *tr, void **slots, timing *t) {
  uint64_t start = now_ns(), batch_start = start;
  for (uint32_t i = 0; i < tr->event_count; i++) {
    const trace_event e = tr->events[i];
    if (e.op == OP_FREE) {
      free(slots[e.slot]);
      slots[e.slot] = NULL;
    } else {
      unsigned char *p = e.op == OP_MALLOC ? malloc(e.size) : realloc(slots[e.slot], e.size);
      if (e.size) {
        if (!p) die("malloc/realloc returned NULL");
        p[0] = (unsigned char)i;
        for (uint32_t off = PAGE_BYTES - (uint32_t)((uintptr_t)p % PAGE_BYTES); off < e.size; off += PAGE_BYTES)
          p[off] = (unsigned char)i;
      }
      slots[e.slot] = p;
    }
    if (t && (i + 1) % BATCH_OPS == 0) {
      uint64_t now = now_ns();
      t->batch_ns[t->batches++] = now - batch_start;
      batch_start = now;
    }
  }
  if (t) t->elapsed_ns = now_ns() - start;
  for (uint32_t k = 0; k < tr->slot_count; k++) {
    free(slots[k]);
    slots[k] = NULL;
  }
}

/*
 * `warmup` untimed passes, then `timed` timed ones, all in this process (as the JS runner replays on
 * one warmed instance); the fastest timed pass is reported: on a shared machine a pass of a few
 * milliseconds loses whole scheduler slices, and interference only ever adds time. The footprint is
 * the RSS growth over the first pass, on a fresh heap.
 */
static void run_replay(const trace *tr, uint32_t warmup, uint32_t timed, timing *t, memory_probe *m) {
  void **slots = harness_memory((size_t)tr->slot_count * sizeof(void *));
  timing scratch = timing_for(tr->event_count);
  for (uint32_t pass = 0; pass < warmup + timed; pass++) {
    if (pass == 0) *m = probe_start();
    if (pass < warmup) {
      replay_pass(tr, slots, NULL);
    } else {
      scratch.batches = 0;
      replay_pass(tr, slots, &scratch);
      if (pass == warmup || scratch.elapsed_ns < t->elapsed_ns) {
        timing slower = *t;
        *t = scratch;
        scratch = slower;
      }
    }
    if (pass == 0) probe_finish(m);
  }
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p of the batches at or below it. */
static uint64_t percentile(const uint64_t *sorted, uint64_t n, double p) {
  if (n == 0) return 0;
  uint64_t rank = (uint64_t)(p * (double)n + 0.999999999);
  return sorted[(rank ? rank : 1) - 1];
}

static void print_result(timing *t, const memory_probe *m) {
  qsort(t->batch_ns, t->batches, sizeof(uint64_t), compare_u64);
  double seconds = (double)t->elapsed_ns / 1e9;
  printf("{\"ops\":%llu,\"seconds\":%.9f,\"opsPerSec\":%.1f,\"footprintBytes\":%lld,"
         "\"hwmReset\":%s,\"batchNs\":{\"p50\":%llu,\"p99\":%llu,\"max\":%llu}}\n",
         (unsigned long long)t->ops, seconds, seconds > 0 ? (double)t->ops / seconds : 0.0,
         (long long)m->footprint_bytes, m->hwm_reset ? "true" : "false",
         (unsigned long long)percentile(t->batch_ns, t->batches, 0.50),
         (unsigned long long)percentile(t->batch_ns, t->batches, 0.99),
         (unsigned long long)(t->batches ? t->batch_ns[t->batches - 1] : 0));
}

static void dump_sizes(const synthetic_spec *s, uint64_t count) {
  uint32_t rng = s->seed ? s->seed : 1;
  printf("{\"pairs\":[");
  for (uint64_t i = 0; i < count; i++) {
    uint32_t slot, size;
    next_request(s, &rng, i, &slot, &size);
    printf("%s[%u,%u]", i ? "," : "", slot, size);
  }
  printf("]}\n");
}

static uint64_t parse_count(const char *flag, const char *text) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || *end || *text == '-' || *text == '\0') {
    fprintf(stderr, "hakmem-native: %s needs a non-negative integer, got '%s'\n", flag, text);
    exit(2);
  }
  return v;
}

static uint32_t parse_u32(const char *flag, const char *text) {
  uint64_t v = parse_count(flag, text);
  if (v > UINT32_MAX) {
    fprintf(stderr, "hakmem-native: %s must fit in 32 bits, got %s\n", flag, text);
    exit(2);
  }
  return (uint32_t)v;
}

static int find_workload(const char *name) {
  for (size_t k = 0; k < sizeof WORKLOADS / sizeof WORKLOADS[0]; k++)
    if (strcmp(WORKLOADS[k].name, name) == 0) return (int)k;
  return -1;
}

int main(int argc, char **argv) {
  const char *workload = NULL, *replay = NULL;
  synthetic_spec s = {0, 0, 0, 0, 0, 0};
  uint64_t dump = 0;
  int dumping = 0;
  uint32_t warmup_passes = 0, timed_passes = 1;
  for (int k = 1; k < argc; k++) {
    const char *flag = argv[k], *value = k + 1 < argc ? argv[k + 1] : NULL;
    if (!value) {
      fprintf(stderr, "hakmem-native: %s needs a value\n", flag);
      return 2;
    }
    k++;
    if (strcmp(flag, "--workload") == 0) workload = value;
    else if (strcmp(flag, "--replay") == 0) replay = value;
    else if (strcmp(flag, "--iterations") == 0) s.iterations = parse_count(flag, value);
    else if (strcmp(flag, "--ws") == 0) s.ws = parse_u32(flag, value);
    else if (strcmp(flag, "--min") == 0) s.min = parse_u32(flag, value);
    else if (strcmp(flag, "--max") == 0) s.max = parse_u32(flag, value);
    else if (strcmp(flag, "--seed") == 0) s.seed = parse_u32(flag, value);
    else if (strcmp(flag, "--warmup-passes") == 0) warmup_passes = parse_u32(flag, value);
    else if (strcmp(flag, "--timed-passes") == 0) timed_passes = parse_u32(flag, value);
    else if (strcmp(flag, "--dump-sizes") == 0) dump = parse_count(flag, value), dumping = 1;
    else {
      fprintf(stderr, "hakmem-native: unknown option %s\n", flag);
      return 2;
    }
  }
  if (!workload == !replay) {
    fprintf(stderr, "hakmem-native: give exactly one of --workload NAME or --replay FILE\n");
    return 2;
  }

  memory_probe m;
  timing t;
  if (replay) {
    if (timed_passes == 0) die("--timed-passes must be at least 1");
    trace tr = load_trace(replay);
    t = timing_for(tr.event_count);
    run_replay(&tr, warmup_passes, timed_passes, &t, &m);
  } else {
    int w = find_workload(workload);
    if (w < 0) die("unknown workload (random_mixed, mid, large, whale, phase)");
    s.phased = WORKLOADS[w].phased;
    if (s.ws == 0) die("--ws must be at least 1");
    /* min >= 1 because every block gets a byte written into it. */
    if (!s.phased && (s.min == 0 || s.min > s.max)) die("need 1 <= --min <= --max");
    if (dumping) {
      dump_sizes(&s, dump);
      return 0;
    }
    t = timing_for(s.iterations);
    m = probe_start();
    run_synthetic(&s, &t);
    probe_finish(&m);
  }
  print_result(&t, &m);
  return 0;
}
