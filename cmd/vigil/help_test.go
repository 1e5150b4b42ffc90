package main

import (
	"bytes"
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// runHelp runs vigil in process with args and returns its exit code and the
// first non-empty line it printed (stdout first, then stderr).
func runHelp(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), args)
	all := out.String() + errb.String()
	for _, l := range strings.Split(all, "\n") {
		if strings.TrimSpace(l) != "" {
			return code, l, all
		}
	}
	return code, "", all
}

// subcommands reads a group's subcommands from its usage text: the lines
// "  NAME ..." of a COMMAND list and every "vigil GROUP NAME" it spells out.
func subcommands(group, usage string) []string {
	seen := map[string]bool{}
	listed := regexp.MustCompile(`^  ([a-z][a-z0-9-]*)(?:\s|$)`)
	spelled := regexp.MustCompile(`vigil ` + regexp.QuoteMeta(group) + ` ([a-z][a-z0-9-]*(?: (?:add|remove|list|import|set|show))?)`)
	for _, l := range strings.Split(usage, "\n") {
		if m := listed.FindStringSubmatch(l); m != nil && strings.Contains(usage, "COMMAND") {
			seen[m[1]] = true
		}
		for _, m := range spelled.FindAllStringSubmatch(l, -1) {
			if m[1] != "COMMAND" {
				seen[m[1]] = true
			}
		}
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestEveryHelpNamesTheCommand walks every command and subcommand with -h and
// checks the first line of help names the command as typed ("vigil vulns
// list", never another group's name) and that help exits 0.
func TestEveryHelpNamesTheCommand(t *testing.T) {
	walked := 0
	for _, c := range commands() {
		code, first, all := runHelp(t, c.name, "-h")
		if code != 0 || !namesCommand(first, "vigil "+c.name) {
			t.Errorf("vigil %s -h: exit %d, first line %q, want it to name %q and exit 0", c.name, code, first, "vigil "+c.name)
			continue
		}
		walked++
		if strings.HasPrefix(first, "Usage of ") {
			continue // a command with flags, no subcommands
		}
		for _, sub := range subcommands(c.name, all) {
			typed := "vigil " + c.name + " " + sub
			args := append([]string{c.name}, strings.Fields(sub)...)
			code, first, _ := runHelp(t, append(args, "-h")...)
			if code != 0 || !namesCommand(first, typed) {
				t.Errorf("%s -h: exit %d, first line %q, want it to name %q and exit 0", typed, code, first, typed)
			}
			walked++
		}
	}
	if walked < 60 {
		t.Errorf("walked %d commands and subcommands, want the whole tree (at least 60)", walked)
	}
}

// namesCommand reports whether a help line names cmd exactly: "Usage of
// vigil vulns list:" or "usage: vigil vulns list ...", not "vigil inventory
// vulns list".
func namesCommand(line, cmd string) bool {
	line = strings.TrimPrefix(strings.TrimPrefix(line, "vigil: "), "Usage of ")
	line = strings.TrimPrefix(line, "usage: ")
	return line == cmd || strings.HasPrefix(line, cmd+":") || strings.HasPrefix(line, cmd+" ")
}
