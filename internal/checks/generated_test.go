package checks_test

import (
	"flag"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/checks/checkstest"
)

var seedFlag = flag.Uint64("checks.seed", 0, "seed for TestGenerated (0: from the clock)")

// reference holds the verdicts of some shipped checks computed in Go, to
// compare the CEL with.
func reference(s *checks.Subject, p checks.Policy, now time.Time) map[string]checks.Status {
	pf := func(ok bool) checks.Status {
		if ok {
			return checks.StatusPass
		}
		return checks.StatusFail
	}
	d := s.Device
	out := map[string]checks.Status{}

	if d.Lifecycle == "retired" || d.Lifecycle == "decommissioned" {
		out["inventory-owner"] = checks.StatusNotApplicable
	} else {
		out["inventory-owner"] = pf(strings.TrimSpace(d.Owner) != "")
	}

	kev := true
	for _, v := range s.Vulns {
		if v.KEV && !v.Remediated && !v.KEVDueDate.IsZero() && now.After(v.KEVDueDate) {
			kev = false
		}
	}
	out["kev-past-due"] = pf(kev)

	internet := true
	for _, f := range s.Flows {
		if f.Internet && !addressIn(p.AllowedInternet, f.Peer) && (f.PeerName == "" || !slices.Contains(p.AllowedInternet, f.PeerName)) {
			internet = false
		}
	}
	out["internet-allowed-only"] = pf(internet)

	if d.StoresEPHI || d.SendsEPHI {
		ok := true
		for _, f := range s.Flows {
			ok = ok && slices.Contains(p.ClinicalSegments, f.PeerSegment)
		}
		out["ephi-flows-clinical"] = pf(ok)
	} else {
		out["ephi-flows-clinical"] = checks.StatusNotApplicable
	}

	if len(s.Vulns) == 0 {
		out["vuln-open-too-long"] = checks.StatusNotApplicable
	} else {
		ok := true
		for _, v := range s.Vulns {
			serious := v.CVSS >= p.CVSSThreshold || rank(v.SSVC) >= rank(p.SSVCThreshold)
			max, known := p.MaxOpenDays[v.Severity]
			if !v.Remediated && serious && known && int64(now.Sub(v.Opened).Hours()/24) > max {
				ok = false
			}
		}
		out["vuln-open-too-long"] = pf(ok)
	}
	return out
}

// addressIn is AddressIn written out: the exact entry, or a CIDR range
// holding the address.
func addressIn(allowed []string, addr string) bool {
	ip, err := netip.ParseAddr(addr)
	for _, a := range allowed {
		if p, perr := netip.ParsePrefix(a); a == addr || perr == nil && err == nil && p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

func rank(s string) int { return slices.Index([]string{"Track", "Track*", "Attend", "Act"}, s) + 1 }

// TestGenerated draws random devices and checks the engine's invariants:
// one verdict per check in order, never an error on well-formed data, a
// reason exactly for failures, Evaluate agreeing with EvaluateOne, and
// some checks agreeing with a Go rendering of them.
func TestGenerated(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -checks.seed=%d)", seed, seed)
	p, cs := compileLibrary(t)
	n := 2000
	if testing.Short() {
		n = 200
	}
	subjects := checkstest.Subjects(seed, n)
	in := checks.Inputs{Policy: checkstest.Policy(), Now: checkstest.Now()}

	type verdict struct {
		ID     string
		Status checks.Status
		Reason string
	}
	flatten := func(rs []checks.Result) []verdict {
		out := make([]verdict, len(rs))
		for i, r := range rs {
			out[i] = verdict{r.Check.ID, r.Status, r.Reason}
		}
		return out
	}
	parallel := make([][]verdict, n)
	p.Evaluate(subjects, in, func(i int, rs []checks.Result) {
		if parallel[i] != nil {
			t.Errorf("seed %d: subject %d delivered twice", seed, i)
		}
		parallel[i] = flatten(rs)
	})
	counts := map[string]map[checks.Status]int{}
	for i, s := range subjects {
		one := p.EvaluateOne(s, in)
		if diff := cmp.Diff(flatten(one), parallel[i]); diff != "" {
			t.Fatalf("seed %d, subject %d: Evaluate and EvaluateOne differ (-one +parallel):\n%s", seed, i, diff)
		}
		if len(one) != len(cs) {
			t.Fatalf("seed %d, subject %d: %d results for %d checks", seed, i, len(one), len(cs))
		}
		ref := reference(s, in.Policy, in.Now)
		for j, r := range one {
			if r.Check != cs[j] {
				t.Fatalf("seed %d, subject %d: result %d is %s, want %s", seed, i, j, r.Check.ID, cs[j].ID)
			}
			switch {
			case r.Status == checks.StatusError:
				t.Errorf("seed %d, subject %d, %s: error %s", seed, i, r.Check.ID, r.Reason)
			case (r.Status == checks.StatusFail) != (r.Reason != ""):
				t.Errorf("seed %d, subject %d, %s: %s with reason %q", seed, i, r.Check.ID, r.Status, r.Reason)
			}
			if want, ok := ref[r.Check.ID]; ok && want != r.Status {
				t.Errorf("seed %d, subject %d, %s: CEL says %s, Go says %s", seed, i, r.Check.ID, r.Status, want)
			}
			if counts[r.Check.ID] == nil {
				counts[r.Check.ID] = map[checks.Status]int{}
			}
			counts[r.Check.ID][r.Status]++
		}
	}
	// The generator is meant to exercise every check both ways.
	if !testing.Short() {
		for _, c := range cs {
			if counts[c.ID][checks.StatusPass] == 0 || counts[c.ID][checks.StatusFail] == 0 {
				t.Errorf("seed %d: %s never passed or never failed on %d devices: %v", seed, c.ID, n, counts[c.ID])
			}
		}
	}
}

// TestEvaluateAtPastDate checks that now is an input: a KEV due date
// passes before it and fails after it.
func TestEvaluateAtPastDate(t *testing.T) {
	p, _ := compileLibrary(t)
	s := good()
	s.Vulns = append(s.Vulns, checks.Vuln{ID: "CVE-2025-9", KEV: true, KEVDueDate: now})
	status := func(at time.Time) checks.Status {
		for _, r := range p.EvaluateOne(s, checks.Inputs{Policy: policy(), Now: at}) {
			if r.Check.ID == "kev-past-due" {
				return r.Status
			}
		}
		t.Fatal("no kev-past-due")
		return ""
	}
	if got := status(now.AddDate(0, 0, -1)); got != checks.StatusPass {
		t.Errorf("a day before: %s", got)
	}
	if got := status(now.AddDate(0, 0, 1)); got != checks.StatusFail {
		t.Errorf("a day after: %s", got)
	}
}

// TestEvaluateError checks that a check failing on a device's data is an
// error verdict for that check only.
func TestEvaluateError(t *testing.T) {
	c, err := checks.Parse("err.yaml", []byte(header+"reads: [vulns, policy]\nexpr: vulns.all(v, policy.max_open_days[v.severity] > 0)\n"))
	if err != nil {
		t.Fatal(err)
	}
	ok, err := checks.Parse("ok.yaml", []byte(strings.Replace(header, "id: sample", "id: ok", 1)+"reads: [device]\nexpr: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := checks.Compile([]*checks.Check{c, ok})
	if err != nil {
		t.Fatal(err)
	}
	s := good()
	s.Vulns[0].Severity = "unheard-of"
	rs := p.EvaluateOne(s, checks.Inputs{Policy: policy(), Now: now})
	if rs[0].Status != checks.StatusError || rs[0].Reason != "expr: no such key: unheard-of" || rs[1].Status != checks.StatusPass {
		t.Errorf("got %+v %+v", rs[0], rs[1])
	}
}
