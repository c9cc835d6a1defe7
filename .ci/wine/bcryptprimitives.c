/* A stand-in for Windows' bcryptprimitives.dll for Wine 8.0, which lacks it: Go ≥ 1.22 binaries
 * load ProcessPrng from it at start and die without it. This one forwards to advapi32's
 * RtlGenRandom (SystemFunction036), which Wine has. Built and installed by .ci/wine/setup;
 * it never ships with awcal. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
