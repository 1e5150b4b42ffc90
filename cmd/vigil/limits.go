package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/ingest"
)

// limitFlags adds to fs the flags that raise (or lower) what one imported
// file may make Vigil read and hold, and returns the limits they set,
// filled in when fs is parsed. vigil import and vigil serve (for uploads)
// take the same flags.
func limitFlags(fs *flag.FlagSet) *ingest.Limits {
	return someLimitFlags(fs, bound.LimitFileBytes, bound.LimitRows, bound.LimitColumns, bound.LimitFieldBytes,
		bound.LimitRecordBytes, bound.LimitDepth, bound.LimitInflated)
}

// someLimitFlags adds the flags of the limits named (bound.Limit...) that
// apply to a command's files; the others keep their defaults.
func someLimitFlags(fs *flag.FlagSet, names ...string) *bound.Limits {
	l := bound.Default()
	for _, name := range names {
		switch name {
		case bound.LimitFileBytes:
			fs.Var((*byteSize)(&l.FileBytes), "max-file-bytes", "largest file or upload read (a file read whole takes a share of it, as the command's help says), and the most text one import holds from a workbook (e.g. 512MiB)")
		case bound.LimitRows:
			fs.IntVar(&l.Rows, "max-rows", l.Rows, "most rows, records or entries in one file (CSV rows, sheet rows, JSON lines, list elements, nmap hosts, feed entries, devices)")
		case bound.LimitColumns:
			fs.IntVar(&l.Columns, "max-columns", l.Columns, "most columns in a row, or keys in a JSON Lines file")
		case bound.LimitFieldBytes:
			fs.Var(intSize{&l.FieldBytes}, "max-field-bytes", "longest value: a cell, a JSON string or number, an XML text or attribute, a value kept from a packet (e.g. 64KiB)")
		case bound.LimitRecordBytes:
			fs.Var(intSize{&l.RecordBytes}, "max-record-bytes", "longest record: a CSV or JSON line, a sheet row, an nmap <host>, a feed entry, a capture record (e.g. 16MiB)")
		case bound.LimitDepth:
			fs.IntVar(&l.Depth, "max-depth", l.Depth, "deepest nesting of XML elements or JSON values")
		case bound.LimitInflated:
			fs.Var((*byteSize)(&l.Inflated), "max-inflated", "most a gzip file, or any part of an XLSX workbook, may unpack to (e.g. 1GiB)")
		default:
			panic("someLimitFlags: no limit " + name)
		}
	}
	return &l
}

// checkLimits refuses a limit that is not positive.
func checkLimits(l *ingest.Limits) error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"file-bytes", l.FileBytes}, {"rows", int64(l.Rows)}, {"columns", int64(l.Columns)}, {"field-bytes", int64(l.FieldBytes)},
		{"record-bytes", int64(l.RecordBytes)}, {"depth", int64(l.Depth)}, {"inflated", l.Inflated}} {
		if f.v <= 0 {
			return usagef("--max-%s: want a number greater than 0", f.name)
		}
	}
	return nil
}

// byteSize is a flag.Value for a size in bytes: a number with an optional
// unit, KiB, MiB or GiB (KB, MB, GB and K, M, G mean the same).
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err == nil {
		*b = byteSize(n)
	}
	return err
}

// intSize is byteSize for an int.
type intSize struct{ p *int }

func (v intSize) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

func (v intSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err == nil && n > int64(^uint(0)>>1) {
		err = fmt.Errorf("%q is too large", s)
	}
	if err == nil {
		*v.p = int(n)
	}
	return err
}

// parseByteSize reads "65536", "64KiB", "16MB", "1G".
func parseByteSize(s string) (int64, error) {
	t, shift := strings.ToUpper(strings.TrimSpace(s)), 0
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"GIB", 30}, {"GB", 30}, {"G", 30}, {"MIB", 20}, {"MB", 20}, {"M", 20}, {"KIB", 10}, {"KB", 10}, {"K", 10}, {"B", 0}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, shift = strings.TrimSpace(rest), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q is not a size (a number of bytes, or with KiB, MiB or GiB)", s)
	}
	return n << shift, nil
}
