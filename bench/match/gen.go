package main

import (
	"fmt"
	"math/rand/v2"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
)

// Scenario sizes the synthetic corpus and fleet.
type Scenario struct {
	CVEs    int // vulnerability records, NVD-sized is about 300,000
	Devices int
	Seed    uint64
}

// product is one vendor:product of the synthetic CPE dictionary.
type product struct {
	part, vendor, name string
	firmware           bool // an o: firmware product with an h: hardware twin
	versions           []string
}

// dictionary returns a CPE dictionary shaped like NVD's: a few very popular
// products (hundreds to thousands of CVEs each, like linux_kernel) and a long
// tail, with firmware/hardware pairs for devices.
func dictionary(r *rand.Rand, n int) []product {
	ps := make([]product, n)
	for i := range ps {
		p := product{part: "a", vendor: fmt.Sprintf("vendor%d", i/8), name: fmt.Sprintf("product_%d", i)}
		switch i % 10 {
		case 0, 1:
			p.part, p.firmware = "o", true
			p.name += "_firmware"
		case 2:
			p.part = "o"
		}
		nv := 3 + r.IntN(30)
		major := r.IntN(12)
		for v := 0; v < nv; v++ {
			switch i % 4 {
			case 0:
				p.versions = append(p.versions, fmt.Sprintf("%d.%d.%d", major+v/10, v%10, r.IntN(20)))
			case 1:
				p.versions = append(p.versions, fmt.Sprintf("%d.%02d.%02d", major+v/10, v%10, r.IntN(99)))
			case 2:
				p.versions = append(p.versions, fmt.Sprintf("V%d.%d%c", major+v/10, v%10, 'a'+rune(r.IntN(4))))
			default:
				p.versions = append(p.versions, fmt.Sprintf("%d.%d build %d", major+v/10, v%10, 100+r.IntN(900)))
			}
		}
		ps[i] = p
	}
	return ps
}

// pick draws a product index with a heavy head: one draw in headOdds goes
// to the first 50 products (an OS kernel, a browser, a TLS library), so
// those collect thousands of criteria each, as in NVD.
func pick(r *rand.Rand, n, headOdds int) int {
	if r.IntN(headOdds) == 0 {
		return r.IntN(min(50, n))
	}
	return r.IntN(n)
}

// Corpus generates s.CVEs vulnerabilities with NVD-like configurations:
// 70 % OR lists of 1–8 CPE criteria with version ranges (a quarter "< fix",
// a quarter "<= last", half branch windows of 1–3 versions), 20 % firmware AND
// hardware configurations, 10 % lists of exact versions.
func Corpus(s Scenario) ([]*vigil.Vulnerability, []product) {
	r := rand.New(rand.NewPCG(s.Seed, 1))
	dict := dictionary(r, max(1000, s.CVEs/3))
	out := make([]*vigil.Vulnerability, s.CVEs)
	for i := range out {
		v := &vigil.Vulnerability{ID: fmt.Sprintf("CVE-%d-%d", 2000+i%25, 10000+i)}
		ncfg := 1 + r.IntN(2)
		for c := 0; c < ncfg; c++ {
			p := dict[pick(r, len(dict), 20)]
			switch k := r.IntN(10); {
			case k < 7:
				node := vigil.CPENode{Operator: "OR"}
				for m, n := 0, 1+r.IntN(8); m < n; m++ {
					q := p
					if m > 0 {
						q = dict[pick(r, len(dict), 20)]
					}
					cm := vigil.CPEMatch{Criteria: cpe(q.part, q.vendor, q.name, "*"), Vulnerable: true}
					// NVD mixes "fixed in" bounds with branch windows
					// (>= 5.10, < 5.10.50); windows are half of them here.
					k := r.IntN(len(q.versions))
					switch r.IntN(4) {
					case 0:
						cm.EndExcluding = q.versions[k]
					case 1:
						cm.EndIncluding = q.versions[k]
					default:
						cm.StartIncluding, cm.EndExcluding = q.versions[k], q.versions[min(k+1+r.IntN(3), len(q.versions)-1)]
					}
					node.Matches = append(node.Matches, cm)
				}
				v.Configurations = append(v.Configurations, vigil.CPEConfig{Nodes: []vigil.CPENode{node}})
			case k < 9:
				fw := p
				if !fw.firmware {
					fw = dict[(pick(r, len(dict), 20)/10)*10] // a firmware product
				}
				hw := fw.name[:len(fw.name)-len("_firmware")]
				v.Configurations = append(v.Configurations, vigil.CPEConfig{Operator: "AND", Nodes: []vigil.CPENode{
					{Operator: "OR", Matches: []vigil.CPEMatch{{Criteria: cpe("o", fw.vendor, fw.name, "*"), Vulnerable: true,
						VersionRange: vigil.VersionRange{EndIncluding: fw.versions[r.IntN(len(fw.versions))]}}}},
					{Operator: "OR", Matches: []vigil.CPEMatch{{Criteria: cpe("h", fw.vendor, hw, "-")}}},
				}})
			default:
				node := vigil.CPENode{Operator: "OR"}
				for _, ver := range p.versions[:1+r.IntN(len(p.versions))] {
					node.Matches = append(node.Matches, vigil.CPEMatch{Criteria: cpe(p.part, p.vendor, p.name, ver), Vulnerable: true})
				}
				v.Configurations = append(v.Configurations, vigil.CPEConfig{Nodes: []vigil.CPENode{node}})
			}
		}
		out[i] = v
	}
	return out, dict
}

func cpe(part, vendor, product, version string) string {
	return "cpe:2.3:" + part + ":" + vendor + ":" + product + ":" + version + ":*:*:*:*:*:*:*"
}

// Devices generates s.Devices match targets: every device has a manufacturer,
// model and firmware drawn uniformly from the dictionary, and 1–2 explicit
// CPEs of the software it runs, one in twenty of them a head product (so
// some devices, like workstations, match hundreds of CVEs).
func Devices(s Scenario, dict []product) []match.Target {
	r := rand.New(rand.NewPCG(s.Seed, 2))
	out := make([]match.Target, s.Devices)
	for i := range out {
		p := dict[r.IntN(len(dict))]
		t := match.Target{DeviceID: int64(i + 1), Manufacturer: p.vendor, Model: p.name, Firmware: p.versions[r.IntN(len(p.versions))]}
		for c, n := 0, 1+r.IntN(2); c < n; c++ {
			q := dict[pick(r, len(dict), 20)]
			t.CPEs = append(t.CPEs, cpe(q.part, q.vendor, q.name, q.versions[r.IntN(len(q.versions))]))
		}
		out[i] = t
	}
	return out
}
