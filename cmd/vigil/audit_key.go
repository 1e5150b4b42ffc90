package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/syslog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/store"
)

// auditKeyFile is the name of the audit key created in the data directory.
const auditKeyFile = "vigil-audit.key"

// openDB opens the store at dsn with the audit key and head log: the key
// from VIGIL_AUDIT_KEY (the secret itself), VIGIL_AUDIT_KEY_FILE (a file
// holding it, as a secret manager mounts one) or vigil-audit.key in the data
// directory, created 0600 at first start; the head log from
// VIGIL_AUDIT_HEAD_LOG or beside the database in the data directory. The
// data directory is VIGIL_AUDIT_DIR, else the SQLite file's directory, else
// (PostgreSQL) the user's configuration directory's vigil/. With
// VIGIL_AUDIT_SYSLOG every anchor goes to syslog as well (anchorCopy).
func (m *Main) openDB(ctx context.Context, dsn string) (*store.DB, error) {
	engine, conn, err := store.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	dir, headName := m.Getenv("VIGIL_AUDIT_DIR"), ""
	switch engine {
	case "sqlite":
		if dir == "" {
			dir = filepath.Dir(conn)
			// The database's own directory is never created here: a
			// mistyped path is an error, not a new database somewhere.
			if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
				return nil, vigil.Errorf(vigil.EINVALID, "cannot open the database %s: the directory %s does not exist", conn, dir)
			}
		}
		headName = filepath.Base(conn) + ".audit-head"
	default:
		if dir == "" {
			cfg, err := os.UserConfigDir()
			if err != nil {
				return nil, vigil.Errorf(vigil.EINVALID, "no directory for the audit key and head log: set VIGIL_AUDIT_DIR")
			}
			dir = filepath.Join(cfg, "vigil")
		}
		headName = "audit-head-" + pgName(conn)
	}
	head := m.Getenv("VIGIL_AUDIT_HEAD_LOG")
	if head == "" {
		head = filepath.Join(dir, headName)
	}
	if engine == "sqlite" {
		keyFile := ""
		if m.Getenv("VIGIL_AUDIT_KEY") == "" && m.Getenv("VIGIL_AUDIT_KEY_FILE") == "" {
			keyFile = filepath.Join(dir, auditKeyFile)
		}
		if err := m.checkDatabaseFile(conn, head, keyFile); err != nil {
			return nil, err
		}
	}
	key, err := m.auditKey(dir)
	if err != nil {
		return nil, err
	}
	copy, err := m.anchorCopy()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, store.Config{DSN: dsn, AuditKey: key, HeadLog: head, AnchorCopy: copy})
}

// anchorCopy is where VIGIL_AUDIT_SYSLOG sends a copy of each audit
// anchor, off the machine that holds the database and the head log:
// "local" for this machine's syslog daemon (which a site forwards to its
// log collector), "udp://HOST:PORT" or "tcp://HOST:PORT" for a remote one.
// The messages are facility authpriv, severity notice, tag vigil-audit;
// nil when the variable is unset.
func (m *Main) anchorCopy() (io.Writer, error) {
	v := strings.TrimSpace(m.Getenv("VIGIL_AUDIT_SYSLOG"))
	if v == "" {
		return nil, nil
	}
	network, addr := "", ""
	if v != "local" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "udp" && u.Scheme != "tcp") || u.Host == "" || u.Port() == "" {
			return nil, vigil.Errorf(vigil.EINVALID, "VIGIL_AUDIT_SYSLOG=%s: want local, udp://HOST:PORT or tcp://HOST:PORT", bound.Quote(v))
		}
		network, addr = u.Scheme, u.Host
	}
	w, err := syslog.Dial(network, addr, syslog.LOG_AUTHPRIV|syslog.LOG_NOTICE, "vigil-audit")
	if err != nil {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "VIGIL_AUDIT_SYSLOG=%s: cannot reach syslog: %v", v, err)
	}
	return w, nil
}

// pgName names a PostgreSQL database by a digest of its host, database and
// search path, never its password.
func pgName(conn string) string {
	u, err := url.Parse(conn)
	if err != nil {
		return "postgres"
	}
	sum := sha256.Sum256([]byte(u.Host + u.Path + "?" + u.Query().Get("search_path")))
	return hex.EncodeToString(sum[:6])
}

func (m *Main) auditKey(dir string) ([]byte, error) {
	if v := m.Getenv("VIGIL_AUDIT_KEY"); v != "" {
		return []byte(v), nil
	}
	path := m.Getenv("VIGIL_AUDIT_KEY_FILE")
	if path != "" {
		return readAuditKey(path)
	}
	path = filepath.Join(dir, auditKeyFile)
	key, err := readAuditKey(path)
	if vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return key, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write the database directory's audit key: cannot create %s: %v", dir, pathErr(err)), err)
	}
	b := make([]byte, 32)
	rand.Read(b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process created it first
		return readAuditKey(path)
	}
	if err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write the database directory's audit key %s: %v", path, pathErr(err)), err)
	}
	if _, err := f.WriteString(hex.EncodeToString(b) + "\n"); err != nil {
		f.Close()
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write the audit key %s: %v", path, pathErr(err)), err)
	}
	if err := f.Close(); err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write the audit key %s: %v", path, pathErr(err)), err)
	}
	return readAuditKey(path)
}

// readAuditKey reads a key file: its content, surrounding space trimmed. A
// file others may read is refused.
func readAuditKey(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "the audit key file %s does not exist", path)
	}
	if err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot read the audit key %s: %v", path, pathErr(err)), err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, vigil.Errorf(vigil.EINVALID, "the audit key %s may be read by others (mode %o): chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot read the audit key %s: %v", path, pathErr(err)), err)
	}
	key := []byte(strings.TrimSpace(string(b)))
	if len(key) < store.MinAuditKey {
		return nil, vigil.Errorf(vigil.EINVALID, "the audit key %s is too short (%d bytes; at least %d)", path, len(key), store.MinAuditKey)
	}
	return key, nil
}
