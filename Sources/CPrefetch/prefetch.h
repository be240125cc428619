#ifndef INTERCOM_ETL_CPREFETCH_H
#define INTERCOM_ETL_CPREFETCH_H
// A cache prefetch hint, which Swift has no spelling for. Static inline, so that Swift code inlines it to the one
// instruction.
static inline void etl_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}
#endif
