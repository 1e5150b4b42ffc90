package sbom

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	shared "github.com/vigil-health/vigil/internal/realdata"
)

// TestLimits: each limit stops an SBOM that goes past it as it is read,
// with one EINVALID error naming the file, where, and the flag.
func TestLimits(t *testing.T) {
	const cdx = `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components>`
	small := bound.Limits{FileBytes: 64 << 10, Rows: 10, FieldBytes: 64, RecordBytes: 1024, Depth: 8}
	for _, tt := range []struct {
		name, data, want, where string
	}{
		{"big.cdx.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[` + strings.Repeat(" ", 9000), "--max-file-bytes", "an SBOM of more than 8 KiB, read whole"},
		{"deep.cdx.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":` + strings.Repeat("[", 10), "--max-depth", "byte 65"},
		{"string.spdx.json", `{"spdxVersion":"SPDX-2.3","name":"` + strings.Repeat("x", 100) + `"}`, "--max-field-bytes", "byte 33"},
		{"deep.xml", cdx + strings.Repeat("<a>", 10), "--max-depth", "byte 79"},
		{"deep-lines.xml", "<?xml version=\"1.0\"?>\n" + cdx + strings.Repeat("<a>\n", 10), "--max-depth", "byte 107"},
		{"text.xml", cdx + `<component type="library"><name>` + strings.Repeat("a", 100) + "</name></component></components></bom>", "--max-field-bytes", "byte 93"},
		{"attr.xml", cdx + `<component type="` + strings.Repeat("a", 100) + `"/></components></bom>`, "--max-field-bytes", "byte 78"},
		{"lists.cdx.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[` + strings.Repeat(`{},`, 20) + `{}]}`, "--max-rows", "byte 88"},
		{"elements.xml", cdx + strings.Repeat("<a/>", 20), "--max-rows", "byte 93"},
		{"line.spdx", "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nPackageName: " + strings.Repeat("a", 2000), "--max-record-bytes", "line 3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseLimits(context.Background(), tt.name, strings.NewReader(tt.data), small)
			if s != nil || vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("sbom %v, error %v: want an EINVALID error", s, err)
			}
			msg := vigil.ErrorMessage(err)
			if !strings.HasPrefix(msg, tt.name+": ") || !strings.Contains(msg, tt.want) || !strings.Contains(msg, tt.where) {
				t.Errorf("error %q: want the file, %q and %q", msg, tt.where, tt.want)
			}
		})
	}
}

// TestXMLWindow: a text longer than the scanning window but within
// --max-field-bytes reads, and one past it stops there, whatever the
// window.
func TestXMLWindow(t *testing.T) {
	doc := func(n int) string {
		return `<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components><component type="library"><name>a</name><description>` +
			strings.Repeat("d", n) + `</description></component></components></bom>`
	}
	lim := bound.Limits{FieldBytes: 300 << 10}
	if _, err := ParseLimits(context.Background(), "ok.xml", strings.NewReader(doc(200<<10)), lim); err != nil {
		t.Errorf("200 KiB text under a 300 KiB limit: %v", err)
	}
	_, err := ParseLimits(context.Background(), "long.xml", strings.NewReader(doc(400<<10)), lim)
	if msg := vigil.ErrorMessage(err); !strings.Contains(msg, "--max-field-bytes") {
		t.Errorf("400 KiB text under a 300 KiB limit: %v", err)
	}
}

// limits, the largest (2.2 MB) among them.
func TestRealDataDefaultLimits(t *testing.T) {
	n := 0
	shared.Files(t, realdata(t, "sbom"), []string{".json", ".xml", ".spdx"}, func(p string, f *os.File) {
		if strings.Contains(p, "invalid-") {
			return // the spec's test vectors of invalid documents
		}
		if _, err := ParseLimits(context.Background(), filepath.Base(p), f, bound.Default()); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		n++
	})
	t.Logf("%d real SBOMs read under the default limits", n)
}

// FuzzParseLimits runs the SBOM reader under tiny limits, so that the
// guards meet them everywhere.
func FuzzParseLimits(f *testing.F) {
	for _, s := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","bom-ref":"a"}]}`,
		`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><bom xmlns="http://cyclonedx.org/schema/bom/1.4"><!-- c --><components><component type="library"><name><![CDATA[a]]></name></component></components></bom>`,
		"SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\n",
	} {
		f.Add([]byte(s))
	}
	lim := bound.Limits{FileBytes: 4096, Rows: 6, FieldBytes: 24, RecordBytes: 64, Depth: 4}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseLimits(context.Background(), "fuzz", bytes.NewReader(data), lim)
		if (err == nil) == (s == nil) {
			t.Fatalf("sbom %v with err %v", s, err)
		}
		if err != nil && !strings.Contains(err.Error(), "fuzz") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
