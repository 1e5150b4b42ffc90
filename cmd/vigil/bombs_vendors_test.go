//go:build linux

package main

import (
	"bufio"
	"compress/flate"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The vendor side's bombs (issue 16, item 1): MDS2 forms, vendor lists,
// contract registers and end-of-life lists, through their commands and,
// where the server takes them, their upload routes. An MDS2 form takes a
// sixteenth of --max-file-bytes and --max-rows (mds2.Share), so its bombs
// meet the defaults with small files.
func init() {
	moreBombs = append(moreBombs, func() []bomb {
		mds2 := []string{"mds2", "import"}
		formRow := `<row><c t="inlineStr"><is><t>DOC-1</t></is></c><c t="inlineStr"><is><t>Manufacturer</t></is></c></row>`
		return []bomb{
			// Two million rows in a 200 KB workbook (excelize held them all:
			// twenty million took 1.1 GiB and ran out of memory under
			// ulimit -v 3 GiB); refused at row 62,501.
			{name: "mds2-row-bomb.xlsx", want: "--max-rows", args: mds2, upload: uploadMDS2, xlsx: &xlsxBomb{sheet: func(w *bufio.Writer) {
				repeat(w, formRow, 2_000_000)
			}}},
			// One shared string of 200 MiB, and three million small ones.
			{name: "mds2-shared-bomb.xlsx", want: "--max-record-bytes", args: mds2, upload: uploadMDS2, xlsx: &xlsxBomb{level: flate.BestSpeed,
				shared: func(w *bufio.Writer) {
					w.WriteString(`<sst><si><t>DOC-1</t></si><si><t>`)
					repeat(w, "A", 200<<20)
					w.WriteString(`</t></si></sst>`)
				},
				sheet: func(w *bufio.Writer) { w.WriteString(`<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>`) },
			}},
			{name: "mds2-strings-bomb.xlsx", want: "--max-file-bytes", args: mds2, upload: uploadMDS2, xlsx: &xlsxBomb{
				shared: func(w *bufio.Writer) {
					w.WriteString(`<sst>`)
					repeat(w, `<si><t>x</t></si>`, 3_000_000)
					w.WriteString(`</sst>`)
				},
				sheet: func(w *bufio.Writer) { w.WriteString(`<row><c t="s"><v>0</v></c></row>`) },
			}},
			// The workbook part nested five million deep.
			{name: "mds2-deep.xlsx", want: "--max-depth", args: mds2, upload: uploadMDS2, xlsx: &xlsxBomb{deepBook: true, sheet: func(w *bufio.Writer) {
				w.WriteString(formRow)
			}}},
			// A 100 MB line: past the form's 32 MiB before a byte is read; a
			// 20 MB one: refused as it streams, at the value's 128 KiB.
			{name: "mds2-long-line.csv", want: "--max-file-bytes", args: mds2, upload: uploadMDS2, write: func(w *bufio.Writer) {
				w.WriteString("Question ID,Question,Answer\nDOC-1,Manufacturer,")
				repeat(w, "x", 100<<20)
			}},
			{name: "mds2-long-value.csv", want: "--max-field-bytes", args: mds2, upload: uploadMDS2, write: func(w *bufio.Writer) {
				w.WriteString("Question ID,Question,Answer\nDOC-1,Manufacturer,")
				repeat(w, "x", 20<<20)
			}},

			// Vendor lists (a quarter of --max-rows and --max-file-bytes,
			// vendors.ListShare): two million rows, refused at row 250,001;
			// a header of fifty million columns (100 MB, under the list's
			// 128 MiB: refused as it streams); ten thousand rows of a
			// thousand one-byte cells, whose 16-byte cells would hold 170 MB.
			{name: "vendors-row-bomb.xlsx", want: "--max-rows", args: []string{"vendors", "import"}, upload: uploadVendors, xlsx: &xlsxBomb{sheet: func(w *bufio.Writer) {
				w.WriteString(`<row><c t="inlineStr"><is><t>Vendor</t></is></c></row>`)
				repeat(w, `<row><c t="inlineStr"><is><t>Acme</t></is></c></row>`, 2_000_000)
			}}},
			{name: "vendors-column-bomb.csv", want: "--max-columns", args: []string{"vendors", "import"}, upload: uploadVendors, write: func(w *bufio.Writer) {
				w.WriteString("Vendor")
				repeat(w, ",a", 50_000_000)
			}},
			{name: "vendors-wide.csv", want: "--max-file-bytes", args: []string{"vendors", "import"}, upload: uploadVendors, write: func(w *bufio.Writer) {
				w.WriteString("Vendor")
				repeat(w, ",a", 999)
				repeat(w, "\nAcme"+strings.Repeat(",a", 999), 10_000)
			}},

			// An end-of-life list's 100 MB line and a contract register's
			// 100 MB quoted value (no upload route takes either).
			{name: "models-long-line.csv", want: "--max-field-bytes", args: []string{"models", "import"}, cli: true, write: func(w *bufio.Writer) {
				w.WriteString("Manufacturer,Model,End of support\nAcme,")
				repeat(w, "x", 100<<20)
			}},
			{name: "agreements-long-value.csv", want: "--max-field-bytes", args: []string{"vendors", "agreements", "import"}, cli: true, write: func(w *bufio.Writer) {
				w.WriteString("Vendor,Document,Scope\nAcme,BAA,\"")
				repeat(w, "x\n", 50<<20)
			}},
		}
	})
}

// uploadMDS2 posts the file at path to POST /api/v1/mds2.
func uploadMDS2(t *testing.T, url, token, path string) (*http.Response, error) {
	return uploadFile(t, url+"/api/v1/mds2", token, path)
}

// uploadVendors posts the file at path to POST /api/v1/vendors/import.
func uploadVendors(t *testing.T, url, token, path string) (*http.Response, error) {
	return uploadFile(t, url+"/api/v1/vendors/import", token, path)
}

// uploadFile posts the file at path to url as the multipart field "file",
// streamed.
func uploadFile(t *testing.T, url, token, path string) (*http.Response, error) {
	return uploadMultipart(t, url, token, path, 0)
}

// uploadMultipart posts to url a form of the fields given (name, value,
// ...) and the file at path as the field "file", followed by pad bytes of
// '0', in a chunked body that never says its length.
func uploadMultipart(t *testing.T, url, token, path string, pad int64, fields ...string) (*http.Response, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		defer f.Close()
		var err error
		for i := 0; err == nil && i+1 < len(fields); i += 2 {
			err = mw.WriteField(fields[i], fields[i+1])
		}
		var part io.Writer
		if err == nil {
			part, err = mw.CreateFormFile("file", filepath.Base(path))
		}
		if err == nil {
			_, err = io.Copy(part, f)
		}
		if err == nil && pad > 0 {
			_, err = io.Copy(part, io.LimitReader(zeroBytes{}, pad))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", url, pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return http.DefaultClient.Do(req)
}
