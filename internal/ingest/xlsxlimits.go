package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigil-health/vigil/internal/worksheet"
)

// sheetLimits are the parser's limits as the worksheet reader takes them:
// a part of the archive may unpack to --max-inflated, a part read whole (the
// workbook, its relationships), a row's XML and a shared string's XML are
// records, and the shared strings, held in memory, count against the size
// of the largest file, with the values the records keep (see heldMax).
func (p *parser) sheetLimits() worksheet.Limits {
	return worksheet.Limits{
		Part:   p.lim.Inflated,
		Whole:  int64(p.lim.RecordBytes),
		Row:    p.lim.RecordBytes,
		Cell:   p.lim.FieldBytes,
		Depth:  p.lim.Depth,
		Shared: p.lim.FileBytes,
	}
}

// sheetLimitError is the parser's fatal error for a limit the worksheet
// reader met.
func (p *parser) sheetLimitError(e *worksheet.LimitError) error {
	part := clip(e.Part)
	switch e.Limit {
	case worksheet.LimitPart:
		return p.limitError("", LimitInflated, e.Max, part+" unpacks to more than %s")
	case worksheet.LimitWhole:
		return p.limitError("", LimitRecordBytes, e.Max, part+" unpacks to more than %s")
	case worksheet.LimitRow:
		if e.Row > 0 {
			return p.limitError(fmt.Sprintf("sheet %s, row %d", clip(p.res.Sheet), e.Row), LimitRecordBytes, e.Max, e.Item+" of more than %s of XML")
		}
		return p.limitError("", LimitRecordBytes, e.Max, part+": "+e.Item+" of more than %s of XML")
	case worksheet.LimitDepth:
		return p.limitError("", LimitDepth, e.Max, part+": XML nested more than %s deep")
	case worksheet.LimitCell:
		return p.limitError("", LimitFieldBytes, e.Max, part+": a shared string of more than %s")
	case worksheet.LimitShared:
		return p.limitError("", LimitFileBytes, e.Max, part+": shared strings holding more than %s")
	}
	return p.fail("", "%v", e)
}

// maxSheetName is the longest sheet name a workbook may have; Excel allows
// 31 characters, which this leaves room for in any script.
const maxSheetName = 255

// checkSheetName refuses a sheet whose name no spreadsheet writes: every
// origin and message names the sheet.
func (p *parser) checkSheetName(name string) error {
	if len(name) > maxSheetName {
		return p.fail("", "a sheet name of %d bytes: not a workbook a spreadsheet wrote (Excel allows 31 characters)", len(name))
	}
	return nil
}

// chargeHeld counts the values a record keeps against what the workbook may
// make the import hold (heldMax; nothing is counted when it is zero).
func (p *parser) chargeHeld(o string, kv fieldValues) error {
	if p.heldMax == 0 {
		return nil
	}
	for _, f := range kv {
		p.held += int64(len(f.value))
	}
	if p.held > p.heldMax {
		return p.limitError(o, LimitFileBytes, p.heldMax, "the workbook's shared strings and the values kept from it hold more than %s")
	}
	return nil
}

// fallbackShare is the part of --max-inflated a workbook read by the full
// reader (excelize) may unpack to, all parts together: that reader holds
// the parts whole and unmarshals them, at several times their size.
const fallbackShare = 16

// fallbackItemCost is what one shared string costs the full reader, as
// counted against its share.
const fallbackItemCost = 128

// checkFallback holds a workbook that only the full reader reads to
// bounds that reader does not keep itself, checked part by part as each
// inflates: all parts together may unpack to a sixteenth of --max-inflated,
// no XML may nest deeper than --max-depth nor hold a tag or a run of text
// longer than --max-record-bytes (worksheet.CheckXML), and the shared
// strings count their cost.
func (p *parser) checkFallback(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil // excelize says what is wrong with it
	}
	budget := p.lim.Inflated / fallbackShare
	var total int64
	for _, f := range zr.File {
		if total += int64(f.UncompressedSize64); f.UncompressedSize64 > uint64(budget) || total > budget {
			return p.limitError("", LimitInflated, p.lim.Inflated,
				"the workbook is laid out in a way only the full XLSX reader reads, which holds it whole, and unpacks to more than a sixteenth of %s")
		}
	}
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil
		}
		err = worksheet.CheckXML(rc, f.Name, p.sheetLimits())
		rc.Close()
		var over *worksheet.LimitError
		if errors.As(err, &over) {
			return p.sheetLimitError(over)
		}
		if name != "xl/sharedstrings.xml" {
			continue
		}
		if rc, err = f.Open(); err != nil {
			return nil
		}
		lim := p.sheetLimits()
		lim.Shared = budget
		_, err = worksheet.CheckShared(rc, f.Name, lim)
		rc.Close()
		if errors.As(err, &over) {
			if over.Limit == worksheet.LimitShared {
				return p.limitError("", LimitInflated, p.lim.Inflated, clip(f.Name)+": more shared strings than the full XLSX reader may hold in a sixteenth of %s")
			}
			return p.sheetLimitError(over)
		}
	}
	return nil
}
