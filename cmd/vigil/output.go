package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// table is rows of text cells written as an aligned table or as CSV.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		for i := range r {
			r[i] = strings.ReplaceAll(r[i], "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(t.header)
	for _, r := range t.rows {
		cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// checkFormat validates a --format value against the allowed ones.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("--format must be one of %s", strings.Join(allowed, ", "))
}

// emit writes v as JSON or t as a table or CSV.
func emit(w io.Writer, format string, v any, t *table) error {
	switch format {
	case "json":
		return writeJSONOut(w, v)
	case "csv":
		return t.writeCSV(w)
	}
	return t.writeText(w)
}

func sortStrings(s []string) { sort.Strings(s) }
