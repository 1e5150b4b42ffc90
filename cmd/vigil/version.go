package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/vigil-health/vigil/internal/store"
)

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print the version, the source revision, the Go version and the database schema",
		about: "Prints the module version, the source control revision and commit time the binary " +
			"was built from (when it was built from a checkout with VCS stamping; what is known " +
			"otherwise), the Go toolchain and platform, and the database schema version every " +
			"command migrates a database to. \"vigil --version\" prints the same.",
		examples: []string{
			"vigil version",
			"vigil --version",
		},
		run: runVersion,
	}
}

func runVersion(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("version")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments")
	}
	bi, _ := debug.ReadBuildInfo()
	writeVersion(m.Stdout, bi)
	return nil
}

// writeVersion prints what bi (nil when the binary carries none) says of
// the build, and the schema version.
func writeVersion(w io.Writer, bi *debug.BuildInfo) {
	version, goVersion := "(unknown)", runtime.Version()
	var revision, at, modified string
	if bi != nil {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			}
		}
	}
	fmt.Fprintf(w, "vigil %s\n", version)
	if revision != "" {
		fmt.Fprintf(w, "revision %s%s\n", revision, modified)
	} else {
		fmt.Fprintln(w, "revision unknown (built without VCS information)")
	}
	if at != "" {
		fmt.Fprintf(w, "committed %s\n", at)
	}
	fmt.Fprintf(w, "go %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "schema %s\n", store.SchemaVersion())
}
