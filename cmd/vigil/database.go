package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	vigil "github.com/vigil-health/vigil"
)

// checkDatabaseFile refuses to open a SQLite database that does not exist
// unless the running command may create one (command.creates): a mistyped
// --db is an error, not a new empty database. When the command may, it
// notes the files that opening will create (the database, its journal
// files, the head log, the audit key and the evidence directory beside it)
// so that Run removes them if the command fails: a failed command leaves
// nothing behind. side lists those beside the database.
func (m *Main) checkDatabaseFile(path string, side ...string) error {
	_, err := os.Stat(path)
	if err == nil {
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot open the database %s: %v", path, pathErr(err)), err)
	}
	if !m.creates {
		return vigil.Errorf(vigil.ENOTFOUND, "there is no database at %s: create one with 'vigil demo' (a demo hospital) or 'vigil import' (your own files), or name an existing one with --db or VIGIL_DB", path)
	}
	if m.evidenceDir == "" && m.Getenv("VIGIL_EVIDENCE_DIR") == "" {
		side = append(side, filepath.Join(filepath.Dir(path), "evidence"))
	}
	for _, p := range append([]string{path, path + "-wal", path + "-shm", path + "-journal"}, side...) {
		if p == "" {
			continue
		}
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			m.created = append(m.created, p)
		}
	}
	return nil
}

// removeCreated removes what opening a new database created, newest first.
func (m *Main) removeCreated() {
	for i := len(m.created) - 1; i >= 0; i-- {
		os.RemoveAll(m.created[i])
	}
	m.created = nil
}
