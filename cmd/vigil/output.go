package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/cellsafe"
	"github.com/vigil-health/vigil/internal/jsonout"
)

// table is rows of text cells written as an aligned table or as CSV.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) writeText(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10) // the tabwriter writes cell by cell
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		for i := range r {
			r[i] = strings.ReplaceAll(r[i], "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeCSV writes the table as CSV, every cell neutralised for
// spreadsheets (internal/cellsafe).
func (t *table) writeCSV(w io.Writer) error {
	cw := cellsafe.NewWriter(w)
	cw.Write(t.header)
	for _, r := range t.rows {
		cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

// writeCSVRows writes a header and the rows each yields, as they come,
// every cell neutralised for spreadsheets.
func writeCSVRows(w io.Writer, header []string, each func(add func([]string) error) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := cellsafe.NewWriter(bw)
	cw.Write(header)
	if err := each(cw.Write); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeJSONOut writes v as indented JSON, an object member by member and a
// list in it element by element (internal/jsonout).
func writeJSONOut(w io.Writer, v any) error { return jsonout.Write(w, v) }

// checkFormat validates a --format value against the allowed ones.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("--format must be one of %s, not %q", strings.Join(allowed, ", "), format)
}

// emit writes v as JSON, or the table rows builds as a table or CSV; the
// table is built only when it is written.
func emit(w io.Writer, format string, v any, rows func() *table) error {
	switch format {
	case "json":
		return writeJSONOut(w, v)
	case "csv":
		return rows().writeCSV(w)
	}
	return rows().writeText(w)
}

func sortStrings(s []string) { sort.Strings(s) }

var deviceHeader = []string{"ID", "ASSET_TAG", "TYPE", "MANUFACTURER", "MODEL", "FIRMWARE", "MAC", "IP", "HOSTNAME", "LOCATION", "CRITICALITY", "EPHI"}

func deviceRow(d *vigil.Device) []string {
	return []string{strconv.FormatInt(d.ID, 10), d.AssetTag, d.DeviceType, d.Manufacturer, d.Model, d.Firmware, d.MAC, d.IP, d.Hostname, d.Location, string(d.Criticality), strconv.FormatBool(d.HasEPHI())}
}

func deviceTable(devs []*vigil.Device) *table {
	t := &table{header: deviceHeader}
	for _, d := range devs {
		t.add(deviceRow(d)...)
	}
	return t
}

// enumFlag defines a string flag whose value, when given, must be one of
// valid: a bad value is a usage error that names the valid ones.
func enumFlag[T ~string](fs *flag.FlagSet, name, usage string, valid ...T) *string {
	p := new(string)
	names := make([]string, len(valid))
	for i, v := range valid {
		names[i] = string(v)
	}
	fs.Func(name, usage, func(v string) error {
		if v != "" && !slices.Contains(names, v) {
			return fmt.Errorf("want one of %s", strings.Join(names, ", "))
		}
		*p = v
		return nil
	})
	return p
}
