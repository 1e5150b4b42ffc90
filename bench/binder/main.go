// Command binder benchmarks the auditor's binder at hospital scale: it
// builds the input of a generated hospital of -devices devices (the
// inventory from internal/gen; an evaluation of the framework in which
// every shipped check fails on about a quarter of the devices it applies
// to, with a reason each; evidence files on disk of realistic sizes; a
// remediation plan), then times binder.WriteFile and samples the
// process's resident memory while it runs:
//
//	go run ./bench/binder -devices 100000
//
// Building the input is not part of the measurement. -out keeps the
// binder (default: a temporary directory, removed after).
package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/binder"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/gen"
)

func main() {
	devices := flag.Int("devices", 100000, "devices in the generated hospital")
	framework := flag.String("framework", "hipaa", "the framework of the binder")
	documents := flag.Int("documents", 120, "evidence documents (scans, PDFs: 20 KB to 1 MB, stored as they are)")
	artefacts := flag.Int("artefacts", 12, "automatic evidence artefacts (inventory snapshots, findings, results: 2 to 20 MB of text, deflated)")
	items := flag.Int("plan", 5000, "remediation plan items")
	out := flag.String("out", "", "write the binder here and keep it (default: a temporary file, removed)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the export to this file")
	flag.Parse()
	if err := run(*devices, *framework, *documents, *artefacts, *items, *out, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "binder:", err)
		os.Exit(1)
	}
}

func run(n int, framework string, documents, artefacts, items int, out, cpuprofile string) error {
	dir, err := os.MkdirTemp("", "vigil-bench-binder")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if out == "" {
		out = filepath.Join(dir, "binder.zip")
	}
	t0 := time.Now()
	in, err := buildInput(n, framework, documents, artefacts, items, dir)
	if err != nil {
		return err
	}
	rows, size := 0, int64(0)
	for _, c := range in.Evaluation.Controls {
		rows += len(c.FailingDevices)
	}
	for _, e := range in.Evidence {
		if st, err := os.Stat(filepath.Join(dir, "evidence", e.Meta.ID)); err == nil {
			size += st.Size()
		}
	}
	fmt.Printf("input: %d devices, %d controls, %d failing-device rows, %d evidence files (%.0f MB), %d plan items; built in %v\n",
		len(in.Devices), len(in.Evaluation.Controls), rows, len(in.Evidence), float64(size)/1e6, len(in.Plan), time.Since(t0).Round(time.Millisecond))

	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	runtime.GC()
	debug.FreeOSMemory()
	base := rss()
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if r := rss(); r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	t1 := time.Now()
	if err := binder.WriteFile(out, in, key); err != nil {
		return err
	}
	wall := time.Since(t1)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	close(stop)
	<-done
	st, err := os.Stat(out)
	if err != nil {
		return err
	}
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) * time.Nanosecond
	fmt.Printf("binder.WriteFile: %v wall, %v CPU; binder %.1f MB\n", wall.Round(time.Millisecond), cpu.Round(time.Millisecond), float64(st.Size())/1e6)
	fmt.Printf("resident memory: %.0f MB before the export (the input), peak %.0f MB during it; process max RSS %.0f MB\n",
		float64(base)/(1<<20), float64(peak.Load())/(1<<20), float64(after.Maxrss)/1024)
	t2 := time.Now()
	rep, err := binder.Verify(out, key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("the binder does not verify: %+v", rep)
	}
	fmt.Printf("binder.Verify: %v, %d files OK\n", time.Since(t2).Round(time.Millisecond), rep.Files)
	return nil
}

// rss returns the process's resident set in bytes, from /proc.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// buildInput makes the binder's input of a generated hospital.
func buildInput(n int, framework string, documents, artefacts, items int, dir string) (*binder.Input, error) {
	h, err := gen.Generate(gen.Options{Seed: 1, Devices: n})
	if err != nil {
		return nil, err
	}
	at := h.Now
	in := &binder.Input{At: at, Hospital: h.Sites[0].Name, AuditHead: strings.Repeat("5e", 32)}
	for i, d := range h.Devices {
		in.Devices = append(in.Devices, vigil.Device{ID: int64(i + 1), AssetTag: d.AssetTag, Serial: d.Serial, Manufacturer: d.Manufacturer,
			Model: d.Model, DeviceType: d.DeviceType, Firmware: d.Firmware, MAC: d.MAC, IP: d.IP, Hostname: d.Hostname,
			Location: d.Site + " / " + d.Building + " / " + d.Floor + " / " + d.Department, OwnerTeam: d.OwnerTeam,
			StoresEPHI: d.StoresEPHI, SendsEPHI: d.SendsEPHI, Criticality: d.Criticality, Lifecycle: d.Lifecycle,
			FirstSeen: at.AddDate(-2, 0, 0), LastSeen: at})
	}
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	fw, err := cat.Framework(framework)
	if err != nil {
		return nil, err
	}
	in.Framework = *fw
	lib, err := checks.Library()
	if err != nil {
		return nil, err
	}
	in.Evaluation = evaluation(in, lib)
	if in.Evidence, err = evidence(in, documents, artefacts, dir); err != nil {
		return nil, err
	}
	in.Plan = plan(in, items)
	return in, nil
}

// evaluation decides the framework as a hospital of this size looks: each
// shipped check applies to about two thirds of the devices and fails on
// about a quarter of those, with a reason of typical length.
func evaluation(in *binder.Input, lib []*checks.Check) vigil.Evaluation {
	rng := rand.New(rand.NewPCG(1, 2))
	type run struct {
		outcome vigil.CheckOutcome
		failing []vigil.FailingDevice
	}
	direct := map[string][]*run{}
	for _, c := range lib {
		r := &run{outcome: vigil.CheckOutcome{ID: c.ID, Title: c.Title, Severity: string(c.Severity)}}
		for i := range in.Devices {
			d := &in.Devices[i]
			switch x := rng.IntN(100); {
			case x < 33:
				r.outcome.NotApplicable++
			case x < 33+17:
				r.outcome.Failed++
				r.failing = append(r.failing, vigil.FailingDevice{ID: d.ID, AssetTag: d.AssetTag, Check: c.ID,
					Reason: fmt.Sprintf("%s: firmware %s of %s %s, seen at %s; no record of the compensating control", c.ID, d.Firmware, d.Manufacturer, d.Model, d.IP)})
			default:
				r.outcome.Passed++
			}
		}
		r.outcome.Verdict = vigil.VerdictPartiallyMet
		for _, ref := range c.Controls {
			if ref.Framework == in.Framework.ID {
				direct[ref.Control] = append(direct[ref.Control], r)
			}
		}
	}
	ev := vigil.Evaluation{ID: 1, Framework: in.Framework.ID, At: in.At, RanAt: in.At, Summary: map[vigil.Verdict]int{}}
	for i, c := range in.Framework.Controls {
		ce := vigil.ControlEvaluation{ID: c.ID, Title: c.Title, Verdict: vigil.VerdictNotAssessed, Basis: "no evidence"}
		for _, r := range direct[c.ID] {
			ce.Checks = append(ce.Checks, r.outcome)
			ce.FailingDevices = append(ce.FailingDevices, r.failing...)
			ce.Verdict, ce.Basis = vigil.VerdictPartiallyMet, fmt.Sprintf("%d checks", len(direct[c.ID]))
		}
		if i%3 == 0 {
			ce.Attestations = []vigil.Attestation{{ID: int64(i + 1), Control: c.Ref(), Owner: "Security Officer", Answer: vigil.VerdictMet,
				Date: in.At.AddDate(0, -4, 0), NextDue: in.At.AddDate(0, 8, 0), RecordedBy: "admin", RecordedAt: in.At.AddDate(0, -4, 0)}}
			if len(ce.Checks) == 0 {
				ce.Verdict, ce.Basis = vigil.VerdictMet, "1 attestation"
			}
		}
		ev.Summary[ce.Verdict]++
		ev.Controls = append(ev.Controls, ce)
	}
	return ev
}

// evidence writes the evidence files to dir/evidence, as a repository
// holds them, and describes them.
func evidence(in *binder.Input, documents, artefacts int, dir string) ([]binder.EvidenceFile, error) {
	rng := rand.New(rand.NewPCG(3, 4))
	if err := os.MkdirAll(filepath.Join(dir, "evidence"), 0o755); err != nil {
		return nil, err
	}
	var out []binder.EvidenceFile
	for i := 0; i < documents+artefacts; i++ {
		id := strconv.Itoa(i + 1)
		path := filepath.Join(dir, "evidence", id)
		meta := binder.EvidenceMeta{ID: id, Collected: in.At.AddDate(0, 0, -rng.IntN(300)),
			Controls: []string{in.Framework.Controls[rng.IntN(len(in.Framework.Controls))].ID}}
		meta.EffectiveFrom, meta.EffectiveTo = meta.Collected, meta.Collected.AddDate(1, 0, 0)
		var size int
		if i < documents {
			meta.Title, meta.FileName, size = fmt.Sprintf("Signed policy document %d", i+1), fmt.Sprintf("policy-%d.pdf", i+1), 20<<10+rng.IntN(1<<20)
		} else {
			meta.Title, meta.FileName, size = fmt.Sprintf("Inventory snapshot %d", i+1), fmt.Sprintf("inventory-%d.csv", i+1), 2<<20+rng.IntN(18<<20)
			for j := 0; j < 50; j++ {
				meta.Devices = append(meta.Devices, in.Devices[rng.IntN(len(in.Devices))].ID)
			}
		}
		sum, err := writeEvidence(path, size, i < documents, in.Devices, rng)
		if err != nil {
			return nil, err
		}
		meta.SHA256 = sum
		out = append(out, binder.EvidenceFile{Meta: meta, Open: func() (io.ReadCloser, error) { return os.Open(path) }})
	}
	return out, nil
}

// writeEvidence writes a document (random bytes, as compressed as a real
// PDF) or an artefact (CSV rows of the inventory) and returns its SHA-256.
func writeEvidence(path string, size int, document bool, devs []vigil.Device, rng *rand.Rand) (string, error) {
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	w := bufio.NewWriter(io.MultiWriter(f, h))
	if document {
		buf := make([]byte, size)
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		w.Write(buf)
	} else {
		fmt.Fprintln(w, "id,asset_tag,serial,manufacturer,model,device_type,firmware,mac,ip,location")
		for written := 0; written < size; {
			d := &devs[rng.IntN(len(devs))]
			n, _ := fmt.Fprintf(w, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", d.ID, d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Location)
			written += n
		}
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), f.Close()
}

// plan makes remediation items for failing devices of the controls not
// met, some closed, most open.
func plan(in *binder.Input, n int) []binder.PlanItem {
	rng := rand.New(rand.NewPCG(5, 6))
	priorities := []string{"critical", "high", "medium", "low"}
	statuses := []string{"open", "open", "open", "in-progress", "closed"}
	var out []binder.PlanItem
	for i := 0; i < n; i++ {
		c := in.Evaluation.Controls[rng.IntN(len(in.Evaluation.Controls))]
		it := binder.PlanItem{ID: fmt.Sprintf("P-%d", i+1), Control: c.ID, Title: "Close the gap in " + c.Title,
			Owner: "Clinical engineering", Due: in.At.AddDate(0, 0, 7+rng.IntN(180)), Priority: priorities[rng.IntN(4)], Status: statuses[rng.IntN(5)]}
		if len(in.Evidence) > 0 {
			it.Evidence = []string{in.Evidence[rng.IntN(len(in.Evidence))].Meta.ID}
		}
		if len(c.FailingDevices) > 0 {
			f := c.FailingDevices[rng.IntN(len(c.FailingDevices))]
			it.Device, it.Title = f.ID, "Remediate "+f.AssetTag+": "+f.Check
		}
		out = append(out, it)
	}
	return out
}
