//go:build !windows

package feed

import "syscall"

// errAddrInUse is the error of a listen on a port another program holds.
var errAddrInUse error = syscall.EADDRINUSE
