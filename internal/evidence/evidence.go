// Package evidence holds the use cases of the evidence repository: adding a
// file as evidence of controls and devices, new versions that never
// overwrite the old, listing and downloading, verifying that every file and
// every record is as it was stored, deleting within the retention rules,
// and gathering evidence by itself after every change (auto.go). Files are
// kept by content address (internal/blob); records in the store, each
// digested into its audit event.
package evidence

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/blob"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/store"
)

// Catalogs gives the control frameworks, built in and imported, that
// evidence may name; the compliance service provides it.
type Catalogs interface {
	Catalog(ctx context.Context) (*catalog.Catalog, error)
}

// Service is the evidence use cases over one store and one blob directory.
type Service struct {
	db    *store.DB
	blobs *blob.Store
	cats  Catalogs
	lim   bound.Limits
}

// New returns the evidence service keeping its files in blobs; cats
// resolves the controls evidence names.
func New(db *store.DB, blobs *blob.Store, cats Catalogs) *Service {
	return &Service{db: db, blobs: blobs, cats: cats}
}

// WithLimits returns the service adding files under l (zero fields: the
// defaults): a file over l.FileBytes is refused as it streams into the
// blob store, with bound.Over's error naming --max-file-bytes, and what was
// written of it is removed.
func (s *Service) WithLimits(l bound.Limits) *Service {
	c := *s
	c.lim = l
	return &c
}

// Dir returns the directory the files are kept in.
func (s *Service) Dir() string { return s.blobs.Dir() }

// Add stores file as a new piece of evidence described by meta: the content
// is streamed into the blob store first, then the record is written in one
// transaction with its audit event. When the record fails, the file stays
// behind as an unreferenced content-addressed file: harmless (its name is
// its hash, nothing points to it) and reused if the same content comes
// again. It returns the record as stored; meta is not changed. A file over
// the service's file-bytes limit (WithLimits) is refused while it streams,
// and nothing of it is kept.
func (s *Service) Add(ctx context.Context, actor *vigil.User, meta *vigil.Evidence, file io.Reader) (*vigil.Evidence, error) {
	e := *meta
	e.ID, e.Version = 0, 0
	e.Areas, e.Controls, e.Devices = slices.Clone(e.Areas), slices.Clone(e.Controls), slices.Clone(e.Devices)
	if err := s.check(ctx, &e); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(bound.File(file, cmp.Or(e.FileName, "the evidence file"), s.lim), 4096)
	if e.MediaType == "" {
		e.MediaType = mediaType(e.FileName, br)
	}
	key, size, err := s.blobs.Put(ctx, br)
	if err != nil {
		var ve *vigil.Error
		if _, ok := bound.AsLimitError(err); ok && errors.As(err, &ve) {
			return nil, ve // Put removed what it wrote
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, vigil.WrapError(vigil.EUNAVAILABLE, "storing the evidence file was interrupted", err)
		}
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, "cannot store the evidence file", err)
	}
	e.Key, e.Size = key, size
	if err := s.db.Update(ctx, func(tx *store.Tx) error { return tx.AddEvidence(ctx, actor, &e) }); err != nil {
		return nil, err
	}
	return &e, nil
}

// NewVersion stores file as the next version of the evidence prev, which
// must be the newest of its versions. Metadata left empty in meta (title,
// areas, controls, devices, period, expiry) is carried over from prev.
func (s *Service) NewVersion(ctx context.Context, actor *vigil.User, prev int64, meta *vigil.Evidence, file io.Reader) (*vigil.Evidence, error) {
	old, err := s.db.EvidenceByID(ctx, prev)
	if err != nil {
		return nil, err
	}
	e := *meta
	if strings.TrimSpace(e.Title) == "" {
		e.Title = old.Title
	}
	if len(e.Areas) == 0 {
		e.Areas = old.Areas
	}
	if len(e.Controls) == 0 {
		e.Controls = old.Controls
	}
	if len(e.Devices) == 0 {
		e.Devices = old.Devices
	}
	if e.EffectiveFrom.IsZero() && e.EffectiveTo.IsZero() {
		e.EffectiveFrom, e.EffectiveTo = old.EffectiveFrom, old.EffectiveTo
	}
	if e.ExpiresAt.IsZero() {
		e.ExpiresAt = old.ExpiresAt
	}
	e.Supersedes = prev
	return s.Add(ctx, actor, &e, file)
}

// check validates meta and resolves its controls against the catalogs
// (built in and imported) and its devices against the inventory.
func (s *Service) check(ctx context.Context, e *vigil.Evidence) error {
	e.FileName = filepath.Base(strings.ReplaceAll(e.FileName, `\`, "/"))
	if e.FileName == "." || e.FileName == "/" {
		e.FileName = ""
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if len(e.Controls) > 0 {
		cat, err := s.cats.Catalog(ctx)
		if err != nil {
			return err
		}
		for i, c := range e.Controls {
			ref, ok := cat.Resolve(c)
			if !ok {
				return vigil.Errorf(vigil.ENOTFOUND, "no control %s", c)
			}
			e.Controls[i] = ref
		}
	}
	for _, d := range e.Devices {
		if _, err := s.db.FindDeviceByID(ctx, d); err != nil {
			return err
		}
	}
	return e.Validate() // sorts the resolved controls again
}

// mediaType names the content by the file's extension, else by sniffing
// its first bytes.
func mediaType(name string, br *bufio.Reader) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return t
	}
	head, _ := br.Peek(512)
	return http.DetectContentType(head)
}

// List returns the evidence f selects, newest first.
func (s *Service) List(ctx context.Context, f vigil.EvidenceFilter) ([]*vigil.Evidence, error) {
	return s.db.FindEvidence(ctx, f)
}

// Get returns one version of a piece of evidence.
func (s *Service) Get(ctx context.Context, id int64) (*vigil.Evidence, error) {
	return s.db.EvidenceByID(ctx, id)
}

// Versions returns every version of the evidence id belongs to, oldest first.
func (s *Service) Versions(ctx context.Context, id int64) ([]*vigil.Evidence, error) {
	return s.db.EvidenceHistory(ctx, id)
}

// Open returns the evidence and its file, after hashing the file again: a
// file changed or missing since it was stored is refused, never served.
func (s *Service) Open(ctx context.Context, id int64) (*vigil.Evidence, *os.File, error) {
	e, err := s.db.EvidenceByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.blobs.Verify(e.Key); err != nil {
		return nil, nil, fileError(e, err)
	}
	f, err := s.blobs.Open(e.Key)
	if err != nil {
		return nil, nil, fileError(e, err)
	}
	return e, f, nil
}

func fileError(e *vigil.Evidence, err error) error {
	var ce *blob.ChangedError
	switch {
	case errors.Is(err, blob.ErrNotFound):
		return vigil.WrapError(vigil.ENOTFOUND, "the file of evidence "+itoa(e.ID)+" is missing from the evidence directory", err)
	case errors.As(err, &ce):
		return vigil.WrapError(vigil.ECONFLICT, "the file of evidence "+itoa(e.ID)+" has changed since it was stored", err)
	}
	return vigil.WrapError(vigil.EUNAVAILABLE, "cannot read the file of evidence "+itoa(e.ID), err)
}

// Delete deletes one version of a piece of evidence: an admin only, and
// within the six-year retention only when forced with a reason. The file
// goes too once no other record holds the same content.
func (s *Service) Delete(ctx context.Context, actor *vigil.User, id int64, force bool, reason string) error {
	var gone *vigil.Evidence
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		e, err := tx.DeleteEvidence(ctx, actor, id, force, reason)
		gone = e
		return err
	})
	if err != nil {
		return err
	}
	inUse, err := s.db.EvidenceKeyInUse(ctx, gone.Key)
	if err != nil || inUse {
		return err
	}
	if err := s.blobs.Remove(gone.Key); err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "the record was deleted, but not its file", err)
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
