#ifndef INTERCOM_ETL_CMALLOC_SHIM_H
#define INTERCOM_ETL_CMALLOC_SHIM_H
// glibc's allocator settings (mallopt), which the Swift Glibc module does not export.
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
