package mds2

import (
	"archive/zip"
	"errors"
	"io"
	"strings"

	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/worksheet"
	"github.com/xuri/excelize/v2"
)

// fallbackShare is the part of --max-inflated a workbook read by excelize
// may unpack to, all parts together: excelize holds the parts whole and
// unmarshals them, at several times their size, as the inventory importer
// holds it. It is not shared further for a small file (an MDS2 form): a
// real workbook's styles and themes alone can pass a few MiB.
const fallbackShare = 16

// readFallback reads a workbook laid out in a way the worksheet reader
// does not handle through excelize, once checkFallback has held its parts
// to the bounds excelize does not keep itself.
func (t *table) readFallback(r io.ReaderAt, size int64, first bool, each func(string, [][]string) (bool, error)) error {
	if err := t.checkFallback(r, size); err != nil {
		return err
	}
	budget := t.lim.Inflated / fallbackShare
	x, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{UnzipSizeLimit: budget, UnzipXMLSizeLimit: budget})
	if err != nil {
		return &Error{File: t.name, Reason: "not a readable XLSX workbook"}
	}
	defer x.Close()
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		if err != nil {
			return &Error{File: t.name, Sheet: sheet, Reason: "unreadable sheet"}
		}
		t.held = 0
		for i, r := range rows {
			if err := t.keep(sheet, i+1, r); err != nil {
				return err
			}
		}
		if done, err := each(sheet, rows); done || err != nil || first {
			return err
		}
	}
	return nil
}

// checkFallback holds a workbook that only excelize reads to bounds
// excelize does not keep, checked part by part as each inflates: all parts
// together may unpack to a sixteenth of --max-inflated, no XML may nest
// deeper than --max-depth nor hold a tag or a text longer than
// --max-record-bytes (worksheet.CheckXML), and the shared strings count
// against what the rows may hold.
func (t *table) checkFallback(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return &Error{File: t.name, Reason: "not a readable XLSX workbook"}
	}
	budget := t.lim.Inflated / fallbackShare
	var total uint64
	for _, f := range zr.File {
		if total += f.UncompressedSize64; f.UncompressedSize64 > uint64(budget) || total > uint64(budget) {
			return t.over("", 0, bound.LimitInflated, t.lim.Inflated,
				"a workbook laid out in a way only the full XLSX reader reads, which holds it whole, that unpacks to more than a sixteenth of %s")
		}
	}
	lim := t.sheetLimits()
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue
		}
		if err := checkPart(f, lim, worksheet.CheckXML); err != nil {
			return t.xlsxError(err, "")
		}
		if name == "xl/sharedstrings.xml" {
			err := checkPart(f, lim, func(r io.Reader, part string, lim worksheet.Limits) error {
				_, err := worksheet.CheckShared(r, part, lim)
				return err
			})
			if err != nil {
				return t.xlsxError(err, "")
			}
		}
	}
	return nil
}

// checkPart runs check over one member of the archive as it inflates; an
// error other than a limit met is left for excelize to report.
func checkPart(f *zip.File, lim worksheet.Limits, check func(io.Reader, string, worksheet.Limits) error) error {
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	var over *worksheet.LimitError
	if err := check(rc, f.Name, lim); errors.As(err, &over) {
		return err
	}
	return nil
}
