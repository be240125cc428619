#ifndef INTERCOM_ETL_CEXPAT_SHIM_H
#define INTERCOM_ETL_CEXPAT_SHIM_H
// expat, the push parser that reads an xlsx sheet's XML as it inflates (Debian's libexpat1-dev).
#include <expat.h>
#endif
