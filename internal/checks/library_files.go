package checks

import (
	"fmt"
	"io/fs"
	"path"
)

// LibraryFile is the text of one shipped check file.
type LibraryFile struct {
	Name string // the file's base name, as Check.File has it
	Data []byte
}

// LibraryFiles returns the text of every shipped check file, in file-name
// order, so that the checks can be stored as their source and edited.
func LibraryFiles() ([]LibraryFile, error) {
	names, err := fs.Glob(libraryFS, "library/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("checks: library: %w", err)
	}
	out := make([]LibraryFile, 0, len(names))
	for _, name := range names {
		data, err := libraryFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("checks: library: %w", err)
		}
		out = append(out, LibraryFile{Name: path.Base(name), Data: data})
	}
	return out, nil
}
