// Package feeds parses vulnerability and advisory feeds into Vigil's domain
// types: NVD CVE API 2.0 JSON, CVE JSON 5 records, the CISA KEV catalog (JSON
// and CSV), FIRST EPSS CSV, CSAF 2.0 advisories (including VEX) and OSV JSON.
// The format is detected from the content. Big files are decoded as a stream.
// Parsing is pure: no network, no database.
package feeds

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// Format names a feed format.
type Format string

// The feed formats Parse understands.
const (
	FormatUnknown    Format = ""
	FormatNVD        Format = "nvd-cve-2.0"      // NVD CVE API 2.0 response, or one "cve" object
	FormatCVE5       Format = "cve-json-5"       // CVE JSON 5 record
	FormatKEVJSON    Format = "kev-json"         // CISA KEV catalog JSON
	FormatKEVCSV     Format = "kev-csv"          // CISA KEV catalog CSV
	FormatEPSS       Format = "epss-csv"         // FIRST EPSS daily scores CSV
	FormatEPSSSeries Format = "epss-time-series" // date,model,epss,percentile for one CVE
	FormatCSAF       Format = "csaf-2.0"         // CSAF 2.0 advisory or VEX
	FormatOSV        Format = "osv"              // OSV JSON, one record or an array
)

// Batch is everything one feed file yielded. Exactly the fields its format
// carries are filled.
type Batch struct {
	Name              string
	Format            Format
	Vulnerabilities   []*vigil.Vulnerability
	Advisories        []*vigil.Advisory
	KEV               []*vigil.KEVEntry
	KEVCatalogVersion string
	EPSS              []vigil.EPSSRecord
	VEX               []vigil.VEXStatement
}

// sniffSize is how much of a file Detect looks at.
const sniffSize = 64 << 10

// Parse detects the format of r from its content and parses it under the
// default limits (bound.Default); ParseLimits takes others.
func Parse(ctx context.Context, name string, r io.Reader) (*Batch, error) {
	return ParseLimits(ctx, name, r, bound.Default())
}

// ParseLimits detects the format of r from its content and parses it,
// holding it to lim as it streams (see limits.go). name is used in errors
// only (a file name or URL). On any error ParseLimits returns no batch: a
// corrupt feed never yields a partial result. Errors name the file and the
// byte offset, line or record where parsing failed; a limit met is an
// EINVALID *vigil.Error naming the flag that raises it.
func ParseLimits(ctx context.Context, name string, r io.Reader, lim bound.Limits) (*Batch, error) {
	lim = lim.OrDefault()
	// EPSS and some mirrors ship gzip: told by content, unpacked under
	// the inflation limit.
	r, _, err := bound.Gunzip(bound.File(r, name, lim), name, lim)
	if err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		if le := limitError(err); le != nil {
			return nil, le
		}
		return nil, fmt.Errorf("feeds: read %s: %w", name, err)
	}
	f := Detect(name, head)
	if f == FormatUnknown {
		return nil, fmt.Errorf("feeds: %s: unrecognised feed format (not NVD, CVE 5, KEV, EPSS, CSAF or OSV)", name)
	}
	return parseFormat(ctx, f, name, br, lim)
}

// ParseFormat parses r as format f without detection, under the default
// limits.
func ParseFormat(ctx context.Context, f Format, name string, r io.Reader) (*Batch, error) {
	lim := bound.Default()
	return parseFormat(ctx, f, name, bound.File(r, name, lim), lim)
}

func parseFormat(ctx context.Context, f Format, name string, r io.Reader, lim bound.Limits) (*Batch, error) {
	b := &Batch{Name: name, Format: f}
	var err error
	switch f {
	case FormatNVD:
		err = parseNVD(ctx, name, r, lim, b)
	case FormatCVE5:
		err = parseCVE5(name, r, lim, b)
	case FormatKEVJSON:
		err = parseKEVJSON(ctx, name, r, lim, b)
	case FormatKEVCSV:
		err = parseKEVCSV(ctx, name, r, lim, b)
	case FormatEPSS, FormatEPSSSeries:
		err = parseEPSS(ctx, name, r, lim, b)
	case FormatCSAF:
		err = parseCSAF(name, r, lim, b)
	case FormatOSV:
		err = parseOSV(ctx, name, r, lim, b)
	default:
		err = fmt.Errorf("feeds: %s: unknown format %q", name, f)
	}
	if le := limitError(err); le != nil {
		return nil, le
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Detect names the format of a feed from its first bytes (at least a few
// kilobytes). name is used only to take a CVE id from an EPSS time-series file
// name, never to decide the format.
func Detect(name string, head []byte) Format {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 {
		return FormatUnknown
	}
	switch t[0] {
	case '{', '[':
		return detectJSON(t)
	}
	line := t
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.ToLower(bytes.TrimSpace(line))
	switch {
	case bytes.HasPrefix(line, []byte("cveid,vendorproject")):
		return FormatKEVCSV
	case bytes.HasPrefix(line, []byte("#model_version")), bytes.HasPrefix(line, []byte("cve,epss,percentile")):
		return FormatEPSS
	case bytes.HasPrefix(line, []byte("date,model,epss,percentile")):
		return FormatEPSSSeries
	}
	return FormatUnknown
}

func detectJSON(t []byte) Format {
	has := func(s string) bool { return bytes.Contains(t, []byte(s)) }
	switch {
	case has(`"csaf_version"`):
		return FormatCSAF
	case has(`"catalogVersion"`) && has(`"vulnerabilities"`):
		return FormatKEVJSON
	case has(`"cveMetadata"`) || has(`"CVE_RECORD"`):
		return FormatCVE5
	case has(`"format"`) && has(`"NVD_CVE"`), has(`"resultsPerPage"`), has(`"sourceIdentifier"`) && has(`"vulnStatus"`):
		return FormatNVD
	case has(`"schema_version"`) || (has(`"modified"`) && (has(`"affected"`) || has(`"aliases"`))):
		return FormatOSV
	}
	return FormatUnknown
}

// Source is an official feed location for `vigil feeds update`.
type Source struct {
	Name   string
	URL    string
	Format Format
	Note   string
}

// Sources returns the official URLs of the feeds Vigil reads. The command
// line fetches them; this package never touches the network.
func Sources() []Source {
	return []Source{
		{"NVD CVE API 2.0", "https://services.nvd.nist.gov/rest/json/cves/2.0", FormatNVD, "paged: resultsPerPage=2000&startIndex=N; use lastModStartDate/lastModEndDate for updates; an API key raises the rate limit"},
		{"CVE List V5", "https://github.com/CVEProject/cvelistV5/archive/refs/heads/main.zip", FormatCVE5, "one CVE JSON 5 record per file"},
		{"CISA KEV JSON", "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json", FormatKEVJSON, ""},
		{"CISA KEV CSV", "https://www.cisa.gov/sites/default/files/csv/known_exploited_vulnerabilities.csv", FormatKEVCSV, ""},
		{"FIRST EPSS", "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz", FormatEPSS, "gzip; daily"},
		{"CISA CSAF (ICS and ICSMA)", "https://www.cisa.gov/sites/default/files/csaf/provider-metadata.json", FormatCSAF, "CSAF provider metadata; follow its ROLIE feeds"},
		{"CISA CSAF repository", "https://github.com/cisagov/CSAF", FormatCSAF, "csaf_files/OT/white/<year>/icsma-*.json"},
		{"OSV", "https://osv-vulnerabilities.storage.googleapis.com/all.zip", FormatOSV, "per-ecosystem zips also at <ecosystem>/all.zip"},
	}
}
