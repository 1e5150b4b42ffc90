package exposure

import (
	"bufio"
	"context"
	"io"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/sbom"
)

// sniff is how much of a file decides whether it is an SBOM.
const sniff = 64 << 10

// ReadFeedFile parses one file handed in for ImportFeeds: an SBOM when its
// first bytes look like one (CycloneDX or SPDX), else a vulnerability feed
// or advisory, whose format feeds.Parse detects. name is the file's name,
// for provenance and errors.
func ReadFeedFile(ctx context.Context, name string, r io.Reader) (FeedFile, error) {
	br := bufio.NewReaderSize(r, sniff)
	head, _ := br.Peek(sniff)
	ff := FeedFile{Name: name}
	var err error
	if sbom.Detect(head) != sbom.FormatUnknown {
		ff.SBOM, err = sbom.Parse(ctx, name, br)
	} else {
		ff.Batch, err = feeds.Parse(ctx, name, br)
	}
	if err != nil {
		return FeedFile{}, vigil.WrapError(vigil.EINVALID, err.Error(), err)
	}
	return ff, nil
}
