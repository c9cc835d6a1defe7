package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/awcal/awcal/internal/atomicfile"
)

// File permissions: the config names servers and accounts, so only its owner reads it.
const (
	filePerm = 0o600
	dirPerm  = 0o700
)

// fixHint tells the user what to do with a config file that cannot be used.
const fixHint = "fix the file, or move it away to get a fresh default"

// Load reads, migrates, decodes and validates the config file at path. Keys left out take their
// defaults (Default), except the calendar's path, which has no default here. Unknown keys,
// values of the wrong type, a "password" key anywhere and invalid values are all reported
// together in a *ValidationError; JSON that does not parse gives a *SyntaxError with its line
// and column. The file is never changed, not even after a migration: the next Save writes the
// current version. A missing file gives an error that wraps fs.ErrNotExist.
func Load(path string) (*Config, error) {
	data, err := atomicfile.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return parse(data, path)
}

// parse is Load after reading: file only names the file in errors.
func parse(data []byte, file string) (*Config, error) {
	root, err := parseTree(data)
	if err != nil {
		return nil, fmt.Errorf("reading config %s (%s): %w", file, fixHint, err)
	}
	d := &decoder{}
	if root.kind != kindObject {
		d.add("$", root.line, "must be an object { … }")
		return nil, &ValidationError{File: file, Problems: d.problems}
	}
	version := 0
	if vn := root.get("version"); vn != nil {
		v, err := strconv.Atoi(vn.text)
		if vn.kind != kindNumber || err != nil || v < 0 {
			d.add("$.version", vn.line, fmt.Sprintf("must be a format version from 0 to %d", CurrentVersion))
			return nil, &ValidationError{File: file, Problems: d.problems}
		}
		version = v
	}
	if version > CurrentVersion {
		return nil, fmt.Errorf("reading config %s: it has format version %d, and this build of awcal reads up to %d: upgrade awcal, or move the file away to get a fresh default", file, version, CurrentVersion)
	}
	for v := version; v < CurrentVersion; v++ {
		migrations[v](root, d)
	}
	root.set("version", &node{kind: kindNumber, text: strconv.Itoa(CurrentVersion), line: root.line})

	c := defaults("")
	d.lines = map[string]int{}
	d.decode("$", root, reflect.ValueOf(&c).Elem())
	c.Normalize()
	problems := d.problems
	if err := c.Validate(); err != nil {
		for _, p := range err.(*ValidationError).Problems {
			if !coveredBy(p.Path, d.problems) {
				p.Line = d.lineOf(p.Path)
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &ValidationError{File: file, Problems: problems}
	}
	return &c, nil
}

// coveredBy reports whether decoding already reported path or a parent of it: a value of the
// wrong type keeps its default, and validating that default would only add noise.
func coveredBy(path string, reported []Problem) bool {
	for _, p := range reported {
		if path == p.Path || strings.HasPrefix(path, p.Path+".") || strings.HasPrefix(path, p.Path+"[") {
			return true
		}
	}
	return false
}

// sortProblems orders problems by line, those without a line last, keeping the order of equals.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		li, lj := ps[i].Line, ps[j].Line
		return li > 0 && (lj == 0 || li < lj)
	})
}

// LoadOrCreate loads the config at path; when there is no file (a first run) it writes Default
// (file 0600, new folders 0700) and returns it with created = true. Any other problem is an
// error, and the existing file is left as it is. When getenv gives no data folder, the default
// calendar goes beside the config file.
func LoadOrCreate(path string, getenv func(string) string) (*Config, bool, error) {
	c, err := Load(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return c, false, err
	}
	def := Default(getenv)
	if def.Calendar.Path == "" {
		def.Calendar.Path = filepath.Join(filepath.Dir(path), "activity.ics")
	}
	def.Normalize()
	data, err := marshal(&def)
	if err != nil {
		return nil, false, fmt.Errorf("creating the default config: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), dirPerm); err != nil {
		return nil, false, fmt.Errorf("creating the default config: %w", err)
	}
	// WriteNew never replaces: when another instance created the file meanwhile, use theirs.
	if err := atomicfile.WriteNew(path, data, filePerm); err != nil {
		if errors.Is(err, fs.ErrExist) {
			c, err := Load(path)
			return c, false, err
		}
		return nil, false, fmt.Errorf("creating the default config: %w", err)
	}
	return &def, true, nil
}

// Save normalises c (so that memory and file agree on the strategy contract), validates it and
// atomically replaces the file at path with indented JSON. A new file gets 0600 and a missing
// folder 0700; an invalid config writes nothing.
func Save(path string, c *Config) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return fmt.Errorf("saving config %s, nothing written: %w", path, err)
	}
	data, err := marshal(c)
	if err != nil {
		return fmt.Errorf("saving config %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), dirPerm); err != nil {
		return fmt.Errorf("saving config: %w", err)
	}
	return atomicfile.WriteFile(path, data, filePerm)
}

// marshal writes v as indented JSON with empty lists as [] rather than null (the file is for
// people) and without HTML escaping (patterns keep their < > &).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(withEmptyLists(reflect.ValueOf(v)).Interface()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// withEmptyLists returns a deep copy of v in which nil slices are empty ones.
func withEmptyLists(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(withEmptyLists(v.Elem()))
		return p
	case reflect.Struct:
		if v.Type() == timeType {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range out.NumField() {
			if f := out.Field(i); f.CanSet() {
				f.Set(withEmptyLists(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(withEmptyLists(v.Index(i)))
		}
		return out
	}
	return v
}
