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
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
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
	// creates is set while a command that may create a new SQLite
	// database runs; created lists the files and directories openDB
	// created, removed again when the command fails.
	creates bool
	created []string
}

// commands are vigil's top-level commands, each declared with its help in
// its own file (see command in help.go).
func commands() []*command {
	return []*command{
		demoCommand(),
		serveCommand(),
		migrateCommand(),
		userCommand(),
		tokenCommand(),
		auditLogCommand(),
		auditCommand(),
		planCommand(),
		genCommand(),
		importCommand(),
		discoverCommand(),
		feedsCommand(),
		vulnsCommand(),
		riskCommand(),
		inventoryCommand(),
		evaluateCommand(),
		controlsCommand(),
		checksCommand(),
		attestCommand(),
		attestationsCommand(),
		policyCommand(),
		segmentsCommand(),
		sitesCommand(),
		networkCommand(),
		evidenceCommand(),
		mds2Command(),
		binderCommand(),
		modelsCommand(),
		gudidCommand(),
		vendorsCommand(),
		versionCommand(),
		helpCommand(),
	}
}

// usageError marks an error as a usage mistake (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Run executes args and returns the exit status. Errors print as one line;
// a usage mistake adds where to read the command's help.
func (m *Main) Run(ctx context.Context, args []string) int {
	r := root()
	switch {
	case len(args) == 0:
		args = []string{"help"}
	case args[0] == "--version" || args[0] == "-version":
		args = append([]string{"version"}, args[1:]...)
	}
	m.created = nil
	c, err := m.dispatch(ctx, r, args)
	code := m.exitCode(c, err)
	if code != 0 {
		m.removeCreated()
	}
	return code
}

func (m *Main) exitCode(c *command, err error) int {
	var ue *usageError
	var h *helpRequest
	switch {
	case err == nil:
		return 0
	case errors.As(err, &h):
		if h.missing {
			printHelp(m.Stderr, h.cmd, nil)
			return 2
		}
		printHelp(m.Stdout, h.cmd, h.fs)
		return 0
	case errors.As(err, &ue):
		if strings.HasPrefix(ue.msg, "usage: ") {
			fmt.Fprintln(m.Stderr, ue.msg)
		} else {
			fmt.Fprintf(m.Stderr, "%s: %s\n", c.path, ue.msg)
		}
		fmt.Fprintf(m.Stderr, "see %s -h\n", c.path)
		return 2
	}
	fmt.Fprintf(m.Stderr, "vigil: %s\n", oneLine(withReason(vigil.ErrorMessage(err), err)))
	if vigil.ErrorCode(err) == vigil.EINTERNAL {
		// Internal causes go to the log stream, still on one line.
		fmt.Fprintf(m.Stderr, "vigil: cause: %s\n", oneLine(err.Error()))
	}
	return 1
}

// withReason adds the operating system's reason to a message about a file
// that does not give it ("cannot read x.csv" becomes "cannot read x.csv: no
// such file or directory"). The reason is the system's text, never the
// file's content.
func withReason(msg string, err error) string {
	if vigil.ErrorCode(err) == vigil.EINTERNAL {
		return msg
	}
	if reason := systemReason(err); reason != "" && !strings.Contains(msg, reason) {
		msg += ": " + reason
	}
	return msg
}

// systemReason is the operating system's reason for a failed file or
// network operation in err's chain ("no such file or directory", "address
// already in use"), or "".
func systemReason(err error) string {
	var pe *fs.PathError
	var errno syscall.Errno
	switch {
	case errors.As(err, &pe):
		return pe.Err.Error()
	case errors.As(err, &errno):
		return errno.Error()
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// flagSet returns a FlagSet that reports errors instead of exiting and
// prints nothing itself: parse returns "-h" and mistakes, and Run prints
// them (the help, or one line).
func (m *Main) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("vigil "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
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
			return &helpRequest{fs: fs}
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
