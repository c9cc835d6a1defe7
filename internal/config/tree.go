package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"
)

// The config is read in two steps: the JSON text becomes a tree that keeps key order, duplicate
// keys and the line of every value (so that problems can name the line, and migrations can move
// keys around), then the tree is decoded strictly into Config (decode.go).

type nodeKind uint8

const (
	kindNull nodeKind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

// node is one JSON value.
type node struct {
	kind   nodeKind
	line   int
	bool   bool
	text   string  // string value, or a number's literal text
	fields []field // object members in file order (duplicates kept)
	items  []*node // array elements
}

// field is one object member.
type field struct {
	key  string
	line int
	val  *node
}

// get returns the value of key (the last one when the key is duplicated, as encoding/json does).
func (n *node) get(key string) *node {
	for i := len(n.fields) - 1; i >= 0; i-- {
		if n.fields[i].key == key {
			return n.fields[i].val
		}
	}
	return nil
}

// set replaces every member named key by one with val, or appends it.
func (n *node) set(key string, val *node) {
	n.del(key)
	n.fields = append(n.fields, field{key: key, line: val.line, val: val})
}

// del removes every member named key.
func (n *node) del(key string) {
	kept := n.fields[:0]
	for _, f := range n.fields {
		if f.key != key {
			kept = append(kept, f)
		}
	}
	n.fields = kept
}

// SyntaxError reports JSON that does not parse, with the place where parsing stopped.
type SyntaxError struct {
	Line, Column int // 1-based; the column counts characters
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// lineIndex turns byte offsets into lines and columns.
type lineIndex struct {
	data   []byte
	starts []int // offset of the first byte of each line
}

func newLineIndex(data []byte) lineIndex {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{data: data, starts: starts}
}

// pos returns the 1-based line and column (in characters) of the byte at off; off = len(data)
// is the end of the file.
func (li lineIndex) pos(off int) (line, col int) {
	off = max(0, min(off, len(li.data)))
	i := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	return i + 1, utf8.RuneCount(li.data[li.starts[i]:off]) + 1
}

// tokenEnd returns the line of the last byte before off: the decoder's offset after a token is
// just past it.
func (li lineIndex) tokenEnd(off int) int {
	line, _ := li.pos(off - 1)
	return line
}

// parseTree parses one JSON value and requires nothing but white space after it.
func parseTree(data []byte) (*node, error) {
	li := newLineIndex(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	p := treeParser{dec: dec, li: li}
	root, err := p.value()
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			line, col := li.pos(int(dec.InputOffset()) - 1)
			if extra == nil || !errors.As(extra, new(*json.SyntaxError)) {
				return nil, &SyntaxError{Line: line, Column: col, Msg: "unexpected data after the end of the top-level value"}
			}
			err = extra
		}
	}
	if err == nil {
		return root, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The streaming decoder's offsets are relative to the value it was reading; a full
		// scan gives the same error with the offset just past the offending byte.
		var full *json.SyntaxError
		if errors.As(json.Unmarshal(data, new(any)), &full) {
			line, col := li.pos(int(full.Offset) - 1)
			return nil, &SyntaxError{Line: line, Column: col, Msg: full.Error()}
		}
		line, col := li.pos(int(se.Offset))
		return nil, &SyntaxError{Line: line, Column: col, Msg: se.Error()}
	case errors.Is(err, io.EOF) && len(bytes.TrimSpace(data)) == 0:
		return nil, &SyntaxError{Line: 1, Column: 1, Msg: "the file is empty"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		line, col := li.pos(len(data))
		return nil, &SyntaxError{Line: line, Column: col, Msg: "unexpected end of file (a missing } or ]?)"}
	}
	return nil, err
}

type treeParser struct {
	dec *json.Decoder
	li  lineIndex
}

func (p *treeParser) line() int {
	return p.li.tokenEnd(int(p.dec.InputOffset()))
}

func (p *treeParser) value() (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	n := &node{line: p.line()}
	switch t := tok.(type) {
	case nil:
		n.kind = kindNull
	case bool:
		n.kind, n.bool = kindBool, t
	case json.Number:
		n.kind, n.text = kindNumber, string(t)
	case string:
		n.kind, n.text = kindString, t
	case json.Delim:
		if t == '{' {
			n.kind = kindObject
			for p.dec.More() {
				ktok, err := p.dec.Token()
				if err != nil {
					return nil, err
				}
				f := field{key: ktok.(string), line: p.line()}
				if f.val, err = p.value(); err != nil {
					return nil, err
				}
				n.fields = append(n.fields, f)
			}
		} else {
			n.kind = kindArray
			for p.dec.More() {
				item, err := p.value()
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	}
	return n, nil
}
