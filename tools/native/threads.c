/*
 * hakmem native thread workloads: larson, threadtest and xmalloc with pthreads, driving the process's
 * malloc (glibc, or whatever LD_PRELOAD puts in front of it), exactly as tools/workloads/threads/ runs
 * them on a shared hakmem heap (see params.ts there for the definitions; same xorshift32, seeded with
 * seed + thread). Prints one JSON line: {"ops","seconds","opsPerSec"}.
 *
 *   hakmem-native-threads --workload larson|threadtest|xmalloc --threads N
 *     [--min N --max N --seed N --slots N --rounds N --iterations N --warmup N --batch N --blocks N]
 *
 * Time: CLOCK_MONOTONIC from the earliest thread start (after the start barrier) to the latest end.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XMALLOC_BATCH 64
#define XMALLOC_RING 4096

typedef struct {
  long min, max, seed, slots, rounds, iterations, warmup, batch, blocks;
} params_t;

typedef struct {
  volatile uint32_t head __attribute__((aligned(64)));
  volatile uint32_t tail __attribute__((aligned(64)));
  void *slots[XMALLOC_RING];
} ring_t;

static params_t P;
static int threads;
static int workload; /* 0 larson, 1 threadtest, 2 xmalloc */
static pthread_barrier_t bar;
static void **larson_table;
static ring_t *rings;
static double *starts, *ends;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint32_t xorshift(uint32_t *s) {
  uint32_t x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

static void *malloc_written(size_t size, unsigned char value) {
  unsigned char *p = malloc(size);
  if (!p) {
    fprintf(stderr, "malloc(%zu) failed\n", size);
    exit(1);
  }
  p[0] = value;
  return p;
}

static void run_larson(int t, uint32_t *rng) {
  long span = P.max - P.min + 1;
  void **own = larson_table + (long)t * P.slots;
  for (long i = 0; i < P.slots; i++) own[i] = malloc_written(P.min + xorshift(rng) % span, (unsigned char)i);
  pthread_barrier_wait(&bar);
  void **row = own;
  for (long round = 0; round < P.warmup + P.rounds; round++) {
    if (round == P.warmup) starts[t] = now();
    row = larson_table + ((t + round) % threads) * P.slots;
    for (long it = 0; it < P.iterations; it++) {
      uint32_t i = xorshift(rng) % P.slots;
      free(row[i]);
      row[i] = malloc_written(P.min + xorshift(rng) % span, (unsigned char)it);
    }
    pthread_barrier_wait(&bar);
  }
  ends[t] = now();
  for (long i = 0; i < P.slots; i++) free(row[i]);
}

static void run_threadtest(int t, uint32_t *rng) {
  long span = P.max - P.min + 1;
  void **held = malloc(sizeof(void *) * P.batch);
  pthread_barrier_wait(&bar);
  starts[t] = now();
  for (long round = 0; round < P.rounds; round++) {
    for (long i = 0; i < P.batch; i++) held[i] = malloc_written(P.min + xorshift(rng) % span, (unsigned char)i);
    for (long i = 0; i < P.batch; i++) free(held[i]);
  }
  ends[t] = now();
  free(held);
}

static void produce(ring_t *r, long count, uint32_t *rng) {
  long span = P.max - P.min + 1;
  uint32_t tail = r->tail;
  while (tail - __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) > XMALLOC_RING - XMALLOC_BATCH) sched_yield();
  for (long i = 0; i < count; i++) r->slots[(tail + i) & (XMALLOC_RING - 1)] = malloc_written(P.min + xorshift(rng) % span, (unsigned char)i);
  __atomic_store_n(&r->tail, tail + (uint32_t)count, __ATOMIC_RELEASE);
}

static void consume(ring_t *r, long count) {
  uint32_t head = r->head;
  while (__atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) - head < (uint32_t)count) sched_yield();
  for (long i = 0; i < count; i++) free(r->slots[(head + i) & (XMALLOC_RING - 1)]);
  __atomic_store_n(&r->head, head + (uint32_t)count, __ATOMIC_RELEASE);
}

static void run_xmalloc(int t, uint32_t *rng) {
  int pairs = threads / 2;
  int self = threads % 2 == 1 && t == threads - 1;
  ring_t *r = &rings[self ? pairs : t % (pairs > 0 ? pairs : 1)];
  int producer = self || t < pairs, consumer = self || t >= pairs;
  pthread_barrier_wait(&bar);
  starts[t] = now();
  for (long done = 0; done < P.blocks; done += XMALLOC_BATCH) {
    long count = P.blocks - done < XMALLOC_BATCH ? P.blocks - done : XMALLOC_BATCH;
    if (producer) produce(r, count, rng);
    if (consumer) consume(r, count);
  }
  ends[t] = now();
}

static void *thread_main(void *arg) {
  int t = (int)(intptr_t)arg;
  uint32_t rng = (uint32_t)(P.seed + t);
  if (rng == 0) rng = 1;
  if (workload == 0) run_larson(t, &rng);
  else if (workload == 1) run_threadtest(t, &rng);
  else run_xmalloc(t, &rng);
  return NULL;
}

int main(int argc, char **argv) {
  const char *name = NULL;
  threads = 1;
  P = (params_t){16, 512, 42, 1000, 20, 50000, 0, 1000, 1000000};
  int defaults_for = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *f = argv[i];
    long v = atol(argv[i + 1]);
    if (!strcmp(f, "--workload")) name = argv[i + 1];
    else if (!strcmp(f, "--threads")) threads = (int)v;
    else if (!strcmp(f, "--min")) P.min = v;
    else if (!strcmp(f, "--max")) P.max = v;
    else if (!strcmp(f, "--seed")) P.seed = v;
    else if (!strcmp(f, "--slots")) P.slots = v;
    else if (!strcmp(f, "--rounds")) P.rounds = v;
    else if (!strcmp(f, "--iterations")) P.iterations = v;
    else if (!strcmp(f, "--warmup")) P.warmup = v;
    else if (!strcmp(f, "--batch")) P.batch = v;
    else if (!strcmp(f, "--blocks")) P.blocks = v;
    else {
      fprintf(stderr, "unknown flag %s\n", f);
      return 2;
    }
  }
  (void)defaults_for;
  if (!name || threads < 1) {
    fprintf(stderr, "usage: --workload larson|threadtest|xmalloc --threads N [...]\n");
    return 2;
  }
  workload = !strcmp(name, "larson") ? 0 : !strcmp(name, "threadtest") ? 1 : !strcmp(name, "xmalloc") ? 2 : -1;
  if (workload < 0) {
    fprintf(stderr, "unknown workload %s\n", name);
    return 2;
  }
  larson_table = calloc((size_t)threads * (P.slots > 0 ? P.slots : 1), sizeof(void *));
  rings = calloc((size_t)threads / 2 + 1, sizeof(ring_t));
  starts = calloc(threads, sizeof(double));
  ends = calloc(threads, sizeof(double));
  pthread_barrier_init(&bar, NULL, threads);
  pthread_t *ids = calloc(threads, sizeof(pthread_t));
  for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, thread_main, (void *)(intptr_t)t);
  for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
  double first = starts[0], last = ends[0];
  for (int t = 1; t < threads; t++) {
    if (starts[t] < first) first = starts[t];
    if (ends[t] > last) last = ends[t];
  }
  long ops = workload == 0 ? threads * P.rounds * P.iterations : workload == 1 ? threads * P.rounds * P.batch : (long)((threads + 1) / 2) * P.blocks;
  double seconds = last - first;
  printf("{\"ops\":%ld,\"seconds\":%.9f,\"opsPerSec\":%.1f}\n", ops, seconds, ops / seconds);
  return 0;
}
