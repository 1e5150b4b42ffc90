package gen

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Directories the Vulns extra writes under the output directory.
const (
	DirSBOM       = "sbom"
	DirAdvisories = "advisories"
	DirFeeds      = "feeds"
)

// Vulns is the Extra that writes what the vulnerability capability reads for
// the demo: a CycloneDX SBOM for each networked model and firmware of the
// types that embed well-known software (PACS, interface engines, monitors,
// pumps), vulnerability records (CVE JSON 5 and OSV) and a KEV excerpt for
// the CVEs those components carry, and CSAF advisories from the makers.
//
// The CVE identifiers, affected version ranges, CVSS vectors and the KEV
// entry are the published facts for those open-source components. Which
// component version a demo model embeds, the advisories' texts and their
// remediations are synthetic: every advisory says so in its publisher and
// notes, and none claims to be a CISA publication.
type Vulns struct{}

// component is one open-source part a model's firmware embeds.
type component struct {
	name, version, purl, cpe, supplier string
}

// demoComponents lists what each device type embeds; the newest firmware of
// a model carries the fixed versions, older ones the vulnerable ones.
func demoComponents(typ string, newest bool) []component {
	pick := func(old, fixed string) string {
		if newest {
			return fixed
		}
		return old
	}
	openssl := func(v string) component {
		return component{"openssl", v, "pkg:generic/openssl@" + v, "cpe:2.3:a:openssl:openssl:" + v + ":*:*:*:*:*:*:*", "OpenSSL Project"}
	}
	zlib := func(v string) component {
		return component{"zlib", v, "pkg:generic/zlib@" + v, "cpe:2.3:a:zlib:zlib:" + v + ":*:*:*:*:*:*:*", "zlib"}
	}
	switch typ {
	case "PACS Server":
		v := pick("3.6.6", "3.6.7")
		return []component{{"dcmtk", v, "pkg:generic/dcmtk@" + v, "cpe:2.3:a:offis:dcmtk:" + v + ":*:*:*:*:*:*:*", "OFFIS e.V."}, openssl(pick("1.1.1k", "1.1.1n"))}
	case "HL7 Interface Engine":
		v := pick("2.14.1", "2.17.1")
		return []component{{"log4j-core", v, "pkg:maven/org.apache.logging.log4j/log4j-core@" + v, "cpe:2.3:a:apache:log4j:" + v + ":*:*:*:*:*:*:*", "Apache Software Foundation"}, zlib(pick("1.2.11", "1.2.12"))}
	case "Patient Monitor":
		return []component{openssl(pick("1.1.1k", "1.1.1n")), zlib(pick("1.2.11", "1.2.12")),
			{"busybox", "1.31.1", "pkg:generic/busybox@1.31.1", "cpe:2.3:a:busybox:busybox:1.31.1:*:*:*:*:*:*:*", "BusyBox"}}
	case "Infusion Pump":
		v := pick("2.6", "2.7")
		return []component{openssl(pick("1.1.1k", "1.1.1n")), zlib(pick("1.2.11", "1.2.12")),
			{"wpa_supplicant", v, "pkg:generic/wpa_supplicant@" + v, "cpe:2.3:a:w1.fi:wpa_supplicant:" + v + ":*:*:*:*:*:*:*", "w1.fi"}}
	}
	return nil
}

// modelFirmware is one model at one firmware version in the hospital.
type modelFirmware struct {
	typ, maker, model, firmware string
	newest                      bool
}

// sbomModels lists the distinct models and firmware versions that get an
// SBOM, in a stable order.
func (h *Hospital) sbomModels() []modelFirmware {
	latest := map[string]string{}
	seen := map[string]bool{}
	var out []modelFirmware
	for _, d := range h.Devices {
		if demoComponents(d.DeviceType, false) == nil || d.Firmware == "" {
			continue
		}
		key := d.Manufacturer + "\x00" + d.Model
		if cur, ok := latest[key]; !ok || versionLess(cur, d.Firmware) {
			latest[key] = d.Firmware
		}
		if k := key + "\x00" + d.Firmware; !seen[k] {
			seen[k] = true
			out = append(out, modelFirmware{typ: d.DeviceType, maker: d.Manufacturer, model: d.Model, firmware: d.Firmware})
		}
	}
	for i := range out {
		out[i].newest = latest[out[i].maker+"\x00"+out[i].model] == out[i].firmware
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.maker+a.model+a.firmware < b.maker+b.model+b.firmware
	})
	return out
}

// assignCVEs records on each device the demo CVEs its firmware carries
// (Device.CVEs).
func (h *Hospital) assignCVEs() {
	newest := map[string]bool{}
	for _, m := range h.sbomModels() {
		if m.newest {
			newest[m.maker+"\x00"+m.model+"\x00"+m.firmware] = true
		}
	}
	for _, d := range h.Devices {
		comps := demoComponents(d.DeviceType, false)
		if comps == nil || d.Firmware == "" || newest[d.Manufacturer+"\x00"+d.Model+"\x00"+d.Firmware] {
			continue
		}
		for _, c := range comps {
			for _, cve := range componentCVEs[c.name] {
				if d.DeviceType == "Patient Monitor" && cve == "CVE-2022-0778" {
					continue // the makers' VEX: not affected
				}
				if !slices.Contains(d.CVEs, cve) {
					d.CVEs = append(d.CVEs, cve)
				}
			}
		}
		slices.Sort(d.CVEs)
	}
}

// versionLess orders firmware strings by their digit runs, well enough for
// the catalog's formats.
func versionLess(a, b string) bool {
	pa, pb := strings.FieldsFunc(a, notDigit), strings.FieldsFunc(b, notDigit)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if len(pa[i]) != len(pb[i]) {
			return len(pa[i]) < len(pb[i])
		}
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	if len(pa) != len(pb) {
		return len(pa) < len(pb)
	}
	return a < b
}

func notDigit(r rune) bool { return r < '0' || r > '9' }

// slug makes a file-name-safe lower-case name.
func slug(parts ...string) string {
	s := strings.ToLower(strings.Join(parts, "_"))
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

// uuidFrom derives a stable version-4-shaped UUID from text, so the same
// seed writes the same serial numbers.
func uuidFrom(s string) string {
	h := sha256.Sum256([]byte(s))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// WriteFiles writes the SBOMs, advisories and feed files into dir.
func (Vulns) WriteFiles(h *Hospital, dir string) ([]File, error) {
	var files []File
	write := func(name string, v any) error {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			return err
		}
		f, err := writeFile(filepath.Join(dir, name), func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		})
		if err != nil {
			return fmt.Errorf("gen: cannot write %s: %w", name, err)
		}
		f.Name, f.Source = name, "vulnerability"
		files = append(files, f)
		return nil
	}
	models := h.sbomModels()
	for _, m := range models {
		if err := write(filepath.Join(DirSBOM, slug(m.maker, m.model, m.firmware)+".cdx.json"), cycloneDX(h, m)); err != nil {
			return files, err
		}
	}
	for _, adv := range advisories(h, models) {
		if err := write(filepath.Join(DirAdvisories, strings.ToLower(adv.id)+".json"), adv.doc); err != nil {
			return files, err
		}
	}
	for _, r := range cveRecords(h.Now) {
		if err := write(filepath.Join(DirFeeds, "cve", r.id+".json"), r.doc); err != nil {
			return files, err
		}
	}
	if err := write(filepath.Join(DirFeeds, "osv", "GHSA-jfh8-c2jp-5v3q.json"), log4jOSV()); err != nil {
		return files, err
	}
	if err := write(filepath.Join(DirFeeds, "kev_excerpt.json"), kevExcerpt(h.Now)); err != nil {
		return files, err
	}
	return files, nil
}

// cycloneDX builds a CycloneDX 1.5 SBOM for one model and firmware.
func cycloneDX(h *Hospital, m modelFirmware) map[string]any {
	var comps []map[string]any
	for _, c := range demoComponents(m.typ, m.newest) {
		comps = append(comps, map[string]any{
			"type": "library", "bom-ref": c.purl, "name": c.name, "version": c.version,
			"supplier": map[string]any{"name": c.supplier}, "purl": c.purl, "cpe": c.cpe,
		})
	}
	return map[string]any{
		"bomFormat": "CycloneDX", "specVersion": "1.5",
		"serialNumber": "urn:uuid:" + uuidFrom(fmt.Sprint(h.Seed, m.maker, m.model, m.firmware)),
		"version":      1,
		"metadata": map[string]any{
			"timestamp": h.Now.UTC().Format(time.RFC3339),
			"component": map[string]any{"type": "firmware", "bom-ref": "device", "name": m.model, "version": m.firmware,
				"supplier": map[string]any{"name": m.maker}},
			"supplier": map[string]any{"name": m.maker},
		},
		"components": comps,
	}
}
