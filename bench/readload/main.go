// Command readload measures whether reads wait for writes: it serves a
// store with the real vigil binary, then has many clients read the device
// list and device pages through the HTTP API while a large import is
// uploaded and one client sets values by hand, and reports the reads'
// latencies during the import, the errors, and whether every write the
// server acknowledged is there afterwards.
//
//	go run ./bench/readload -rows 50000 -clients 50
//	go run ./bench/readload -rows 50000 -clients 50 -db postgres://postgres@127.0.0.1:5432/bench?sslmode=disable
//
// Run it from the module's root: it builds ./cmd/vigil. A PostgreSQL
// database must be empty.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	rows := flag.Int("rows", 50000, "rows of the file imported under load")
	seed := flag.Int("seed", 2000, "devices loaded before the run, whose pages the clients read")
	clients := flag.Int("clients", 50, "concurrent reading clients")
	dsn := flag.String("db", "", "store (default: a fresh SQLite file in the work directory)")
	dir := flag.String("dir", "", "work directory (default: a temporary one, removed after)")
	flag.Parse()
	if err := run(*rows, *seed, *clients, *dsn, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench/readload:", err)
		os.Exit(1)
	}
}

// bench is one run: the work directory, the binary, its environment and
// the server's address and token.
type bench struct {
	dir, bin, base, token string
	env                   []string
	client                *http.Client
}

func run(rows, seed, clients int, dsn, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "vigil-readload")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	if dsn == "" {
		dsn = filepath.Join(dir, "vigil.db")
	}
	b := &bench{dir: dir, bin: filepath.Join(dir, "vigil"), client: &http.Client{Timeout: 2 * time.Minute}}
	b.env = append(os.Environ(), "VIGIL_DB="+dsn, "VIGIL_AUDIT_DIR="+dir)
	if out, err := exec.Command("go", "build", "-o", b.bin, "./cmd/vigil").CombinedOutput(); err != nil {
		return fmt.Errorf("building vigil: %v\n%s", err, out)
	}
	if _, err := b.vigil("user", "add", "bench", "--role", "admin"); err != nil {
		return err
	}
	out, err := b.vigil("token", "create", "--user", "bench")
	if err != nil {
		return err
	}
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, "vgl_") {
			b.token = strings.TrimSpace(l)
		}
	}
	if b.token == "" {
		return fmt.Errorf("no token in %q", out)
	}
	seedFile := filepath.Join(dir, "seed.csv")
	if err := os.WriteFile(seedFile, inventoryCSV("SEED", seed), 0o600); err != nil {
		return err
	}
	if _, err := b.vigil("import", "--source", "seed", seedFile); err != nil {
		return err
	}
	stop, err := b.serve()
	if err != nil {
		return err
	}
	defer stop()
	ids, err := b.deviceIDs()
	if err != nil {
		return err
	}
	fmt.Printf("store %s, %d devices loaded, %d-row import under %d clients\n", engineOf(dsn), len(ids), rows, clients)

	rec := &recorder{lat: map[string][]time.Duration{}, errs: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() { b.read(ctx, rec, ids) })
	}
	acked := map[int64]string{}
	wg.Go(func() { acked = b.handSet(ctx, rec, ids) })

	time.Sleep(2 * time.Second) // the clients reach a steady state first
	start := time.Now()
	rec.window(start, time.Time{})
	// The import takes what it takes: its client has no timeout.
	status, body, err := b.doWith(&http.Client{}, http.MethodPost, "/api/v1/import?source=bulk&filename=bulk.csv", inventoryCSV("BULK", rows))
	end := time.Now()
	rec.window(start, end)
	cancel()
	wg.Wait()
	importOK := err == nil && status == http.StatusOK
	if !importOK {
		fmt.Printf("the import failed: %d %v %.300s\n", status, err, body)
	}
	fmt.Printf("import: %s (%d rows)\n\n", end.Sub(start).Round(10*time.Millisecond), rows)
	rec.print()

	// Every acknowledged write must be there.
	missing := 0
	for id, v := range acked {
		status, body, err := b.do(http.MethodGet, fmt.Sprintf("/api/v1/devices/%d", id), nil)
		var d struct {
			OwnerTeam string `json:"owner_team"`
		}
		if err != nil || status != http.StatusOK || json.Unmarshal(body, &d) != nil || d.OwnerTeam != v {
			missing++
		}
	}
	total, err := b.total()
	if err != nil {
		return err
	}
	fmt.Printf("\nhand-set values acknowledged during the import: %d, missing afterwards: %d\n", len(acked), missing)
	fmt.Printf("devices afterwards: %d (want %d if the import was acknowledged)\n", total, seed+rows)
	if missing > 0 || (importOK && total != seed+rows) {
		return errors.New("an acknowledged write is missing")
	}
	return nil
}

func engineOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return "PostgreSQL"
	}
	return "SQLite"
}

// inventoryCSV is a CMMS export of n devices tagged PREFIX-i.
func inventoryCSV(prefix string, n int) []byte {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	w.WriteString("asset_tag,serial,manufacturer,model,hostname,department\n")
	makers := []string{"BD,Alaris 8015", "Philips,IntelliVue MX800", "GE Healthcare,CARESCAPE B650", "Baxter,Sigma Spectrum", "Medtronic,Puritan Bennett 980"}
	for i := range n {
		fmt.Fprintf(w, "%s-%06d,%s%06d,%s,%s-%d,Ward %d\n", prefix, i, prefix[:1], i, makers[i%len(makers)], strings.ToLower(prefix), i, i%40)
	}
	w.Flush()
	return buf.Bytes()
}

func (b *bench) vigil(args ...string) (string, error) {
	cmd := exec.Command(b.bin, args...)
	cmd.Env = b.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("vigil %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// serve starts vigil serve on a free port and waits until it answers.
func (b *bench) serve() (stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(b.bin, "serve", "--addr", addr)
	cmd.Env = b.env
	log, err := os.Create(filepath.Join(b.dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		log.Close()
	}
	b.base = "http://" + addr
	for range 300 {
		if r, err := http.Get(b.base + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return nil, errors.New("vigil serve did not answer /healthz")
}

func (b *bench) do(method, path string, body []byte) (int, []byte, error) {
	return b.doWith(b.client, method, path, body)
}

func (b *bench) doWith(c *http.Client, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, b.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+b.token)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

func (b *bench) deviceIDs() ([]int64, error) {
	var ids []int64
	for page := 1; ; page++ {
		status, body, err := b.do(http.MethodGet, fmt.Sprintf("/api/v1/devices?offset=%d&limit=500", 500*(page-1)), nil)
		if err != nil || status != http.StatusOK {
			return nil, fmt.Errorf("listing devices: %d %v", status, err)
		}
		// "devices", as the API has always named them ("items" as well now).
		var l struct {
			Items []struct{ ID int64 } `json:"devices"`
		}
		if err := json.Unmarshal(body, &l); err != nil {
			return nil, err
		}
		for _, d := range l.Items {
			ids = append(ids, d.ID)
		}
		if len(l.Items) < 500 {
			if len(ids) < 50 {
				return nil, fmt.Errorf("only %d devices listed; -seed must load at least 50", len(ids))
			}
			return ids, nil
		}
	}
}

func (b *bench) total() (int, error) {
	status, body, err := b.do(http.MethodGet, "/api/v1/devices?limit=1", nil)
	if err != nil || status != http.StatusOK {
		return 0, fmt.Errorf("counting devices: %d %v", status, err)
	}
	var l struct{ Total int }
	err = json.Unmarshal(body, &l)
	return l.Total, err
}

// read is one client: the device list (a random page of 50) and a device's
// page (the device, then its per-field provenance), in turn, until ctx ends.
func (b *bench) read(ctx context.Context, rec *recorder, ids []int64) {
	for i := 0; ctx.Err() == nil; i++ {
		var kind, path string
		switch id := ids[rand.N(len(ids))]; i % 3 {
		case 0:
			kind, path = "device list", fmt.Sprintf("/api/v1/devices?offset=%d&limit=50", 50*rand.N(len(ids)/50))
		case 1:
			kind, path = "device", fmt.Sprintf("/api/v1/devices/%d", id)
		case 2:
			kind, path = "device provenance", fmt.Sprintf("/api/v1/devices/%d/provenance", id)
		}
		t0 := time.Now()
		status, _, err := b.do(http.MethodGet, path, nil)
		rec.add(kind, t0, time.Since(t0), err != nil || status != http.StatusOK)
	}
}

// handSet sets owner_team by hand on one device after another until ctx
// ends, and returns the values the server acknowledged, by device.
func (b *bench) handSet(ctx context.Context, rec *recorder, ids []int64) map[int64]string {
	acked := map[int64]string{}
	for i := 0; ctx.Err() == nil && i < len(ids); i++ {
		v := fmt.Sprintf("team %d", i)
		body, _ := json.Marshal(map[string]string{"field": "owner_team", "value": v})
		t0 := time.Now()
		status, _, err := b.do(http.MethodPost, fmt.Sprintf("/api/v1/devices/%d/fields", ids[i]), body)
		failed := err != nil || status != http.StatusOK
		rec.add("hand-set (write)", t0, time.Since(t0), failed)
		if !failed {
			acked[ids[i]] = v
		}
	}
	return acked
}

// recorder keeps the latencies of the requests that started inside the
// import's window.
type recorder struct {
	mu         sync.Mutex
	start, end time.Time
	lat        map[string][]time.Duration
	errs       map[string]int
}

func (r *recorder) window(start, end time.Time) {
	r.mu.Lock()
	r.start, r.end = start, end
	r.mu.Unlock()
}

func (r *recorder) add(kind string, at time.Time, d time.Duration, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.start.IsZero() || at.Before(r.start) || (!r.end.IsZero() && at.After(r.end)) {
		return
	}
	r.lat[kind] = append(r.lat[kind], d)
	if failed {
		r.errs[kind]++
	}
}

func (r *recorder) print() {
	fmt.Printf("%-18s %7s %9s %9s %9s %9s %7s\n", "during the import", "n", "p50", "p90", "p99", "max", "errors")
	kinds := make([]string, 0, len(r.lat))
	for k := range r.lat {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		l := r.lat[k]
		slices.Sort(l)
		q := func(p float64) time.Duration {
			return l[min(len(l)-1, int(p*float64(len(l))))].Round(100 * time.Microsecond)
		}
		fmt.Printf("%-18s %7d %9s %9s %9s %9s %7d\n", k, len(l), q(0.50), q(0.90), q(0.99), l[len(l)-1].Round(100*time.Microsecond), r.errs[k])
	}
}
