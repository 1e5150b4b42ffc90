package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

const vendorsUsage = `usage: vigil vendors list [--format table|json]
       vigil vendors show VENDOR [--format table|json]
       vigil vendors add NAME [--kind K] [--alias A]... [--model M]... [--contact N --email E --phone P] [--notes T]
       vigil vendors import FILE
       vigil vendors agreements import FILE
       vigil vendors expiring [--within 60d] [--format table|json]
       vigil vendors baa add VENDOR --signed DATE [--effective DATE] [--expires DATE] [--renewal DATE] [--service S]... [--data D]... [--evidence ID]
       vigil vendors cert add VENDOR --kind iso27001|soc2-type2|hitrust-r2|other --issuer I --expires DATE [--name N] [--scope S] [--from DATE --to DATE] [--evidence ID]
       vigil vendors endpoint add VENDOR --kind address|host|tls-name|cert-org --value V [--tool T]
       vigil vendors endpoint list VENDOR [--format table|json]
       vigil vendors sessions [--vendor V|unknown] [--device ID] [--at DATE] [--findings] [--format table|json]`

// runVendors runs the vendor register commands.
func runVendors(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", vendorsUsage)
	}
	switch args[0] {
	case "list":
		return runVendorsList(ctx, m, args[1:])
	case "show":
		return runVendorsShow(ctx, m, args[1:])
	case "add":
		return runVendorsAdd(ctx, m, args[1:])
	case "import":
		return runVendorsImport(ctx, m, args[1:])
	case "expiring":
		return runVendorsExpiring(ctx, m, args[1:])
	case "sessions":
		return runVendorsSessions(ctx, m, args[1:])
	case "agreements":
		if len(args) > 1 && args[1] == "import" {
			return runVendorsAgreementsImport(ctx, m, args[2:])
		}
	case "endpoint":
		return runVendorsEndpoint(ctx, m, args[1:])
	case "baa":
		if len(args) > 1 && args[1] == "add" {
			return runVendorsBAAAdd(ctx, m, args[2:])
		}
	case "cert":
		if len(args) > 1 && args[1] == "add" {
			return runVendorsCertAdd(ctx, m, args[2:])
		}
	}
	return usagef("%s", vendorsUsage)
}

// parseWithin reads a span of days ("60d"), weeks ("8w") or a Go duration
// ("36h").
func parseWithin(s string) (time.Duration, error) {
	day := 24 * time.Hour
	for suffix, unit := range map[string]time.Duration{"d": day, "w": 7 * day} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if v, err := strconv.Atoi(n); err == nil && v >= 0 {
				return time.Duration(v) * unit, nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, usagef("--within must be a number of days (60d), weeks (8w) or a duration (36h), not %q", s)
}

// dayFlag is a flag holding a date, 2006-01-02; unset, the time stays zero.
type dayFlag struct{ t *time.Time }

func (f dayFlag) String() string {
	if f.t == nil || f.t.IsZero() {
		return ""
	}
	return f.t.Format("2006-01-02")
}

func (f dayFlag) Set(s string) error {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return fmt.Errorf("must be a date, 2006-01-02, not %q", s)
	}
	*f.t = t
	return nil
}

// dayOrDash formats a date, or "-" when it is zero.
func dayOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

// vendorLabel names a vendor for a table: its name and id.
func vendorLabel(v *vigil.Vendor) string { return v.Name + " (" + strconv.FormatInt(v.ID, 10) + ")" }
