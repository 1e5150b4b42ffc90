package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// command is one command of the tree that "vigil" dispatches: a group of
// subcommands (inventory), a command that runs (import), or both (binder
// exports, binder verify checks).
//
// A command declares its own help beside its code. To add one, write a
// function that returns it in the command's file and list it in its
// parent's subs (or in commands() for a top-level command):
//
//	func gudidCommand() *command {
//		return &command{
//			name:    "gudid",
//			summary: "one line for the parent's list of commands",
//			usage:   []string{"lookup DI [--format table|json]"},
//			about:   "One paragraph: what it does, what it reads and writes.",
//			examples: []string{
//				"vigil gudid lookup 00884838035359",
//			},
//			run: runGudid,
//		}
//	}
//
// The run function declares its flags on m.flagSet and parses them with
// parse or parseInterspersed before anything else: "-h" then prints the
// usage, about, flags and examples, "vigil help PATH" prints the same, and
// a bad flag is one line. TestHelpForEveryCommand walks the tree and holds
// every command to this.
type command struct {
	name    string
	summary string // one line, in the parent's list of commands
	// usage is what follows "vigil PATH " on each usage line; a group
	// without it is "COMMAND [flags]".
	usage    []string
	about    string   // one paragraph
	examples []string // command lines; "  # why" may follow one
	// run runs the command with the arguments after its name. A group has
	// none, or one for the arguments that name no subcommand.
	run  func(ctx context.Context, m *Main, args []string) error
	subs []*command
	// creates lets the command create a new SQLite database; every other
	// command opens an existing one only (openDB).
	creates bool

	path string // "vigil inventory list", set by the tree
}

// sub returns the subcommand called name, or nil.
func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// root returns the whole command tree, every command's path set.
func root() *command {
	r := &command{
		name:  "vigil",
		usage: []string{"COMMAND [flags]"},
		about: "Vigil keeps a hospital audit-ready for its connected medical devices: it builds one " +
			"device inventory from every source, matches vulnerabilities, evaluates the control " +
			"frameworks, keeps the evidence and writes the auditor's binder. Every command that " +
			"reads or changes the inventory takes --db (or VIGIL_DB): a file path, sqlite:PATH or " +
			"postgres://... (default vigil.db).",
		examples: []string{
			"vigil demo                      # a demo hospital, served on 127.0.0.1:8080",
			"vigil import --source cmms cmms_export.csv",
			"vigil inventory list --type infusion-pump",
			"vigil help inventory list",
		},
		subs: commands(),
	}
	slices.SortFunc(r.subs, func(a, b *command) int { return strings.Compare(a.name, b.name) })
	var walk func(c *command, path string)
	walk = func(c *command, path string) {
		c.path = path
		for _, s := range c.subs {
			walk(s, path+" "+s.name)
		}
	}
	walk(r, "vigil")
	return r
}

// helpRequest is the answer to "-h": the command's help, printed on
// standard output with exit status 0. fs holds the flags of a command that
// runs; missing marks a group called without a subcommand, whose help goes
// to standard error with exit status 2.
type helpRequest struct {
	cmd     *command
	fs      *flag.FlagSet
	missing bool
}

func (h *helpRequest) Error() string { return "help requested" }
func (h *helpRequest) Unwrap() error { return flag.ErrHelp }

// isHelpArg reports whether a is a request for help.
func isHelpArg(a string) bool {
	switch a {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// dispatch walks the tree along args and runs the command they name. It
// returns the command it reached, for the error's wording.
func (m *Main) dispatch(ctx context.Context, r *command, args []string) (*command, error) {
	c := r
	for len(args) > 0 {
		s := c.sub(args[0])
		if s == nil {
			break
		}
		c, args = s, args[1:]
	}
	if c.run == nil {
		switch {
		case len(args) == 0:
			return c, &helpRequest{cmd: c, missing: true}
		case isHelpArg(args[0]):
			return c, &helpRequest{cmd: c}
		case strings.HasPrefix(args[0], "-"):
			return c, badFlag(args[0])
		}
		return c, usagef("unknown command %q", args[0])
	}
	if len(c.subs) > 0 && len(args) > 0 && args[0] == "help" {
		args = append([]string{"-h"}, args[1:]...)
	}
	m.creates = c.creates
	err := c.run(ctx, m, args)
	var h *helpRequest
	if errors.As(err, &h) && h.cmd == nil {
		h.cmd = c
	}
	return c, err
}

// badFlag is the usage error of a flag a command does not define, worded
// as the flag package words it.
func badFlag(arg string) error {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	return usagef("flag provided but not defined: -%s", name)
}

// runHelp is "vigil help [COMMAND...]": the help of the command named,
// the same as "vigil COMMAND... -h".
func runHelp(ctx context.Context, m *Main, args []string) error {
	if len(args) == 1 && isHelpArg(args[0]) && args[0] != "help" {
		return &helpRequest{}
	}
	r := root()
	c := r
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return badFlag(a)
		}
		if c = c.sub(a); c == nil {
			return usagef("unknown command %q", strings.Join(args, " "))
		}
	}
	if c == r {
		return &helpRequest{cmd: r}
	}
	_, err := m.dispatch(ctx, r, append(args[:len(args):len(args)], "-h"))
	return err
}

// printHelp writes a command's help: usage, what it does, its flags, its
// commands and examples.
func printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	usage := c.usage
	if len(usage) == 0 {
		usage = []string{"COMMAND [flags]"}
		if len(c.subs) == 0 {
			usage = []string{"[flags]"}
		}
	}
	for i, u := range usage {
		lead := "Usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintf(w, "%s%s\n", lead, strings.TrimSpace(c.path+" "+u))
	}
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", wrap(c.about, 78))
	}
	if fs != nil {
		var flags strings.Builder
		fs.VisitAll(func(f *flag.Flag) { writeFlag(&flags, f) })
		if flags.Len() > 0 {
			fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
		}
	}
	if len(c.subs) > 0 {
		fmt.Fprintln(w, "\nCommands:")
		width := 0
		for _, s := range c.subs {
			width = max(width, len(s.name))
		}
		for _, s := range c.subs {
			fmt.Fprintf(w, "  %-*s  %s\n", width, s.name, s.summary)
		}
	}
	fmt.Fprintln(w, "\nExamples:")
	for _, e := range examples(c) {
		fmt.Fprintf(w, "  %s\n", e)
	}
	if len(c.subs) > 0 {
		fmt.Fprintf(w, "\nRun 'vigil help %sCOMMAND' for a command's flags and examples.\n", strings.TrimPrefix(c.path+" ", "vigil "))
	}
}

// examples are a command's own examples, or a group's first of each of
// its subcommands'.
func examples(c *command) []string {
	if len(c.examples) > 0 {
		return c.examples
	}
	var out []string
	for _, s := range c.subs {
		if e := examples(s); len(e) > 0 {
			out = append(out, e[0])
		}
	}
	return out
}

// writeFlag writes one flag as "--name TYPE" and its usage on the next
// line, its default when it has one.
func writeFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	if name == "value" { // a flag.Func or a list: say what it takes
		name = "string"
	}
	fmt.Fprintf(w, "  --%s", f.Name)
	if name != "" {
		fmt.Fprintf(w, " %s", name)
	}
	switch f.DefValue {
	case "", "0", "false", "[]", "0s":
	default:
		if _, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok {
			usage += fmt.Sprintf(" (default %q)", f.DefValue)
		}
	}
	fmt.Fprintf(w, "\n%s\n", indent(wrap(usage, 70), "      "))
}

// wrap breaks s into lines of at most width columns at spaces.
func wrap(s string, width int) string {
	var b strings.Builder
	col := 0
	for _, word := range strings.Fields(s) {
		if col > 0 && col+1+len(word) > width {
			b.WriteByte('\n')
			col = 0
		} else if col > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func helpCommand() *command {
	return &command{
		name:    "help",
		summary: "print a command's usage, flags and examples",
		usage:   []string{"[COMMAND [SUBCOMMAND...]]"},
		about: "Prints a command's usage, what it does, its flags and examples: the same as " +
			"'vigil COMMAND -h'. Without a command it lists them all.",
		examples: []string{
			"vigil help",
			"vigil help import",
			"vigil help vendors baa add",
		},
		run: runHelp,
	}
}
