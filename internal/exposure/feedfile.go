package exposure

import (
	"bufio"
	"context"
	"errors"
	"io"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/sbom"
)

// sniff is how much of a file decides whether it is an SBOM.
const sniff = 64 << 10

// ReadFeedFile is ReadFeedFileLimits under the default limits.
func ReadFeedFile(ctx context.Context, name string, r io.Reader) (FeedFile, error) {
	return ReadFeedFileLimits(ctx, name, r, bound.Default())
}

// ReadFeedFileLimits parses one file handed in for ImportFeeds: an SBOM
// when its first bytes look like one (CycloneDX or SPDX), else a
// vulnerability feed or advisory, whose format feeds.ParseLimits detects.
// The file is held to lim as it is read: nothing past a limit is read or
// held, and the error (EINVALID) names the flag that raises it. name is
// the file's name, for provenance and errors.
func ReadFeedFileLimits(ctx context.Context, name string, r io.Reader, lim bound.Limits) (FeedFile, error) {
	br := bufio.NewReaderSize(r, sniff)
	head, _ := br.Peek(sniff)
	ff := FeedFile{Name: name}
	var err error
	if sbom.Detect(head) != sbom.FormatUnknown {
		ff.SBOM, err = sbom.ParseLimits(ctx, name, br, lim)
	} else {
		ff.Batch, err = feeds.ParseLimits(ctx, name, br, lim)
	}
	var ve *vigil.Error
	switch {
	case err == nil:
		return ff, nil
	case errors.As(err, &ve):
		return FeedFile{}, ve // a limit met: its message is already the user's
	}
	return FeedFile{}, vigil.WrapError(vigil.EINVALID, err.Error(), err)
}
