package main

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
)

// runIn runs vigil in process with args and an empty environment, and
// returns its exit code, stdout and stderr.
func runIn(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// everyCommand walks the dispatch table: every command and subcommand,
// the root's included, as the words that name it.
func everyCommand() [][]string {
	var out [][]string
	var walk func(c *command, words []string)
	walk = func(c *command, words []string) {
		out = append(out, words)
		for _, s := range c.subs {
			walk(s, append(words[:len(words):len(words)], s.name))
		}
	}
	walk(root(), nil)
	return out
}

// TestHelpForEveryCommand checks that "vigil help X", "vigil X -h" and
// "vigil X --help" print the same help on stdout and exit 0, that it names
// the command as typed and shows an example, for every command of the
// table (new ones included without a change here).
func TestHelpForEveryCommand(t *testing.T) {
	cmds := everyCommand()
	if len(cmds) < 100 {
		t.Fatalf("walked %d commands, want the whole tree (at least 100)", len(cmds))
	}
	for _, words := range cmds {
		name := strings.Join(append([]string{"vigil"}, words...), " ")
		t.Run(name, func(t *testing.T) {
			code, help, stderr := runIn(t, append([]string{"help"}, words...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("vigil help %s: exit %d, stderr %q", strings.Join(words, " "), code, stderr)
			}
			if !strings.HasPrefix(help, "Usage: "+name+" ") && !strings.HasPrefix(help, "Usage: "+name+"\n") {
				t.Errorf("help does not start with %q:\n%s", "Usage: "+name, help)
			}
			if !strings.Contains(help, "\nExamples:\n  ") {
				t.Errorf("help has no examples:\n%s", help)
			}
			if len(words) > 0 && !strings.Contains(help, "\n  "+name) {
				t.Errorf("no example runs %q:\n%s", name, help)
			}
			for _, h := range []string{"-h", "--help"} {
				code, out, stderr := runIn(t, append(words[:len(words):len(words)], h)...)
				if code != 0 || stderr != "" || out != help {
					t.Errorf("%s %s: exit %d, stderr %q; want exit 0 and the same help as vigil help:\n%s", name, h, code, stderr, out)
				}
			}
		})
	}
}

// TestBadFlagIsOneLine passes a flag no command defines to every command:
// one line naming the command and the flag, where to read the help, exit
// 2, and never the flag list.
func TestBadFlagIsOneLine(t *testing.T) {
	for _, words := range everyCommand() {
		name := strings.Join(append([]string{"vigil"}, words...), " ")
		code, out, stderr := runIn(t, append(words[:len(words):len(words)], "--no-such-flag")...)
		want := name + ": flag provided but not defined: -no-such-flag\nsee " + name + " -h\n"
		if code != 2 || out != "" || stderr != want {
			t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q; want exit 2 and %q", name, code, out, stderr, want)
		}
	}
}

// TestUnknownSubcommand checks a group's answer to a word it does not know.
func TestUnknownSubcommand(t *testing.T) {
	for _, words := range everyCommand() {
		c := root()
		for _, w := range words {
			c = c.sub(w)
		}
		if len(c.subs) == 0 || c.run != nil {
			continue
		}
		name := strings.Join(append([]string{"vigil"}, words...), " ")
		code, out, stderr := runIn(t, append(words[:len(words):len(words)], "frobnicate")...)
		want := name + ": unknown command \"frobnicate\"\nsee " + name + " -h\n"
		if code != 2 || out != "" || stderr != want {
			t.Errorf("%s frobnicate: exit %d, stdout %q, stderr %q; want exit 2 and %q", name, code, out, stderr, want)
		}
		// Without a subcommand a group prints its help, as an error.
		code, out, stderr = runIn(t, words...)
		if len(words) > 0 && (code != 2 || out != "" || !strings.HasPrefix(stderr, "Usage: "+name+" COMMAND")) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and the help on stderr", name, code, out, stderr)
		}
	}
	if code, _, stderr := runIn(t, "help", "inventory", "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "inventory frobnicate"`) {
		t.Errorf("vigil help inventory frobnicate: exit %d, stderr %q", code, stderr)
	}
}

// TestVersion checks "vigil version" and "vigil --version" print the same:
// the Go version and the schema version a database is migrated to.
func TestVersion(t *testing.T) {
	code, out, stderr := runIn(t, "version")
	if code != 0 || stderr != "" {
		t.Fatalf("vigil version: exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"vigil ", "\nrevision ", "\ngo go1.", "\nschema " + store.SchemaVersion() + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("vigil version lacks %q:\n%s", want, out)
		}
	}
	if store.SchemaVersion() == "" {
		t.Error("no schema version")
	}
	if code, again, _ := runIn(t, "--version"); code != 0 || again != out {
		t.Errorf("vigil --version: exit %d\n%s\nwant\n%s", code, again, out)
	}
	if code, _, stderr := runIn(t, "version", "extra"); code != 2 || !strings.Contains(stderr, "see vigil version -h") {
		t.Errorf("vigil version extra: exit %d, stderr %q", code, stderr)
	}
}

// TestVersionFromBuildInfo checks what a binary built from a checkout
// says, and one built without VCS stamping (as CI builds with
// -buildvcs=false).
func TestVersionFromBuildInfo(t *testing.T) {
	var b bytes.Buffer
	writeVersion(&b, &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "v0.9.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "2abf3f37f64f193e8c04fa1e7659e1c8c54bb0be"},
		{Key: "vcs.time", Value: "2026-12-06T03:43:08Z"},
		{Key: "vcs.modified", Value: "true"},
	}})
	want := "vigil v0.9.0\nrevision 2abf3f37f64f193e8c04fa1e7659e1c8c54bb0be (modified)\ncommitted 2026-12-06T03:43:08Z\ngo go1.27.3 " +
		runtime.GOOS + "/" + runtime.GOARCH + "\nschema " + store.SchemaVersion() + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	writeVersion(&b, nil)
	if !strings.Contains(b.String(), "vigil (unknown)\nrevision unknown") || !strings.Contains(b.String(), "\ngo "+runtime.Version()) {
		t.Errorf("without build information:\n%s", b.String())
	}
}
