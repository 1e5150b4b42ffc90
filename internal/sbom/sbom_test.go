package sbom

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

func realdata(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "realdata"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data not present: %v", err)
	}
	return p
}

func parseFile(t testing.TB, path string) (*vigil.SBOM, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(context.Background(), filepath.Base(path), f)
}

// TestCycloneDXTestVectors: the spec's own vectors get the schema's verdicts.
func TestCycloneDXTestVectors(t *testing.T) {
	dir := realdata(t, "sbom", "cyclonedx-spec-testvectors")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 19 {
		t.Errorf("%d vectors, want 19", len(files))
	}
	wantErr := map[string]string{
		"invalid-bomformat-1.6.json":          `bomFormat "AnotherFormat"`,
		"invalid-component-ref-1.6.json":      "components[1].bom-ref is empty",
		"invalid-component-type-1.6.json":     `components[0].type "foo"`,
		"invalid-dependency-1.6.json":         "dependencies[0].ref is missing",
		"invalid-hash-alg-1.6.json":           `components[0].hashes[0].alg "FOO"`,
		"invalid-license-choice-1.6.json":     "components[0].licenses[0] must hold exactly one",
		"invalid-metadata-timestamp-1.6.json": `metadata.timestamp "2020-04-13"`,
		"invalid-serialnumber-1.6.json":       "serialNumber",
	}
	for _, f := range files {
		base := filepath.Base(f)
		s, err := parseFile(t, f)
		if strings.HasPrefix(base, "valid-") {
			if err != nil || s == nil {
				t.Errorf("%s: %v", base, err)
			}
			continue
		}
		want, ok := wantErr[base]
		if !ok {
			t.Errorf("%s: unexpected vector", base)
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted, want an error", base)
			continue
		}
		if s != nil {
			t.Errorf("%s: SBOM returned with an error", base)
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), base) {
			t.Errorf("%s: error %q, want it to name the file and contain %q", base, err, want)
		}
	}
}

func TestRealSBOMs(t *testing.T) {
	tests := map[string]struct {
		format     string
		components int
	}{
		"cyclonedx/SBOM_laravel-7.12.0_bom.1.4.json":                     {"CycloneDX", 62},
		"cyclonedx/SBOM_laravel-7.12.0_bom.1.4.xml":                      {"CycloneDX", 62},
		"cyclonedx/SBOM_proton-bridge_proton-bridge-v1.8.0.bom.json":     {"CycloneDX", 201},
		"cyclonedx/SBOM_dropwizard-1.3.15_bom.json":                      {"CycloneDX", 167},
		"cyclonedx/SBOM_cern-lhc-vdm-editor-e564943_bom.json":            {"CycloneDX", 43},
		"cyclonedx/SBOM_keycloak-10.0.2_bom.json":                        {"CycloneDX", 903},
		"cyclonedx/HBOM_PCIe-SATA-adapter-board_bom.json":                {"CycloneDX", -1},
		"cyclonedx/SaaSBOM_apigateway-microservices-datastores_bom.json": {"CycloneDX", -1},
		"cyclonedx/VEX_bom.json":                                         {"CycloneDX", -1},
		"cyclonedx/VEX_vex.json":                                         {"CycloneDX", -1},
		"cyclonedx/VEX_CISA-Use-Cases_Case-1_vex-affected.json":          {"CycloneDX", -1},
		"cyclonedx/VEX_CISA-Use-Cases_Case-1_vex-not_affected.json":      {"CycloneDX", -1},
		"cyclonedx/VEX_CISA-Use-Cases_Case-2_vex.json":                   {"CycloneDX", -1},
		"spdx/example1_spdx2.2_example1.spdx":                            {"SPDX", -1},
		"spdx/example6_spdx2.2_example6-bin.spdx":                        {"SPDX", -1},
		"spdx/example6_spdx2.2_example6-lib.spdx":                        {"SPDX", -1},
		"spdx/example7_spdx2.2_example7-bin.spdx.json":                   {"SPDX", -1},
		"spdx/example7_spdx2.2_example7-golang.spdx.json":                {"SPDX", -1},
		"spdx/example7_spdx2.2_example7-go-module.spdx.json":             {"SPDX", -1},
		"spdx/example7_spdx2.2_example7-third-party-modules.spdx.json":   {"SPDX", -1},
		"spdx/example9_spdx2.2_appbomination.spdx.json":                  {"SPDX", -1},
		"spdx/example11_spdx2.3_sbom.spdx.json":                          {"SPDX", -1},
		"spdx/example14_spdx2.3_examplemaven-0.0.1-enriched.spdx.json":   {"SPDX", -1},
		"spdx/OSS-NA-2023_SPDXVersion2.3_04-SBOMwSecurity.json":          {"SPDX", -1},
		"spdx/SBOMS-SPDX-Now-and-Future_ACME-v2.3.spdx.json":             {"SPDX", -1},
		"spdx/example11_spdx3.0_sbom.spdx3.json":                         {"SPDX", -1},
		"spdx/example7_spdx3.0_example7-bin.spdx3.json":                  {"SPDX", -1},
	}
	dir := realdata(t, "sbom")
	seen := 0
	for _, sub := range []string{"cyclonedx", "spdx"} {
		fs, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		seen += len(fs)
	}
	if seen != len(tests) {
		t.Errorf("%d SBOM files in realdata, test covers %d", seen, len(tests))
	}
	for f, want := range tests {
		s, err := parseFile(t, filepath.Join(dir, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if s.Format != want.format {
			t.Errorf("%s: format %q, want %q", f, s.Format, want.format)
		}
		if want.components >= 0 && len(s.Components) != want.components {
			t.Errorf("%s: %d components, want %d", f, len(s.Components), want.components)
		}
		t.Logf("%s: %s %s, %d components, %d VEX", f, s.Format, s.SpecVersion, len(s.Components), len(s.VEX))
	}
}

func TestCycloneDXVEX(t *testing.T) {
	s, err := parseFile(t, realdata(t, "sbom", "cyclonedx", "VEX_CISA-Use-Cases_Case-1_vex-not_affected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.VEX) == 0 {
		t.Fatal("no VEX statements")
	}
	for _, v := range s.VEX {
		if v.Status != vigil.StatusNotAffected || v.VulnID == "" || v.Component == "" {
			t.Errorf("statement %+v", v)
		}
	}
	in := `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[{"type":"library","bom-ref":"pkg:maven/a/b@1","name":"b"}],
	"vulnerabilities":[{"id":"CVE-2020-25649","analysis":{"state":"not_affected","justification":"code_not_reachable","detail":"not used"},
	"affects":[{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/a/b@1"}]},
	{"id":"CVE-2021-1","analysis":{"state":"exploitable"},"affects":[{"ref":"pkg:maven/a/b@1"}]}]}`
	s, err = Parse(context.Background(), "vex.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []vigil.VEXStatement{
		{VulnID: "CVE-2020-25649", Component: "pkg:maven/a/b@1", Status: vigil.StatusNotAffected, Justification: "code_not_reachable", Detail: "not used", Source: "cyclonedx"},
		{VulnID: "CVE-2021-1", Component: "pkg:maven/a/b@1", Status: vigil.StatusAffected, Source: "cyclonedx"},
	}
	if diff := cmp.Diff(want, s.VEX); diff != "" {
		t.Errorf("VEX (-want +got):\n%s", diff)
	}
}

func TestSPDXComponents(t *testing.T) {
	s, err := parseFile(t, realdata(t, "sbom", "spdx", "OSS-NA-2023_SPDXVersion2.3_04-SBOMwSecurity.json"))
	if err != nil {
		t.Fatal(err)
	}
	withPURL := 0
	for _, c := range s.Components {
		if c.PURL != "" {
			withPURL++
		}
	}
	if len(s.Components) == 0 || withPURL == 0 || s.SpecVersion != "SPDX-2.3" {
		t.Errorf("%d components, %d with purl, version %q", len(s.Components), withPURL, s.SpecVersion)
	}
}

func TestCorruptSBOM(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"trunc.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library",`, "trunc.json"},
		{"type.json", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\n\"components\":[{\"type\":\"library\",\"name\":5}]}", "line 2"},
		{"ver.json", `{"bomFormat":"CycloneDX","specVersion":"9.9"}`, `specVersion "9.9"`},
		{"dep.json", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","bom-ref":"a"}],"dependencies":[{"ref":"a","dependsOn":["zz"]}]}`, `dependsOn[0] "zz"`},
		{"spdx.json", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","creationInfo":{"created":"yesterday"}}`, "spdx.json"},
		{"tv.spdx", "SPDXVersion: SPDX-2.2\nDataLicense CC0\n", "tv.spdx"},
		{"x.xml", `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="foo"><name>a</name></component></components></bom>`, `type "foo"`},
		{"none.txt", "hello", "unrecognised"},
	}
	for _, tt := range tests {
		s, err := Parse(context.Background(), tt.name, strings.NewReader(tt.in))
		if err == nil || s != nil {
			t.Errorf("%s: sbom %v err %v, want only an error", tt.name, s, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not contain %q", tt.name, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","bom-ref":"a","purl":"pkg:npm/a@1"}]}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>a</name></component></components></bom>`,
		`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[{"name":"a","SPDXID":"SPDXRef-a"}]}`,
		"SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n",
		`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"software_Package","name":"a"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(context.Background(), "fuzz", bytes.NewReader(data))
		if (err == nil) == (s == nil) {
			t.Fatalf("sbom %v with err %v", s, err)
		}
		if err != nil && !strings.Contains(err.Error(), "fuzz") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
