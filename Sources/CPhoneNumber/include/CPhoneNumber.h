// A C interface to libphonenumber (Debian's libphonenumber-dev, C++), the authority on phone numbers: Swift calls C,
// not C++, and this keeps the C++ types on this side.
#ifndef CPHONENUMBER_H
#define CPHONENUMBER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What libphonenumber made of a text.
typedef enum {
    /// Parsed and a possible number for its region: `e164` holds it.
    CPN_POSSIBLE = 0,
    /// Parsed, but not of a possible length for its region (too short, too long, only dialable locally).
    CPN_NOT_POSSIBLE = 1,
    /// Not a phone number at all (no digits, letters only, an unknown country calling code, no region for a
    /// national number).
    CPN_NOT_A_NUMBER = 2,
} cpn_verdict;

typedef struct {
    cpn_verdict verdict;
    /// Whether the number is also valid (in an assigned range), which only `mapping init` asks about.
    int is_valid;
    /// The E.164 form, NUL-terminated (set when the text parsed, possible or not).
    char e164[24];
    /// The extension's digits, NUL-terminated (empty when there is none).
    char extension[48];
} cpn_result;

/// Parses `length` bytes of UTF-8 with `region` (an ISO 3166 alpha-2 code, or NULL/"ZZ" for none) as the default
/// region for numbers written without their country calling code. Thread-safe.
void cpn_parse(const char *text, size_t length, const char *region, cpn_result *result);

/// The country calling code of `region`, or 0 when libphonenumber does not know the region.
int cpn_calling_code(const char *region);

/// The main region of a calling code, into `region` (3 bytes at least: "ZZ" when unknown).
void cpn_region_for_calling_code(int calling_code, char *region);

/// The national (trunk) prefix of `region` ("0", "1", or "" when it has none), into `prefix` (8 bytes at least).
void cpn_national_prefix(const char *region, char *prefix);

/// Bit n set when a national significant number of n digits (n < 32) is possible for `region` (`possible`), or
/// possible only for dialling locally (`local_only`): read from libphonenumber's own length check.
void cpn_possible_lengths(const char *region, uint32_t *possible, uint32_t *local_only);

/// An example national significant number of `region` (`mobile` nonzero: a mobile one, else a fixed line), into
/// `digits` (24 bytes at least; empty when the region has none). For generating test numbers.
void cpn_example_number(const char *region, int mobile, char *digits);

#ifdef __cplusplus
}
#endif

#endif
