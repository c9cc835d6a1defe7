package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// readHeld reads path and keeps it open, sharing it for reading only, until release: meanwhile
// no other program can write it (opening it for writing fails) or rename over it (Windows
// refuses to replace a file open without FILE_SHARE_DELETE, and Wine any open file), so what
// replaceIf checked stays what it replaces until just before its rename (renameHeld). Such a
// program gets a sharing violation or access denied, and retries, as it must on Windows for any
// reader. A missing path gives exists false and a release that does nothing.
func readHeld(path string) (data []byte, exists bool, release func(), err error) {
	none := func() {}
	p, err := winPath(path)
	if err != nil {
		return nil, false, none, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, windows.FILE_SHARE_READ, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, none, nil
	}
	if err != nil {
		return nil, false, none, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(h), path)
	if data, err = io.ReadAll(f); err != nil {
		f.Close()
		return nil, false, none, err
	}
	return data, true, sync.OnceFunc(func() { f.Close() }), nil
}

// FILE_RENAME_INFORMATION(_EX) on 64-bit Windows: flags (a BOOLEAN ReplaceIfExists in the
// older class) at 0, the root folder's handle at 8, the name's length in bytes at 16, the name
// at 20.
const (
	fileRenameInformationEx    = 65
	fileRenameReplaceIfExists  = 0x1
	fileRenamePOSIXSemantics   = 0x2
	renameInfoNameOffset       = 20
	renameInfoNameLengthOffset = 16
	renameInfoRootOffset       = 8
)

// renameHeld renames tmp over path, releasing the hold on path (readHeld) as late as it can:
// tmp and the folder are opened for the rename first, so that only the rename's own system call
// follows the release. os.Rename (MoveFileExW) opens tmp after it, which under Wine left an
// outside write several times as many chances to land unseen (docs/RELIABILITY.md).
func renameHeld(tmp, path string, release func()) error {
	fail := func(err error) error { return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err} }
	src, err := openForRename(tmp, windows.DELETE|windows.SYNCHRONIZE, 0)
	if err != nil {
		return fail(err)
	}
	defer windows.CloseHandle(src)
	dir, err := openForRename(filepath.Dir(path), windows.FILE_TRAVERSE|windows.SYNCHRONIZE, windows.FILE_FLAG_BACKUP_SEMANTICS)
	if err != nil {
		return fail(err)
	}
	defer windows.CloseHandle(dir)
	name, err := windows.UTF16FromString(filepath.Base(path))
	if err != nil {
		return fail(err)
	}
	name = name[:len(name)-1] // no NUL: the length says where it ends
	size := renameInfoNameOffset + 2*len(name)
	words := make([]uint64, (size+7)/8) // the structure holds a handle: 8-byte aligned
	info := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), size)
	*(*windows.Handle)(unsafe.Pointer(&info[renameInfoRootOffset])) = dir
	*(*uint32)(unsafe.Pointer(&info[renameInfoNameLengthOffset])) = uint32(2 * len(name))
	copy(unsafe.Slice((*uint16)(unsafe.Pointer(&info[renameInfoNameOffset])), len(name)), name)

	release()
	// POSIX semantics first (Windows 10 1709 and later, NTFS): a reader that shares deletion
	// does not block the rename. Elsewhere (FAT, older Windows, and Wine 8, which answers
	// STATUS_NOT_IMPLEMENTED) the classic rename.
	var iosb windows.IO_STATUS_BLOCK
	*(*uint32)(unsafe.Pointer(&info[0])) = fileRenameReplaceIfExists | fileRenamePOSIXSemantics
	if windows.NtSetInformationFile(src, &iosb, &info[0], uint32(len(info)), fileRenameInformationEx) == nil {
		return nil
	}
	*(*uint32)(unsafe.Pointer(&info[0])) = 1 // ReplaceIfExists
	if err := windows.NtSetInformationFile(src, &iosb, &info[0], uint32(len(info)), windows.FileRenameInformation); err != nil {
		if st, ok := err.(windows.NTStatus); ok {
			err = st.Errno()
		}
		return fail(err)
	}
	return nil
}

// openForRename opens path with access for renameHeld, sharing everything.
func openForRename(path string, access, flags uint32) (windows.Handle, error) {
	p, err := winPath(path)
	if err != nil {
		return 0, err
	}
	return windows.CreateFile(p, access, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, flags, 0)
}

// winPath is path as the Win32 file functions take it, whatever its length: made absolute and
// normalised as Win32 does it (GetFullPathName, through filepath.Abs), then in its
// extended-length form (extendedPath). The os package does the same for its own calls
// (os.fixLongPath); a direct call must do it itself, or fail beyond MAX_PATH (260 characters)
// on a Windows that does not enable long paths.
func winPath(path string) (*uint16, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return windows.UTF16PtrFromString(extendedPath(abs))
}
