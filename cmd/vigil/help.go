package main

import (
	"errors"
	"strings"
)

// isHelpArg reports whether a is a request for help.
func isHelpArg(a string) bool {
	switch a {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// groupHelp turns the usage error a command group returns for "-h" in place
// of a subcommand into its usage text, so "vigil vulns -h" prints the group's
// usage (first line naming the command typed) and exits 0 like a flag set's
// -h does. It reports false when err is no such error.
func groupHelp(args []string, err error) (string, bool) {
	var ue *usageError
	if len(args) == 0 || !isHelpArg(args[0]) || !errors.As(err, &ue) {
		return "", false
	}
	msg := ue.msg
	if strings.HasPrefix(msg, "unknown ") {
		if _, rest, ok := strings.Cut(msg, "\n"); ok {
			msg = rest
		}
	}
	return msg, true
}
