// Command vigil keeps a hospital audit-ready for its connected medical
// devices: it builds one device inventory from every source, serves the web
// UI and API, and answers auditors. Run "vigil help" for the commands.
//
// This is the only package that reads flags and the environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main runs one vigil command. Tests run it end to end with their own
// streams and environment.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, is told the server's address once it listens.
	Ready func(addr string)

	cls *classify.Classifier // built on first use (classifier)
	// evidenceDir is --evidence-dir, for the commands that take it.
	evidenceDir string
	// actorAs is --actor (or VIGIL_ACTOR): the person named beside the
	// operating system user in the audit trail.
	actorAs string
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, m *Main, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "generate a demo hospital, load it and serve it", runDemo},
		{"serve", "serve the web UI and API", runServe},
		{"migrate", "apply database migrations", runMigrate},
		{"user", "manage users: user add|list|role|disable|enable|passwd", runUser},
		{"token", "API tokens: token create --user NAME, token list, token revoke ID", runToken},
		{"audit-log", "audit-log verify: check the tamper-evident audit trail", runAuditLog},
		{"audit", "mock audits: audit mock --framework ID [--sample N] [--seed S], audit compare A B, audit list", runAudit},
		{"plan", "the remediation plan: plan list|export|set|sync", runPlan},
		{"gen", "write a generated demo hospital's raw files", runGen},
		{"import", "import inventory files: import --source NAME FILE...", runImport},
		{"discover", "passive discovery from captures or a live interface", runDiscover},
		{"feeds", "vulnerability feeds and SBOMs: feeds import FILE|DIR..., feeds update", runFeeds},
		{"vulns", "vulnerabilities matched to devices: vulns list, vulns show ID", runVulns},
		{"risk", "the ranked risk worklist: risk list, risk show DEVICE", runRisk},
		{"inventory", "list, show, export the inventory; discrepancies, conflicts, precedence", runInventory},
		{"evaluate", "decide every control of a framework: evaluate [--framework ID] [--at DATE]", runEvaluate},
		{"controls", "control frameworks: controls list, controls show ID, controls import FILE", runControls},
		{"checks", "device checks: checks list|show|history|test|add|edit|enable|disable", runChecks},
		{"attest", "answer for a control: attest CONTROL --owner --answer --date --next-due", runAttest},
		{"attestations", "the attestations in force, overdue ones marked", runAttestations},
		{"policy", "the checks' policy parameters: policy show, policy set FILE", runPolicy},
		{"segments", "network segments: segments list, segments import FILE", runSegments},
		{"sites", "hospital sites: sites list, sites set-blocks SITE CIDR...", runSites},
		{"network", "what discovery found: network findings [--code C] [--at DATE]", runNetwork},
		{"evidence", "the evidence repository: evidence add|list|show|get|verify", runEvidence},
		{"mds2", "MDS2 disclosures: mds2 import FILE [--manufacturer M --model X], mds2 list, mds2 show ID", runMDS2},
		{"binder", "the auditor's binder: binder --framework ID --out FILE.zip [--at DATE], binder verify FILE.zip", runBinder},
		{"models", "models and their end of life: models list, models set MAKER MODEL --end-of-support DATE, models import FILE, models unsupported [--at DATE]", runModels},
		{"vendors", "the vendor register: vendors list|show|add|import FILE, vendors agreements import FILE, vendors expiring [--within 60d], vendors baa add, vendors cert add", runVendors},
	}
}

// errUsage marks an error as a usage mistake (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Run executes args and returns the exit status. Errors print as one line.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, m, args[1:])
			if text, ok := groupHelp(args[1:], err); ok {
				fmt.Fprintln(m.Stdout, text)
				return 0
			}
			return m.exitCode(err)
		}
	}
	fmt.Fprintf(m.Stderr, "vigil: unknown command %q (run 'vigil help')\n", args[0])
	return 2
}

func (m *Main) exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "vigil: %s\n", ue.msg)
		return 2
	}
	fmt.Fprintf(m.Stderr, "vigil: %s\n", oneLine(vigil.ErrorMessage(err)))
	if vigil.ErrorCode(err) == vigil.EINTERNAL {
		// Internal causes go to the log stream, still on one line.
		fmt.Fprintf(m.Stderr, "vigil: cause: %s\n", oneLine(err.Error()))
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "Vigil keeps a hospital audit-ready for its connected medical devices.")
	fmt.Fprintln(w, "\nUsage: vigil COMMAND [flags]\n\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db (or VIGIL_DB): a file path, sqlite:PATH or postgres://... (default vigil.db).")
	fmt.Fprintln(w, "Run 'vigil COMMAND -h' for a command's flags.")
}

// flagSet returns a FlagSet that reports errors instead of exiting.
func (m *Main) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("vigil "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

// dbFlag registers --db with VIGIL_DB and vigil.db as defaults.
func (m *Main) dbFlag(fs *flag.FlagSet) *string {
	def := m.Getenv("VIGIL_DB")
	if def == "" {
		def = "vigil.db"
	}
	m.actorFlag(fs) // every command that opens the database may change it
	return fs.String("db", def, "database: a file path, sqlite:PATH or postgres://... (env VIGIL_DB)")
}

// parse parses flags, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	return nil
}

// parseInterspersed parses flags that may come before or after positional
// arguments and returns the positionals.
func parseInterspersed(fsParse func([]string) error, nargs func() []string, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fsParse(args); err != nil {
			return nil, err
		}
		rest := nargs()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

type invCmd struct {
	m      *Main
	db     *store.DB
	format string
}

// openInv parses the common flags of an inventory command and opens the store.
func openInv(ctx context.Context, m *Main, name string, args []string, formats []string, extra func(fs *flag.FlagSet)) (*invCmd, []string, error) {
	fs := m.flagSet(name)
	db := m.dbFlag(fs)
	format := fs.String("format", formats[0], "output format: "+strings.Join(formats, ", "))
	if extra != nil {
		extra(fs)
	}
	pos, err := parseInterspersed(func(a []string) error { return parse(fs, a) }, fs.Args, args)
	if err != nil {
		return nil, nil, err
	}
	if err := checkFormat(*format, formats...); err != nil {
		return nil, nil, err
	}
	d, err := m.openDB(ctx, *db)
	if err != nil {
		return nil, nil, err
	}
	return &invCmd{m: m, db: d, format: *format}, pos, nil
}

// findDevice resolves an id or an asset tag.
func findDevice(ctx context.Context, db *store.DB, ref string) (*vigil.Device, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return db.FindDeviceByID(ctx, id)
	}
	devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{Query: ref})
	if err != nil {
		return nil, err
	}
	for _, d := range devs {
		if strings.EqualFold(d.AssetTag, ref) || strings.EqualFold(d.Serial, ref) || d.MAC == strings.ToLower(ref) || strings.EqualFold(d.Hostname, ref) {
			return d, nil
		}
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "no device with id, asset tag, serial, MAC or host name %q", ref)
}

func (m *Main) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
