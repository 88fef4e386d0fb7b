#include "strata_pool.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

// Spins before a worker sleeps: about 100 µs of pause instructions.
#define SPIN_LIMIT 20000

struct strata_pool {
    size_t workers;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    // Run generation (high 24 bits), the run's task count (20 bits) and the next task to claim
    // (low 20 bits) in one word. A claim is a compare-exchange on the whole word, so it succeeds
    // only for a task of the run whose count it read: a worker still looping from a finished run
    // can never claim, even while the caller is already writing the next run's task, context
    // and count (it reads none of them until a claim succeeded, and a run's caller cannot move
    // on while one of its tasks is claimed and unfinished).
    _Atomic uint64_t state;
    _Atomic size_t finished;     // tasks finished in this run
    _Atomic int sleepers;
    _Atomic int stopping;
    strata_pool_task task;
    void *context;
};

#define GENERATION_SHIFT 40
#define COUNT_SHIFT 20
#define FIELD_MASK ((uint64_t)STRATA_POOL_MAX_TASKS)

static inline uint64_t generation_of(uint64_t s) { return s >> GENERATION_SHIFT; }

static void take_tasks(strata_pool *p, uint64_t generation) {
    for (;;) {
        uint64_t s = atomic_load_explicit(&p->state, memory_order_acquire);
        if (generation_of(s) != generation) return;
        const size_t t = (size_t)(s & FIELD_MASK), count = (size_t)((s >> COUNT_SHIFT) & FIELD_MASK);
        if (t >= count) return;
        if (!atomic_compare_exchange_weak_explicit(&p->state, &s, s + 1, memory_order_acq_rel, memory_order_acquire)) continue;
        p->task(p->context, t);
        atomic_fetch_add_explicit(&p->finished, 1, memory_order_acq_rel);
    }
}

static void *worker_main(void *arg) {
    strata_pool *p = arg;
    // Generation 0 is the pool's first state: a worker that starts late still sees every run
    // published (and a stop) as a change, whenever it first looks.
    uint64_t seen = 0;
    for (;;) {
        uint64_t g;
        int spins = 0;
        while ((g = generation_of(atomic_load_explicit(&p->state, memory_order_acquire))) == seen) {
            if (++spins < SPIN_LIMIT) { CPU_RELAX(); continue; }
            pthread_mutex_lock(&p->lock);
            atomic_fetch_add(&p->sleepers, 1);
            while ((g = generation_of(atomic_load_explicit(&p->state, memory_order_acquire))) == seen) pthread_cond_wait(&p->wake, &p->lock);
            atomic_fetch_sub(&p->sleepers, 1);
            pthread_mutex_unlock(&p->lock);
            break;
        }
        seen = g;
        if (atomic_load_explicit(&p->stopping, memory_order_acquire)) return NULL;
        take_tasks(p, g);
    }
}

strata_pool *strata_pool_create(size_t workers) {
    strata_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->workers = workers;
    p->threads = calloc(workers ? workers : 1, sizeof(pthread_t));
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    for (size_t i = 0; i < workers; i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
            p->workers = i;
            strata_pool_destroy(p);
            return NULL;
        }
    }
    return p;
}

// The state word of generation g with `count` tasks, task 0 next. Generations wrap at 2²⁴; a
// worker only ever compares them for equality with the one it last saw.
static inline uint64_t state_word(uint64_t g, size_t count) {
    return ((g & 0xffffffu) << GENERATION_SHIFT) | ((uint64_t)count << COUNT_SHIFT);
}

// Starts a new generation with task 0 next (the release store publishes task and context),
// then wakes sleeping workers.
static uint64_t publish(strata_pool *p, size_t count) {
    uint64_t g = (generation_of(atomic_load_explicit(&p->state, memory_order_relaxed)) + 1) & 0xffffffu;
    atomic_store_explicit(&p->state, state_word(g, count), memory_order_release);
    if (atomic_load(&p->sleepers) > 0) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    return g;
}

void strata_pool_run(strata_pool *p, size_t tasks, strata_pool_task task, void *context) {
    if (tasks == 0) return;
    if (p->workers == 0 || tasks == 1) {
        for (size_t t = 0; t < tasks; t++) task(context, t);
        return;
    }
    if (tasks > STRATA_POOL_MAX_TASKS) {  // in slices the state word can count
        for (size_t t = 0; t < tasks; t++) task(context, t);
        return;
    }
    p->task = task;
    p->context = context;
    atomic_store_explicit(&p->finished, 0, memory_order_relaxed);
    uint64_t g = publish(p, tasks);
    take_tasks(p, g);
    while (atomic_load_explicit(&p->finished, memory_order_acquire) < tasks) CPU_RELAX();
}

void strata_pool_destroy(strata_pool *p) {
    if (!p) return;
    atomic_store_explicit(&p->stopping, 1, memory_order_release);
    pthread_mutex_lock(&p->lock);
    uint64_t g = (generation_of(atomic_load_explicit(&p->state, memory_order_relaxed)) + 1) & 0xffffffu;
    atomic_store_explicit(&p->state, state_word(g, 0), memory_order_release);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->workers; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    free(p->threads);
    free(p);
}
