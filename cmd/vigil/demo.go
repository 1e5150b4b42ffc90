package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/password"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/web"
)

func runDemo(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("demo")
	dir := fs.String("dir", "vigil-demo", "data directory for the demo's files and database")
	db := fs.String("db", m.Getenv("VIGIL_DB"), "database (default DIR/vigil.db; env VIGIL_DB)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on")
	devices := fs.Int("devices", 600, "number of devices in the demo hospital")
	seed := fs.Int64("seed", 1, "random seed for the demo hospital")
	once := fs.Bool("once", false, "generate and load, print a summary and exit without serving")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		*db = filepath.Join(*dir, "vigil.db")
	}
	_, h, err := generate(*dir, *devices, *seed)
	if err != nil {
		return err
	}
	d, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := loadDemo(ctx, m, d, *dir, h); err != nil {
		return err
	}
	pw, err := demoAdmin(ctx, m, d)
	if err != nil {
		return err
	}
	if err := m.printSummary(ctx, d); err != nil {
		return err
	}
	if *once {
		return nil
	}
	return m.serve(ctx, d, *addr, web.Config{SecureCookies: false}, func(url string) {
		fmt.Fprintf(m.Stdout, "\nVigil demo is serving on %s\nSign in as admin with password %s\nPress Ctrl-C to stop.\n", url, pw)
	})
}

// loadDemo imports each of the demo hospital's sources.
func loadDemo(ctx context.Context, m *Main, d *store.DB, dir string, h *gen.Hospital) error {
	for _, snap := range h.Snapshots() {
		res, err := d.Import(ctx, m.actor(), snap)
		if err != nil {
			return fmt.Errorf("loading %s: %w", snap.Source.Name, err)
		}
		fmt.Fprintf(m.Stdout, "imported %-5s %5d records: %d added, %d changed, %d removed\n", res.Source, res.Records, res.Added, res.Changed, res.Removed)
	}
	return nil
}

// demoAdmin creates the demo's admin user, or gives it a fresh password.
func demoAdmin(ctx context.Context, m *Main, d *store.DB) (string, error) {
	pw, err := password.Generate(16)
	if err != nil {
		return "", err
	}
	err = d.CreateUser(ctx, m.actor(), &vigil.User{Name: "admin", Role: vigil.RoleAdmin}, pw)
	if vigil.ErrorCode(err) == vigil.ECONFLICT {
		err = d.SetPassword(ctx, m.actor(), "admin", pw)
	}
	return pw, err
}

func (m *Main) printSummary(ctx context.Context, d *store.DB) error {
	c, err := d.CountDevices(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "\ninventory (%s): %d devices, %d with ePHI, %d device types\n", d.Engine(), c.Total, c.EPHI, len(c.ByType))
	for _, title := range []string{"site", "criticality"} {
		counts := c.BySite
		if title == "criticality" {
			counts = c.ByCriticality
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(m.Stdout, "  %-12s %-32s %6d\n", title, k, counts[k])
		}
	}
	return nil
}

// actor is who the command line acts as in the audit trail.
func (m *Main) actor() *vigil.User {
	name := m.Getenv("USER")
	if name == "" {
		name = "unknown"
	}
	return &vigil.User{Name: "cli:" + name, Role: vigil.RoleAdmin}
}
