package feed

import "golang.org/x/sys/windows"

// errAddrInUse is the error of a listen on a port another program holds.
var errAddrInUse error = windows.WSAEADDRINUSE
