package checks

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
)

//go:embed library/*.yaml
var libraryFS embed.FS

// Library returns the checks Vigil ships, parsed from the embedded
// library/*.yaml files, in file-name order.
func Library() ([]*Check, error) {
	names, err := fs.Glob(libraryFS, "library/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("checks: library: %w", err)
	}
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("checks: environment: %w", err)
	}
	out := make([]*Check, 0, len(names))
	for _, name := range names {
		data, err := libraryFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("checks: library: %w", err)
		}
		c, err := parseYAML(path.Base(name), data)
		if err == nil {
			_, err = compileCheck(env, c)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
