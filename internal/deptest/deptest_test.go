package deptest

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/vigil-health/vigil"

// floor says where a package stands. Data flows one way: the domain at the
// bottom, the store and the pure engines beside each other above it, the
// use-case services above both, the web server above them, and the binary
// and the benchmarks on top.
type floor int

const (
	domain  floor = iota // the module root: types, rules, interfaces
	store                // internal/store: storage only
	engine               // pure engines and mechanisms: no storage, no services
	service              // use cases: the engines and the store in one transaction
	web                  // internal/web
	top                  // cmd/vigil and bench/*: flags, files and wiring
)

// floors places every package of the module but the benchmarks (every
// bench/ program is on the top floor). A package missing here fails the
// test, so a new package is placed on purpose.
var floors = map[string]floor{
	"":                           domain,
	"internal/store":             store,
	"internal/store/storetest":   service, // opens stores for the services' tests
	"internal/atomicfile":        engine,
	"internal/bound":             engine,
	"internal/capture":           engine,
	"internal/catalog":           engine,
	"internal/cellsafe":          engine,
	"internal/checks":            engine,
	"internal/classify":          engine,
	"internal/dissect":           engine,
	"internal/discover":          engine,
	"internal/feeds":             engine,
	"internal/gen":               engine,
	"internal/ingest":            engine,
	"internal/jsonout":           engine,
	"internal/match":             engine,
	"internal/password":          engine,
	"internal/sso":               engine,
	"internal/sso/ssotest":       engine,
	"internal/totp":              engine,
	"internal/pcapgen":           engine,
	"internal/realdata":          engine,
	"internal/reconcile":         engine,
	"internal/risk":              engine,
	"internal/sbom":              engine,
	"internal/xmlscan":           engine,
	"internal/udi":               engine,
	"internal/gudid":             engine,
	"internal/worksheet":         engine,
	"internal/checks/checkstest": engine,
	"internal/deptest":           engine,
	"internal/account":           service,
	"internal/exposure":          service,
	"internal/compliance":        service,
	"internal/assurance":         service,
	"internal/evaluate":          engine,
	"internal/binder":            engine,
	"internal/readiness":         engine,
	"internal/blob":              engine,
	"internal/evidence":          service,
	"internal/inventory":         service,
	"internal/mds2":              engine,
	"internal/oversight":         engine,
	"internal/vendors":           service,
	"internal/web":               web,
	"internal/classify/ouigen":   top,
	"cmd/vigil":                  top,
}

// writeEngines decide what the inventory and the vulnerability matches
// become; only the services run them, so that every change goes through one
// transaction with its audit events. The web server and the binary may use
// the parsers (ingest, feeds, sbom, discover) to read what a user hands in,
// never these.
var writeEngines = []string{"internal/reconcile", "internal/match"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs go list over the module.
func listPackages(t *testing.T, dir string) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Imports,Deps", "./...")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// local returns the path of a package of this module relative to its root
// ("" for the root), and whether it is one.
func local(path string) (string, bool) {
	if path == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

// violations lists every import that breaks the floors in the module at dir.
func violations(t *testing.T, dir string) []string {
	var bad []string
	for _, p := range listPackages(t, dir) {
		name, _ := local(p.ImportPath)
		f, ok := floorOf(name)
		if !ok {
			bad = append(bad, name+": not placed on a floor in internal/deptest")
			continue
		}
		if f == store || f == domain {
			// The store stores and the domain is the domain: neither
			// depends on anything of Vigil's but the domain, even
			// indirectly.
			for _, d := range p.Deps {
				if dn, ok := local(d); ok && dn != "" {
					bad = append(bad, name+" depends on "+dn+": it may use only the domain and its drivers")
				}
			}
		}
		for _, imp := range p.Imports {
			in, ok := local(imp)
			if !ok {
				continue
			}
			g, ok := floorOf(in)
			if !ok {
				continue // reported for the package itself
			}
			switch {
			case g > f:
				bad = append(bad, name+" imports "+in+": upward")
			case g == f && f != engine && f != top:
				bad = append(bad, name+" imports "+in+": sideways between "+floorName(f)+"s")
			case f == engine && g == store:
				bad = append(bad, name+" imports "+in+": an engine must stay pure")
			case (f == web || name == "cmd/vigil") && slices.Contains(writeEngines, in):
				bad = append(bad, name+" imports "+in+": changes go through a service")
			}
		}
	}
	return bad
}

// floorOf places a package: from floors, or on top for a benchmark.
func floorOf(name string) (floor, bool) {
	if strings.HasPrefix(name, "bench/") {
		return top, true
	}
	f, ok := floors[name]
	return f, ok
}

func floorName(f floor) string {
	return [...]string{"domain", "store", "engine", "service", "web", "top"}[f]
}

// TestFloors holds the module to its floors.
func TestFloors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	for _, v := range violations(t, "../..") {
		t.Error(v)
	}
}
