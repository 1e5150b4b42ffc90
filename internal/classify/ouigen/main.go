// Command ouigen converts the IEEE MAC address registries, as Debian's
// ieee-data package ships them, into the compact table the classify package
// embeds: a gzip'd, sorted TSV of hex prefix (6, 7 or 9 digits for the /24,
// /28 and /36 blocks) and organisation name.
//
// Refresh the table with (from internal/classify):
//
//	apt-get install -y ieee-data   # or update it
//	go generate ./...
//
// which runs: go run ./ouigen -dir /usr/share/ieee-data -out oui.tsv.gz
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	dir := flag.String("dir", "/usr/share/ieee-data", "folder holding oui.csv, mam.csv, oui36.csv and iab.csv")
	out := flag.String("out", "oui.tsv.gz", "table to write")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "ouigen:", err)
		os.Exit(1)
	}
}

// registries are read most specific first: a prefix listed twice keeps the
// first name seen.
func registries() []string { return []string{"oui36.csv", "iab.csv", "mam.csv", "oui.csv"} }

func run(dir, out string) error {
	table := make(map[string]string)
	read := 0
	for _, name := range registries() {
		path := filepath.Join(dir, name)
		n, err := readRegistry(path, table)
		if errors.Is(err, os.ErrNotExist) && name == "iab.csv" {
			continue // older ieee-data lacks it
		}
		if err != nil {
			return err
		}
		read += n
	}
	if len(table) < 1000 {
		return fmt.Errorf("only %d prefixes in %s: is ieee-data installed?", len(table), dir)
	}
	stamp, _ := os.ReadFile(filepath.Join(dir, ".lastupdate"))
	if err := write(out, table, strings.TrimSpace(string(stamp))); err != nil {
		return err
	}
	fmt.Printf("ouigen: %d rows read, %d prefixes written to %s\n", read, len(table), out)
	return nil
}

// readRegistry adds the rows of one registry CSV (Registry, Assignment,
// Organization Name, Organization Address) to table.
func readRegistry(path string, table map[string]string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if line == 1 {
			continue // header
		}
		if len(rec) < 3 {
			return n, fmt.Errorf("%s:%d: %d fields, want at least 3", path, line, len(rec))
		}
		prefix := strings.ToUpper(strings.TrimSpace(rec[1]))
		name := strings.Join(strings.Fields(rec[2]), " ")
		if !validPrefix(prefix) {
			return n, fmt.Errorf("%s:%d: assignment %q is not 6, 7 or 9 hex digits", path, line, prefix)
		}
		n++
		if name == "" || strings.EqualFold(name, "private") {
			continue
		}
		if _, ok := table[prefix]; !ok {
			table[prefix] = name
		}
	}
}

func validPrefix(p string) bool {
	if len(p) != 6 && len(p) != 7 && len(p) != 9 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if !(p[i] >= '0' && p[i] <= '9' || p[i] >= 'A' && p[i] <= 'F') {
			return false
		}
	}
	return true
}

// write stores the table sorted, so that regenerating from the same input
// gives the same bytes.
func write(path string, table map[string]string, stamp string) error {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return err
	}
	w := bufio.NewWriter(zw)
	fmt.Fprintf(w, "# IEEE MA-L/MA-M/MA-S/IAB registries via Debian ieee-data, lastupdate %s; regenerate with go generate\n", stamp)
	for _, k := range keys {
		fmt.Fprintf(w, "%s\t%s\n", k, table[k])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
