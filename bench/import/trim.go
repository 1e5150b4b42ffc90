package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/vigil-health/vigil/internal/gen"
)

// trimFiles cuts each generated file to its first n data rows, keeping
// everything else about it (header, delimiter, workbook parts, the scan's
// run statistics), so that each source gives exactly n rows.
func trimFiles(dir string, n int) error {
	for _, t := range []struct {
		file string
		cut  func([]byte, int) ([]byte, error)
	}{{gen.FileCMMS, trimCSV}, {gen.FileCMDB, trimXLSX}, {gen.FileNmap, trimNmap}} {
		path := filepath.Join(dir, t.file)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if b, err = t.cut(b, n); err != nil {
			return fmt.Errorf("%s: %w (raise -devices)", t.file, err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// trimCSV keeps the header and n records; a newline inside quotes does not
// end a record.
func trimCSV(b []byte, n int) ([]byte, error) {
	quoted, records := false, -1 // the header is record -1
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			if records++; records == n {
				return b[:i+1], nil
			}
		}
	}
	return nil, fmt.Errorf("fewer than %d records", n)
}

// trimXLSX keeps the header row and n rows of the first sheet.
func trimXLSX(b []byte, n int) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			cut := bytes.Index(data, []byte(`<row r="`+strconv.Itoa(n+2)+`"`))
			end := bytes.Index(data, []byte(`</sheetData>`))
			if cut < 0 || end < cut {
				return nil, fmt.Errorf("fewer than %d rows", n)
			}
			data = append(data[:cut:cut], data[end:]...)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// trimNmap keeps the first n hosts and the run statistics.
func trimNmap(b []byte, n int) ([]byte, error) {
	at := 0
	for k := 0; k < n; k++ {
		i := bytes.Index(b[at:], []byte("<host "))
		if i < 0 {
			return nil, fmt.Errorf("fewer than %d hosts", n)
		}
		at += i + 1
	}
	cut := bytes.Index(b[at:], []byte("<host "))
	if cut < 0 {
		return b, nil // exactly n
	}
	tail := bytes.LastIndex(b, []byte("<runstats>"))
	if tail < 0 {
		return nil, fmt.Errorf("no <runstats> after the hosts")
	}
	cut += at
	return append(b[:cut:cut], b[tail:]...), nil
}
