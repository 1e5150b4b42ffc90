//go:build linux

package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 16: a small hostile file must be refused with one clear error
// while the process stays small. Each bomb is generated at test time,
// streamed to a file, then imported through the CLI and uploaded to a
// running server, both under `ulimit -v` of 3 GiB: the error names the
// limit in one bounded line, nothing is written, and the process's peak
// resident memory stays under 1 GiB.

const (
	bombAddressSpace = 3 << 30 // ulimit -v
	bombPeakRSS      = 1 << 30 // the most a process may use refusing a bomb
	maxErrorLine     = 512     // the longest error line a bomb may get
)

// bomb is one hostile file, what its refusal names, and the flags that
// lower the limits for the CLI run (the server runs on the defaults).
type bomb struct {
	name  string // the file name, whose extension tells the format
	write func(w *bufio.Writer)
	xlsx  *xlsxBomb // set for workbooks instead of write
	want  string    // what the error names: the flag that raises the limit
	flags []string  // extra flags of vigil import
	cli   bool      // CLI only (vigil discover)
	// args is the command that imports the file, before the flags and
	// the path: vigil import --source bomb when empty.
	args []string
	// upload sends the file to the running server and returns its answer:
	// POST /api/v1/import when nil.
	upload func(t *testing.T, url, token, path string) (*http.Response, error)
}

// moreBombs are the bombs of other importers, added by their own files'
// init functions.
var moreBombs []func() []bomb

// bombs are the hostile files of the suite, every format, every limit.
func bombs() []bomb {
	row := `<row><c t="inlineStr"><is><t>10.0.0.1</t></is></c></row>`
	return []bomb{
		// XLSX: a 350 KB archive inflating to two million rows (the
		// issue's had 10.7 million: past the limit the rest is never read),
		// one 900 MiB shared string (the 0.9 MB bomb), one 64 MiB
		// inline cell, a row of cells to column XFD, a workbook nested
		// five million deep.
		{name: "row-bomb.xlsx", want: "--max-rows", xlsx: &xlsxBomb{sheet: func(w *bufio.Writer) {
			w.WriteString(`<row><c t="inlineStr"><is><t>IP Address</t></is></c></row>`)
			repeat(w, row, 2_000_000)
		}}},
		{name: "shared-cell-bomb.xlsx", want: "--max-record-bytes", xlsx: &xlsxBomb{level: flate.BestSpeed,
			shared: func(w *bufio.Writer) {
				w.WriteString(`<sst><si><t>IP Address</t></si><si><t>`)
				repeat(w, "A", 900<<20)
				w.WriteString(`</t></si></sst>`)
			},
			sheet: func(w *bufio.Writer) {
				w.WriteString(`<row><c t="s"><v>0</v></c></row><row><c t="s"><v>1</v></c></row>`)
			},
		}},
		{name: "inline-cell-bomb.xlsx", want: "--max-record-bytes", xlsx: &xlsxBomb{level: flate.BestSpeed, sheet: func(w *bufio.Writer) {
			w.WriteString(`<row><c t="inlineStr"><is><t>IP Address</t></is></c></row><row><c t="inlineStr"><is><t>`)
			repeat(w, "A", 64<<20)
			w.WriteString(`</t></is></c></row>`)
		}}},
		{name: "column-bomb.xlsx", want: "--max-columns", xlsx: &xlsxBomb{sheet: func(w *bufio.Writer) {
			w.WriteString(`<row><c t="inlineStr"><is><t>IP Address</t></is></c><c r="XFD1"><v>1</v></c></row>`)
		}}},
		{name: "deep-bomb.xlsx", want: "--max-depth", xlsx: &xlsxBomb{deepBook: true, sheet: func(w *bufio.Writer) { w.WriteString(row) }}},

		// CSV: one line of 100 million header columns (the 200 MB
		// file), one value of 200 MB, a million-and-one rows.
		{name: "column-bomb.csv", want: "--max-columns", write: func(w *bufio.Writer) {
			w.WriteString("IP Address")
			repeat(w, ",a", 100_000_000)
		}},
		{name: "long-line.csv", want: "--max-field-bytes", write: func(w *bufio.Writer) {
			w.WriteString("IP Address,Notes\n10.0.0.1,")
			repeat(w, "x", 200<<20)
		}},
		{name: "row-bomb.csv", want: "--max-rows", flags: []string{"--max-rows", "100000"}, write: func(w *bufio.Writer) {
			w.WriteString("IP Address\n")
			repeat(w, "10.0.0.1\n", 1_100_000)
		}},

		// JSON Lines: a 100 MB line, nesting ten million deep, a 100 MB
		// string, a line of a million keys.
		{name: "long-line.jsonl", want: "--max-record-bytes", write: func(w *bufio.Writer) {
			w.WriteString(`{"ip":"10.0.0.1","n":[1`)
			repeat(w, ",1", 50_000_000)
			w.WriteString("]}\n")
		}},
		{name: "deep.jsonl", want: "--max-depth", write: func(w *bufio.Writer) {
			w.WriteString(`{"ip":"10.0.0.1","x":`)
			repeat(w, "[", 10_000_000)
			repeat(w, "]", 10_000_000)
			w.WriteString("}\n")
		}},
		{name: "cell-bomb.jsonl", want: "--max-field-bytes", write: func(w *bufio.Writer) {
			w.WriteString(`{"ip":"10.0.0.1","notes":"`)
			repeat(w, "x", 100<<20)
			w.WriteString("\"}\n")
		}},
		{name: "column-bomb.jsonl", want: "--max-columns", write: func(w *bufio.Writer) {
			w.WriteString(`{"ip":"10.0.0.1"`)
			for i := range 1_000_000 {
				fmt.Fprintf(w, `,"k%d":1`, i)
			}
			w.WriteString("}\n")
		}},

		// nmap XML: 120 MB nested forty million deep, a 100 MB host name,
		// a host of a million ports.
		{name: "deep.xml", want: "--max-depth", write: func(w *bufio.Writer) {
			w.WriteString(`<nmaprun><host>`)
			repeat(w, "<a>", 40_000_000)
		}},
		{name: "host-name.xml", want: "--max-", write: func(w *bufio.Writer) {
			w.WriteString(`<nmaprun><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><hostnames><hostname name="`)
			repeat(w, "a", 100<<20)
			w.WriteString(`" type="PTR"/></hostnames></host></nmaprun>`)
		}},
		{name: "ports.xml", want: "--max-record-bytes", write: func(w *bufio.Writer) {
			w.WriteString(`<nmaprun><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><ports>`)
			repeat(w, `<port protocol="tcp" portid="1"><state state="open"/></port>`, 1_000_000)
			w.WriteString(`</ports></host></nmaprun>`)
		}},

		// pcap: a record claiming 2 GiB.
		{name: "huge-record.pcap", want: "record length", cli: true, write: func(w *bufio.Writer) {
			hdr := make([]byte, 24+16)
			binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
			binary.LittleEndian.PutUint16(hdr[4:], 2)
			binary.LittleEndian.PutUint16(hdr[6:], 4)
			binary.LittleEndian.PutUint32(hdr[16:], 65535)
			binary.LittleEndian.PutUint32(hdr[20:], 1)
			binary.LittleEndian.PutUint32(hdr[24+8:], 0x7fffffff)
			binary.LittleEndian.PutUint32(hdr[24+12:], 0x7fffffff)
			w.Write(hdr)
			repeat(w, "\x00", 1<<20)
		}},
	}
}

// repeat writes s n times.
func repeat(w *bufio.Writer, s string, n int) {
	chunk := strings.Repeat(s, max(1, min(n, (64<<10)/len(s))))
	per := len(chunk) / len(s)
	for ; n >= per; n -= per {
		w.WriteString(chunk)
	}
	w.WriteString(strings.Repeat(s, n))
}

// xlsxBomb is a workbook: its sheet's rows, its shared strings, whether
// its workbook part nests deep, and how hard it is compressed (the
// default, best, compresses repeated rows fastest; a run of one byte
// compresses fastest at BestSpeed).
type xlsxBomb struct {
	sheet, shared func(w *bufio.Writer)
	deepBook      bool
	level         int
}

// write writes the workbook as a zip archive, streaming every part.
func (x *xlsxBomb) write(w io.Writer) error {
	zw := zip.NewWriter(w)
	level := x.level
	if level == 0 {
		level = flate.BestCompression
	}
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, level) })
	part := func(name string, fill func(w *bufio.Writer)) error {
		pw, err := zw.Create(name)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(pw, 1<<20)
		fill(bw)
		return bw.Flush()
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	parts := []struct {
		name string
		fill func(w *bufio.Writer)
	}{
		{"[Content_Types].xml", func(w *bufio.Writer) {
			w.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`)
		}},
		{"_rels/.rels", func(w *bufio.Writer) {
			w.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `officeDocument" Target="xl/workbook.xml"/></Relationships>`)
		}},
		{"xl/workbook.xml", func(w *bufio.Writer) {
			w.WriteString(`<workbook ` + ns + `><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>`)
			if x.deepBook {
				repeat(w, "<x>", 5_000_000)
			}
			w.WriteString(`</workbook>`)
		}},
		{"xl/_rels/workbook.xml.rels", func(w *bufio.Writer) {
			w.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + rel + `sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
		}},
		{"xl/worksheets/sheet1.xml", func(w *bufio.Writer) {
			w.WriteString(`<worksheet ` + ns + `><sheetData>`)
			x.sheet(w)
			w.WriteString(`</sheetData></worksheet>`)
		}},
	}
	if x.shared != nil {
		parts = append(parts, struct {
			name string
			fill func(w *bufio.Writer)
		}{"xl/sharedStrings.xml", x.shared})
	}
	for _, p := range parts {
		if err := part(p.name, p.fill); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeBomb writes b to a file in dir and returns its path.
func writeBomb(t *testing.T, dir string, b bomb) string {
	t.Helper()
	path := filepath.Join(dir, b.name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	if b.xlsx != nil {
		err = b.xlsx.write(bw)
	} else {
		b.write(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// limited returns a command running the binary under `ulimit -v`.
func limited(args ...string) *exec.Cmd {
	script := fmt.Sprintf(`ulimit -v %d && exec "$0" "$@"`, bombAddressSpace>>10)
	return exec.Command("sh", append([]string{"-c", script, vigilBin}, args...)...)
}

// checkRefusal holds one refusal to the suite: one line, bounded, naming
// the limit.
func checkRefusal(t *testing.T, line, want string) {
	t.Helper()
	if strings.Contains(line, "\n") || len(line) > maxErrorLine || !strings.Contains(line, want) {
		t.Errorf("error %q (%d bytes): want one line of at most %d bytes naming %q", line, len(line), maxErrorLine, want)
	}
}

func TestBombs(t *testing.T) {
	dir := t.TempDir()
	all := bombs()
	for _, more := range moreBombs {
		all = append(all, more()...)
	}
	paths := make([]string, len(all))
	for i, b := range all {
		start := time.Now()
		paths[i] = writeBomb(t, dir, b)
		st, _ := os.Stat(paths[i])
		t.Logf("%s: %d bytes, written in %v", b.name, st.Size(), time.Since(start).Round(time.Millisecond))
	}

	t.Run("cli", func(t *testing.T) {
		for i, b := range all {
			t.Run(b.name, func(t *testing.T) {
				db := filepath.Join(dir, "cli-"+b.name+".db")
				args := append([]string{"import", "--db", db, "--source", "bomb"}, b.flags...)
				if b.args != nil {
					args = append(append(slices.Clone(b.args), "--db", db), b.flags...)
				} else if b.cli {
					args = []string{"discover", "--db", db, "--import"}
				}
				cmd := limited(append(args, paths[i])...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				start := time.Now()
				err := cmd.Run()
				if _, ok := err.(*exec.ExitError); err != nil && !ok {
					t.Fatal(err)
				}
				peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
				t.Logf("exit %d in %v, peak %d MiB: %s", cmd.ProcessState.ExitCode(), time.Since(start).Round(time.Millisecond), peak>>20, strings.TrimSpace(stderr.String()))
				if cmd.ProcessState.ExitCode() != 1 {
					t.Errorf("exit %d, want 1", cmd.ProcessState.ExitCode())
				}
				checkRefusal(t, strings.TrimSuffix(stderr.String(), "\n"), b.want)
				if !strings.HasPrefix(stderr.String(), "vigil: ") {
					t.Errorf("stderr %q is not one vigil: line", stderr.String())
				}
				if peak > bombPeakRSS {
					t.Errorf("peak resident memory %d MiB, want under %d MiB", peak>>20, bombPeakRSS>>20)
				}
				if _, err := os.Stat(db); !os.IsNotExist(err) {
					t.Errorf("the database was written (%v)", err)
				}
			})
		}
	})

	t.Run("upload", func(t *testing.T) {
		db := filepath.Join(dir, "serve.db")
		token := adminToken(t, db)
		srv := limited("serve", "--addr", "127.0.0.1:0", "--db", db, "--insecure-cookies")
		out, err := srv.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		srv.Stderr = &stderr
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			srv.Process.Signal(syscall.SIGTERM)
			srv.Wait()
		}()
		url := serverURL(t, out)
		for i, b := range all {
			if b.cli {
				continue
			}
			t.Run(b.name, func(t *testing.T) {
				upload := b.upload
				if upload == nil {
					upload = uploadImport
				}
				start := time.Now()
				resp, err := upload(t, url, token, paths[i])
				if err != nil {
					t.Fatalf("the server did not answer: %v\n%s", err, stderr.String())
				}
				defer resp.Body.Close()
				var body struct {
					Error struct{ Code, Message string }
				}
				json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body)
				t.Logf("%d in %v: %s", resp.StatusCode, time.Since(start).Round(time.Millisecond), body.Error.Message)
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("status %d, want 400", resp.StatusCode)
				}
				checkRefusal(t, body.Error.Message, b.want)
				t.Logf("server peak so far %d MiB", statusKiB(t, srv.Process.Pid, "VmHWM")>>10)
			})
		}
		// The server is up, wrote nothing, and stayed small throughout.
		resp, err := http.DefaultClient.Do(authed(t, url+"/api/v1/sources", token))
		if err != nil {
			t.Fatalf("the server is down: %v\n%s", err, stderr.String())
		}
		var srcs struct{ Sources []any }
		json.NewDecoder(resp.Body).Decode(&srcs)
		resp.Body.Close()
		if len(srcs.Sources) != 0 {
			t.Errorf("the bombs made sources: %v", srcs.Sources)
		}
		peak := statusKiB(t, srv.Process.Pid, "VmHWM") << 10
		t.Logf("server peak %d MiB", peak>>20)
		if peak > bombPeakRSS {
			t.Errorf("server peak resident memory %d MiB, want under %d MiB", peak>>20, bombPeakRSS>>20)
		}
	})
}

// uploadImport posts the file at path to POST /api/v1/import as a new
// source's snapshot.
func uploadImport(t *testing.T, url, token, path string) (*http.Response, error) {
	return uploadBody(t, url+"/api/v1/import?source=bomb&filename="+filepath.Base(path), token, path)
}

// uploadBody posts the file at path as the request body to url.
func uploadBody(t *testing.T, url, token, path string) (*http.Response, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	req, _ := http.NewRequest("POST", url, f)
	req.Header.Set("Authorization", "Bearer "+token)
	st, _ := f.Stat()
	req.ContentLength = st.Size()
	return http.DefaultClient.Do(req)
}

// adminToken makes an admin and an API token for it in the database at db.
func adminToken(t *testing.T, db string) string {
	t.Helper()
	if code, _, stderr := run(t, nil, "user", "add", "bomber", "--role", "admin", "--password", "correct horse battery", "--db", db); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	code, out, stderr := run(t, nil, "token", "create", "--user", "bomber", "--name", "bombs", "--db", db)
	if code != 0 {
		t.Fatalf("token create: %s", stderr)
	}
	return strings.TrimSpace(out)
}

// serverURL reads the address the server announces on its stdout.
func serverURL(t *testing.T, out io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "serving on "); ok {
				found <- strings.Fields(rest)[0]
			}
		}
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	return ""
}

// authed is a GET request with the token.
func authed(t *testing.T, url, token string) *http.Request {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// statusKiB reads a "kB" line of /proc/PID/status.
func statusKiB(t *testing.T, pid int, key string) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}
