//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/bound"
)

// The bombs of vigil controls import (OSCAL catalogs), vigil gudid import
// (FDA GUDID device XML), vigil evidence add and POST /api/v1/evidence,
// vigil checks add and POST /api/v1/checks (docs/controls.md, docs/udi.md and docs/evidence.md, "Limits"). OSCAL
// catalogs and GUDID releases have no upload route: command line only. The
// server runs on the default limits.
func init() {
	moreBombs = append(moreBombs, func() []bomb {
		controls := []string{"controls", "import"}
		gudid := []string{"gudid", "import"}
		evidence := []string{"evidence", "add", "--title", "Bomb", "--area", "training"}
		device := func(w *bufio.Writer, i int) {
			fmt.Fprintf(w, `<device><identifiers><identifier><deviceId>%014d</deviceId><deviceIdType>Primary</deviceIdType></identifier></identifiers><companyName>ACME</companyName></device>`, i)
		}
		return []bomb{
			// OSCAL JSON nested a million deep and a 100 MB string, both
			// stopped by the defaults; an XML catalog, told at its first
			// byte.
			{name: "oscal-deep.json", want: "--max-depth", args: controls, cli: true, write: func(w *bufio.Writer) {
				w.WriteString(`{"catalog":{"metadata":{"title":"Bomb"},"groups":`)
				repeat(w, `[{"title":"g","groups":`, 1_000_000)
			}},
			{name: "oscal-string.json", want: "--max-field-bytes", args: controls, cli: true, write: func(w *bufio.Writer) {
				w.WriteString(`{"catalog":{"metadata":{"title":"`)
				repeat(w, "x", 100<<20)
				w.WriteString(`"}}}`)
			}},
			{name: "oscal-deep.xml", want: "reads OSCAL catalogs in JSON", args: controls, cli: true, write: func(w *bufio.Writer) {
				w.WriteString(`<?xml version="1.0"?><catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>Bomb</title></metadata>`)
				repeat(w, "<group>", 10_000_000)
			}},

			// GUDID XML: thirty million elements deep, a 100 MB attribute
			// and a 100 MB text, all stopped by the defaults; 1,100 devices
			// past a lowered --max-rows.
			{name: "gudid-deep.xml", want: "--max-depth", args: gudid, cli: true, write: func(w *bufio.Writer) {
				w.WriteString(`<?xml version="1.0"?><gudid xmlns="http://www.fda.gov/cdrh/gudid"><device>`)
				repeat(w, "<a>", 30_000_000)
			}},
			{name: "gudid-attribute.xml", want: "--max-field-bytes", args: gudid, cli: true, write: func(w *bufio.Writer) {
				w.WriteString(`<gudid><device deviceid="`)
				repeat(w, "0", 100<<20)
				w.WriteString(`"><companyName>ACME</companyName></device></gudid>`)
			}},
			{name: "gudid-text.xml", want: "--max-field-bytes", args: gudid, cli: true, write: func(w *bufio.Writer) {
				w.WriteString(`<gudid><device deviceid="00844588018923"><companyName>`)
				repeat(w, "A", 100<<20)
				w.WriteString(`</companyName></device></gudid>`)
			}},
			{name: "gudid-rows.xml", want: "--max-rows", flags: []string{"--max-rows", "1000"}, args: gudid, cli: true, write: func(w *bufio.Writer) {
				w.WriteString(`<gudid>`)
				for i := range 1100 {
					device(w, i+1)
				}
				w.WriteString(`</gudid>`)
			}},

			// Evidence: a 2 MiB file past a lowered --max-file-bytes on the
			// command line; to the server the same file goes on streaming
			// past the default 512 MiB in a chunked multipart body.
			{name: "evidence-big.pdf", want: "--max-file-bytes", flags: []string{"--max-file-bytes", "1MiB"}, args: evidence, upload: uploadEvidenceStream,
				write: func(w *bufio.Writer) {
					w.WriteString("%PDF-1.7\n")
					repeat(w, "0", 2<<20)
				}},
			// A multipart form of a million tiny fields (the file is the
			// form): the server refuses it at its thousandth part; as
			// evidence on the command line it is past a lowered
			// --max-file-bytes. What both errors share is "more than".
			{name: "form-fields.txt", want: "more than", flags: []string{"--max-file-bytes", "1MiB"}, args: evidence, upload: uploadForm,
				write: func(w *bufio.Writer) {
					repeat(w, "--"+formBoundary+"\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n", 1_000_000)
					w.WriteString("--" + formBoundary + "--\r\n")
				}},

			// A check file of 20 MB (one YAML comment), read whole: stopped
			// at the default --max-record-bytes by vigil checks add and by
			// POST /api/v1/checks, where it is the JSON body's source.
			{name: "check-long.yaml", want: "--max-record-bytes", args: []string{"checks", "add"}, upload: uploadCheck, write: func(w *bufio.Writer) {
				w.WriteString("# ")
				repeat(w, "x", 20<<20)
			}},
		}
	})
}

// uploadCheck posts the file at path to POST /api/v1/checks as the
// request's source, streamed: the file holds nothing JSON escapes.
func uploadCheck(t *testing.T, url, token, path string) (*http.Response, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	body := io.MultiReader(strings.NewReader(`{"source": "`), f, strings.NewReader(`"}`))
	req, _ := http.NewRequest("POST", url+"/api/v1/checks", body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

// formBoundary is the boundary of the form-fields bomb.
const formBoundary = "vigil-bomb-boundary"

// uploadForm posts the file at path, a multipart form, to POST
// /api/v1/evidence as it is.
func uploadForm(t *testing.T, url, token, path string) (*http.Response, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	req, _ := http.NewRequest("POST", url+"/api/v1/evidence", f)
	st, _ := f.Stat()
	req.ContentLength = st.Size()
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+formBoundary)
	return http.DefaultClient.Do(req)
}

// uploadEvidenceStream posts the file at path to POST /api/v1/evidence as
// the form's file, followed by zeros to past the server's default
// --max-file-bytes and its allowance for fields, in a chunked body that
// never says its length: the server must stop reading at the limit.
func uploadEvidenceStream(t *testing.T, url, token, path string) (*http.Response, error) {
	return uploadMultipart(t, url+"/api/v1/evidence", token, path, bound.MaxFileSize+8<<20, "title", "Bomb", "area", "training")
}

// zeroBytes reads '0' for ever.
type zeroBytes struct{}

func (zeroBytes) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}
