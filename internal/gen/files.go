package gen

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/vigil-health/vigil"
)

// Extra writes further files for a generated hospital: packet captures
// (internal/pcapgen), SBOMs, advisories, vendor records. It is the
// extension point of WriteFiles: an Extra reads Hospital.Devices and
// Hospital.Networks (addresses, MACs, open ports, firmware) and writes its
// files under dir, returning what it wrote.
type Extra interface {
	WriteFiles(h *Hospital, dir string) ([]File, error)
}

// WriteFiles writes the hospital's files into dir (created if missing):
// FileCMMS, FileCMDB, FileNmap, FileSegments and FileTruth, then whatever each extra
// writes. It returns the files in the order written. The same hospital
// always gives the same bytes.
func (h *Hospital) WriteFiles(dir string, extras ...Extra) ([]File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, "gen: cannot create the output directory", err)
	}
	steps := []struct {
		name, source string
		write        func(io.Writer) error
	}{
		{FileCMMS, SourceCMMS, func(w io.Writer) error { return writeCMMS(w, h.cmms) }},
		{FileCMDB, SourceCMDB, func(w io.Writer) error { return writeCMDB(w, h.cmdb, h.Now) }},
		{FileNmap, SourceNmap, func(w io.Writer) error { _, err := writeNmap(w, h.scan); return err }},
		{FileSegments, "", h.writeSegments},
		{FileTruth, "", h.writeTruth},
	}
	var files []File
	for _, s := range steps {
		f, err := writeFile(filepath.Join(dir, s.name), s.write)
		if err != nil {
			return files, vigil.WrapError(vigil.EUNAVAILABLE, "gen: cannot write "+s.name, err)
		}
		f.Name, f.Source = s.name, s.source
		files = append(files, f)
	}
	for _, x := range extras {
		more, err := x.WriteFiles(h, dir)
		files = append(files, more...)
		if err != nil {
			return files, err
		}
	}
	return files, nil
}

// writeFile writes one file through a SHA-256 and returns its size and hash.
func writeFile(path string, write func(io.Writer) error) (File, error) {
	out, err := os.Create(path)
	if err != nil {
		return File{}, err
	}
	sum := sha256.New()
	cw := &countWriter{w: io.MultiWriter(out, sum)}
	if err := write(cw); err != nil {
		out.Close()
		return File{}, err
	}
	if err := out.Close(); err != nil {
		return File{}, err
	}
	return File{Size: cw.n, SHA256: hex.EncodeToString(sum.Sum(nil))}, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

// Write writes p to the underlying writer and counts it.
func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Summary counts the ground truth: devices per type and per source set,
// and injected quirks per kind.
type Summary struct {
	Devices   int            `json:"devices"`
	Types     map[string]int `json:"types"`
	Sites     map[string]int `json:"sites"`
	BySources map[string]int `json:"by_sources"` // "cmdb+cmms", "cmms", "" (network only)...
	Quirks    map[string]int `json:"quirks"`
	Rows      map[string]int `json:"rows"`   // rows or hosts per source file
	Unseen    int            `json:"unseen"` // connected devices off the network for weeks
}

// Summary returns the counts of the ground truth.
func (h *Hospital) Summary() *Summary {
	s := &Summary{Devices: len(h.Devices), Types: map[string]int{}, Sites: map[string]int{},
		BySources: map[string]int{}, Quirks: map[string]int{},
		Rows: map[string]int{SourceCMMS: len(h.cmms), SourceCMDB: len(h.cmdb), SourceNmap: len(h.scan.hosts)}}
	for _, d := range h.Devices {
		s.Types[d.DeviceType]++
		s.Sites[d.Site]++
		key := ""
		for _, src := range d.Sources {
			if src == SourceNmap {
				continue
			}
			if key != "" {
				key += "+"
			}
			key += src
		}
		s.BySources[key]++
		for _, q := range d.Quirks {
			s.Quirks[q]++
		}
		if d.Unseen {
			s.Unseen++
		}
	}
	return s
}

// writeTruth writes ground_truth.json: the hospital's header fields
// indented, then one device per line so that large hospitals stay
// readable and diffable.
func (h *Hospital) writeTruth(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	head := []struct {
		key string
		val any
	}{
		{"generator", "vigil gen"}, {"seed", h.Seed}, {"now", h.Now},
		{"sources", SourceKinds()}, {"summary", h.Summary()},
		{"sites", h.Sites}, {"networks", h.Networks}, {"oversight", h.Oversight},
	}
	bw.WriteString("{\n")
	for _, kv := range head {
		v, err := json.Marshal(kv.val)
		if err != nil {
			return err
		}
		k, _ := json.Marshal(kv.key)
		bw.Write(k)
		bw.WriteString(": ")
		bw.Write(v)
		bw.WriteString(",\n")
	}
	bw.WriteString("\"devices\": [\n")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, d := range h.Devices {
		buf.Reset()
		if err := enc.Encode(d); err != nil {
			return err
		}
		b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		bw.Write(b)
		if i < len(h.Devices)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

// SourceKinds returns the kind of each source the generator writes.
func SourceKinds() map[string]vigil.SourceKind {
	return map[string]vigil.SourceKind{
		SourceCMMS: vigil.SourceInventory,
		SourceCMDB: vigil.SourceInventory,
		SourceNmap: vigil.SourceScanner,
	}
}

// Records returns, per source name, the records an importer makes of that
// source's file: canonical field names, MACs lower-case with colons, host
// names lower-case, manufacturers under their one canonical name (the
// files spell them many ways), risk class and status mapped to Vigil's
// criticality and lifecycle, other values as written. Origins give file and line (CSV,
// XML) or sheet and row (XLSX).
func (h *Hospital) Records() map[string][]*vigil.Record {
	lines, err := writeNmap(io.Discard, h.scan)
	if err != nil {
		lines = make([]int, len(h.scan.hosts)) // io.Discard cannot fail
	}
	return map[string][]*vigil.Record{
		SourceCMMS: cmmsRecords(h.cmms, h.Now),
		SourceCMDB: cmdbRecords(h.cmdb),
		SourceNmap: nmapRecords(h.scan, lines),
	}
}

// Snapshots returns the records as one snapshot per source, ready for
// vigil.ImportService.Import, in a fixed order: cmms, cmdb, nmap.
func (h *Hospital) Snapshots() []*vigil.Snapshot {
	recs := h.Records()
	kinds := SourceKinds()
	return []*vigil.Snapshot{
		{Source: vigil.Source{Name: SourceCMMS, Kind: kinds[SourceCMMS], CreatedAt: h.Now},
			Files: []string{FileCMMS}, TakenAt: h.Now, Records: recs[SourceCMMS]},
		{Source: vigil.Source{Name: SourceCMDB, Kind: kinds[SourceCMDB], CreatedAt: h.Now},
			Files: []string{FileCMDB}, TakenAt: h.Now, Records: recs[SourceCMDB]},
		{Source: vigil.Source{Name: SourceNmap, Kind: kinds[SourceNmap], CreatedAt: h.Now},
			Files: []string{FileNmap}, TakenAt: h.scan.end, Records: recs[SourceNmap]},
	}
}
