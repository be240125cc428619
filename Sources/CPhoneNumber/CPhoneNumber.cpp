#include "CPhoneNumber.h"

#include <cstring>
#include <string>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// The library logs parse failures to stderr by default; a data tool reports them itself.
const PhoneNumberUtil &util() {
    static const PhoneNumberUtil *instance = [] {
        PhoneNumberUtil *shared = PhoneNumberUtil::GetInstance();
        shared->SetLogger(new i18n::phonenumbers::NullLogger());
        return shared;
    }();
    return *instance;
}

std::string region_or_unknown(const char *region) {
    return region == nullptr || region[0] == 0 ? std::string("ZZ") : std::string(region);
}

void copy_out(const std::string &text, char *out, size_t capacity) {
    size_t count = text.size() < capacity - 1 ? text.size() : capacity - 1;
    std::memcpy(out, text.data(), count);
    out[count] = 0;
}

}  // namespace

extern "C" void cpn_parse(const char *text, size_t length, const char *region, cpn_result *result) {
    result->verdict = CPN_NOT_A_NUMBER;
    result->is_valid = 0;
    result->e164[0] = 0;
    result->extension[0] = 0;
    const PhoneNumberUtil &phone_util = util();
    PhoneNumber number;
    if (phone_util.Parse(std::string(text, length), region_or_unknown(region), &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return;
    }
    std::string formatted;
    phone_util.Format(number, PhoneNumberUtil::E164, &formatted);
    copy_out(formatted, result->e164, sizeof result->e164);
    if (number.has_extension()) {
        copy_out(number.extension(), result->extension, sizeof result->extension);
    }
    result->verdict =
        phone_util.IsPossibleNumberWithReason(number) == PhoneNumberUtil::IS_POSSIBLE ? CPN_POSSIBLE : CPN_NOT_POSSIBLE;
    result->is_valid = phone_util.IsValidNumber(number) ? 1 : 0;
}

extern "C" int cpn_calling_code(const char *region) {
    return util().GetCountryCodeForRegion(region_or_unknown(region));
}

extern "C" void cpn_region_for_calling_code(int calling_code, char *region) {
    std::string code;
    util().GetRegionCodeForCountryCode(calling_code, &code);
    copy_out(code, region, 3);
}

extern "C" void cpn_national_prefix(const char *region, char *prefix) {
    std::string text;
    util().GetNddPrefixForRegion(region_or_unknown(region), true, &text);
    copy_out(text, prefix, 8);
}

extern "C" void cpn_possible_lengths(const char *region, uint32_t *possible, uint32_t *local_only) {
    *possible = 0;
    *local_only = 0;
    const PhoneNumberUtil &phone_util = util();
    int calling_code = phone_util.GetCountryCodeForRegion(region_or_unknown(region));
    if (calling_code == 0) {
        return;
    }
    // The length check looks only at how many digits the national number has, so a number of n nines tells.
    for (int digits = 1; digits <= 17; ++digits) {
        PhoneNumber number;
        number.set_country_code(calling_code);
        uint64_t national = 0;
        for (int i = 0; i < digits; ++i) {
            national = national * 10 + 9;
        }
        number.set_national_number(national);
        switch (phone_util.IsPossibleNumberWithReason(number)) {
        case PhoneNumberUtil::IS_POSSIBLE:
            *possible |= 1u << digits;
            break;
        case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
            *local_only |= 1u << digits;
            break;
        default:
            break;
        }
    }
}

extern "C" void cpn_example_number(const char *region, int mobile, char *digits) {
    digits[0] = 0;
    const PhoneNumberUtil &phone_util = util();
    PhoneNumber number;
    if (!phone_util.GetExampleNumberForType(
            region_or_unknown(region), mobile ? PhoneNumberUtil::MOBILE : PhoneNumberUtil::FIXED_LINE, &number)) {
        return;
    }
    std::string national;
    phone_util.GetNationalSignificantNumber(number, &national);
    copy_out(national, digits, 24);
}
