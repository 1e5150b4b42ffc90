package gen

import (
	"fmt"
	"time"
)

// demoCVE is one published CVE of an open-source component the demo's
// models embed: its affected range, its CVSS 3.1 vector and base score as
// NVD published them.
type demoCVE struct {
	id, vendor, product, cpe, desc string
	ranges                         [][2]string // [introduced, fixed); "" introduced means from the start
	vector                         string
	score                          float64
	severity                       string
	published                      string
}

var demoCVEs = []demoCVE{
	{id: "CVE-2022-2119", vendor: "OFFIS", product: "DCMTK", cpe: "cpe:2.3:a:offis:dcmtk:*:*:*:*:*:*:*:*",
		desc:   "DCMTK before 3.6.7: path traversal in the C-STORE SCP lets a remote peer write files outside the storage directory.",
		ranges: [][2]string{{"", "3.6.7"}}, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8, severity: "CRITICAL"},
	{id: "CVE-2022-0778", vendor: "OpenSSL", product: "OpenSSL", cpe: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
		desc:   "OpenSSL BN_mod_sqrt() loops forever on non-prime moduli, so parsing a crafted certificate denies service.",
		ranges: [][2]string{{"1.0.2", "1.0.2zd"}, {"1.1.1", "1.1.1n"}, {"3.0.0", "3.0.2"}}, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", score: 7.5, severity: "HIGH", published: "2022-03-15"},
	{id: "CVE-2018-25032", vendor: "zlib", product: "zlib", cpe: "cpe:2.3:a:zlib:zlib:*:*:*:*:*:*:*:*",
		desc:   "zlib before 1.2.12 corrupts memory when compressing some inputs with many distant matches.",
		ranges: [][2]string{{"", "1.2.12"}}, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", score: 7.5, severity: "HIGH", published: "2022-03-25"},
	{id: "CVE-2017-13077", vendor: "w1.fi", product: "wpa_supplicant", cpe: "cpe:2.3:a:w1.fi:wpa_supplicant:*:*:*:*:*:*:*:*",
		desc:   "WPA2 key reinstallation (KRACK): wpa_supplicant through 2.6 reinstalls the pairwise key during the 4-way handshake.",
		ranges: [][2]string{{"", "2.7"}}, vector: "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", score: 6.8, severity: "MEDIUM", published: "2017-10-17"},
	{id: "CVE-2021-44228", vendor: "Apache Software Foundation", product: "Apache Log4j2", cpe: "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*",
		desc:   "Apache Log4j2 2.0-beta9 through 2.14.1: JNDI lookups in logged data allow remote code execution (Log4Shell).",
		ranges: [][2]string{{"2.0-beta9", "2.15.0"}}, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", score: 10.0, severity: "CRITICAL", published: "2021-12-10"},
}

type namedDoc struct {
	id  string
	doc map[string]any
}

// cveRecords writes each demo CVE as a CVE JSON 5 record.
func cveRecords(now time.Time) []namedDoc {
	var out []namedDoc
	for _, c := range demoCVEs {
		var versions []map[string]any
		for _, r := range c.ranges {
			v := map[string]any{"version": r[0], "lessThan": r[1], "status": "affected", "versionType": "custom"}
			if r[0] == "" {
				v["version"] = "0"
			}
			versions = append(versions, v)
		}
		meta := map[string]any{"cveId": c.id, "state": "PUBLISHED", "assignerShortName": "vigil-demo"}
		if c.published != "" {
			meta["datePublished"] = c.published + "T00:00:00Z"
		}
		out = append(out, namedDoc{id: c.id, doc: map[string]any{
			"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": meta,
			"containers": map[string]any{"cna": map[string]any{
				"providerMetadata": map[string]any{"orgId": "00000000-0000-4000-8000-000000000000", "shortName": "vigil-demo"},
				"descriptions":     []any{map[string]any{"lang": "en", "value": c.desc}},
				"affected": []any{map[string]any{"vendor": c.vendor, "product": c.product, "cpes": []string{c.cpe},
					"versions": versions, "defaultStatus": "unaffected"}},
				"metrics": []any{map[string]any{"cvssV3_1": map[string]any{"version": "3.1", "vectorString": c.vector,
					"baseScore": c.score, "baseSeverity": c.severity}}},
			}},
		}})
	}
	return out
}

// log4jOSV is the OSV record of Log4Shell for the Maven package.
func log4jOSV() map[string]any {
	return map[string]any{
		"schema_version": "1.6.0", "id": "GHSA-jfh8-c2jp-5v3q", "aliases": []string{"CVE-2021-44228"},
		"modified": "2021-12-20T00:00:00Z", "published": "2021-12-10T00:00:00Z",
		"summary": "Remote code injection in Log4j",
		"affected": []any{map[string]any{
			"package": map[string]any{"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core", "purl": "pkg:maven/org.apache.logging.log4j/log4j-core"},
			"ranges":  []any{map[string]any{"type": "ECOSYSTEM", "events": []any{map[string]any{"introduced": "2.0-beta9"}, map[string]any{"fixed": "2.15.0"}}}},
		}},
	}
}

// kevExcerpt is a one-entry excerpt of CISA's KEV catalog: Log4Shell.
func kevExcerpt(now time.Time) map[string]any {
	return map[string]any{
		"title":          "CISA Catalog of Known Exploited Vulnerabilities (one-entry excerpt for the Vigil demo)",
		"catalogVersion": "demo-excerpt", "dateReleased": now.UTC().Format(time.RFC3339), "count": 1,
		"vulnerabilities": []any{map[string]any{
			"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2",
			"vulnerabilityName": "Apache Log4j2 Remote Code Execution Vulnerability", "dateAdded": "2021-12-10",
			"shortDescription": "Apache Log4j2 contains a vulnerability where JNDI features do not protect against attacker-controlled JNDI-related endpoints, allowing for remote code execution.",
			"requiredAction":   "Apply updates per vendor instructions.", "dueDate": "2021-12-24",
			"knownRansomwareCampaignUse": "Known", "notes": "", "cwes": []string{"CWE-20", "CWE-400", "CWE-502"},
		}},
	}
}

// componentCVEs says which demo CVEs hit a component name.
var componentCVEs = map[string][]string{
	"dcmtk": {"CVE-2022-2119"}, "openssl": {"CVE-2022-0778"}, "zlib": {"CVE-2018-25032"},
	"wpa_supplicant": {"CVE-2017-13077"}, "log4j-core": {"CVE-2021-44228"},
}

// advisories writes one synthetic CSAF 2.0 advisory per model: the
// vulnerabilities its older firmware carries, fixed in its newest. For
// patient monitors it is a VEX document instead, saying OpenSSL's
// CVE-2022-0778 does not affect them.
func advisories(h *Hospital, models []modelFirmware) []namedDoc {
	type group struct {
		typ, maker, model string
		fws               []modelFirmware
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, m := range models {
		k := m.maker + "\x00" + m.model
		g := byKey[k]
		if g == nil {
			g = &group{typ: m.typ, maker: m.maker, model: m.model}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.fws = append(g.fws, m)
	}
	date := h.Now.UTC().Add(-45 * 24 * time.Hour).Format(time.RFC3339)
	var out []namedDoc
	for _, g := range groups {
		id := fmt.Sprintf("VIGIL-DEMO-%d-%03d", h.Now.Year(), len(out)+1)
		var versions []any
		pid := map[string]string{}
		var affected, fixed, all []string
		var newest string
		for j, m := range g.fws {
			p := fmt.Sprintf("CSAFPID-%04d", j+1)
			pid[m.firmware] = p
			all = append(all, p)
			if m.newest {
				fixed, newest = append(fixed, p), m.firmware
			} else {
				affected = append(affected, p)
			}
			versions = append(versions, map[string]any{"category": "product_version", "name": m.firmware,
				"product": map[string]any{"product_id": p, "name": g.maker + " " + g.model + " " + m.firmware}})
		}
		category, title := "csaf_security_advisory", g.maker+" "+g.model+": third-party component vulnerabilities"
		var vulns []any
		if g.typ == "Patient Monitor" {
			category, title = "csaf_vex", g.maker+" "+g.model+": OpenSSL CVE-2022-0778 status"
			vulns = append(vulns, map[string]any{"cve": "CVE-2022-0778",
				"flags":          []any{map[string]any{"label": "vulnerable_code_not_in_execute_path", "product_ids": all}},
				"product_status": map[string]any{"known_not_affected": all},
				"threats":        []any{map[string]any{"category": "impact", "details": "The monitor never parses certificates with explicit elliptic-curve parameters.", "product_ids": all}},
			})
		} else {
			seen := map[string]bool{}
			for _, c := range demoComponents(g.typ, false) {
				for _, cve := range componentCVEs[c.name] {
					if seen[cve] || len(affected) == 0 {
						continue
					}
					seen[cve] = true
					v := map[string]any{"cve": cve,
						"notes":          []any{map[string]any{"category": "details", "title": "Affected component", "text": fmt.Sprintf("Firmware before %s embeds %s %s.", newest, c.name, c.version)}},
						"product_status": map[string]any{"known_affected": affected, "fixed": fixed},
						"remediations": []any{map[string]any{"category": "vendor_fix", "product_ids": affected,
							"details": fmt.Sprintf("Update to firmware %s after validation by clinical engineering.", newest)}},
					}
					if g.typ == "Infusion Pump" {
						v["remediations"] = append(v["remediations"].([]any), map[string]any{"category": "mitigation", "product_ids": affected,
							"details": "Keep pumps on the segmented medical-device WLAN with 802.1X until updated."})
						v["threats"] = []any{map[string]any{"category": "exploit_status", "product_ids": affected,
							"details": "Exploit code for " + cve + " is publicly available (synthetic statement of the demo)."}}
					}
					vulns = append(vulns, v)
				}
			}
		}
		if len(vulns) == 0 {
			continue
		}
		out = append(out, namedDoc{id: id, doc: map[string]any{
			"document": map[string]any{
				"category": category, "csaf_version": "2.0", "title": title, "lang": "en",
				"publisher": map[string]any{"category": "vendor", "name": "Vigil demo generator (synthetic, for " + g.maker + ")",
					"namespace": "https://vigil.invalid/demo"},
				"notes": []any{map[string]any{"category": "legal_disclaimer", "title": "Synthetic",
					"text": "Written by vigil gen for the demo hospital. Not a publication of " + g.maker + " or of CISA. The CVEs and their affected component versions are real; which firmware embeds them is invented."}},
				"tracking": map[string]any{"id": id, "status": "final", "version": "1", "initial_release_date": date, "current_release_date": date,
					"revision_history": []any{map[string]any{"number": "1", "date": date, "summary": "Initial release."}},
					"generator":        map[string]any{"engine": map[string]any{"name": "vigil gen"}}},
			},
			"product_tree": map[string]any{"branches": []any{map[string]any{"category": "vendor", "name": g.maker,
				"branches": []any{map[string]any{"category": "product_name", "name": g.model, "branches": versions}}}}},
			"vulnerabilities": vulns,
		}})
	}
	return out
}
